"""Views of intake: interviews, referrals, court orders, the manager's queue and decision.

Thin on purpose: forms parse the input, `referrals.services` change state, selectors scope every
read to the user (404 for what the user may not see), and `role_required` answers 403 to a role
that has no business on the page.
"""

import copy
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent import told
from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import CaseloadFull, InvalidTransition
from asystent.files import private_file_response
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre, User
from asystent.pagination import paginate
from asystent.roles import role_required
from asystent.transitions import can_proceed, log_entries
from cases.enums import LegalBasis
from cases.models import Case
from cases.selectors import get_case_for, get_family_for
from cases.services import caseload_limits, caseloads

from .enums import Decision, ReferralStatus
from .filters import ReferralFilter
from .forms import (
    AssistantChoiceField,
    AuthorisationForm,
    CatalogueHandoverForm,
    CourtOrderForm,
    DecisionForm,
    FamilyReportForm,
    InterviewForm,
    ReferralForm,
    ZaZyciemRequestForm,
)
from .models import (
    CommunityInterview,
    CourtOrder,
    FamilyReport,
    Referral,
    SupportCatalogueEntry,
    ZaZyciemRequest,
)
from .selectors import get_court_order_for, get_referral_for
from .services import (
    decide_referral,
    hand_over_catalogue,
    record_authorisation,
    record_report,
    register_court_order,
    register_za_zyciem_request,
    save_referral,
    submit_referral,
    withdraw_referral,
    za_zyciem_request_of,
)

PAGE_SIZE = 25


def _own_referral(request: AuthenticatedHttpRequest, pk: int) -> Referral:
    """A referral the user may see and wrote: only its author edits, submits or withdraws it."""
    referral = get_referral_for(request.user, pk)
    if not request.user.has_perm("referrals.change_own_referral", referral):
        raise PermissionDenied
    return referral


def _days_waiting(referral: Referral) -> int:
    if referral.submitted_at is None:
        return 0
    return (timezone.localdate() - timezone.localdate(referral.submitted_at)).days


# --- community interview ----------------------------------------------------------------------


@role_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def interview_create(request: AuthenticatedHttpRequest, family_pk: int) -> HttpResponse:
    family = get_family_for(request.user, family_pk)
    interview = CommunityInterview(family=family, social_worker=request.user)
    form = InterviewForm(request.POST or None, instance=interview)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The community interview has been recorded."))
        return redirect(family.get_absolute_url())
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(request, "referrals/interview_form.html", {"form": form, "family": family})


# --- referral by a social worker --------------------------------------------------------------


def _save_referral(request: AuthenticatedHttpRequest, form: ReferralForm) -> Referral | None:
    """Save the draft and, with the second button, submit it; a refusal becomes a form error and
    the form keeps what the user typed."""
    submit = request.POST.get("action") == "submit"
    try:
        referral = save_referral(
            referral=form.instance,
            data=form.referral_data(),
            version=form.cleaned_data["version"],
            by=request.user,
            submit=submit,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if submit:
        told.success(request, _("The referral has been submitted to the manager."))
    else:
        messages.success(request, _("The draft referral has been saved."))
    return referral


@role_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest, family_pk: int) -> HttpResponse:
    family = get_family_for(request.user, family_pk)
    referral = Referral(family=family, social_worker=request.user)
    form = ReferralForm(request.POST or None, instance=referral, family=family)
    if request.method == "POST" and form.is_valid():
        saved = _save_referral(request, form)
        if saved is not None:
            return redirect(saved)
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(request, "referrals/referral_form.html", {"form": form, "family": family})


@role_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def referral_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _own_referral(request, pk)
    if referral.status != ReferralStatus.DRAFT and request.method == "GET":
        messages.error(request, _("Only a draft referral can be changed."))
        return redirect(referral)
    # A form sent after the referral was submitted elsewhere is shown again with the refusal, so
    # what was typed is not lost. The form edits a copy: the page keeps the referral as on file.
    form = ReferralForm(request.POST or None, instance=copy.copy(referral), family=referral.family)
    if request.method == "POST" and form.is_valid():
        saved = _save_referral(request, form)
        if saved is not None:
            return redirect(saved)
    log_access(request, family_id=referral.family_id, obj=referral, action=AccessAction.VIEW)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "family": referral.family, "referral": referral},
    )


