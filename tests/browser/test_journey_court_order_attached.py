"""Journey: a court order arrives while voluntary work is open. The social worker registers it
against the family; it is attached to the open case, not queued as a new referral; the manager
is told and sees it attached, the case page shows the two periods of the legal basis; the family
then withdraws its consent and the case stays open (the court must be told instead)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.enums import CaseStatus, LegalBasis
from cases.models import Case
from referrals.models import Referral
from tests.factories import CaseFactory, ConsentFactory, FamilyFactory, FamilyMemberFactory, UserFactory

from .helpers import axe_check, expect_message, field, heading, login, open_case, shot, tiny_png

pytestmark = pytest.mark.django_db(transaction=True)

CASE_NUMBER = "III Nsm 604/26"


def test_court_order_arriving_during_voluntary_work(page, base, audit_trail):
    paulina = UserFactory(username="paulina", social_worker=True, first_name="Paulina", last_name="Socjalna")
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    family = FamilyFactory(name="Żurawscy", street="ul. Łąkowa 7", registered_by=paulina)
    FamilyMemberFactory(family=family, first_name="Małgorzata", last_name="Żurawska")
    today = timezone.localdate()
    opened = today - dt.timedelta(days=90)
    case = CaseFactory(family=family, assistant=anna, social_worker=paulina, opened_on=opened)
    ConsentFactory(case=case, date=opened)
    received = today - dt.timedelta(days=2)

    # The social worker records the order against the family.
    login(page, base, "paulina")
    page.goto(f"{base}{family.get_absolute_url()}")
    axe_check(page)
    page.get_by_role("link", name="Zarejestruj postanowienie sądu").click()
    expect(heading(page)).to_have_text("Postanowienie sądu – rodzina Żurawscy")
    axe_check(page)
    field(page, "Sąd").fill("Sąd Rejonowy w Zielonej Dolinie")
    field(page, "Wydział").fill("III Wydział Rodzinny i Nieletnich")
    field(page, "Sygnatura akt").fill(CASE_NUMBER)
    field(page, "Data postanowienia").fill((received - dt.timedelta(days=6)).isoformat())
    field(page, "Data wpływu").fill(received.isoformat())
    field(page, "Skan postanowienia").set_input_files(
        {"name": "postanowienie.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_role("button", name="Zarejestruj postanowienie sądu").click()
    expect_message(page, "postanowienie sądu dołączono do otwartej sprawy")
    expect(heading(page)).to_have_text("Sprawa – rodzina Żurawscy")
    axe_check(page)
    assert not Referral.objects.filter(family=family).exists()  # no new referral in the queue

    # The manager is told, and sees the order attached to the open case with two periods.
    login(page, base, "kasia")
    page.goto(f"{base}/notifications/")
    notice = page.locator("li.list-group-item", has_text=CASE_NUMBER)
    expect(notice).to_contain_text("dołączono do sprawy w toku")
    axe_check(page)
    notice.get_by_role("button", name="Otwórz").click()
    expect(heading(page)).to_have_text("Sprawa – rodzina Żurawscy")
    periods = page.get_by_role("list", name="Okresy podstawy prawnej").get_by_role("listitem")
    expect(periods).to_have_count(2)
    expect(periods.nth(0)).to_contain_text(
        f"od {opened:%d.%m.%Y} do {received - dt.timedelta(days=1):%d.%m.%Y}"
    )
    expect(periods.nth(1)).to_contain_text(f"od {received:%d.%m.%Y}")
    expect(periods.nth(1)).to_contain_text(CASE_NUMBER)
    expect(page.get_by_text(re.compile("Podstawa prawna od tego dnia"))).to_be_visible()  # the timeline
    axe_check(page)
    shot(page, "court-order-attached")

    # The family withdraws its consent: recorded, but the court-ordered case stays open.
    login(page, base, "anna")
    open_case(page, "Żurawscy")
    # The consent is given: the page says so and offers its withdrawal, not a new consent.
    expect(page.get_by_text("Zgoda rodziny udzielona")).to_be_visible()
    expect(page.get_by_role("link", name="Odnotuj zgodę")).to_have_count(0)
    page.get_by_role("link", name="Wycofanie zgody").click()
    expect(heading(page)).to_have_text("Wycofanie zgody – rodzina Żurawscy")
    axe_check(page)
    page.get_by_label("wycofanie zgody").check()
    field(page, "Data").fill(today.isoformat())
    field(page, "Przyczyna").fill("Rodzice nie chcą dalszej współpracy z asystentem.")
    page.get_by_role("button", name="Odnotuj", exact=True).click()
    expect_message(page, "Odnotowano wycofanie zgody.")
    expect(heading(page)).to_have_text("Sprawa – rodzina Żurawscy")
    expect(page.get_by_role("alert").filter(has_text="Należy zawiadomić sąd")).to_be_visible()
    axe_check(page)
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.legal_basis) == (CaseStatus.ACTIVE, LegalBasis.COURT_ORDER)
    assert case.closed_on is None
    audit_trail.assert_audited(user=anna, obj=case, action="view")
