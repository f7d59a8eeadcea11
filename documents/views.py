"""Views of the printed documents: asking for a case's documents (work plan, visit log,
assignment letter), a document's page, its status fragment (htmx), trying again, the download.

Objects are reached through the scoped selectors (404 when the family is not visible); who may
act is checked next (403), and the services check it again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent.audit import AccessAction, log_access, log_accesses
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.files import private_file_response
from asystent.http import AuthenticatedHttpRequest
from asystent.pagination import paginate
from cases.models import Assessment, Case, ClosureProposal, Family
from cases.selectors import get_case_for
from referrals.models import CatalogueHandover, FamilyReport, Referral, ZaZyciemRequest
from seals.selectors import SealCheck, check_seal

from . import selectors, services
from .enums import DocumentKind
from .file_documents import period_version
from .forms import WorkCardForm, parse_month
from .kinds import (
    assignment_version,
    back_url,
    describe,
    download_name,
    key_for,
    key_of,
    may_prepare,
    month_version,
    work_plan_version,
)
from .models import RenderedDocument
from .monthly_report import prepare_monthly_report, reports_for, validate_report_month

# --- the case's documents ------------------------------------------------------------------------


def _case_for_documents(request: AuthenticatedHttpRequest, case_pk: int):  # noqa: ANN202
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm("documents.prepare_documents", case):
        raise PermissionDenied
    return case


@require_POST
def work_plan_pdf(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = _case_for_documents(request, case_pk)
    version = work_plan_version(case)
    if version is None:
        messages.error(request, _("The case has no work plan yet."))
        return redirect(case)
    document = services.request_document(
        kind=DocumentKind.WORK_PLAN, obj=case, version=version, by=request.user
    )
    return redirect(document)


@require_POST
def monthly_visits_pdf(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """The visit log of one month (?month=2026-11, or `month` in the form)."""
    case = _case_for_documents(request, case_pk)
    month = parse_month(request.POST.get("month") or request.GET.get("month"))
    if month is None:
        messages.error(request, _("Choose the month of the visit log."))
        return redirect(case)
    try:
        services.validate_month(case, *month)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(case)
    document = services.request_document(
        kind=DocumentKind.MONTHLY_VISITS, obj=case, version=month_version(*month), by=request.user
    )
    return redirect(document)


@require_POST
def assignment_letter_pdf(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = _case_for_documents(request, case_pk)
    document = services.request_document(
        kind=DocumentKind.ASSIGNMENT_LETTER, obj=case, version=assignment_version(case), by=request.user
    )
    return redirect(document)


# --- documents -----------------------------------------------------------------------------------


def _status_context(request: AuthenticatedHttpRequest, document: RenderedDocument) -> dict:
    return {
        "document": document,
        "stalled": services.is_stalled(document),
        "can_retry": may_prepare(request.user, key_of(document)),
        "seal": _seal_of(document),
    }


def _seal_of(document: RenderedDocument) -> SealCheck | None:
    """The ready file's seal, checked now against the centre's certificates (None: not sealed)."""
    if not document.is_ready:
        return None
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return check_seal(data)


@require_GET
def document_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for(request.user, pk)
    log_access(request, family_id=document.family_id, obj=document, action=AccessAction.VIEW)
    if document.worker_id is not None and document.family_id is None:
        # A worker's document names families: the access is recorded for each of them too.
        log_accesses(
            request,
            [(family.pk, document) for family in document.mentioned_families.all()],
            action=AccessAction.VIEW,
        )
    context = _status_context(request, document) | {
        "case": document.case,
        "family": document.family,
        "back_url": back_url(document),
        "description": describe(document),
    }
    return render(request, "documents/document_detail.html", context)


@require_GET
def document_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment: a spinner that polls every 2 s, the download link, or the error."""
    document = selectors.get_document_for(request.user, pk)
    return TemplateResponse(request, "documents/_document_status.html", _status_context(request, document))


@require_POST
def document_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for(request.user, pk)
    if not may_prepare(request.user, key_of(document)):
        raise PermissionDenied
    services.retry_document(document=document, by=request.user)
    document.refresh_from_db()
    if request.htmx:
        return TemplateResponse(
            request, "documents/_document_status.html", _status_context(request, document)
        )
    return redirect(document)


@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    document = selectors.get_document_for(request.user, pk)
    if not document.is_ready:
        raise Http404
    return private_file_response(
        request,
        document.file,
        family_id=document.family_id,
        obj=document,
        filename=download_name(document),
        content_type="application/pdf",
    )


# --- intake documents ----------------------------------------------------------------------------


@require_POST
def support_catalogue_pdf(request: AuthenticatedHttpRequest, handover_pk: int) -> HttpResponse:
    """The catalogue of available support as it was handed to a "Za życiem" family."""
    handover = get_object_or_404(
        CatalogueHandover.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=handover_pk
    )
    _case_for_documents(request, handover.case_id)
    document = services.request_document(
        kind=DocumentKind.SUPPORT_CATALOGUE, obj=handover, version=1, by=request.user
    )
    return redirect(document)


