"""Journey 6: the assistant proposes to close the work with a family, the manager (from the start
page's "Do zrobienia" list) returns the proposal with a comment, the assistant proposes again and
the manager approves (monitoring starts); a monitoring contact is logged and the monitoring is
ended, leaving the case read-only. Each confirmation names who was told."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.enums import CaseStatus
from tests.factories import CaseFactory, ConsentFactory, FamilyFactory, FamilyMemberFactory, UserFactory

from .helpers import (
    axe_check,
    back_to_case,
    expect_message,
    field,
    heading,
    login,
    open_case,
    shot,
    todo_item,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _propose(page) -> None:
    page.get_by_role("link", name="Zaproponuj zakończenie pracy").click()
    expect(heading(page)).to_contain_text("Zaproponuj zakończenie pracy z rodziną")
    axe_check(page)
    # Closed last week: monitoring contacts are the ones from the day of closure.
    field(page, "Data zakończenia pracy").fill((timezone.localdate() - dt.timedelta(days=7)).isoformat())
    field(page, "Przyczyna zakończenia").select_option(label="osiągnięcie celów")
    field(page, "Ocena końcowa").fill(
        "Rodzina samodzielnie prowadzi budżet; Jaś chodzi regularnie do szkoły."
    )
    field(page, "Zalecenia").fill("Kontakt z pracownikiem socjalnym raz na kwartał.")
    page.get_by_role("button", name="Zaproponuj zakończenie").click()
    expect_message(page, "Zaproponowano zakończenie pracy.")
    expect_message(page, "Powiadomiono: Katarzyna Kierownicka.")
    expect(heading(page)).to_have_text("Wniosek o zakończenie pracy")
    axe_check(page)


def _managers_proposal(page, base) -> None:
    """The manager finds the waiting closure on the start page's "Do zrobienia" list and opens it."""
    login(page, base, "kasia")
    todo_item(page, "Zatwierdź lub zwróć zakończenie pracy z rodziną: Kędzierscy").click()
    expect(heading(page)).to_have_text("Wniosek o zakończenie pracy")
    axe_check(page)


def test_closure_proposed_returned_approved_then_monitoring_and_its_end(page, base, audit_trail):
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    family = FamilyFactory(name="Kędzierscy")
    FamilyMemberFactory(family=family, first_name="Bożena", last_name="Kędzierska")
    FamilyMemberFactory(family=family, first_name="Jaś", last_name="Kędzierski", child=True, sex="M")
    case = CaseFactory(family=family, assistant=anna)
    ConsentFactory(case=case)

    # The assistant proposes; the work goes on.
    login(page, base, "anna")
    open_case(page, "Kędzierscy")
    _propose(page)
    shot(page, "6-closure-proposed")
    back_to_case(page)
    expect(page.locator("#closure-pending")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE

    # The manager returns it: not without a comment.
    _managers_proposal(page, base)
    page.get_by_role("button", name="Zwróć asystentowi").click()
    expect(page.get_by_text("Podaj, dlaczego zakończenie jest zwracane.").first).to_be_visible()
    axe_check(page)
    field(page, "Dlaczego zakończenie jest zwracane?").fill("Proszę opisać sytuację Jasia w szkole.")
    page.get_by_role("button", name="Zwróć asystentowi").click()
    expect_message(page, "Zakończenie zwrócono asystentowi; praca trwa. Powiadomiono: Anna Wspierająca.")
    axe_check(page)

    # The assistant reads the comment and proposes again.
    login(page, base, "anna")
    open_case(page, "Kędzierscy")
    expect(page.locator("#closure-returned")).to_contain_text("Proszę opisać sytuację Jasia w szkole.")
    _propose(page)

    # The manager approves: the work closes and monitoring starts.
    _managers_proposal(page, base)
    shot(page, "6-closure-to-approve")
    page.get_by_role("button", name="Zatwierdź zakończenie").click()
    expect_message(page, "Zakończono pracę z rodziną. Monitorowanie potrwa do")
    expect_message(page, "Powiadomiono: Anna Wspierająca.")
    closure = page.get_by_role("region", name="Zamknięcie i monitorowanie")
    expect(closure).to_contain_text("osiągnięcie celów")
    axe_check(page)
    shot(page, "6-closure-monitoring")
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORING
    assert list(case.closure_proposals.values_list("status", flat=True).order_by("pk")) == [
        "returned",
        "approved",
    ]

    login(page, base, "anna")
    open_case(page, "Kędzierscy")
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
    kasia = case.closure_proposals.first().decided_by
    audit_trail.assert_audited(user=kasia, obj=case.closure_proposals.last(), action="view")
