"""Who keeps the staff records: the manager and the administrator (no family data in them)."""

import rules

from asystent.permissions import is_administrator, is_manager

rules.add_perm("staff.manage_records", is_manager | is_administrator)
rules.add_perm("staff.manage_costs", is_manager)
