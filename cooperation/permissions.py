"""Who may do what in cooperation with institutions: the administrator, the social workers and
the managers keep the register of institutions; whoever sees a family logs its correspondence;
the family's assistant, a manager or a social worker starts a "Niebieska Karta" procedure, and
whoever may see a procedure records its group, meetings, tasks and end."""

from typing import Any

import rules

from asystent.enums import Role
from asystent.permissions import is_administrator, is_manager, is_social_worker

from . import selectors
from .models import Procedure, Task


@rules.predicate
def may_see_procedure(user: Any, procedure: Procedure) -> bool:
    return bool(user.is_authenticated and selectors.may_see_procedure(user, procedure))


@rules.predicate
def is_open_procedure(user: Any, procedure: Procedure) -> bool:
    return procedure.is_open


@rules.predicate
def is_task_owner(user: Any, task: Task) -> bool:
    """The person the task was given to, or a manager (marking it done twice changes nothing)."""
    return bool(task.assignee_id == user.pk or user.has_role(Role.MANAGER))


@rules.predicate
def works_with_families(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ASSISTANT, Role.SOCIAL_WORKER, Role.MANAGER))


rules.add_perm("cooperation.keep_institutions", is_administrator | is_social_worker | is_manager)
rules.add_perm("cooperation.log_letters", works_with_families)
rules.add_perm("cooperation.start_procedure", works_with_families)
rules.add_perm("cooperation.record_procedure", may_see_procedure & is_open_procedure)
rules.add_perm("cooperation.complete_task", is_task_owner)
