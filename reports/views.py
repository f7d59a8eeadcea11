"""Views of court requests, opinions and printed documents.

Objects are reached through the scoped selectors (404 when the family is not visible); who may
act is checked next (403), and the services check it again. Views parse input, call a service,
and render or redirect.
"""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.files import scan_mime_type
from asystent.roles import role_required
from cases.selectors import get_case_for

from . import selectors, services
from .documents import assignment_version, download_name, month_version, work_plan_version
from .enums import DocumentKind, OpinionStatus
from .forms import CourtRequestForm, MarkSentForm, OpinionForm, ReturnOpinionForm, parse_month
from .models import OPINION_SECTIONS, CourtOpinion, OpinionVersion, RenderedDocument

# --- court requests ------------------------------------------------------------------------------


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_GET
def court_request_list(request: HttpRequest) -> HttpResponse:
    """Open court requests by due date: the assistant's own cases, or all for a manager."""
    requests = list(selectors.open_court_requests(request.user))
    return render(request, "reports/court_request_list.html", {"requests": requests})


def _court_order_initial(case) -> dict:  # noqa: ANN001
    """A court-ordered family: the court that ordered the work is most likely the one asking."""
    order = case.family.court_orders.order_by("-order_date", "-pk").first()
    if order is None:
        return {}
    return {"court": order.court, "division": order.division, "case_number": order.case_number}


