"""The session ends while a visit is being typed on a phone: the warning before the idle limit,
"stay logged in", and a visit sent after the end kept and given back to the same person only."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from asystent.models import PendingDraft
from tests.factories import TEST_PASSWORD, CaseFactory, FamilyFactory, FamilyMemberFactory, UserFactory

from .helpers import axe_check, expect_message, field, heading, login, open_case, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
TOPICS = "Rozmowa o rachunkach; wspólnie spisano stałe opłaty i terminy."


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")


@pytest.fixture
def case(anna):
    family = FamilyFactory(name="Bąkowscy")
    FamilyMemberFactory(family=family, first_name="Żaneta", last_name="Bąkowska")
    return CaseFactory(family=family, assistant=anna)


def type_visit(page, base, settings) -> None:  # noqa: ANN001
    """Log in, open the visit form on a phone and type a visit, with a very short idle limit."""
    login(page, base, "anna")
    settings.SESSION_COOKIE_AGE = 4
    settings.SESSION_REFRESH_SECONDS = 0
    open_case(page, "Bąkowscy")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Dodaj wizytę").click()
    expect(heading(page)).to_have_text("Dodaj wizytę")
    # Midnight: a visit saved as held must have begun, whatever the hour this test runs at.
    field(page, "Godzina rozpoczęcia").fill("00:00")
    field(page, "Godzina zakończenia").fill("01:15")
    page.get_by_role("checkbox", name="Żaneta Bąkowska (rodzic)").check()
    page.get_by_role("checkbox", name="Prowadzenie gospodarstwa domowego", exact=True).check()
    field(page, "Tematy i przebieg spotkania").fill(TOPICS)
    # The idle limit passes: the dialog says so, and the browser drops the session cookie.
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Sesja wygasła", timeout=10_000)
    for _ in range(50):
        if not any(cookie["name"] == "sessionid" for cookie in page.context.cookies()):
            break
        page.wait_for_timeout(200)
    else:
        raise AssertionError("the browser still holds the session cookie after the idle limit")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def log_in_again(page, username: str) -> None:  # noqa: ANN001
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()


def test_a_visit_sent_after_the_session_ended_is_restored_and_saved(page, base, anna, case, settings):
    type_visit(page, base, settings)
    page.get_by_role("button", name="Zapisz wizytę").click()

    expect(heading(page)).to_have_text("Zaloguj się")
    expect(page.locator("main")).to_contain_text("Sesja wygasła")
    axe_check(page)
    shot(page, "session-expired-login-phone")
    assert not case.visits.exists()
    assert PendingDraft.objects.get().user == anna

    settings.SESSION_COOKIE_AGE = 30 * 60
    log_in_again(page, "anna")

    expect(heading(page)).to_have_text("Dodaj wizytę")
    expect_message(page, "Przywrócono dane formularza")
    expect(field(page, "Tematy i przebieg spotkania")).to_have_value(TOPICS)
    expect(field(page, "Godzina rozpoczęcia")).to_have_value("00:00")
    expect(page.get_by_role("checkbox", name="Żaneta Bąkowska (rodzic)")).to_be_checked()
    axe_check(page)
    shot(page, "session-expired-form-restored-phone")
    assert not case.visits.exists()  # nothing saved until it is sent
    assert not PendingDraft.objects.exists()

    page.get_by_role("button", name="Zapisz wizytę").click()
    expect_message(page, "Zapisano wizytę.")
    visit = case.visits.get()
    assert visit.topics == TOPICS and visit.author == anna
    assert visit.start_time.isoformat() == "00:00:00"


def test_another_person_logging_in_does_not_get_the_draft(page, base, anna, case, settings):
    UserFactory(username="beata", assistant=True)
    type_visit(page, base, settings)
    page.get_by_role("button", name="Zapisz wizytę").click()
    expect(page.locator("main")).to_contain_text("Sesja wygasła")

    settings.SESSION_COOKIE_AGE = 30 * 60
    log_in_again(page, "beata")

    expect(page.locator("#restored-draft")).to_have_count(0)
    assert TOPICS not in page.content()
    assert PendingDraft.objects.get().user == anna
    assert not case.visits.exists()


def test_the_warning_before_the_idle_limit_keeps_the_session(page, base, anna, case, settings):
    login(page, base, "anna")
    settings.SESSION_COOKIE_AGE = 125  # the warning comes 120 s before: after 5 s
    settings.SESSION_REFRESH_SECONDS = 0
    open_case(page, "Bąkowscy")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Dodaj wizytę").click()
    field(page, "Tematy i przebieg spotkania").fill(TOPICS)
    before = Session.objects.get().expire_date

    dialog = page.get_by_role("alertdialog", name="Za 2 minuty nastąpi wylogowanie")
    expect(dialog).to_be_visible(timeout=10_000)
    stay = dialog.get_by_role("button", name="Pozostań zalogowany")
    expect(stay).to_be_focused()
    expect(page.locator("#session-announcer")).to_have_text("Za 2 minuty nastąpi wylogowanie")
    axe_check(page)
    shot(page, "session-warning-phone")

    stay.click()

    expect(dialog).to_be_hidden()
    expect(field(page, "Tematy i przebieg spotkania")).to_be_focused()  # back where the person was
    expect(field(page, "Tematy i przebieg spotkania")).to_have_value(TOPICS)
    assert Session.objects.get().expire_date > before
