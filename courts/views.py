"""Views of court requests and opinions.

Objects are reached through the scoped selectors (404 when the family is not visible); who may
act is checked next (403), and the services check it again. Views parse input, call a service,
and render or redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent import told
from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.files import private_file_response
from asystent.http import AuthenticatedHttpRequest
from asystent.roles import role_required
from cases.selectors import get_case_for
from documents import services as document_services
from documents.enums import DocumentKind

from . import notices, selectors, services
from .enums import OpinionStatus
from .forms import (
    CourtNoticeForm,
    CourtRequestForm,
    MarkSentForm,
    NoAnswerForm,
    NonCooperationForm,
    OpinionForm,
    ReturnOpinionForm,
)
from .models import OPINION_SECTIONS, REQUIRED_SECTIONS, CourtOpinion, OpinionVersion

# --- court requests ------------------------------------------------------------------------------


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_GET
def court_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open court requests by due date: the assistant's own cases, or all for a manager."""
    requests = list(selectors.open_court_requests(request.user))
    return render(request, "courts/court_request_list.html", {"requests": requests})


def _court_order_initial(case) -> dict:  # noqa: ANN001
    """A court-ordered family: the court that ordered the work is most likely the one asking."""
    order = case.family.court_orders.order_by("-order_date", "-pk").first()
    if order is None:
        return {}
    return {"court": order.court, "division": order.division, "case_number": order.case_number}


@require_http_methods(["GET", "POST"])
def court_request_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm("courts.register_request", case):
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
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(request, "courts/court_request_form.html", {"case": case, "form": form})


@require_GET
def court_request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    court_request = selectors.get_court_request_for(request.user, pk)
    case = court_request.case
    log_access(request, family_id=case.family_id, obj=court_request, action=AccessAction.VIEW)
    opinion = CourtOpinion.objects.filter(request=court_request).first()
    context = {
        "court_request": court_request,
        "case": case,
        "opinion": opinion,
        "versions": list(selectors.versions_of(opinion)) if opinion else [],
        "can_draft": opinion is None and request.user.has_perm("courts.draft_opinion", case),
        "can_record_no_answer": court_request.is_open
        and request.user.has_perm("courts.record_no_answer", court_request),
        "no_answer_form": NoAnswerForm(),
    }
    return render(request, "courts/court_request_detail.html", context)


@role_required(Role.MANAGER)
@require_POST
def court_request_no_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager records why the court's request will not be answered."""
    court_request = selectors.get_court_request_for(request.user, pk)
    form = NoAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(court_request)
    try:
        services.record_no_answer(request=court_request, by=request.user, reason=form.cleaned_data["reason"])
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reason is recorded: the request will not be answered."))
    return redirect(court_request)


@require_GET
def court_request_scan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    court_request = selectors.get_court_request_for(request.user, pk)
    return private_file_response(
        request, court_request.scan, family_id=court_request.case.family_id, obj=court_request
    )


# --- opinions ------------------------------------------------------------------------------------


@require_POST
def opinion_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start the opinion for court request `pk`, pre-filled from the case."""
    court_request = selectors.get_court_request_for(request.user, pk)
    if not request.user.has_perm("courts.draft_opinion", court_request.case):
        raise PermissionDenied
    opinion = services.draft_opinion(request=court_request, by=request.user)
    messages.success(
        request, _("The opinion has been drafted from the case data. Read and complete every section.")
    )
    return redirect("courts:opinion-edit", opinion.pk)


@require_http_methods(["GET", "POST"])
def opinion_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit the draft; on an approved or sent opinion, saving makes the next version."""
    opinion = selectors.get_opinion_for(request.user, pk)
    case = opinion.request.case
    if not request.user.has_perm("courts.draft_opinion", case):
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
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.POST.get("action") == "submit":
                try:
                    services.submit_opinion(version=version, by=request.user)
                except ValidationError:
                    # The text is saved; the page is opened afresh (a reload sends nothing again,
                    # and it carries the saved version, so the next save is not taken for a change
                    # made elsewhere) and shows the sections still to fill in, the error summary
                    # linking to each.
                    request.session[_REFUSED_KEY.format(pk=opinion.pk)] = True
                    return redirect("courts:opinion-edit", opinion.pk)
            if request.POST.get("action") == "submit":
                told.success(request, _("The opinion has been submitted to the manager for approval."))
                return redirect(version)
            if version.pk != current.pk:
                messages.success(
                    request,
                    _("Version %(number)d has been saved as a draft; version %(previous)d stays as it was.")
                    % {"number": version.number, "previous": current.number},
                )
            else:
                messages.success(request, _("The draft has been saved."))
            return redirect("courts:opinion-edit", opinion.pk)
    if request.method == "GET":
        log_access(request, family_id=case.family_id, obj=current, action=AccessAction.VIEW)
        if request.session.pop(_REFUSED_KEY.format(pk=opinion.pk), False):
            form = _opinion_not_submitted(current)
    return _opinion_page(request, opinion, current, form)


# The session's note that submitting the opinion was just refused (shown once, on the next GET).
_REFUSED_KEY = "opinion-refused-{pk}"


def _opinion_not_submitted(version: OpinionVersion) -> OpinionForm:
    """The saved draft's form with an error at each required section left empty: submitting
    needs them (courts.services.submit_opinion)."""
    data = {name: getattr(version, name) for name in OPINION_SECTIONS}
    data["seen"] = services.opinion_edit_token(version)
    form = OpinionForm(data)
    form.is_valid()
    form.add_error(None, _("The draft has been saved but not submitted for approval."))
    for name in REQUIRED_SECTIONS:
        if not str(getattr(version, name)).strip():
            form.add_error(name, _("Fill in this section before submitting the opinion."))
    return form


