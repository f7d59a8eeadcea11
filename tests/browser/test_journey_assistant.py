"""Journey 3: the family assistant records the family's consent with the signed form's scan,
writes the work plan, logs the visit agreed for today on a phone-sized screen (from the start
page's "Do zrobienia" list), records an intervention and saves the periodic assessment as a draft,
which the list leads back to and which is submitted from there; the confirmations name who was
told. Also: the visit form filled in and saved with the keyboard alone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.enums import CaseStatus
from cases.models import AssessmentArea
from tests.factories import CaseFactory, FamilyFactory, FamilyMemberFactory, UserFactory, VisitFactory

from .helpers import (
    axe_check,
    back_to_case,
    expect_message,
    field,
    focused_name,
    heading,
    login,
    no_horizontal_scroll,
    open_case,
    shot,
    tab_to,
    tiny_png,
    todo_item,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")


def _family(name: str, surname: str, mother: str, child: str):
    family = FamilyFactory(name=name)
    FamilyMemberFactory(family=family, first_name=mother, last_name=surname)
    FamilyMemberFactory(family=family, first_name=child, last_name=surname, child=True)
    return family


def test_assistant_consent_plan_visit_intervention_assessment(page, base, anna, audit_trail):
    family = _family("Bąkowscy", "Bąkowska", "Żaneta", "Zośka")
    case = CaseFactory(family=family, assistant=anna, awaiting_consent=True)
    today = timezone.localdate()
    UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    # The first meeting, before the consent: the next one was agreed for today.
    VisitFactory(case=case, author=anna, date=today - dt.timedelta(days=7), next_meeting=today)

    login(page, base, "anna")
    # The day starts from the list: the visit agreed for today is on it (logged below, from it).
    expect(todo_item(page, "Dzisiejsza wizyta: odnotuj ją: Bąkowscy")).to_be_visible()
    open_case(page, "Bąkowscy")
    shot(page, "3-assistant-case-awaiting-consent")

    # Consent, with the scan of the signed form.
    page.get_by_role("link", name="Odnotuj zgodę").click()
    expect(heading(page)).to_have_text("Zgoda – rodzina Bąkowscy")
    axe_check(page)
    page.get_by_role("radio", name="wyrażenie zgody").check()
    page.get_by_role("checkbox", name="Żaneta Bąkowska", exact=True).check()
    field(page, "Zakres").fill("Opieka nad dziećmi i budżet domowy.")
    field(page, "Skan podpisanego formularza").set_input_files(
        files=[{"name": "zgoda-bąkowscy.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.get_by_role("button", name="Odnotuj").click()
    expect_message(page, "Odnotowano zgodę rodziny. Nikogo nie powiadomiono.")
    consent = page.get_by_role("region", name="Zgoda")
    expect(consent).to_contain_text("Żaneta Bąkowska")
    axe_check(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.consents.get().scan.read().startswith(b"\x89PNG")

    # The work plan: one goal, one action with its deadline and expected effect.
    page.get_by_role("link", name="Opracuj plan pracy z rodziną").click()
    expect(heading(page)).to_have_text("Nowy plan pracy z rodziną")
    axe_check(page)
    field(page, "Cel główny").fill("Dzieci mają stałą opiekę, a rodzina panuje nad budżetem.")
    goal = page.get_by_role("group", name="Cel 1")
    field(goal, "Obszar").select_option(label="Prowadzenie gospodarstwa domowego")
    field(goal, "Cel szczegółowy").fill("Rodzina płaci rachunki na czas.")
    action = goal.get_by_role("group", name="Działanie 1.1")
    field(action, "Działanie").fill("Wspólne planowanie wydatków na miesiąc.")
    field(action, "Osoba odpowiedzialna").select_option(label="członek rodziny")
    field(action, "Imię i nazwisko osoby lub nazwa instytucji").fill("Żaneta Bąkowska")
    field(action, "Termin realizacji").fill((today + dt.timedelta(days=30)).isoformat())
    field(action, "Spodziewany efekt").fill("Brak zaległości w opłatach za mieszkanie.")
    page.get_by_role("button", name="Zapisz plan").click()
    expect_message(page, "Zapisano wersję 1 planu pracy")
    expect(page.locator("main")).to_contain_text("Wspólne planowanie wydatków na miesiąc.")
    axe_check(page)
    shot(page, "3-assistant-plan")

    # A visit logged on a phone: nothing may stick out sideways.
    page.set_viewport_size(PHONE)
    back_to_case(page)
    assert no_horizontal_scroll(page)[0] <= PHONE["width"]
    shot(page, "3-assistant-case-phone")
    # The start page's list leads to the visit agreed for today.
    page.goto(f"{base}/")
    assert no_horizontal_scroll(page)[0] <= PHONE["width"]
    axe_check(page)
    shot(page, "3-assistant-start-phone")
    todo_item(page, "Dzisiejsza wizyta: odnotuj ją: Bąkowscy").click()
    expect(heading(page)).to_have_text("Dodaj wizytę")
    scroll_width = no_horizontal_scroll(page)[0]
    assert scroll_width <= PHONE["width"], f"the visit form scrolls sideways on a phone: {scroll_width}px"
    axe_check(page)
    shot(page, "3-assistant-visit-form-phone")
    # Midnight: a visit saved as held must have begun, whatever the hour this test runs at.
    field(page, "Godzina rozpoczęcia").fill("00:00")
    field(page, "Godzina zakończenia").fill("01:15")
    page.get_by_role("checkbox", name="Żaneta Bąkowska (rodzic)").check()
    page.get_by_role("checkbox", name="Prowadzenie gospodarstwa domowego", exact=True).check()
    page.get_by_role(
        "checkbox", name="Prowadzenie gospodarstwa domowego: Rodzina płaci rachunki na czas."
    ).check()
    field(page, "Tematy i przebieg spotkania").fill("Rozmowa o rachunkach; wspólnie spisano stałe opłaty.")
    field(page, "Zadania uzgodnione do następnego spotkania").fill("Zebrać rachunki z ostatniego miesiąca.")
    page.get_by_role("button", name="Zapisz wizytę").click()
    expect_message(page, "Zapisano wizytę.")
    assert no_horizontal_scroll(page)[0] <= PHONE["width"]
    axe_check(page)
    shot(page, "3-assistant-visit-saved-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # An intervention: the child left alone; the police informed.
    back_to_case(page)
    page.get_by_role("link", name="Odnotuj interwencję").click()
    expect(heading(page)).to_have_text("Odnotuj interwencję")
    axe_check(page)
    field(page, "Co się wydarzyło i jakie podjęto działania").fill(
        "Zośka została sama w domu na noc; wezwano policję, dziecko pod opieką babci."
    )
    page.get_by_role("checkbox", name="Policja").check()
    field(page, "Numery dokumentów i sygnatury").fill("KPP Zielona Dolina RSD-77/26")
    page.get_by_role("button", name="Zapisz interwencję").click()
    expect_message(page, "Interwencja została odnotowana. Powiadomiono: Katarzyna Kierownicka.")
    axe_check(page)
    shot(page, "3-assistant-intervention")

    # The periodic assessment, submitted to the manager.
    back_to_case(page)
    page.get_by_role("link", name="Nowa ocena").click()
    expect(heading(page)).to_have_text("Nowa okresowa ocena")
    axe_check(page)
    areas = page.get_by_role("main").get_by_role("radiogroup", name="Ocena")
    expect(areas).to_have_count(AssessmentArea.objects.filter(is_active=True).count())
    for i in range(areas.count()):
        # The ratings are buttons to tap: the label is what the finger (or the mouse) presses.
        area = areas.nth(i)
        area.locator("label.btn", has_text="3").click()
        expect(area.get_by_role("radio", name="3")).to_be_checked()
    field(page, "Opis sytuacji rodziny").fill("Rodzina współpracuje; budżet jest pod kontrolą.")
    field(page, "Rekomendacja").select_option(index=1)
    shot(page, "3-assistant-assessment-form")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    # Back on the start page, the list leads to the draft, which is submitted from there.
    page.goto(f"{base}/")
    todo_item(page, "Dokończ szkic oceny okresowej: Bąkowscy").click()
    expect(field(page, "Opis sytuacji rodziny")).to_have_value(
        "Rodzina współpracuje; budżet jest pod kontrolą."
    )
    page.get_by_role("button", name="Przekaż kierownikowi").click()
    expect_message(page, "Przekazano ocenę kierownikowi. Powiadomiono: Katarzyna Kierownicka.")
    axe_check(page)
    shot(page, "3-assistant-assessment")
    # Both done: the list no longer asks for them.
    page.goto(f"{base}/")
    expect(todo_item(page, "Dzisiejsza wizyta")).to_have_count(0)
    expect(todo_item(page, "Dokończ szkic oceny okresowej")).to_have_count(0)

    visit = case.visits.get(status="final", date=today)
    assert (visit.start_time.isoformat(), visit.end_time.isoformat()) == ("00:00:00", "01:15:00")
    assert visit.goals.get().description == "Rodzina płaci rachunki na czas."
    assert case.interventions.count() == 1
    assert case.assessments.get().status == "submitted"
    # Every page of the file the journey opened was recorded (audit_trail checks them all at the
    # end); these are the ones the journey must open.
    for obj in (case, case.plans.get(), visit, case.interventions.get(), case.assessments.get()):
        audit_trail.assert_audited(user=anna, obj=obj, action="view")


def test_visit_form_with_the_keyboard_alone(page, base, anna, audit_trail):
    """Tab, typing, Space for checkboxes and Enter: no mouse from the case page to the saved visit."""
    family = _family("Łęccy", "Łęcka", "Jadwiga", "Ślęża")
    case = CaseFactory(family=family, assistant=anna)

    login(page, base, "anna")
    open_case(page, "Łęccy")
    # The skip link is the first stop and jumps over the navigation.
    page.keyboard.press("Tab")
    assert focused_name(page) == "Przejdź do treści głównej"
    page.keyboard.press("Enter")
    tab_to(page, "Dodaj wizytę")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Dodaj wizytę")
    axe_check(page)

    tab_to(page, "Czas trwania (minuty)")
    page.keyboard.type("45")
    tab_to(page, "Jadwiga Łęcka (rodzic)")
    page.keyboard.press("Space")
    tab_to(page, "Opieka i wychowanie dzieci")
    page.keyboard.press("Space")
    tab_to(page, "Tematy i przebieg spotkania")
    page.keyboard.type("Rozmowa o szkole Ślęży; ustalono plan odrabiania lekcji.")
    tab_to(page, "Zadania uzgodnione do następnego spotkania")
    page.keyboard.type("Codziennie sprawdzać zeszyty.")
    tab_to(page, "Zapisz wizytę")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus outline"
    shot(page, "3-keyboard-visit-form-focus", full_page=False)
    page.keyboard.press("Enter")

    expect_message(page, "Zapisano wizytę.")
    axe_check(page)
    visit = case.visits.get()
    assert visit.status == "final"
    assert visit.duration_minutes == 45
    assert list(visit.participants.values_list("first_name", flat=True)) == ["Jadwiga"]
    assert visit.areas.get().name == "Opieka i wychowanie dzieci"
    assert visit.topics.startswith("Rozmowa o szkole Ślęży")
    audit_trail.assert_audited(user=anna, obj=case, action="view")
    audit_trail.assert_audited(user=anna, obj=visit, action="view")
