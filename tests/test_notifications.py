"""The notification centre: the unread badge, the list (own only, unread first, paginated),
mark as read and follow the link, mark all as read, and the e-mail preference."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from asystent.models import Centre
from notifications.models import Notification

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def note(user, n: int, *, read: bool = False, url: str | None = None, age_minutes: int = 0) -> Notification:
    notification = Notification.objects.create(
        recipient=user,
        rule="assessment_overdue",
        key=f"assessment_overdue:{n}:2026-03-01",
        message=f"Family Nowak {n}: the periodic assessment was due on 01.03.2026.",
        url=f"/families/cases/{n}/" if url is None else url,
        read_at=timezone.now() if read else None,
    )
    if age_minutes:
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=age_minutes)
        )
    return notification


# --- the badge and the list -----------------------------------------------------------------------


def test_the_navigation_shows_the_unread_count(client, assistant, other_assistant):
    for n in range(3):
        note(assistant, n)
    note(assistant, 9, read=True)
    note(other_assistant, 10)
    client.force_login(assistant)

    page = client.get(reverse("home")).content.decode()

    assert "3 unread notifications" not in page  # no label that hides the visible text
    link = _element(page, f'//a[@href="{reverse("notifications:list")}"]')
    assert _accessible_name(link) == "Notifications 3 unread"


# --- WCAG 2.5.3: an accessible name contains the visible text -------------------------------------


def _element(page: str, xpath: str):
    from lxml import html

    [found] = html.fromstring(page).xpath(xpath)
    return found


def _text(element, *, visible_only: bool) -> str:
    """The element's text as read aloud (all but aria-hidden) or as seen (also not visually-hidden)."""
    if element.get("aria-hidden") == "true":
        return ""
    if visible_only and "visually-hidden" in (element.get("class") or "").split():
        return ""
    parts = [element.text or ""]
    for child in element:
        parts.append(_text(child, visible_only=visible_only))
        parts.append(child.tail or "")
    return "".join(parts)


def _accessible_name(element) -> str:
    """The name computed from aria-label or the content (the cases the templates use)."""
    return " ".join((element.get("aria-label") or _text(element, visible_only=False)).split())


def _visible_text(element) -> str:
    return " ".join(_text(element, visible_only=True).split())


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_notifications_link_s_name_contains_its_visible_text(client, assistant, language):
    note(assistant, 1)
    note(assistant, 2)
    client.force_login(assistant)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    link = _element(page, f'//a[@href="{reverse("notifications:list")}"]')
    assert "2" in _visible_text(link)
    assert _visible_text(link) in _accessible_name(link)
    assert len(_accessible_name(link)) > len(_visible_text(link))  # and says what the number is


def test_each_open_button_names_what_it_opens(client, assistant):
    first, second = note(assistant, 1), note(assistant, 2, read=True)
    client.force_login(assistant)
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    names = []
    for notification in (first, second):
        action = reverse("notifications:read", args=[notification.pk])
        button = _element(page, f'//form[@action="{action}"][not(input[@name="next"])]//button')
        assert _visible_text(button) == "Otwórz"
        name = _accessible_name(button)
        assert name.startswith("Otwórz") and notification.message in name  # what it opens
        names.append(name)
    assert names[0] != names[1]


def test_the_list_shows_only_my_notifications_unread_first(client, assistant, other_assistant):
    note(assistant, 1, read=True, age_minutes=1)
    note(assistant, 2, age_minutes=30)
    note(assistant, 3, age_minutes=10)
    note(other_assistant, 4)
    client.force_login(assistant)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert [n.key.split(":")[1] for n in response.context["page"].object_list] == ["3", "2", "1"]
    body = response.content.decode()
    assert "Family Nowak 4" not in body
    assert "Periodic assessment overdue" in body
    assert "2 unread notifications" in body


def notification_queries(client, **params) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:list"), params)
    assert response.status_code == 200
    return len(queries), [
        q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]
    ]


