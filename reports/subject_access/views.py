"""The manager's data-subject access pages (GDPR art. 15): a page for one family member with the
export as JSON and as PDF. Every export is recorded in the access log before it is served."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.files import private_attachment
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre
from asystent.roles import role_required
from documents.kinds import PDF_LANGUAGE
from documents.pdf import LOGO_URL, InternalOnlyFetcher, html_to_pdf

from .data import get_subject_for, subject_access_data


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
@require_GET
def subject_access_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Rendered at once: a few pages, asked for rarely, and handed over by the manager in person."""
    member = get_subject_for(request.user, pk)
    centre = Centre.load()
    with translation.override(PDF_LANGUAGE):
        data = subject_access_data(member=member)
        html = render_to_string(
            "reports/subject/pdf.html",
            {"data": data, "centre": centre, "logo_url": LOGO_URL if centre.logo else ""},
        )
    pdf = html_to_pdf(html, fetcher=InternalOnlyFetcher(centre))
    log_access(request, family_id=member.family_id, obj=member, action=AccessAction.EXPORT)
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), _filename(member, "pdf"))
