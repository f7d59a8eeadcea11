"""The manager's data-subject access pages (GDPR art. 15): a page for one family member with the
export as JSON and as PDF (rendered by the worker, as a printed document). Every export is
recorded in the access log."""

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_POST

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.files import private_attachment
from asystent.http import AuthenticatedHttpRequest
from asystent.roles import role_required
from documents.enums import DocumentKind
from documents.kinds import PDF_LANGUAGE
from documents.services import request_document

from .data import get_subject_for, subject_access_data
from .documents import day_version


def _filename(member, extension: str) -> str:  # noqa: ANN001
    # The file name carries no name or PESEL: it may end up in a download folder or an e-mail.
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"dostep-do-danych-{member.pk}-{stamp}.{extension}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    return private_attachment(response, filename)


@role_required(Role.MANAGER)
@require_GET
def subject_access(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_subject_for(request.user, pk)
    log_access(request, family_id=member.family_id, obj=member, action=AccessAction.VIEW)
    return render(request, "reports/subject/page.html", {"member": member, "family": member.family})


@role_required(Role.MANAGER)
@require_GET
def subject_access_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_subject_for(request.user, pk)
    with translation.override(PDF_LANGUAGE):
        data = subject_access_data(member=member)
    log_access(request, family_id=member.family_id, obj=member, action=AccessAction.EXPORT)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    return _attachment(response, _filename(member, "json"))


@role_required(Role.MANAGER)
@require_POST
def subject_access_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Asks for the PDF copy: the worker renders it (never this request), and the document's page
    shows its progress, the download or why it could not be prepared."""
    member = get_subject_for(request.user, pk)
    document = request_document(
        kind=DocumentKind.SUBJECT_ACCESS,
        obj=member,
        version=day_version(timezone.localdate()),
        by=request.user,
    )
    log_access(request, family_id=member.family_id, obj=member, action=AccessAction.EXPORT)
    return redirect(document)
