"""Journey 4: a family court asks for an opinion. The assistant registers the request and drafts
the opinion (its sections pre-filled from the case), submits it; the manager approves; the PDF is
rendered (in-process here), downloaded, and read back with pdftotext. The manager finds the opinion
on the start page's "Do zrobienia" list; each confirmation names who was told."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courts.models import CourtRequest
from documents.models import RenderedDocument
from tests.factories import (
    CaseFactory,
    CourtOrderFactory,
    FamilyFactory,
    FamilyMemberFactory,
    UserFactory,
    VisitFactory,
)

from .helpers import axe_check, expect_message, field, heading, login, open_case, pdf_text, shot, todo_item

pytestmark = pytest.mark.django_db(transaction=True)

CASE_NUMBER = "III Nsm 512/26"


def test_court_request_opinion_approval_and_pdf(page, base, tmp_path, audit_trail):
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    kasia = UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    family = FamilyFactory(name="Żurawscy", street="ul. Łąkowa 7")
    FamilyMemberFactory(family=family, first_name="Małgorzata", last_name="Żurawska")
    FamilyMemberFactory(family=family, first_name="Szymon", last_name="Żurawski", child=True, sex="M")
    CourtOrderFactory(family=family, registered_by=family.registered_by)
    case = CaseFactory(family=family, assistant=anna, court_ordered=True)
    VisitFactory(case=case, topics="Rozmowa o opiece nad Szymonem.")
    today = timezone.localdate()

    login(page, base, "anna")
    open_case(page, "Żurawscy")
    page.get_by_role("link", name="Zarejestruj wniosek sądu").click()
    expect(heading(page)).to_have_text("Zarejestruj wniosek sądu")
    axe_check(page)
    field(page, "Sąd").fill("Sąd Rejonowy w Zielonej Dolinie")
    field(page, "Wydział").fill("III Wydział Rodzinny i Nieletnich")
    field(page, "Adres sądu").fill("ul. Sądowa 5, 00-951 Zielona Dolina")
    field(page, "Sygnatura akt").fill(CASE_NUMBER)
    field(page, "Data pisma sądu").fill((today - dt.timedelta(days=6)).isoformat())
    field(page, "Data wpływu").fill((today - dt.timedelta(days=3)).isoformat())
    field(page, "Termin przekazania opinii sądowi").fill((today + dt.timedelta(days=21)).isoformat())
    field(page, "Czego oczekuje sąd").fill("Sąd zwraca się o opinię o rodzinie i opiece nad małoletnim.")
    page.get_by_role("button", name="Zarejestruj wniosek").click()
    expect_message(page, "Zarejestrowano wniosek sądu.")
    expect(heading(page)).to_have_text(f"Wniosek sądu {CASE_NUMBER}")
    axe_check(page)
    shot(page, "4-court-request")

    page.get_by_role("button", name="Przygotuj projekt opinii").click()
    expect(heading(page)).to_have_text("Opinia dla sądu – rodzina Żurawscy")
    # Pre-filled from the case: the members, the legal basis with the order, the visit log.
    expect(field(page, "Skład rodziny")).to_have_value(
        re.compile("Małgorzata Żurawska.*Szymon Żurawski", re.S)
    )
    expect(field(page, "Okres i podstawa prawna pracy z rodziną")).to_contain_text("postanowienie sądu")
    expect(field(page, "Częstotliwość kontaktów")).to_contain_text("1 kontakt")
    axe_check(page)
    shot(page, "4-court-opinion-draft")
    field(page, "Postawa rodziny wobec współpracy").fill("Matka chętnie współpracuje z asystentem.")
    field(page, "Wnioski końcowe").fill("Wskazana jest dalsza praca z rodziną przez 6 miesięcy.")
    page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia").click()
    expect_message(
        page, "Przekazano opinię kierownikowi do zatwierdzenia. Powiadomiono: Katarzyna Kierownicka."
    )
    axe_check(page)

    # The manager's start page lists the opinion to approve, with its court and case number.
    login(page, base, "kasia")
    item = todo_item(page, "Zatwierdź lub zwróć opinię dla sądu: Żurawscy (ul. Łąkowa 7)")
    expect(item).to_contain_text(CASE_NUMBER)
    item.click()
    expect(heading(page)).to_have_text("Opinia dla sądu – rodzina Żurawscy, wersja 1")
    axe_check(page)
    page.get_by_role("button", name="Zatwierdź").click()
    expect_message(page, "Zatwierdzono opinię.")
    expect_message(page, "Powiadomiono: Anna Wspierająca.")
    pdf = page.get_by_role("region", name="PDF dla sądu")
    download_link = pdf.get_by_role("link", name="Pobierz plik PDF")
    expect(download_link).to_be_visible(timeout=20_000)
    axe_check(page)
    shot(page, "4-court-opinion-approved")

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = pdf_text(saved)
    assert CASE_NUMBER in text
    assert "Rodzina: Żurawscy" in text
    assert "Małgorzata Żurawska" in text
    court_request = CourtRequest.objects.get(case_number=CASE_NUMBER)
    assert court_request.case == case
    # The assistant's and the manager's reads, the PDF's download included, were recorded.
    version = court_request.opinion.versions.get()
    audit_trail.assert_audited(user=anna, obj=case, action="view")
    audit_trail.assert_audited(user=anna, obj=court_request, action="view")
    # (The manager went from the "Do zrobienia" list straight to the version to approve.)
    audit_trail.assert_audited(user=kasia, obj=version, action="view")
    document = RenderedDocument.objects.get(case=case, status="ready")
    audit_trail.assert_audited(user=kasia, obj=document, action="download")