@require_POST
def report_answer_pdf(request: AuthenticatedHttpRequest, report_pk: int) -> HttpResponse:
    """The answer to the reporter: the centre has taken up the report (nothing more). It belongs
    to the family and may be printed before the family has a case."""
    report = get_object_or_404(
        FamilyReport.objects.filter(family__in=Family.objects.visible_to(request.user)), pk=report_pk
    )
    document = services.request_document(
        kind=DocumentKind.REPORT_ANSWER, obj=report, version=1, by=request.user
    )
    return redirect(document)


@require_POST
def za_zyciem_authorisation_pdf(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """The family's written authorisation for its assistant ("Za życiem"), for signing: blank
    until the authorisation is recorded, then with its date and scope."""
    case = _case_for_documents(request, case_pk)
    za_request = get_object_or_404(ZaZyciemRequest, referral__case=case)
    document = services.request_document(
        kind=DocumentKind.ZA_ZYCIEM_AUTHORISATION, obj=za_request, version=1, by=request.user
    )
    return redirect(document)


# --- the documents of the family's file (issue 17) -------------------------------------------------


def _request_or_refuse(request: AuthenticatedHttpRequest, *, kind: str, obj: object, version: int, back: str):  # noqa: ANN202
    """Ask for the document and go to its page; a refusal (not submitted, not approved) goes back
    to `back` with the reason."""
    try:
        document = services.request_document(kind=kind, obj=obj, version=version, by=request.user)
    except InvalidTransition as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    return redirect(document)


@require_POST
def consent_form_pdf(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """The consent to work with an assistant, with the information clause, for the family to sign."""
    case = _case_for_documents(request, case_pk)
    return _request_or_refuse(
        request, kind=DocumentKind.CONSENT_FORM, obj=case, version=1, back=case.get_absolute_url()
    )


@require_POST
def assessment_pdf(request: AuthenticatedHttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=assessment_pk
    )
    _case_for_documents(request, assessment.case_id)
    return _request_or_refuse(
        request,
        kind=DocumentKind.ASSESSMENT,
        obj=assessment,
        version=assessment.version,
        back=assessment.case.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def work_card(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """The family work card: the form of its period (GET), and asking for it (POST)."""
    case = _case_for_documents(request, case_pk)
    if request.method == "POST":
        form = WorkCardForm(request.POST, case=case)
        if form.is_valid():
            version = period_version(form.cleaned_data["first"], form.cleaned_data["last"])
            return _request_or_refuse(
                request, kind=DocumentKind.WORK_CARD, obj=case, version=version, back=case.get_absolute_url()
            )
    else:
        today = timezone.localdate()
        initial = {"first": max(today.replace(day=1), case.opened_on), "last": today}
        form = WorkCardForm(initial=initial, case=case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    context = {"case": case, "family": case.family, "form": form}
    return render(request, "documents/work_card_form.html", context)


@require_POST
def closure_report_pdf(request: AuthenticatedHttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        ClosureProposal.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=proposal_pk
    )
    _case_for_documents(request, proposal.case_id)
    back = proposal.case.get_absolute_url()
    return _request_or_refuse(request, kind=DocumentKind.CLOSURE_REPORT, obj=proposal, version=1, back=back)


@require_POST
def monitoring_note_pdf(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = _case_for_documents(request, case_pk)
    return _request_or_refuse(
        request, kind=DocumentKind.MONITORING_NOTE, obj=case, version=1, back=case.get_absolute_url()
    )


@require_POST
def referral_pdf(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    """The referral (wniosek o przydzielenie asystenta) as it was filed."""
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=referral_pk)
    if not may_prepare(request.user, key_for(kind=DocumentKind.REFERRAL, obj=referral, version=1)):
        raise PermissionDenied
    return _request_or_refuse(
        request, kind=DocumentKind.REFERRAL, obj=referral, version=1, back=referral.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
def monthly_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The assistants' monthly reports: an assistant prepares theirs (POST ?month=YYYY-MM) and sees
    them; a manager sees every assistant's."""
    user = request.user
    is_assistant = user.has_role(Role.ASSISTANT)
    if not (is_assistant or user.is_manager):
        raise PermissionDenied
    if request.method == "POST":
        if not is_assistant:
            raise PermissionDenied
        month = parse_month(request.POST.get("month"))
        refusal = _("Choose the month of the report.") if month is None else validate_report_month(*month)
        if refusal or month is None:
            messages.error(request, refusal or _("Choose the month of the report."))
            return redirect("documents:monthly-reports")
        document = prepare_monthly_report(assistant=user, year=month[0], month=month[1], by=user)
        return redirect(document)
    page = paginate(request, reports_for(user), 25)
    return render(
        request,
        "documents/monthly_reports.html",
        {
            "page": page,
            "reports": [(document, describe(document)) for document in page.object_list],
            "can_prepare": is_assistant,
            "this_month": timezone.localdate().strftime("%Y-%m"),
        },
    )
