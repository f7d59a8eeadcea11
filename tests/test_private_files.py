"""Private downloads (asystent.files.private_file_response): each is recorded, served with the type
its content showed at upload (never the name's), saved rather than shown, kept by no cache, and a
file missing from the storage answers a Polish 404 page rather than a server error."""

import hashlib
import os

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from asystent.audit import AccessLog
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument

from .factories import CaseFactory, ConsentFactory, CourtOrderFactory, CourtRequestFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MISSING = "Plik nie jest dostępny"


def court_order(case, name="postanowienie.pdf"):
    order = CourtOrderFactory(family=case.family)
    order.scan.save(name, ContentFile(PDF))
    return order, reverse("referrals:court-order-scan", args=[order.pk])


def consent(case, name="zgoda.pdf"):
    item = ConsentFactory(case=case)
    item.scan.save(name, ContentFile(PDF))
    return item, reverse("cases:consent-scan", args=[item.pk])


def court_request(case, name="pismo.pdf"):
    item = CourtRequestFactory(case=case)
    item.scan.save(name, ContentFile(PDF))
    return item, reverse("courts:court-request-scan", args=[item.pk])


def rendered_document(case, name="plan.pdf"):
    item = RenderedDocument.objects.create(
        kind=DocumentKind.ASSIGNMENT_LETTER,
        object_id=case.pk,
        version=1,
        case=case,
        family=case.family,
        requested_by=case.assistant,
    )
    item.file.save(name, ContentFile(PDF))
    item.status, item.sha256 = DocumentStatus.READY, hashlib.sha256(PDF).hexdigest()
    item.save()
    return item, reverse("documents:download", args=[item.pk])


DOWNLOADS = [court_order, consent, court_request, rendered_document]


@pytest.fixture
def case():
    return CaseFactory(court_ordered=True)


@pytest.mark.parametrize("make", DOWNLOADS, ids=lambda make: make.__name__)
def test_each_download_is_recorded_and_served_as_a_private_attachment(client, case, make):
    obj, url = make(case)
    client.force_login(case.assistant)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    log = AccessLog.objects.get(action="download", object_id=obj.pk)
    assert log.family_id == case.family_id and log.user == case.assistant


@pytest.mark.parametrize("make", DOWNLOADS, ids=lambda make: make.__name__)
def test_a_file_missing_from_the_storage_answers_a_polish_404_page(client, case, make):
    obj, url = make(case)
    field = getattr(obj, "scan", None) or obj.file
    os.remove(field.path)
    client.force_login(case.assistant)
    response = client.get(url)
    assert response.status_code == 404
    assert MISSING in response.content.decode()
    assert not AccessLog.objects.filter(action="download").exists()


def test_a_pdf_uploaded_under_an_html_name_is_served_as_a_pdf(client, case):
    _order, url = court_order(case, name="x.html")
    client.force_login(case.assistant)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_download_name_keeps_no_folders_nor_quotes(client, case):
    _consent, url = consent(case, name='ska"n; zgody.pdf')
    client.force_login(case.assistant)
    disposition = client.get(url)["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.count('"') == 2
    assert ";" not in disposition.removeprefix("attachment;")


def test_a_stored_name_that_cannot_be_read_answers_the_404_page_too(client, case):
    order, url = court_order(case)
    path = order.scan.path
    os.remove(path)
    os.mkdir(path)  # e.g. a restore that left a folder where the file was
    try:
        client.force_login(case.assistant)
        response = client.get(url)
    finally:
        os.rmdir(path)
    assert response.status_code == 404
    assert MISSING in response.content.decode()


def test_only_the_helper_answers_with_a_stored_file():
    """Every private download goes through asystent.files.private_file_response."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "bench"} or relative.parts[0].startswith(".venv"):
            continue
        text = path.read_text(encoding="utf-8")
        if "FileResponse(" in text:
            found.append(str(relative))
    assert found == ["asystent/files.py"]
