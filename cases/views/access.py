"""Who does what in a case's work: the family's own assistant writes its plan and assessments, a
manager or the assistant closes it; and how a refused step is shown."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from asystent.errors import InvalidTransition
from asystent.models import User

from ..models import Case


def is_case_assistant(user: User, case: Case) -> bool:
    return user.is_assistant and case.assistant_id == user.pk


def require_case_assistant(user: User, case: Case) -> None:
    """Only the family's own assistant writes its plan and assessments."""
    if not is_case_assistant(user, case):
        raise PermissionDenied


def may_close(user: User, case: Case) -> bool:
    return user.is_manager or is_case_assistant(user, case)


def refuse(request: HttpRequest, case: Case, error: InvalidTransition) -> HttpResponse:
    """The case's status does not allow the step: say why on the case page."""
    messages.error(request, " ".join(error.messages))
    return redirect(case)
