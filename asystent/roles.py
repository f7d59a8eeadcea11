"""Permissions follow roles: a view decorator and an auth backend for the admin's rights."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from .enums import Role

if TYPE_CHECKING:
    from .http import AuthenticatedHttpRequest

# Apps whose models the administrator manages (users, centre, dictionaries); never case data.
ADMINISTRATOR_APP_MODELS = {
    "asystent": {"user", "centre", "rolechangerequest"},
    "cases": {"problemarea", "assessmentarea", "closurereasonpolicy"},
    "notifications": {"remindersettings"},
    "cooperation": {"procedureterms"},
}


def role_required(*roles: Role) -> Callable:
    """Allow the view only to users holding one of `roles`; others get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: "AuthenticatedHttpRequest", *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


class RoleBackend(ModelBackend):
    """Model permissions come from the administrator role, not from per-user grants."""

    def _administers(self, user_obj: Any, app_label: str, model: str | None = None) -> bool:
        if not (user_obj.is_active and getattr(user_obj, "is_administrator", False)):
            return False
        if app_label not in ADMINISTRATOR_APP_MODELS:
            return False
        models = ADMINISTRATOR_APP_MODELS[app_label]
        return model is None or models is None or model in models

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        app_label, _, codename = perm.partition(".")
        model = codename.split("_", 1)[1] if "_" in codename else None
        if self._administers(user_obj, app_label, model):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return self._administers(user_obj, app_label) or super().has_module_perms(user_obj, app_label)
