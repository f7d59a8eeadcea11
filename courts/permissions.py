"""Who may do what with court requests and opinions: the case's assistant or a manager registers
a request and sends the approved opinion, the case's assistant drafts and submits the opinion, and
a manager approves or returns it (never their own text: courts.services checks the four eyes).
A court-ordered family's non-cooperation: the case's assistant or a manager records the facts, a
manager prepares the notice to the court, and whoever sends documents records its dispatch."""

import rules

from asystent.permissions import is_manager
from cases.permissions import is_case_assistant
from documents.permissions import may_prepare_documents

rules.add_perm("courts.register_request", may_prepare_documents)
rules.add_perm("courts.draft_opinion", is_case_assistant)
rules.add_perm("courts.submit_opinion", is_case_assistant)
rules.add_perm("courts.review_opinion", is_manager)
rules.add_perm("courts.send_opinion", may_prepare_documents)
rules.add_perm("courts.record_non_cooperation", is_case_assistant | is_manager)
rules.add_perm("courts.prepare_notice", is_manager)
rules.add_perm("courts.send_notice", may_prepare_documents)
