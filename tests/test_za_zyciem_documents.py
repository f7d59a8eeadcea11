"""The "Za życiem" documents handed to the family (art. 8 of the Act of 4 November 2016): the
catalogue of support handed over and the written authorisation for the assistant, printed through
the documents' pipeline. Each is read back with pdftotext, is a tagged PDF in Polish, numbers its
pages, and is one file per object and version; the case page offers them to the case's assistant."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.enums import Relation
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from referrals.enums import Decision, ZaZyciemEligibility
from referrals.models import SupportCatalogueEntry
from referrals.services import (
    decide_referral,
    hand_over_catalogue,
    record_authorisation,
    register_za_zyciem_request,
)

from .factories import FamilyFactory, FamilyMemberFactory
from .test_file_documents import files_of, is_tagged_in_polish, pdf_bytes, text_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def za_case(social_worker, manager, assistant):
    family = FamilyFactory(registered_by=social_worker, name="Szymańscy", street="ul. Polna 7")
    FamilyMemberFactory(family=family, first_name="Marta", last_name="Szymańska", relation=Relation.PARENT)
    request = register_za_zyciem_request(
        family=family,
        data={
            "requested_on": TODAY() - dt.timedelta(days=3),
            "requested_by": "Marta Szymańska (matka)",
            "eligibility": ZaZyciemEligibility.PREGNANCY,
            "expected_birth_date": TODAY() + dt.timedelta(days=90),
            "certificate_date": None,
            "certificate_issuer": "",
            "authorisation_date": None,
            "authorisation_scope": "",
        },
        by=social_worker,
    )
    return decide_referral(
        referral=request.referral, decision=Decision.ASSIGN, by=manager, assistant=assistant
    ).case


def _print(client, url, capture):
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    document = RenderedDocument.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert document.status == DocumentStatus.READY, document.error
    return document


def test_the_authorisation_is_offered_printed_blank_then_with_its_scope(
    client, za_case, assistant, django_capture_on_commit_callbacks
):
    client.force_login(assistant)
    url = reverse("documents:za-zyciem-authorisation-pdf", args=[za_case.pk])
    page = client.get(za_case.get_absolute_url()).content.decode()
    assert url in page
    blank = _print(client, url, django_capture_on_commit_callbacks)
    assert (blank.kind, blank.case, blank.family, blank.worker) == (
        DocumentKind.ZA_ZYCIEM_AUTHORISATION,
        za_case,
        za_case.family,
        None,
    )
    text = text_of(blank)
    assert "Upoważnienie" in text and "Zakres upoważnienia" in text
    assert "art. 8 ustawy z dnia 4 listopada 2016 r. o wsparciu kobiet w ciąży i rodzin „Za życiem”" in text
    assert "Szymańscy" in text and "Marta Szymańska" in text and assistant.get_full_name() in text
    assert "Strona 1 z 1" in text
    assert is_tagged_in_polish(blank)
    # Printing again with the same data: the same row, the same file.
    again = _print(client, url, django_capture_on_commit_callbacks)
    assert (again.pk, again.sha256) == (blank.pk, blank.sha256)
    # Recorded as signed: the same version is printed again with the date and the scope, one file.
    record_authorisation(
        request=za_case.referral.za_zyciem_request,
        date=TODAY(),
        scope="Sprawy w ZUS i w poradni K.",
        by=assistant,
    )
    signed = _print(client, url, django_capture_on_commit_callbacks)
    assert signed.pk == blank.pk and signed.sha256 != blank.sha256
    text = text_of(signed)
    assert "Sprawy w ZUS i w poradni K." in text and TODAY().strftime("%d.%m.%Y") in text
    assert files_of(signed) == [f"{signed.object_id}-v1.pdf"]
    # Listed on the case's documents panel.
    page = client.get(za_case.get_absolute_url()).content.decode()
    assert signed.get_absolute_url() in page


def test_the_catalogue_handed_over_is_a_tagged_numbered_pdf_printed_once(
    client, za_case, assistant, django_capture_on_commit_callbacks
):
    SupportCatalogueEntry.objects.create(
        title="Hospicjum perinatalne",
        description="Opieka i wsparcie rodziny.",
        institution="Hospicjum",
        contact="tel. 1",
    )
    handover = hand_over_catalogue(case=za_case, on=TODAY(), by=assistant)
    client.force_login(assistant)
    url = reverse("documents:support-catalogue-pdf", args=[handover.pk])
    assert url in client.get(za_case.get_absolute_url()).content.decode()
    document = _print(client, url, django_capture_on_commit_callbacks)
    again = _print(client, url, django_capture_on_commit_callbacks)
    assert (again.pk, again.sha256) == (document.pk, document.sha256)
    text = text_of(document)
    assert "Katalog możliwego do uzyskania wsparcia" in text and "Hospicjum perinatalne" in text
    assert "Strona 1 z 1" in text
    assert is_tagged_in_polish(document)
    assert pdf_bytes(document).startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", "-"], input=pdf_bytes(document), capture_output=True, check=True)
    assert b"Tagged:          yes" in info.stdout


def test_only_the_case_s_assistant_and_managers_print_the_authorisation(
    client, za_case, other_assistant, social_worker, manager
):
    url = reverse("documents:za-zyciem-authorisation-pdf", args=[za_case.pk])
    client.force_login(other_assistant)
    assert client.post(url).status_code == 404
    client.force_login(social_worker)
    assert url not in client.get(za_case.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 405
    assert not RenderedDocument.objects.exists()