@require_http_methods(["GET", "POST"])
def court_request_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for(request.user, case_pk)
    if not services.may_prepare_documents(request.user, case):
        raise PermissionDenied
    form = CourtRequestForm(request.POST or None, request.FILES or None, initial=_court_order_initial(case))
    if request.method == "POST" and form.is_valid():
        try:
            court_request = services.register_court_request(
                case=case, data=form.cleaned_data, scan=form.cleaned_data.get("scan"), by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The court request has been registered."))
            return redirect(court_request)
    return render(request, "reports/court_request_form.html", {"case": case, "form": form})


@require_GET
def court_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    court_request = selectors.get_court_request_for(request.user, pk)
    case = court_request.case
    log_access(request, family_id=case.family_id, obj=court_request, action=AccessAction.VIEW)
    opinion = CourtOpinion.objects.filter(request=court_request).first()
    context = {
        "court_request": court_request,
        "case": case,
        "opinion": opinion,
        "versions": list(selectors.versions_of(opinion)) if opinion else [],
        "can_draft": opinion is None and services.is_case_assistant(request.user, case),
    }
    return render(request, "reports/court_request_detail.html", context)


@require_GET
def court_request_scan(request: HttpRequest, pk: int) -> FileResponse:
    court_request = selectors.get_court_request_for(request.user, pk)
    if not court_request.scan:
        raise Http404
    try:
        scan = court_request.scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(
        request, family_id=court_request.case.family_id, obj=court_request, action=AccessAction.DOWNLOAD
    )
    response = FileResponse(
        scan,
        as_attachment=True,
        filename=os.path.basename(court_request.scan.name),
        content_type=scan_mime_type(scan) or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- opinions ------------------------------------------------------------------------------------


@require_POST
def opinion_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the opinion for court request `pk`, pre-filled from the case."""
    court_request = selectors.get_court_request_for(request.user, pk)
    if not services.is_case_assistant(request.user, court_request.case):
        raise PermissionDenied
    opinion = services.draft_opinion(request=court_request, by=request.user)
    messages.success(
        request, _("The opinion has been drafted from the case data. Read and complete every section.")
    )
    return redirect("reports:opinion-edit", opinion.pk)


@require_http_methods(["GET", "POST"])
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the draft; on an approved or sent opinion, saving makes the next version."""
    opinion = selectors.get_opinion_for(request.user, pk)
    case = opinion.request.case
    if not services.is_case_assistant(request.user, case):
        raise PermissionDenied
    current = opinion.current_version()
    if current.status == OpinionStatus.SUBMITTED:
        messages.info(request, _("The opinion is with the manager for approval; it cannot be changed now."))
        return redirect(current)
    initial = {name: getattr(current, name) for name in OPINION_SECTIONS}
    initial["seen"] = services.opinion_edit_token(current)
    form = OpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.save_opinion(
                opinion=opinion,
                by=request.user,
                sections=form.cleaned_data,
                seen=form.cleaned_data["seen"] or None,
            )
            if request.POST.get("action") == "submit":
                services.submit_opinion(version=version, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.POST.get("action") == "submit":
                messages.success(request, _("The opinion has been submitted to the manager for approval."))
                return redirect(version)
            if version.pk != current.pk:
                messages.success(
                    request,
                    _("Version %(number)d has been saved as a draft; version %(previous)d stays as it was.")
                    % {"number": version.number, "previous": current.number},
                )
            else:
                messages.success(request, _("The draft has been saved."))
            return redirect("reports:opinion-edit", opinion.pk)
    if request.method == "GET":
        log_access(request, family_id=case.family_id, obj=current, action=AccessAction.VIEW)
    context = {
        "opinion": opinion,
        "court_request": opinion.request,
        "case": case,
        "current": current,
        "form": form,
        "last_return": current.transitions.filter(to_status=OpinionStatus.DRAFT).order_by("-at").first(),
    }
    return render(request, "reports/opinion_form.html", context)


def _step_failed(request: HttpRequest, error: ValidationError, version: OpinionVersion) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(version)


@require_POST
def opinion_submit(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    if not services.is_case_assistant(request.user, version.opinion.request.case):
        raise PermissionDenied
    try:
        services.submit_opinion(version=version, by=request.user)
    except InvalidTransition as error:
        return _step_failed(request, error, version)
    messages.success(request, _("The opinion has been submitted to the manager for approval."))
    return redirect(version)


@role_required(Role.MANAGER)
@require_POST
def opinion_approve(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    try:
        services.approve_opinion(version=version, by=request.user)
    except InvalidTransition as error:
        return _step_failed(request, error, version)
    messages.success(request, _("The opinion has been approved. Its PDF is being prepared."))
    return redirect(version)


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def opinion_return(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    form = ReturnOpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_opinion(version=version, by=request.user, comment=form.cleaned_data["comment"])
        except InvalidTransition as error:
            return _step_failed(request, error, version)
        messages.success(request, _("The opinion has been returned to the assistant."))
        return redirect(version)
    return render(request, "reports/opinion_return.html", {"version": version, "form": form})


@require_http_methods(["GET", "POST"])
def opinion_mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    if not services.may_prepare_documents(request.user, version.opinion.request.case):
        raise PermissionDenied
    form = MarkSentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_opinion_sent(
                version=version,
                by=request.user,
                sent_on=form.cleaned_data["sent_on"],
                method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"],
            )
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dispatch has been recorded; the court request is answered."))
            return redirect(version)
    return render(request, "reports/opinion_mark_sent.html", {"version": version, "form": form})


@require_GET
def opinion_versions(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = selectors.get_opinion_for(request.user, pk)
    documents = selectors.opinion_documents(opinion)
    versions = list(selectors.versions_of(opinion))
    for version in versions:
        version.document = documents.get(version.number)
    context = {
        "opinion": opinion,
        "court_request": opinion.request,
        "case": opinion.request.case,
        "versions": versions,
    }
    return render(request, "reports/opinion_versions.html", context)


@require_GET
def opinion_version(request: HttpRequest, pk: int) -> HttpResponse:
    """One version as it was written (every version stays readable), with its status history."""
    version = selectors.get_opinion_version_for(request.user, pk)
    opinion = version.opinion
    case = opinion.request.case
    log_access(request, family_id=case.family_id, obj=version, action=AccessAction.VIEW)
    latest = opinion.current_version()
    document = selectors.opinion_documents(opinion).get(version.number)
    context = {
        "version": version,
        "opinion": opinion,
        "court_request": opinion.request,
        "case": case,
        "is_latest": latest.pk == version.pk,
        "latest": latest,
        "steps": services.allowed_steps(version, request.user),
        "can_edit": services.is_case_assistant(request.user, case)
        and latest.pk == version.pk
        and version.status != OpinionStatus.SUBMITTED,
        "can_prepare": version.is_frozen and services.may_prepare_documents(request.user, case),
        "document": document,
        "document_stalled": document is not None and services.is_stalled(document),
        "transitions": version.transitions.select_related("by").order_by("at", "pk"),
    }
    return render(request, "reports/opinion_version.html", context)


@require_POST
def opinion_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the PDF of an approved or sent version."""
    version = selectors.get_opinion_version_for(request.user, pk)
    if not services.may_prepare_documents(request.user, version.opinion.request.case):
        raise PermissionDenied
    if not version.is_frozen:
        messages.error(request, _("Only an approved opinion is printed."))
        return redirect(version)
    document = services.request_document(
        kind=DocumentKind.OPINION, obj=version.opinion, version=version.number, by=request.user
    )
    return redirect(document)


# --- the case's documents ------------------------------------------------------------------------


def _case_for_documents(request: HttpRequest, case_pk: int):  # noqa: ANN202
    case = get_case_for(request.user, case_pk)
    if not services.may_prepare_documents(request.user, case):
        raise PermissionDenied
    return case


@require_POST
def work_plan_pdf(request: HttpRequest, case_pk: int) -> HttpResponse:
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
def monthly_visits_pdf(request: HttpRequest, case_pk: int) -> HttpResponse:
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
def assignment_letter_pdf(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case_for_documents(request, case_pk)
    document = services.request_document(
        kind=DocumentKind.ASSIGNMENT_LETTER, obj=case, version=assignment_version(case), by=request.user
    )
    return redirect(document)


# --- documents -----------------------------------------------------------------------------------


def _back_link(document: RenderedDocument) -> str:
    if document.kind == DocumentKind.OPINION:
        version = OpinionVersion.objects.filter(
            opinion_id=document.object_id, number=document.version
        ).first()
        if version is not None:
            return version.get_absolute_url()
    return document.case.get_absolute_url()


def _status_context(request: HttpRequest, document: RenderedDocument) -> dict:
    return {
        "document": document,
        "stalled": services.is_stalled(document),
        "can_retry": services.may_prepare_documents(request.user, document.case),
    }


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for(request.user, pk)
    log_access(request, family_id=document.case.family_id, obj=document, action=AccessAction.VIEW)
    context = _status_context(request, document) | {"case": document.case, "back_url": _back_link(document)}
    return render(request, "reports/document_detail.html", context)


@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment: a spinner that polls every 2 s, the download link, or the error."""
    document = selectors.get_document_for(request.user, pk)
    return TemplateResponse(request, "reports/_document_status.html", _status_context(request, document))


@require_POST
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for(request.user, pk)
    if not services.may_prepare_documents(request.user, document.case):
        raise PermissionDenied
    services.retry_document(document=document, by=request.user)
    document.refresh_from_db()
    if request.htmx:
        return TemplateResponse(request, "reports/_document_status.html", _status_context(request, document))
    return redirect(document)


@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.get_document_for(request.user, pk)
    if not document.is_ready:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(request, family_id=document.case.family_id, obj=document, action=AccessAction.DOWNLOAD)
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(document), content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
