"""A form sent after the session ended is kept encrypted for the same person, shown filled in after
they log in again and saved only when they send it; the login page says the session expired; the
warning before the idle limit renews the session."""

import datetime as dt
import json
import re
import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from asystent import drafts
from asystent.middleware import SESSION_STARTED_KEY
from asystent.models import PendingDraft
from asystent.tasks import purge_expired_drafts
from visits.models import Visit

from .factories import TEST_PASSWORD, CaseFactory, FamilyMemberFactory
from .test_visits import visit_data

pytestmark = pytest.mark.django_db

TYPED = "Rozmowa z panią Ewą o budżecie domowym i o szkole Zosi."


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def case(assistant, social_worker):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker)
    FamilyMemberFactory(family=case.family, first_name="Ewa", last_name="Kowalska")
    return case


def post_request(user_id=None, **fields):  # noqa: ANN001, ANN003
    request = RequestFactory().post("/visits/case/1/new/", fields, HTTP_REFERER="http://testserver/visits/x/")
    return request


# --- the encrypted store ----------------------------------------------------------------------------


def test_the_stored_blob_does_not_hold_the_typed_text(assistant):
    token = drafts.keep_draft(post_request(topics=TYPED, csrfmiddlewaretoken="abc"), user_id=assistant.pk)
    stored = PendingDraft.objects.get()
    blob = bytes(stored.payload)
    assert TYPED.encode() not in blob and "budżecie".encode() not in blob and b"topics" not in blob
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only its hash is kept
    assert stored.page == "/visits/x/" and stored.user == assistant

    draft = drafts.take_draft(token, user_id=assistant.pk)

    assert draft == {"fields": {"topics": [TYPED]}, "action": "/visits/case/1/new/"}  # no CSRF token
    assert not PendingDraft.objects.exists()  # deleted once taken back
    assert drafts.take_draft(token, user_id=assistant.pk) is None


def test_another_account_does_not_get_the_draft(assistant, other_assistant):
    token = drafts.keep_draft(post_request(topics=TYPED), user_id=assistant.pk)
    with pytest.raises(drafts.DraftRefused):
        drafts.take_draft(token, user_id=other_assistant.pk)
    assert PendingDraft.objects.count() == 1  # still there for its owner
    assert drafts.take_draft(token, user_id=assistant.pk)["fields"]["topics"] == [TYPED]


def test_a_draft_expires_after_24_hours(assistant):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        token = drafts.keep_draft(post_request(topics=TYPED), user_id=assistant.pk)
        kept = drafts.keep_draft(post_request(topics="Druga wizyta"), user_id=assistant.pk)
    with time_machine.travel(dt.datetime(2026, 3, 3, 8, 59, tzinfo=dt.UTC), tick=False):
        assert drafts.take_draft(kept, user_id=assistant.pk)["fields"]["topics"] == ["Druga wizyta"]
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, 1, tzinfo=dt.UTC), tick=False):
        assert drafts.take_draft(token, user_id=assistant.pk) is None
        assert purge_expired_drafts.apply().get() == 1
    assert not PendingDraft.objects.exists()


def test_a_draft_under_another_secret_key_is_unreadable(assistant, settings):
    token = drafts.keep_draft(post_request(topics=TYPED), user_id=assistant.pk)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert drafts.take_draft(token, user_id=assistant.pk) is None


def test_an_empty_form_is_not_kept(assistant):
    assert drafts.keep_draft(post_request(topics="  ", csrfmiddlewaretoken="abc"), user_id=None) is None
    assert not PendingDraft.objects.exists()


def test_the_purge_is_a_daily_job():
    from asystent.schedules import DEFAULT_SCHEDULES

    cron = {task: cron for _name, task, cron in DEFAULT_SCHEDULES}["asystent.purge_expired_drafts"]
    assert cron["minute"].isdigit() and cron["hour"].isdigit()


# --- through the pages ------------------------------------------------------------------------------


def expire_session(client) -> None:  # noqa: ANN001
    """The idle limit passes: the browser drops the session cookie, the row is past its expiry."""
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    client.cookies.pop("sessionid", None)


def log_in(client, user, next_url: str):  # noqa: ANN001
    return client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD, "next": next_url}
    )


