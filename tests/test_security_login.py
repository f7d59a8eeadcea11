"""Login and session hardening: lockout, same answer for unknown users, password rules, session
lifetimes, session renewal and logout, security headers."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from asystent import settings as project_settings

from .factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_production_hashes_passwords_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_five_failures_lock_the_username_for_30_minutes(client):
    UserFactory(username="ewa", assistant=True)
    for _ in range(5):
        response = _login(client, "ewa", "wrong-password")
    assert response.status_code in (403, 429)
    assert "zablokowane" in response.content.decode() or "locked" in response.content.decode()
    # Even the right password is refused while the lock lasts...
    assert _login(client, "ewa", TEST_PASSWORD).status_code in (403, 429)
    # ...and works again after 30 minutes.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=31)):
        response = _login(client, "ewa", TEST_PASSWORD)
        assert response.status_code == 302


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    UserFactory(username="ewa", assistant=True)
    known = _login(client, "ewa", "wrong-password")
    unknown = _login(client, "nobody-here", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    known_errors = known.context["form"].non_field_errors()
    unknown_errors = unknown.context["form"].non_field_errors()
    assert known_errors == unknown_errors


@pytest.mark.parametrize("password", ["krotkie1!", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("zielona-dolina-asystent-2026")


def test_login_gives_a_new_session_and_logout_ends_it(client):
    UserFactory(username="ewa", assistant=True)
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    assert _login(client, "ewa", TEST_PASSWORD).status_code == 302
    session_key = client.cookies["sessionid"].value
    assert session_key != "attacker-chosen-session-id"
    assert Session.objects.filter(session_key=session_key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=session_key).exists()
    # The old cookie no longer opens anything.
    client.cookies["sessionid"] = session_key
    assert client.get(reverse("home")).status_code == 302


def test_idle_limit_is_30_minutes_in_the_database(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_activity_keeps_the_session_alive(client):
    user = UserFactory(username="ewa", assistant=True)
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
    # A request every 25 minutes for two hours: each renews the 30-minute idle limit.
    for step in range(1, 6):
        with time_machine.travel(start + dt.timedelta(minutes=25 * step), tick=False):
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=25 * 5 + 31), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_the_session_row_is_not_rewritten_on_every_request(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory(username="ewa", assistant=True)
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    client.get(reverse("home"))  # the first request stamps the session
    expiry = Session.objects.get(session_key=session_key).expire_date
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    writes = [q for q in captured if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []
    assert Session.objects.get(session_key=session_key).expire_date == expiry
    # A minute later the next request renews the idle limit.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=61)):
        assert client.get(reverse("home")).status_code == 200
        assert Session.objects.get(session_key=session_key).expire_date > expiry


def test_idle_session_expires(client):
    user = UserFactory(username="ewa", assistant=True)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=31)):
        assert client.get(reverse("home")).status_code == 302


def test_active_session_ends_after_12_hours(client):
    user = UserFactory(username="ewa", assistant=True)
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
    # Active every 20 minutes for 12 hours: still logged in before the limit...
    moment = start
    for _ in range(35):
        moment += dt.timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            assert client.get(reverse("home")).status_code == 200
    # ...and out after it.
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_security_headers_on_a_personal_page(client):
    client.force_login(UserFactory(username="ewa", assistant=True))
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts(client):
    client.force_login(UserFactory(username="ewa", manager=True))
    html = client.get(reverse("home")).content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>.*?</script>", html, flags=re.S):
        assert re.search(r"\ssrc=", tag), f"inline script found: {tag[:80]}"
