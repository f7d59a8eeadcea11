"""Who may do what in the visit log: the case's own assistant logs visits and interventions, the
author corrects a visit, and the author or the case's assistant removes one logged by mistake."""

from typing import Any

import rules

from asystent.enums import Role
from cases.permissions import is_case_assistant

from .models import Visit


@rules.predicate
def is_visit_author(user: Any, visit: Visit) -> bool:
    return bool(user.is_authenticated and visit.author_id == user.pk and is_case_assistant(user, visit.case))


@rules.predicate
def may_remove_visit(user: Any, visit: Visit) -> bool:
    """The visit's author or the case's assistant (both assistants)."""
    return bool(
        user.is_authenticated
        and user.has_role(Role.ASSISTANT)
        and user.pk in (visit.author_id, visit.case.assistant_id)
    )


rules.add_perm("visits.log_visit", is_case_assistant)
rules.add_perm("visits.record_intervention", is_case_assistant)
rules.add_perm("visits.edit_visit", is_visit_author)
rules.add_perm("visits.remove_visit", may_remove_visit)