def _opinion_page(
    request: AuthenticatedHttpRequest, opinion: CourtOpinion, current: OpinionVersion, form: OpinionForm
) -> HttpResponse:
    context = {
        "opinion": opinion,
        "court_request": opinion.request,
        "case": opinion.request.case,
        "current": current,
        "form": form,
        "last_return": current.transitions.filter(to_status=OpinionStatus.DRAFT).order_by("-at").first(),
    }
    return render(request, "courts/opinion_form.html", context)


def _step_failed(
    request: AuthenticatedHttpRequest, error: ValidationError, version: OpinionVersion
) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(version)


@require_POST
def opinion_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    if not request.user.has_perm("courts.submit_opinion", version.opinion.request.case):
        raise PermissionDenied
    try:
        services.submit_opinion(version=version, by=request.user)
    except InvalidTransition as error:
        return _step_failed(request, error, version)
    told.success(request, _("The opinion has been submitted to the manager for approval."))
    return redirect(version)


@role_required(Role.MANAGER)
@require_POST
def opinion_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    try:
        services.approve_opinion(version=version, by=request.user)
    except InvalidTransition as error:
        return _step_failed(request, error, version)
    told.success(request, _("The opinion has been approved. Its PDF is being prepared."))
    return redirect(version)


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def opinion_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    form = ReturnOpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_opinion(version=version, by=request.user, comment=form.cleaned_data["comment"])
        except InvalidTransition as error:
            return _step_failed(request, error, version)
        told.success(request, _("The opinion has been returned to the assistant."))
        return redirect(version)
    log_access(
        request, family_id=version.opinion.request.case.family_id, obj=version, action=AccessAction.VIEW
    )
    return render(request, "courts/opinion_return.html", {"version": version, "form": form})


@require_http_methods(["GET", "POST"])
def opinion_mark_sent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_opinion_version_for(request.user, pk)
    if not request.user.has_perm("courts.send_opinion", version.opinion.request.case):
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
    log_access(
        request, family_id=version.opinion.request.case.family_id, obj=version, action=AccessAction.VIEW
    )
    return render(request, "courts/opinion_mark_sent.html", {"version": version, "form": form})


@require_GET
def opinion_versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
    log_access(request, family_id=opinion.request.case.family_id, obj=opinion, action=AccessAction.VIEW)
    return render(request, "courts/opinion_versions.html", context)


@require_GET
def opinion_version(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
        "can_edit": request.user.has_perm("courts.draft_opinion", case)
        and latest.pk == version.pk
        and version.status != OpinionStatus.SUBMITTED,
        "can_prepare": version.is_frozen and request.user.has_perm("documents.prepare_documents", case),
        "document": document,
        "document_stalled": document is not None and document_services.is_stalled(document),
        "transitions": version.transitions.select_related("by").order_by("at", "pk"),
    }
    return render(request, "courts/opinion_version.html", context)


@require_POST
def opinion_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask for the PDF of an approved or sent version."""
    version = selectors.get_opinion_version_for(request.user, pk)
    if not request.user.has_perm("documents.prepare_documents", version.opinion.request.case):
        raise PermissionDenied
    if not version.is_frozen:
        messages.error(request, _("Only an approved opinion is printed."))
        return redirect(version)
    document = document_services.request_document(
        kind=DocumentKind.OPINION, obj=version.opinion, version=version.number, by=request.user
    )
    return redirect(document)


# --- a court-ordered family's non-cooperation: the facts and the notice to the court --------------


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def non_cooperation_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm("courts.record_non_cooperation", case):
        raise PermissionDenied
    form = NonCooperationForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            notices.record_non_cooperation(
                case=case,
                date=form.cleaned_data["date"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            told.success(
                request, _("The fact has been recorded; the manager prepares the notice to the court.")
            )
            return redirect(case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    context = {"case": case, "form": form, "facts": case.non_cooperation.order_by("date", "pk")}
    return render(request, "courts/non_cooperation_form.html", context)


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def court_notice_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm("courts.prepare_notice", case):
        raise PermissionDenied
    form = CourtNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notices.prepare_court_notice(
                case=case, due_date=form.cleaned_data["due_date"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            told.success(request, _("The notice to the court has been prepared. Its PDF is being prepared."))
            return redirect(notice)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    context = {
        "case": case,
        "form": form,
        "facts": notices.unreported_facts(case),
        "order": notices.court_order_of(case),
    }
    return render(request, "courts/court_notice_form.html", context)


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_GET
def court_notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_court_notice_for(request.user, pk)
    log_access(request, family_id=notice.case.family_id, obj=notice, action=AccessAction.VIEW)
    document = selectors.notice_document(notice)
    context = {
        "notice": notice,
        "case": notice.case,
        "facts": notice.facts.order_by("date", "pk"),
        "document": document,
        "document_stalled": document is not None and document_services.is_stalled(document),
        "can_send": notice.is_pending and request.user.has_perm("courts.send_notice", notice.case),
    }
    return render(request, "courts/court_notice_detail.html", context)


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def court_notice_mark_sent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_court_notice_for(request.user, pk)
    if not request.user.has_perm("courts.send_notice", notice.case):
        raise PermissionDenied
    form = MarkSentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notices.mark_court_notice_sent(
                notice=notice,
                by=request.user,
                sent_on=form.cleaned_data["sent_on"],
                method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dispatch of the notice to the court has been recorded."))
            return redirect(notice)
    log_access(request, family_id=notice.case.family_id, obj=notice, action=AccessAction.VIEW)
    return render(
        request, "courts/court_notice_mark_sent.html", {"notice": notice, "case": notice.case, "form": form}
    )