@role_required(Role.SOCIAL_WORKER)
@require_POST
def referral_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _own_referral(request, pk)
    try:
        submit_referral(referral=referral, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        told.success(request, _("The referral has been submitted to the manager."))
    return redirect(referral)


@role_required(Role.SOCIAL_WORKER)
@require_POST
def referral_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = _own_referral(request, pk)
    try:
        withdraw_referral(referral=referral, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The referral has been withdrawn."))
    return redirect(referral)


@role_required(Role.SOCIAL_WORKER, Role.ASSISTANT, Role.MANAGER)
@require_GET
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request.user, pk)
    prefetch_related_objects(
        [referral],
        "social_worker",
        "decided_by",
        "case__assistant",
        "problem_areas",
        "interview__social_worker",
        "interview__problem_areas",
    )
    log_access(request, family_id=referral.family_id, obj=referral, action=AccessAction.VIEW)
    is_author = request.user.is_social_worker and request.user.has_perm(
        "referrals.change_own_referral", referral
    )
    context = {
        "referral": referral,
        "family": referral.family,
        "days_waiting": _days_waiting(referral),
        "can_edit": is_author and referral.status == ReferralStatus.DRAFT,
        "can_withdraw": is_author and can_proceed(referral.withdraw),
        "can_decide": (
            request.user.has_perm("referrals.decide_referral", referral) and referral.awaiting_decision
        ),
        "transitions": log_entries(referral),
    }
    return render(request, "referrals/referral_detail.html", context)


@role_required(Role.SOCIAL_WORKER, Role.MANAGER)
@require_GET
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    referrals = Referral.objects.visible_to(request.user).select_related("family", "social_worker")
    if not request.user.is_manager:
        referrals = referrals.filter(social_worker=request.user)
    referral_filter = ReferralFilter(request.GET or None, queryset=referrals.order_by("-created_at", "-pk"))
    page = paginate(request, referral_filter.qs, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": referral_filter,
        "page": page,
        "query": query.urlencode(),
        "everyone": request.user.is_manager,
    }
    return render(request, "referrals/referral_list.html", context)


# --- court order ----------------------------------------------------------------------------


@role_required(Role.SOCIAL_WORKER, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def court_order_create(request: AuthenticatedHttpRequest, family_pk: int) -> HttpResponse:
    family = get_family_for(request.user, family_pk)
    order = CourtOrder(family=family, registered_by=request.user)
    form = CourtOrderForm(request.POST or None, request.FILES or None, instance=order, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        social_worker = data.get("social_worker") or (request.user if request.user.is_social_worker else None)
        order = register_court_order(
            family=family,
            court=data["court"],
            division=data["division"],
            case_number=data["case_number"],
            order_date=data["order_date"],
            received_on=data["received_on"],
            scan=data["scan"],
            justification=data["justification"],
            by=request.user,
            social_worker=social_worker,
        )
        if order.basis_period is not None:
            told.success(
                request,
                _(
                    "The family's work is in progress: the court order has been attached to the "
                    "open case, which is court-ordered from %(date)s."
                )
                % {"date": order.basis_period.started_on.strftime("%d.%m.%Y")},
            )
            # Whoever sees the family sees its cases (Case.objects.visible_to goes by the family).
            return redirect(order.basis_period.case)
        told.success(request, _("The court order has been registered and is first in the manager's queue."))
        return redirect(order.referral)
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(request, "referrals/court_order_form.html", {"form": form, "family": family})


@role_required(Role.SOCIAL_WORKER, Role.ASSISTANT, Role.MANAGER)
@require_GET
def court_order_scan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    order = get_court_order_for(request.user, pk)
    return private_file_response(request, order.scan, family_id=order.family_id, obj=order)


# --- the manager's queue and decision ---------------------------------------------------------


@role_required(Role.MANAGER)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Referrals awaiting a decision, court orders first, then the longest waiting."""
    referrals = list(
        Referral.objects.visible_to(request.user)
        .queue()
        .select_related("family", "interview", "court_order", "social_worker")
    )
    for referral in referrals:
        referral.days_waiting = _days_waiting(referral)
    context = {
        "submitted": [r for r in referrals if r.status == ReferralStatus.SUBMITTED],
        "waitlisted": [r for r in referrals if r.status == ReferralStatus.WAITLISTED],
    }
    return render(request, "referrals/queue.html", context)


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def referral_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request.user, pk)
    if not referral.awaiting_decision:
        messages.error(request, _("This referral is not awaiting a decision."))
        return redirect(referral)
    centre = Centre.load()
    form = DecisionForm(
        request.POST or None,
        referral=referral,
        loads=caseloads(),
        limit=centre.caseload_limit,
        limits=caseload_limits(),
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        assistant: User | None = form.cleaned_data["assistant"] if decision == Decision.ASSIGN else None
        try:
            referral = decide_referral(
                referral=referral,
                decision=decision,
                by=request.user,
                assistant=assistant,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except CaseloadFull as error:
            form.add_error("assistant", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if referral.case is not None:
                told.success(
                    request,
                    _("%(assistant)s has been assigned; the case is open.") % {"assistant": assistant},
                )
                return redirect(referral.case)
            told.success(request, _("The decision has been recorded."))
            return redirect("referrals:queue")
        # Refused: show the current loads again, with what the manager chose still selected.
        cast(AssistantChoiceField, form.fields["assistant"]).loads = caseloads()
    log_access(request, family_id=referral.family_id, obj=referral, action=AccessAction.VIEW)
    context = {
        "form": form,
        "referral": referral,
        "family": referral.family,
        "days_waiting": _days_waiting(referral),
        "limit": centre.caseload_limit,
    }
    return render(request, "referrals/decide.html", context)


# --- reports of families and "Za życiem" requests --------------------------------------------


@role_required(Role.SOCIAL_WORKER, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def report_create(request: AuthenticatedHttpRequest, family_pk: int) -> HttpResponse:
    """Who reported the family, how and when: the interview's deadline starts that day."""
    family = get_family_for(request.user, family_pk)
    form = FamilyReportForm(request.POST or None, instance=FamilyReport(family=family), by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = record_report(family=family, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The report has been recorded; the community interview is due by %(date)s.")
                % {"date": report.interview_due.strftime("%d.%m.%Y")},
            )
            return redirect(family.get_absolute_url())
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(request, "referrals/report_form.html", {"form": form, "family": family})


@role_required(Role.SOCIAL_WORKER, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def za_zyciem_create(request: AuthenticatedHttpRequest, family_pk: int) -> HttpResponse:
    """A request for an assistant under the "Za życiem" Act: to the manager, without an interview."""
    family = get_family_for(request.user, family_pk)
    form = ZaZyciemRequestForm(request.POST or None, instance=ZaZyciemRequest(family=family))
    if request.method == "POST" and form.is_valid():
        try:
            za_request = register_za_zyciem_request(family=family, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            told.success(
                request, _("The “Za życiem” request has been recorded and is in the manager's queue.")
            )
            return redirect(za_request.referral)
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(request, "referrals/za_zyciem_form.html", {"form": form, "family": family})


def _za_zyciem_case(request: AuthenticatedHttpRequest, case_pk: int) -> tuple[Case, ZaZyciemRequest | None]:
    case = get_case_for(request.user, case_pk)
    if case.legal_basis != LegalBasis.ZA_ZYCIEM:
        raise Http404
    if not request.user.has_perm("referrals.hand_over_catalogue", case):
        raise PermissionDenied
    return case, za_zyciem_request_of(case)


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def catalogue_handover(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """The assistant records handing the family the catalogue of available support."""
    case, _request = _za_zyciem_case(request, case_pk)
    form = CatalogueHandoverForm(request.POST or None, initial={"handed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            hand_over_catalogue(case=case, on=form.cleaned_data["handed_on"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The handover of the support catalogue has been recorded."))
            return redirect(case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    context = {
        "form": form,
        "case": case,
        "family": case.family,
        "entries": SupportCatalogueEntry.objects.filter(is_active=True),
    }
    return render(request, "referrals/catalogue_handover.html", context)


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def authorisation_edit(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """The assistant records the family's written authorisation to act before other bodies."""
    case, za_request = _za_zyciem_case(request, case_pk)
    if za_request is None:
        raise Http404
    initial = {
        "authorisation_date": za_request.authorisation_date,
        "authorisation_scope": za_request.authorisation_scope,
    }
    form = AuthorisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_authorisation(
                request=za_request,
                date=form.cleaned_data["authorisation_date"],
                scope=form.cleaned_data["authorisation_scope"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The written authorisation has been recorded."))
            return redirect(case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    context = {"form": form, "case": case, "family": case.family}
    return render(request, "referrals/authorisation_form.html", context)