def restored(response) -> dict | None:  # noqa: ANN001
    match = re.search(
        r'<script id="restored-draft" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1)) if match else None


def test_a_visit_sent_after_the_session_ended_is_restored_for_the_same_person(client, assistant, case):
    url = reverse("visits:visit-create", args=[case.pk])
    assert log_in(client, assistant, url).status_code == 302
    assert client.get(url).status_code == 200
    expire_session(client)

    sent = client.post(url, visit_data(case, topics=TYPED), HTTP_REFERER=f"http://testserver{url}")

    assert sent.status_code == 302 and sent["Location"].startswith(reverse("login") + "?next=")
    assert not Visit.objects.exists()
    assert PendingDraft.objects.get().user == assistant
    login_page = client.get(sent["Location"])
    assert "The session has expired" in login_page.content.decode()
    next_url = login_page.context["next"]
    assert next_url.startswith(url + "?draft=")

    after_login = log_in(client, assistant, next_url)
    assert after_login["Location"] == next_url
    page = client.get(next_url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "The form data you typed before the session ended has been restored" in html
    assert restored(page)["fields"]["topics"] == [TYPED]
    assert restored(page)["action"] == url
    assert not Visit.objects.exists()  # nothing saved until the form is sent
    assert not PendingDraft.objects.exists()
    assert restored(client.get(next_url)) is None  # a reload does not bring it back twice

    assert client.post(url, visit_data(case, topics=TYPED)).status_code == 302
    assert Visit.objects.get().topics == TYPED


def test_another_person_logging_in_does_not_get_the_draft(client, assistant, other_assistant, case):
    url = reverse("visits:visit-create", args=[case.pk])
    log_in(client, assistant, url)
    expire_session(client)
    sent = client.post(url, visit_data(case, topics=TYPED), HTTP_REFERER=f"http://testserver{url}")
    next_url = client.get(sent["Location"]).context["next"]

    log_in(client, other_assistant, next_url)
    page = client.get(next_url, follow=True)

    assert restored(page) is None
    assert TYPED not in page.content.decode()
    assert "belongs to another account" in page.content.decode()
    assert PendingDraft.objects.get().user == assistant


def test_a_browser_that_never_logged_in_gets_no_draft(client, case):
    url = reverse("visits:visit-create", args=[case.pk])
    sent = client.post(url, visit_data(case, topics=TYPED), HTTP_REFERER=f"http://testserver{url}")
    assert sent.status_code == 302 and "draft" not in sent["Location"]
    assert not PendingDraft.objects.exists()


def test_a_draft_from_an_unknown_browser_goes_to_the_first_to_log_in(client, assistant, case):
    url = reverse("visits:visit-create", args=[case.pk])
    client.cookies["sessionid"] = "a-session-the-server-no-longer-knows"
    sent = client.post(url, visit_data(case, topics=TYPED), HTTP_REFERER=f"http://testserver{url}")
    assert PendingDraft.objects.get().user is None
    login_page = client.get(sent["Location"])
    assert "The session has expired" not in login_page.content.decode()
    next_url = login_page.context["next"]
    log_in(client, assistant, next_url)
    assert restored(client.get(next_url))["fields"]["topics"] == [TYPED]


def test_after_logging_out_the_login_page_says_nothing_about_expiry(client, assistant):
    log_in(client, assistant, "/")
    client.post(reverse("logout"))
    page = client.get(reverse("login"))
    assert "The session has expired" not in page.content.decode()
    assert drafts.LAST_USER_COOKIE not in client.cookies or not client.cookies[drafts.LAST_USER_COOKIE].value


def test_a_form_sent_after_the_absolute_lifetime_is_kept_for_its_author(client, assistant, case, settings):
    url = reverse("visits:visit-create", args=[case.pk])
    client.force_login(assistant)
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_MAX_LIFETIME - 10
    session.save()

    sent = client.post(url, visit_data(case, topics=TYPED), HTTP_REFERER=f"http://testserver{url}")

    assert sent.status_code == 302 and "draft%3D" in sent["Location"]
    assert PendingDraft.objects.get().user == assistant
    assert not Visit.objects.exists()


def test_stay_logged_in_renews_the_session(client, assistant, case, settings):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(assistant)
    page = client.get(reverse("visits:visit-create", args=[case.pk]))
    html = page.content.decode()
    assert 'role="alertdialog"' in html and 'aria-live="assertive"' in html
    assert "You will be logged out in 2 minutes" in html
    assert re.search(r'data-remaining="(\d+)"', html)

    renewed = client.post(reverse("session-keepalive"))

    assert renewed.status_code == 200
    assert 590 <= renewed.json()["remaining"] <= 600
    assert renewed["Cache-Control"].startswith("max-age=0") or "no-store" in renewed["Cache-Control"]


def test_stay_logged_in_without_a_session_goes_to_login_and_keeps_nothing(client):
    response = client.post(reverse("session-keepalive"), {"csrfmiddlewaretoken": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not PendingDraft.objects.exists()
    assert client.get(reverse("session-keepalive")).status_code in (302, 405)
