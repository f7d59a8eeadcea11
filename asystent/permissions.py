"""Who may do what: the role predicates every app's rules build on, and the core's own rules.

Each app keeps its rules in one `permissions.py`, registered as named permissions with the
`rules` library (`rules.add_perm("cases.edit_plan", ...)`). Views ask `user.has_perm(name, obj)`,
templates `{% has_perm name user obj as allowed %}`; the core imports every app's module when the
apps are ready (`discover`), so no lower app needs to name a higher one.
"""

from typing import Any

import rules
from django.utils.module_loading import autodiscover_modules

from .enums import Role, RoleChangeStatus
from .models import RoleChangeRequest


def _holds(user: Any, *roles: Role) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


@rules.predicate
def is_social_worker(user: Any) -> bool:
    return _holds(user, Role.SOCIAL_WORKER)


@rules.predicate
def is_assistant(user: Any) -> bool:
    return _holds(user, Role.ASSISTANT)


@rules.predicate
def is_manager(user: Any) -> bool:
    return _holds(user, Role.MANAGER)


@rules.predicate
def is_administrator(user: Any) -> bool:
    return _holds(user, Role.ADMINISTRATOR)


@rules.predicate
def may_decide_role_change(user: Any, change: RoleChangeRequest) -> bool:
    """The other role than the requester's confirms, and neither the requester nor the person
    whose roles change."""
    if change.status != RoleChangeStatus.PENDING or user.pk in (change.requested_by_id, change.user_id):
        return False
    if change.requested_as == Role.ADMINISTRATOR:
        return _holds(user, Role.MANAGER)
    return _holds(user, Role.ADMINISTRATOR)


rules.add_perm("asystent.decide_role_change", may_decide_role_change)


# A record removed as added by mistake is restored by a manager (asystent.removal).
rules.add_perm("asystent.restore_removed", is_manager)


def discover() -> None:
    """Register the rules of every installed app (each app's `permissions` module)."""
    autodiscover_modules("permissions")
