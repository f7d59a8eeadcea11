"""Journey: a "Za życiem" request from intake to the catalogue handed over. A social worker records
a pregnant woman's request (no interview), the manager assigns an assistant from the queue, the
case starts at once, and the assistant hands over the catalogue of available support and prints it
(rendered in-process here, downloaded and read back with pdftotext)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.enums import CaseStatus, LegalBasis
from referrals.models import CatalogueHandover, SupportCatalogueEntry, ZaZyciemRequest
from tests.factories import FamilyFactory, FamilyMemberFactory, UserFactory

from .helpers import axe_check, expect_message, field, heading, login, nav_link, open_case, pdf_text, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_za_zyciem_request_from_intake_to_the_catalogue_handed_over(page, base, audit_trail, tmp_path):
    paulina = UserFactory(username="paulina", social_worker=True, first_name="Paulina", last_name="Socjalna")
    kasia = UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    family = FamilyFactory(name="Źrebieccy", registered_by=paulina)
    FamilyMemberFactory(family=family, first_name="Żaneta", last_name="Źrebiecka")
    SupportCatalogueEntry.objects.create(
        title="Hospicjum perinatalne",
        description="Opieka paliatywna i wsparcie rodziny.",
        institution="Hospicjum Zielona Dolina",
        contact="tel. +48 22 000 55 66",
    )
    today = timezone.localdate()

    # The social worker records the request: no interview is asked for.
    login(page, base, "paulina")
    page.goto(f"{base}{family.get_absolute_url()}")
    expect(heading(page)).to_contain_text("Źrebieccy")
    page.get_by_role("link", name="Wniosek „Za życiem”").click()
    expect(heading(page)).to_have_text("Wniosek „Za życiem”: Źrebieccy")
    axe_check(page)
    field(page, "Data wniosku").fill((today - dt.timedelta(days=1)).isoformat())
    field(page, "Wnioskodawca").fill("Żaneta Źrebiecka")
    page.get_by_role("radio", name="dziecko z zaświadczeniem lekarskim (art. 4 ust. 3)").check()
    page.get_by_role("button", name="Zapisz wniosek").click()
    # A child's eligibility needs the certificate: said next to the field, the rest kept.
    expect(page.locator(".invalid-feedback").first).to_contain_text("Podaj datę zaświadczenia lekarskiego.")
    expect(field(page, "Wnioskodawca")).to_have_value("Żaneta Źrebiecka")
    axe_check(page)
    shot(page, "za-zyciem-request-error")
    page.get_by_role("radio", name="ciąża").check()
    field(page, "Przewidywana data porodu").fill((today + dt.timedelta(days=100)).isoformat())
    page.get_by_role("button", name="Zapisz wniosek").click()
    expect_message(page, "Wniosek „Za życiem” został zapisany i trafił do kolejki kierownika.")
    axe_check(page)
    request = ZaZyciemRequest.objects.get(family=family)
    assert request.referral.interview is None

    # The manager assigns an assistant as for other cases.
    login(page, base, "kasia")
    nav_link(page, "Kolejka wniosków").click()
    page.get_by_role("row", name="Źrebieccy").get_by_role("link", name="Podejmij decyzję").click()
    axe_check(page)
    page.get_by_role("radio", name="przydzielenie asystenta").check()
    assistant = field(page, "Asystent rodziny")
    assistant.select_option(label=assistant.get_by_role("option", name="Anna Wspierająca").inner_text())
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect_message(page, "Przydzielono asystenta: Anna Wspierająca; sprawa została otwarta.")
    request.referral.refresh_from_db()
    case = request.referral.case
    assert case.legal_basis == LegalBasis.ZA_ZYCIEM
    assert case.status == CaseStatus.ACTIVE  # the request is the family's will: no consent step

    # The assistant hands over the catalogue and prints it.
    login(page, base, "anna")
    open_case(page, "Źrebieccy")
    section = page.get_by_role("region", name="Wsparcie „Za życiem”")
    expect(section).to_contain_text("Żaneta Źrebiecka")
    section.get_by_role("link", name="Przekaż katalog wsparcia").click()
    expect(heading(page)).to_have_text("Katalog dostępnego wsparcia")
    expect(page.get_by_text("Hospicjum perinatalne")).to_be_visible()
    axe_check(page)
    field(page, "Data przekazania").fill(today.isoformat())
    page.get_by_role("button", name="Zapisz przekazanie").click()
    expect_message(page, "Zapisano przekazanie katalogu wsparcia.")
    expect(page.get_by_role("region", name="Wsparcie „Za życiem”")).to_contain_text(
        f"Przekazany {today:%d.%m.%Y} przez: Anna Wspierająca"
    )
    axe_check(page)
    shot(page, "za-zyciem-catalogue-handed-over")
    page.get_by_role("button", name=f"Katalog przekazany {today:%d.%m.%Y} (PDF)").click()
    download_link = page.get_by_role("link", name="Pobierz plik PDF")
    expect(download_link).to_be_visible(timeout=20_000)
    axe_check(page)
    with page.expect_download() as download_info:
        download_link.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    text = pdf_text(saved)
    assert "Katalog możliwego do uzyskania wsparcia" in text
    assert "Hospicjum perinatalne" in text and "Źrebieccy" in text

    handover = CatalogueHandover.objects.get(case=case)
    assert (handover.handed_on, handover.handed_by) == (today, anna)
    audit_trail.assert_audited(user=paulina, obj=family, action="view")
    audit_trail.assert_audited(user=kasia, obj=request.referral, action="view")
    audit_trail.assert_audited(user=anna, obj=case, action="view")
