"""Who may ask for printed documents: the case's assistant or a manager."""

import rules

from asystent.permissions import is_manager
from cases.permissions import is_case_assistant

may_prepare_documents = is_case_assistant | is_manager

rules.add_perm("documents.prepare_documents", may_prepare_documents)