def test_the_list_is_paginated_with_a_constant_number_of_queries(client, assistant):
    Centre.load()
    note(assistant, 0)
    client.force_login(assistant)
    client.get(reverse("notifications:list"))  # the session settles on the first request
    few_total, few = notification_queries(client)
    for n in range(1, 30):
        note(assistant, n)

    many_total, many = notification_queries(client)
    second = client.get(reverse("notifications:list"), {"page": 2})

    # The page, the paginator's count and one unread COUNT shared by the page and the badge.
    assert len(few) == len(many) == 3
    assert few_total == many_total
    assert sum("read_at" in sql and "COUNT" in sql for sql in many) == 1
    assert len(second.context["page"].object_list) == 5


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_list_refuses_post(client, assistant):
    client.force_login(assistant)
    assert client.post(reverse("notifications:list")).status_code == 405


# --- mark as read ---------------------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(client, assistant):
    notification = note(assistant, 5)
    client.force_login(assistant)

    response = client.post(reverse("notifications:read", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == "/families/cases/5/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_as_read_can_stay_on_the_list(client, assistant):
    notification = note(assistant, 5)
    client.force_login(assistant)

    response = client.post(reverse("notifications:read", args=[notification.pk]), {"next": "list"})

    assert response.url == reverse("notifications:list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_leaving_the_site_is_not_followed(client, assistant):
    notification = note(assistant, 5, url="https://evil.example/")
    client.force_login(assistant)

    response = client.post(reverse("notifications:read", args=[notification.pk]))

    assert response.url == reverse("notifications:list")


def test_someone_else_s_notification_is_not_found(client, assistant, other_assistant):
    theirs = note(other_assistant, 6)
    client.force_login(assistant)

    response = client.post(reverse("notifications:read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_as_read_refuses_get(client, assistant):
    notification = note(assistant, 5)
    client.force_login(assistant)

    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_touches_only_my_notifications(client, assistant, other_assistant):
    for n in range(3):
        note(assistant, n)
    theirs = note(other_assistant, 7)
    client.force_login(assistant)

    response = client.post(reverse("notifications:read-all"), follow=True)

    assert not Notification.objects.filter(recipient=assistant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "3 notifications marked as read." in response.content.decode()
    link = _element(response.content.decode(), f'//a[@href="{reverse("notifications:list")}"]')
    assert _accessible_name(link) == "Notifications"  # no badge when nothing is unread


def test_mark_all_as_read_refuses_get(client, assistant):
    note(assistant, 1)
    client.force_login(assistant)

    assert client.get(reverse("notifications:read-all")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


# --- the e-mail preference ------------------------------------------------------------------------


def test_a_user_chooses_the_daily_digest(client, assistant, other_assistant):
    client.force_login(assistant)
    assert client.get(reverse("notifications:preferences")).status_code == 200

    response = client.post(reverse("notifications:preferences"), {"email_notifications": "digest"})

    assert response.status_code == 302
    assistant.refresh_from_db()
    other_assistant.refresh_from_db()
    assert assistant.email_notifications == "digest"
    assert other_assistant.email_notifications == "immediate"


def test_an_unknown_choice_is_refused_next_to_the_field(client, assistant):
    client.force_login(assistant)

    response = client.post(reverse("notifications:preferences"), {"email_notifications": "hourly"})

    assert response.status_code == 200
    assert "email_notifications" in response.context["form"].errors
    assistant.refresh_from_db()
    assert assistant.email_notifications == "immediate"


def test_without_an_e_mail_address_the_page_says_so(client):
    user = UserFactory(username="bez", assistant=True, email="")
    client.force_login(user)

    body = client.get(reverse("notifications:preferences")).content.decode()

    assert "Your account has no e-mail address" in body


def test_preferences_refuse_other_methods(client, assistant):
    client.force_login(assistant)
    assert client.delete(reverse("notifications:preferences")).status_code == 405
