"""Journey 8: the login's protections tried in the browser. Five wrong passwords lock the username
(the right one is then refused too) and an unknown username is answered like a wrong password;
an idle session and one past its 12-hour lifetime end on the next page; logging out ends the
session for good; a manager sets up two-step login, a wrong code is refused, the right one and a
recovery code (once) let them in."""

import base64
import datetime as dt
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from asystent.middleware import SESSION_STARTED_KEY
from tests.factories import TEST_PASSWORD, UserFactory

from .helpers import axe_check, heading, login, nav_link, shot

pytestmark = pytest.mark.django_db(transaction=True)

WRONG_LOGIN = "Wprowadź poprawne wartości pól"
LOCKED = "Zbyt wiele nieudanych prób logowania. Konto zostało zablokowane na 30 minut."
WRONG_CODE = "Kod jest nieprawidłowy."
CODE_FIELD = "Kod z aplikacji uwierzytelniającej lub kod zapasowy"


def _submit_login(page: Page, base: str, username: str, password: str) -> None:
    """Type the username and password into the login page and send them (whatever comes next)."""
    page.goto(f"{base}/login/")
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_load_state("load")


def _answer(page: Page) -> str:
    """What the page says (the main part: the fields' typed values are not in it)."""
    return page.get_by_role("main").inner_text()


def _session_key(page: Page) -> str:
    cookies = {c["name"]: c for c in page.context.cookies()}
    return cookies[settings.SESSION_COOKIE_NAME]["value"]


def _log_out(page: Page, name: str) -> None:
    nav = page.get_by_role("navigation", name="Nawigacja główna")
    nav.get_by_role("button", name=re.compile(re.escape(name))).click()
    nav.get_by_role("button", name="Wyloguj").click()
    expect(heading(page)).to_have_text("Zaloguj się")


def _on_login_page(page: Page, next_path: str) -> None:
    url = urlsplit(page.url)
    assert url.path == "/login/", page.url
    assert parse_qs(url.query).get("next") == [next_path], page.url
    expect(heading(page)).to_have_text("Zaloguj się")


