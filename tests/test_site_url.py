"""The address in e-mail links when SITE_URL is not set: the request's own address where there is
one, else the port runserver was started on, else the first host of ALLOWED_HOSTS."""

import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from asystent.site_url import SiteUrlMiddleware, site_url
from notifications.channels.email import absolute_url, send_pending_emails
from notifications.models import Notification

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_site_url(settings, monkeypatch):
    settings.SITE_URL = ""
    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr(sys, "argv", ["manage.py", "send_reminders"])


def test_a_set_site_url_wins(settings):
    settings.SITE_URL = "https://asystent.example.org/"
    assert absolute_url("/notifications/") == "https://asystent.example.org/notifications/"


def test_an_e_mail_sent_during_a_request_links_to_the_address_it_came_to(mailoutbox):
    user = UserFactory(username="anna", assistant=True, email_notifications="immediate")
    Notification.objects.create(
        recipient=user, rule="assessment_overdue", key="k:1", message="m", url="/families/cases/1/"
    )

    def view(request):
        send_pending_emails()
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8101")
    SiteUrlMiddleware(view)(request)

    [message] = mailoutbox
    assert "http://127.0.0.1:8101/families/cases/1/" in message.body
    assert "8000" not in message.body
    # After the request, its address is no longer the current one.
    assert site_url() != "http://127.0.0.1:8101"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["manage.py", "runserver", "127.0.0.1:8101"], "http://127.0.0.1:8101"),
        (["manage.py", "runserver", "8102"], "http://127.0.0.1:8102"),
        (["manage.py", "runserver", "0.0.0.0:8103"], "http://127.0.0.1:8103"),
        (["manage.py", "runserver", "--noreload", "[::1]:8104"], "http://[::1]:8104"),
        (["manage.py", "runserver"], "http://127.0.0.1:8000"),
    ],
)
def test_without_a_request_the_runserver_port_is_used(monkeypatch, argv, expected):
    monkeypatch.setattr(sys, "argv", argv)
    assert site_url() == expected
    assert absolute_url("/x/") == expected + "/x/"


def test_otherwise_the_first_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["*", ".example.org", "asystent.mops.example.org", "localhost"]
    settings.DEBUG = False
    assert site_url() == "https://asystent.mops.example.org"
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    assert site_url() == "http://127.0.0.1:8000"
