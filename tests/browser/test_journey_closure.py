"""Journey 6: the assistant closes the work with a family (monitoring starts), logs a monitoring
contact, and the monitoring is ended, leaving the case read-only."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.enums import CaseStatus
from tests.factories import CaseFactory, ConsentFactory, FamilyFactory, FamilyMemberFactory, UserFactory

from .helpers import axe_check, back_to_case, expect_message, field, heading, login, open_case, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_closure_monitoring_contact_and_end_of_monitoring(page, base, audit_trail):
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    family = FamilyFactory(name="Kędzierscy")
    FamilyMemberFactory(family=family, first_name="Bożena", last_name="Kędzierska")
    FamilyMemberFactory(family=family, first_name="Jaś", last_name="Kędzierski", child=True, sex="M")
    case = CaseFactory(family=family, assistant=anna)
    ConsentFactory(case=case)

    login(page, base, "anna")
    open_case(page, "Kędzierscy")
    page.get_by_role("link", name="Zakończ pracę z rodziną").click()
    expect(heading(page)).to_contain_text("Zakończ pracę z rodziną")
    axe_check(page)
    # Closed last week: monitoring contacts are the ones after the day of closure.
    field(page, "Data zakończenia pracy").fill((timezone.localdate() - dt.timedelta(days=7)).isoformat())
    field(page, "Przyczyna zakończenia").select_option(label="osiągnięcie celów")
    field(page, "Ocena końcowa").fill(
        "Rodzina samodzielnie prowadzi budżet; Jaś chodzi regularnie do szkoły."
    )
    field(page, "Zalecenia").fill("Kontakt z pracownikiem socjalnym raz na kwartał.")
    shot(page, "6-closure-form")
    page.get_by_role("button", name="Zakończ pracę i rozpocznij monitorowanie").click()
    expect_message(page, "Zakończono pracę z rodziną. Monitorowanie potrwa do")
    closure = page.get_by_role("region", name="Zamknięcie i monitorowanie")
    expect(closure).to_contain_text("osiągnięcie celów")
    axe_check(page)
    shot(page, "6-closure-monitoring")
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORING

    # A monitoring contact: the form offers that kind first once the work is closed.
    page.get_by_role("link", name="Dodaj wizytę").click()
    expect(field(page, "Rodzaj kontaktu")).to_have_value("monitoring")
    axe_check(page)
    page.get_by_role("checkbox", name="Bożena Kędzierska (rodzic)").check()
    field(page, "Czas trwania (minuty)").fill("30")
    field(page, "Tematy i przebieg spotkania").fill("Rodzina radzi sobie sama; rachunki opłacone.")
    page.get_by_role("button", name="Zapisz wizytę").click()
    expect_message(page, "Zapisano wizytę.")
    axe_check(page)
    assert case.visits.get().kind == "monitoring"

    back_to_case(page)
    page.get_by_role("link", name="Zakończ monitorowanie").click()
    expect(heading(page)).to_have_text("Zakończ monitorowanie")
    axe_check(page)
    page.get_by_role("button", name="Zakończ monitorowanie").click()
    # Not without the confirmation.
    expect(page.locator(".invalid-feedback")).to_be_visible()
    axe_check(page)
    page.get_by_role("checkbox", name="Potwierdzam zakończenie monitorowania").check()
    page.get_by_role("button", name="Zakończ monitorowanie").click()
    expect_message(page, "Zakończono monitorowanie. Sprawa jest teraz dostępna tylko do odczytu.")
    expect(page.get_by_role("link", name="Dodaj wizytę")).to_have_count(0)
    axe_check(page)
    shot(page, "6-monitoring-ended")
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED
    audit_trail.assert_audited(user=anna, obj=case, action="view")
    audit_trail.assert_audited(user=anna, obj=case.visits.get(), action="view")
