"""How a case's refused step is shown, and the check that answers 403 to a user without a named
permission (the rules live in cases/permissions.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect

from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.models import User

from ..models import Case


def require_perm(user: User, perm: str, obj: Model) -> None:
    """403 unless `user` holds the named permission on `obj` (e.g. "cases.edit_plan")."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def refuse(request: AuthenticatedHttpRequest, case: Case, error: InvalidTransition) -> HttpResponse:
    """The case's status does not allow the step: say why on the case page."""
    messages.error(request, " ".join(error.messages))
    return redirect(case)