def test_five_wrong_passwords_lock_the_username_and_unknown_names_are_not_told_apart(page, base):
    UserFactory(username="ewa", assistant=True, first_name="Ewa", last_name="Ostrożna")

    _submit_login(page, base, "ewa", "nie-to-haslo")
    known = _answer(page)
    assert WRONG_LOGIN in known
    axe_check(page)
    shot(page, "8-login-wrong-password")
    # A username nobody has gets the same page, word for word.
    _submit_login(page, base, "nikt-taki", "nie-to-haslo")
    assert _answer(page) == known

    for _attempt in range(2, 5):
        _submit_login(page, base, "ewa", "nie-to-haslo")
        assert _answer(page) == known
    # The fifth failure locks the username...
    _submit_login(page, base, "ewa", "nie-to-haslo")
    expect(heading(page)).to_have_text("Konto zablokowane")
    expect(page.get_by_role("alert")).to_contain_text(LOCKED)
    axe_check(page)
    shot(page, "8-login-locked")
    locked = _answer(page)
    # ...and the sixth attempt is refused even with the right password.
    _submit_login(page, base, "ewa", TEST_PASSWORD)
    assert _answer(page) == locked
    assert not [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    page.goto(f"{base}/")
    _on_login_page(page, "/")

    # An unknown username is locked the same way at its fifth try: nothing tells it apart.
    for _attempt in range(2, 5):
        _submit_login(page, base, "nikt-taki", "nie-to-haslo")
        assert _answer(page) == known
    _submit_login(page, base, "nikt-taki", "nie-to-haslo")
    assert _answer(page) == locked


def test_idle_and_overlong_sessions_end_and_logout_ends_the_session(page, base):
    UserFactory(username="ewa", assistant=True, first_name="Ewa", last_name="Ostrożna")

    # Idle past SESSION_COOKIE_AGE: the server's record of the session has expired.
    login(page, base, "ewa")
    key = _session_key(page)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    nav_link(page, "Rodziny").click()
    _on_login_page(page, "/families/")
    axe_check(page)
    # Logging in again leads back to the page that was asked for.
    page.get_by_label("Nazwa użytkownika").fill("ewa")
    page.get_by_label("Hasło").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(heading(page)).to_have_text("Rodziny")
    assert _session_key(page) != key

    # Active, but logged in longer than SESSION_MAX_LIFETIME ago.
    key = _session_key(page)
    session = SessionStore(session_key=key)
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_MAX_LIFETIME - 60
    session.save()
    nav_link(page, "Start").click()
    _on_login_page(page, "/")
    assert not Session.objects.filter(session_key=key).exists()

    # Logging out deletes the session: the old cookie put back into the browser opens nothing.
    login(page, base, "ewa")
    old_cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    _log_out(page, "Ewa Ostrożna")
    axe_check(page)
    assert not Session.objects.filter(session_key=old_cookie["value"]).exists()
    page.context.clear_cookies()
    page.context.add_cookies([old_cookie])
    page.goto(f"{base}/families/")
    _on_login_page(page, "/families/")


def _code(key: bytes, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `key` (now, or that many 30-second steps later)."""
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * totp.step
    return f"{totp.token():06d}"


def _other_than(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_manager_sets_up_two_step_login_and_needs_a_code_or_a_recovery_code(page, base, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    # django-otp delays the next try after a wrong code; here the right one is typed at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")

    # The password alone leads to the set-up, required for the role, and nowhere else.
    _submit_login(page, base, "kasia", TEST_PASSWORD)
    expect(heading(page)).to_have_text("Konfiguracja logowania dwuetapowego")
    axe_check(page)
    page.goto(f"{base}/referrals/queue/")
    expect(heading(page)).to_have_text("Konfiguracja logowania dwuetapowego")
    # The key as the page shows it (what one types into the app instead of scanning the QR code).
    key = base64.b32decode(page.get_by_role("main").locator("code").inner_text().replace(" ", ""))
    page.get_by_label(CODE_FIELD).fill(_code(key))
    page.get_by_role("button", name="Włącz logowanie dwuetapowe").click()
    expect(heading(page)).to_have_text("Kody zapasowe")
    recovery = page.get_by_role("main").get_by_role("listitem").all_inner_texts()
    assert len(recovery) == 10
    axe_check(page)
    page.get_by_role("link", name="Kody zostały zapisane").click()
    expect(heading(page)).to_have_text("Witamy, Katarzyna")
    _log_out(page, "Katarzyna Kierownicka")

    # Next time: the password, then the code; no way into the application in between.
    _submit_login(page, base, "kasia", TEST_PASSWORD)
    expect(heading(page)).to_have_text("Potwierdzenie logowania")
    expect(nav_link(page, "Kolejka wniosków")).to_have_count(0)
    axe_check(page)
    page.goto(f"{base}/referrals/queue/")
    expect(heading(page)).to_have_text("Potwierdzenie logowania")
    # The code used at the set-up cannot be used again: the app's next one is.
    right = _code(key, steps_ahead=1)
    page.get_by_label(CODE_FIELD).fill(_other_than(right))
    page.get_by_role("button", name="Potwierdź").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(WRONG_CODE)
    expect(heading(page)).to_have_text("Potwierdzenie logowania")
    axe_check(page)
    shot(page, "8-two-factor-wrong-code")
    page.get_by_label(CODE_FIELD).fill(right)
    page.get_by_role("button", name="Potwierdź").click()
    expect(heading(page)).to_have_text("Kolejka wniosków")
    _log_out(page, "Katarzyna Kierownicka")

    # Without the phone: a recovery code, once.
    _submit_login(page, base, "kasia", TEST_PASSWORD)
    page.get_by_label(CODE_FIELD).fill(recovery[0])
    page.get_by_role("button", name="Potwierdź").click()
    expect(heading(page)).to_have_text("Witamy, Katarzyna")
    _log_out(page, "Katarzyna Kierownicka")
    _submit_login(page, base, "kasia", TEST_PASSWORD)
    page.get_by_label(CODE_FIELD).fill(recovery[0])
    page.get_by_role("button", name="Potwierdź").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(WRONG_CODE)
    page.goto(f"{base}/")
    expect(heading(page)).to_have_text("Potwierdzenie logowania")
