"""Who may read the reports: a manager opens the names behind the figures and answers a person's
request for their data (GDPR art. 15)."""

import rules

from asystent.permissions import is_manager

rules.add_perm("reports.export_subject_data", is_manager)
rules.add_perm("reports.see_names_behind_figures", is_manager)
