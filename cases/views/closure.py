"""Views of closure: the assistant's proposal, the manager's approval or return, and the end of
monitoring (services in cases.services.closure)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asystent import told
from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre
from asystent.roles import role_required
from asystent.transitions import log_entries

from .. import services
from ..closure_blockers import closure_blockers
from ..enums import CaseStatus
from ..forms.closure import ApproveClosureForm, CloseForm, EndMonitoringForm, ReturnClosureForm
from ..models import ClosureReasonPolicy
from ..selectors import get_case_for, get_closure_proposal_for
from ..services import closure
from .access import refuse


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def case_close(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """Propose to close the work with the family; a manager approves or returns the proposal."""
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm("cases.close_case", case):
        raise PermissionDenied
    try:
        services.ensure_in_progress(case)
    except InvalidTransition as error:
        return refuse(request, case, error)
    pending = closure.pending_proposal(case)
    if pending is not None:
        messages.info(request, _("A closure of this case is already waiting for approval."))
        return redirect(pending)
    centre = Centre.load()
    data = request.POST if request.method == "POST" else None
    form = CloseForm(data, initial={"date": timezone.localdate()}, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = closure.propose_closure(
                case=case,
                by=request.user,
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                summary=form.cleaned_data["final_assessment"],
                recommendations=form.cleaned_data["recommendations"],
                monitoring=form.cleaned_data["monitoring"],
            )
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            told.success(
                request,
                _("The closure is proposed. The work goes on until the head of the centre approves it."),
            )
            return redirect(proposal)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(
        request,
        "cases/work/close_form.html",
        {
            "case": case,
            "form": form,
            "monitoring_months": centre.monitoring_months,
            "policies": ClosureReasonPolicy.objects.all(),
            "blockers": closure_blockers(case),
        },
    )


@role_required(Role.ASSISTANT, Role.MANAGER, Role.SOCIAL_WORKER)
@require_http_methods(["GET"])
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The closure proposal, its decisions and, for a manager, the approval and return forms."""
    proposal = get_closure_proposal_for(request.user, pk)
    case = proposal.case
    can_decide = request.user.has_perm("cases.decide_closure", proposal)
    log_access(request, family_id=case.family_id, obj=proposal, action=AccessAction.VIEW)
    return render(
        request,
        "cases/work/closure_proposal.html",
        {
            "case": case,
            "proposal": proposal,
            "transitions": log_entries(proposal),
            "can_decide": can_decide,
            "blockers": closure_blockers(case) if can_decide else [],
            "approve_form": ApproveClosureForm(auto_id="approve_%s"),
            "return_form": ReturnClosureForm(auto_id="return_%s"),
        },
    )


@role_required(Role.MANAGER)
@require_POST
def proposal_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_closure_proposal_for(request.user, pk)
    if not request.user.has_perm("cases.decide_closure", proposal):
        messages.error(request, _("This closure proposal has already been decided."))
        return redirect(proposal)
    form = ApproveClosureForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(proposal)
    try:
        case = closure.approve_closure(
            proposal=proposal, by=request.user, comment=form.cleaned_data["comment"]
        )
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
        return redirect(proposal)
    if case.status == CaseStatus.MONITORING:
        told.success(
            request,
            _("The work with the family is closed. Monitoring continues until %(date)s.")
            % {"date": case.monitoring_until.strftime("%d.%m.%Y") if case.monitoring_until else ""},
        )
    else:
        told.success(request, _("The work with the family is closed, without monitoring."))
    return redirect(case)


@role_required(Role.MANAGER)
@require_POST
def proposal_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_closure_proposal_for(request.user, pk)
    if not request.user.has_perm("cases.decide_closure", proposal):
        messages.error(request, _("This closure proposal has already been decided."))
        return redirect(proposal)
    form = ReturnClosureForm(request.POST, auto_id="return_%s")
    if form.is_valid():
        try:
            closure.return_closure(proposal=proposal, by=request.user, comment=form.cleaned_data["comment"])
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            told.success(request, _("The closure is returned to the assistant; the work goes on."))
            return redirect(proposal.case)
    case = proposal.case
    log_access(request, family_id=case.family_id, obj=proposal, action=AccessAction.VIEW)
    return render(
        request,
        "cases/work/closure_proposal.html",
        {
            "case": case,
            "proposal": proposal,
            "transitions": log_entries(proposal),
            "can_decide": True,
            "blockers": closure_blockers(case),
            "approve_form": ApproveClosureForm(auto_id="approve_%s"),
            "return_form": form,
        },
        status=400,
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
