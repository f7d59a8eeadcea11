"""Views of closure with monitoring and of the end of monitoring (services in cases.services.closure)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre
from asystent.roles import role_required

from .. import services
from ..enums import CaseStatus
from ..forms.closure import CloseForm, EndMonitoringForm
from ..selectors import get_case_for
from ..services import closure
from .access import refuse


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def case_close(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """Close the work with the family; monitoring starts for the centre's period."""
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm("cases.close_case", case):
        raise PermissionDenied
    try:
        services.ensure_in_progress(case)
    except InvalidTransition as error:
        return refuse(request, case, error)
    centre = Centre.load()
    data = request.POST if request.method == "POST" else None
    form = CloseForm(data, initial={"date": timezone.localdate()}, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            case = closure.close_with_monitoring(
                case=case,
                by=request.user,
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                final_assessment=form.cleaned_data["final_assessment"],
                recommendations=form.cleaned_data["recommendations"],
            )
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The work with the family is closed. Monitoring continues until %(date)s.")
                % {"date": case.monitoring_until.strftime("%d.%m.%Y") if case.monitoring_until else ""},
            )
            return redirect(case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(
        request,
        "cases/work/close_form.html",
        {"case": case, "form": form, "monitoring_months": centre.monitoring_months},
    )


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def monitoring_end(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """End the monitoring after confirmation; the case becomes read-only."""
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm("cases.close_case", case):
        raise PermissionDenied
    if case.status != CaseStatus.MONITORING:
        messages.error(request, _("Only a case in monitoring can end its monitoring."))
        return redirect(case)
    form = EndMonitoringForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            closure.end_monitoring(case=case, by=request.user, on=timezone.localdate())
        except InvalidTransition as error:
            return refuse(request, case, error)
        messages.success(request, _("The monitoring has ended. The case is now read-only."))
        return redirect(case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(
        request,
        "cases/work/monitoring_end.html",
        {
            "case": case,
            "form": form,
            "early": case.monitoring_until and case.monitoring_until > timezone.localdate(),
        },
    )
