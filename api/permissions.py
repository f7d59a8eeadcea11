"""Who may do what through the API: the token's scope, on top of the rules of each app."""

from typing import Any

import rules
from rest_framework import permissions
from rest_framework.request import Request

from asystent.permissions import is_manager

from .models import AccessToken

# The semi-annual report's figures through the API: managers only.
rules.add_perm("api.read_report_figures", is_manager)


class TokenScopeAllows(permissions.BasePermission):
    """A read-only token reads; writing needs a token of the read-and-write scope. A request made
    with the session (the application's own pages) is not limited by a scope."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        if isinstance(token, AccessToken) and request.method not in permissions.SAFE_METHODS:
            return token.allows_writes
        return True


class MayReadReportFigures(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.has_perm("api.read_report_figures"))
