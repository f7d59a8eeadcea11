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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asystent.audit import AccessAction, log_access
from asystent.files import private_file_response
from asystent.http import AuthenticatedHttpRequest
from cases.models import Case, Family
from cases.selectors import get_case_for
from referrals.models import CatalogueHandover, FamilyReport

from . import selectors, services
from .enums import DocumentKind
from .forms import parse_month
from .kinds import (
    assignment_version,
    back_url,
    describe,
    download_name,
    key_of,
    may_prepare,
    month_version,
    work_plan_version,
)
from .models import RenderedDocument

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
    }


@require_GET
def document_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for(request.user, pk)
    log_access(request, family_id=document.family_id, obj=document, action=AccessAction.VIEW)
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
