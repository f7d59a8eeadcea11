"""Four eyes on access to case data: role changes that open families' files (social worker,
assistant, manager, coordinator) take effect only when a second person confirms them.

An administrator's request is confirmed by a manager and a manager's by an administrator; nobody
decides a request they made or one that changes their own roles, and an administrator never
changes their own roles. Every request and decision is written to the access log and notified to
every manager, in the same transaction as the change.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import AccessAction, log_access
from .enums import Role, RoleChangeStatus
from .models import RoleChangeRequest, User
from .staff_notices import notify_managers

# The roles (and the coordinator, who supervises an assistant's cases) that open case data.
ACCESS_FIELDS = ("is_social_worker", "is_assistant", "is_manager", "coordinator")


def access_of(user: User) -> dict[str, Any]:
    """The user's present values of ACCESS_FIELDS (the coordinator as a user or None)."""
    return {name: getattr(user, name) for name in ACCESS_FIELDS}


def _requester_role(by: User) -> Role:
    if by.has_role(Role.ADMINISTRATOR):
        return Role.ADMINISTRATOR
    if by.has_role(Role.MANAGER):
        return Role.MANAGER
    raise PermissionDenied


def request_role_change(
    *, request: HttpRequest, user: User, by: User, access: dict[str, Any]
) -> RoleChangeRequest | None:
    """Record a request to give `user` the roles in `access` (the ACCESS_FIELDS); None when they
    already hold them. A pending request of the same user is replaced by the new one."""
    if user.pk == by.pk:
        raise PermissionDenied(_("Nobody can change their own roles."))
    requested_as = _requester_role(by)
    wanted = {name: access.get(name, getattr(user, name)) for name in ACCESS_FIELDS}
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        RoleChangeRequest.objects.filter(user=user, status=RoleChangeStatus.PENDING).update(
            status=RoleChangeStatus.REPLACED
        )
        if wanted == access_of(user):
            return None
        change = RoleChangeRequest.objects.create(
            user=user, requested_by=by, requested_as=requested_as, **wanted
        )
        log_access(request, family_id=None, obj=change, action=AccessAction.ROLE_REQUEST)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "%(by)s asks to change the roles of %(user)s to: %(roles)s. A second person must confirm it."
            ) % {
                "by": by,
                "user": user,
                "roles": change.roles_label,
            }
        notify_managers(
            rule="role_change",
            key=f"role_change:{change.pk}:requested",
            message=message,
            url=reverse("role-change-list"),
        )
    return change


def decidable_by(by: User) -> QuerySet:
    """The pending requests `by` may decide."""
    pending = RoleChangeRequest.objects.filter(status=RoleChangeStatus.PENDING).select_related(
        "user", "requested_by", "coordinator"
    )
    return RoleChangeRequest.objects.filter(
        pk__in=[c.pk for c in pending if by.has_perm("asystent.decide_role_change", c)]
    ).select_related("user", "requested_by", "coordinator")


def decide_role_change(
    *, request: HttpRequest, change: RoleChangeRequest, by: User, confirm: bool
) -> RoleChangeRequest:
    """Confirm (apply the roles) or reject a pending request; ValidationError when the roles
    together are not allowed any more (art. 17), PermissionDenied when `by` may not decide it."""
    with transaction.atomic():
        change = RoleChangeRequest.objects.select_for_update().get(pk=change.pk)
        if not by.has_perm("asystent.decide_role_change", change):
            raise PermissionDenied
        user = User.objects.select_for_update().get(pk=change.user_id)
        if confirm:
            for name in ACCESS_FIELDS:
                setattr(user, name, getattr(change, name))
            user.full_clean()
            user.save(
                update_fields=[f"{name}_id" if name == "coordinator" else name for name in ACCESS_FIELDS]
            )
        change.status = RoleChangeStatus.CONFIRMED if confirm else RoleChangeStatus.REJECTED
        change.decided_by = by
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        action = AccessAction.ROLE_CONFIRM if confirm else AccessAction.ROLE_REJECT
        log_access(request, family_id=None, obj=change, action=action)
        with translation.override(settings.LANGUAGE_CODE):
            template = (
                _("%(by)s confirmed the roles of %(user)s: %(roles)s.")
                if confirm
                else _("%(by)s rejected the change of the roles of %(user)s to: %(roles)s.")
            )
            message = template % {"by": by, "user": user, "roles": change.roles_label}
        notify_managers(
            rule="role_change",
            key=f"role_change:{change.pk}:{change.status}",
            message=message,
            url=reverse("role-change-list"),
        )
    return change


def set_password(*, user: User, password: str, by: User) -> None:
    """Set `user`'s password; set by anyone else, it must be changed by its owner at the next login."""
    user.set_password(password)
    user.must_change_password = user.pk != by.pk
    user.save(update_fields=["password", "must_change_password"])
