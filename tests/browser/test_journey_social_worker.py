"""Journey 1: a social worker registers a family with two children (a PESEL typed wrong first,
corrected after the message), records the community interview and saves the referral as a draft;
back on the start page, the "Do zrobienia" list leads to the draft, which is filed from there; the
confirmation names the manager told."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Family
from referrals.enums import ReferralStatus
from tests.factories import UserFactory, make_pesel

from .helpers import axe_check, expect_message, field, heading, login, nav_link, shot, todo_item

pytestmark = pytest.mark.django_db(transaction=True)


def _bad_checksum(pesel: str) -> str:
    return pesel[:-1] + str((int(pesel[-1]) + 1) % 10)


def test_social_worker_registers_family_interview_and_referral(page, base, audit_trail):
    paulina = UserFactory(username="paulina", social_worker=True, first_name="Paulina", last_name="Socjalna")
    UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    mother_pesel = make_pesel(dt.date(1990, 3, 14), "F")
    daughter_pesel = make_pesel(dt.date(2014, 6, 2), "F")
    son_pesel = make_pesel(dt.date(2017, 11, 23), "M")

    requests = []  # (method, URL) of everything the browser asks for, htmx checks included
    page.on("request", lambda request: requests.append((request.method, request.url)))
    login(page, base, "paulina")
    page.get_by_role("link", name="Zarejestruj rodzinę po wywiadzie środowiskowym").click()
    expect(heading(page)).to_have_text("Zarejestruj rodzinę")
    axe_check(page)

    address = page.get_by_role("group", name="Rodzina i adres")
    field(address, "Nazwa rodziny").fill("Żółkiewscy")
    field(address, "Ulica i numer").fill("ul. Źródlana 5/3")
    field(address, "Kod pocztowy").fill("00-950")
    field(address, "Miejscowość").fill("Zielona Dolina")
    people = [
        ("Osoba 1", "Małgorzata", "rodzic", mother_pesel),
        ("Osoba 2", "Łucja", "dziecko", daughter_pesel),
        ("Osoba 3", "Jędrzej", "dziecko", _bad_checksum(son_pesel)),
    ]
    for group_name, first_name, relation, pesel in people:
        person = page.get_by_role("group", name=group_name)
        field(person, "Imię").fill(first_name)
        field(person, "Nazwisko").fill("Żółkiewska" if first_name != "Jędrzej" else "Żółkiewski")
        field(person, "Rola w rodzinie").select_option(label=relation)
        field(person, "PESEL").press_sequentially(pesel)

    # The number is checked as it is typed: the mistake shows before the form is sent.
    son = page.get_by_role("group", name="Osoba 3")
    wrong_digit = "Ten numer PESEL ma nieprawidłową cyfrę kontrolną"
    expect(son.get_by_text(wrong_digit)).to_be_visible()
    page.get_by_role("button", name="Zarejestruj rodzinę").click()

    # The server says the same next to the field, and keeps everything typed.
    expect(page.get_by_role("alert").first).to_contain_text("Rodzina nie została jeszcze zarejestrowana")
    son = page.get_by_role("group", name="Osoba 3")
    expect(son.locator(".invalid-feedback")).to_contain_text(wrong_digit)
    expect(field(son, "PESEL")).to_have_attribute("aria-invalid", "true")
    expect(field(page.get_by_role("group", name="Osoba 2"), "Imię")).to_have_value("Łucja")
    axe_check(page)
    shot(page, "1-social-worker-pesel-error")

    field(son, "PESEL").clear()
    field(son, "PESEL").press_sequentially(son_pesel)
    expect(son.get_by_text("Data urodzenia: 23.11.2017, płeć: mężczyzna.")).to_be_visible()
    page.get_by_role("button", name="Zarejestruj rodzinę").click()
    expect_message(page, "Zarejestrowano rodzinę.")
    expect(heading(page)).to_have_text("Rodzina Żółkiewscy")
    members = page.get_by_role("region", name="Członkowie rodziny")
    expect(members.get_by_role("row")).to_have_count(4)
    expect(members.get_by_role("row", name="Jędrzej Żółkiewski")).to_contain_text("23.11.2017")
    axe_check(page)
    shot(page, "1-social-worker-family")

    page.get_by_role("link", name="Odnotuj wywiad środowiskowy").click()
    expect(heading(page)).to_have_text("Wywiad środowiskowy – rodzina Żółkiewscy")
    axe_check(page)
    field(page, "Data wywiadu").fill((timezone.localdate() - dt.timedelta(days=2)).isoformat())
    field(page, "Analiza sytuacji rodziny").fill(
        "Matka samotnie wychowuje dwoje dzieci; trudności z organizacją dnia i budżetem."
    )
    page.get_by_role("checkbox", name="Opieka i wychowanie dzieci").check()
    page.get_by_role("checkbox", name="Prowadzenie gospodarstwa domowego").check()
    page.get_by_role("button", name="Zapisz wywiad").click()
    expect_message(page, "Odnotowano wywiad środowiskowy.")
    axe_check(page)

    page.get_by_role("link", name="Złóż wniosek o przydzielenie asystenta").click()
    expect(field(page, "Wywiad środowiskowy")).not_to_have_value("")
    expect(page.get_by_role("checkbox", name="Opieka i wychowanie dzieci")).to_be_checked()
    axe_check(page)
    page.get_by_role("radio", name="dobrowolna (zgoda rodziny)").check()
    field(page, "Uzasadnienie").fill("Rodzina zgadza się na współpracę z asystentem rodziny.")
    shot(page, "1-social-worker-referral-form")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    expect_message(page, "Zapisano wersję roboczą wniosku.")

    # The start page's list leads back to the draft, and the referral is filed from there.
    nav_link(page, "Start").click()
    axe_check(page)
    shot(page, "1-social-worker-start")
    todo_item(page, "Dokończ i złóż wniosek: Żółkiewscy (ul. Źródlana 5/3)").click()
    expect(field(page, "Uzasadnienie")).to_have_value(
        "Rodzina zgadza się na współpracę z asystentem rodziny."
    )
    page.get_by_role("button", name="Przekaż kierownikowi").click()
    expect_message(page, "Przekazano wniosek kierownikowi. Powiadomiono: Katarzyna Kierownicka.")
    axe_check(page)
    shot(page, "1-social-worker-referral")
    nav_link(page, "Start").click()
    expect(todo_item(page, "Żółkiewscy")).to_have_count(0)

    family = Family.objects.get(name="Żółkiewscy")
    assert family.members.count() == 3
    assert family.members.get(first_name="Jędrzej").pesel == son_pesel
    referral = family.referrals.get()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.interview is not None
    # The family's page (after registering, after the interview) and the referral were read.
    audit_trail.assert_audited(user=paulina, obj=family, action="view")
    # The numbers were checked as typed, by POST: no PESEL ever went into an address.
    assert ("POST", f"{base}/families/pesel-check/") in requests
    pesels = (mother_pesel, daughter_pesel, son_pesel, _bad_checksum(son_pesel))
    assert not [url for _method, url in requests if any(pesel in url for pesel in pesels)]
    audit_trail.assert_audited(user=paulina, obj=referral, action="view")
