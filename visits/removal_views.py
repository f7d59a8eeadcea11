"""No hard delete: removing a visit logged by mistake (its author or the case's assistant) and
restoring it (a manager, from the page of removed records)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.roles import role_required
from cases.forms import RemovalForm

from .models import Visit
from .selectors import get_visit_for
from .services import may_remove_visit, remove_visit, restore_visit


@require_http_methods(["GET", "POST"])
def visit_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    if not may_remove_visit(request.user, visit):
        raise PermissionDenied
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remove_visit(visit=visit, by=request.user, reason=form.cleaned_data["reason"])
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The visit has been removed from the log. A manager can restore it."))
            return redirect("visits:case-visits", visit.case_id)
    return render(request, "visits/visit_remove.html", {"form": form, "visit": visit, "case": visit.case})


@role_required(Role.MANAGER)
@require_POST
def visit_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit.all_objects.visible_to(request.user).removed(), pk=pk)
    try:
        restore_visit(visit=visit, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit is back in the log."))
    return redirect("cases:removed-records")
