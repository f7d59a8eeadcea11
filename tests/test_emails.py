"""E-mail delivery: immediate e-mails after the commit, the daily digest grouped by kind, each
user's choice, idempotence, a refusing mail server, and a broker that is down."""

import datetime as dt
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from asystent.celery import app as celery_app
from notifications.channels.email import send_digests, send_pending_emails
from notifications.models import Notification
from notifications.reminders import send_reminders
from notifications.services import managers, notify

from .factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
FAMILY = "Wiśniewscy"


@pytest.fixture(autouse=True)
def _english(settings):
    """E-mails are written in LANGUAGE_CODE; the assertions read the English source strings."""
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://asystent.example.org"


def note(user, n: int = 1, rule: str = "assessment_overdue", **fields) -> Notification:
    return Notification.objects.create(
        recipient=user,
        rule=rule,
        key=f"{rule}:{n}:2026-03-02:{user.pk}",
        message=f"Family {FAMILY}: the periodic assessment was due on 01.03.2026.",
        url=f"/families/cases/{n}/",
        family_id=n,
        **fields,
    )


# --- immediate e-mails ----------------------------------------------------------------------------


def test_immediate_e_mails_go_only_to_those_who_chose_them(mailoutbox):
    immediate = UserFactory(username="anna", assistant=True, email_notifications="immediate")
    digest = UserFactory(username="kasia", manager=True, email_notifications="digest")
    silent = UserFactory(username="adam", manager=True, email_notifications="none")
    no_address = UserFactory(username="bez", assistant=True, email="", email_notifications="immediate")
    gone = UserFactory(username="ewa", assistant=True, is_active=False, email_notifications="immediate")
    for user in (immediate, digest, silent, no_address, gone):
        note(user)

    assert send_pending_emails() == 1

    [message] = mailoutbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "[Asystent] Periodic assessment overdue"
    assert "https://asystent.example.org/families/cases/1/" in message.body
    assert FAMILY not in message.body + message.subject  # no family data leaves the application
    assert Notification.objects.get(recipient=immediate).emailed_at is not None
    assert Notification.objects.get(recipient=digest).emailed_at is None


def test_sending_again_sends_nothing(mailoutbox, assistant):
    note(assistant, 1)
    note(assistant, 2)

    assert send_pending_emails() == 2
    assert send_pending_emails() == 0
    assert len(mailoutbox) == 2


def test_read_or_old_notifications_are_not_e_mailed(mailoutbox, assistant):
    note(assistant, 1, read_at=timezone.now())
    old = note(assistant, 2)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=4))

    assert send_pending_emails() == 0
    assert mailoutbox == []


class RefusingBackend(LocmemBackend):
    """A mail server that refuses one address."""

    def send_messages(self, messages):
        if any("refused@example.org" in m.to for m in messages):
            raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"No such user")})
        return super().send_messages(messages)


def test_a_refused_e_mail_stays_pending_and_the_others_go(settings, mailoutbox, assistant):
    settings.EMAIL_BACKEND = "tests.test_emails.RefusingBackend"
    refused = UserFactory(username="refused", assistant=True)
    stuck = note(refused, 1)
    note(assistant, 2)

    assert send_pending_emails() == 1
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]
    stuck.refresh_from_db()
    assert stuck.emailed_at is None


def test_notify_queues_the_e_mails_when_its_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox, manager
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(managers(), rule="intervention", key="intervention:7", message="x", url="/families/cases/7/")
        assert mailoutbox == []  # nothing before the commit

    [message] = mailoutbox
    assert message.to == ["kasia@example.org"]
    assert message.subject == "[Asystent] Intervention recorded"


def test_the_sweep_e_mails_its_reminders_after_the_commit(
    django_capture_on_commit_callbacks, mailoutbox, assistant, manager
):
    CaseFactory(assistant=assistant, opened_on=dt.date(2025, 6, 1), started_on=dt.date(2025, 6, 1))
    with (
        time_machine.travel(dt.datetime(2026, 3, 2, 6, tzinfo=WARSAW), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = send_reminders()

    assert len(mailoutbox) == sum(created.values()) == 4
    assert {m.to[0] for m in mailoutbox} == {"anna@example.org", "kasia@example.org"}
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.fixture
def broker_down():
    """Celery sends to a Redis that is not there (nothing listens on port 1)."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    celery_app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
    yield
    celery_app.conf.update(saved)
    celery_app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool


def test_with_the_broker_down_nothing_is_lost(
    django_capture_on_commit_callbacks, broker_down, mailoutbox, manager
):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(managers(), rule="intervention", key="intervention:8", message="x", url="/x/")

    # The change committed and the caller got no error; the row waits for the periodic run.
    assert created == 1
    assert mailoutbox == []
    assert Notification.objects.get(key="intervention:8").emailed_at is None

    assert send_pending_emails() == 1
    assert mailoutbox[0].to == ["kasia@example.org"]


# --- the daily digest -----------------------------------------------------------------------------


def test_the_digest_groups_a_day_s_notifications_by_kind(mailoutbox):
    kasia = UserFactory(username="kasia", manager=True, email_notifications="digest")
    other = UserFactory(username="marek", manager=True, email_notifications="digest")
    note(kasia, 1, rule="no_contact")
    note(kasia, 2)
    note(kasia, 3)
    note(kasia, 4, read_at=timezone.now())  # already seen in the application
    note(other, 5)

    assert send_digests() == 2

    mine = next(m for m in mailoutbox if m.to == ["kasia@example.org"])
    assert mine.subject == "[Asystent] 3 new notifications"
    body = mine.body
    assert "You have 3 new notifications in Asystent:" in body
    assert body.index("Periodic assessment overdue (2)") < body.index("No visit or contact recently (1)")
    for n in (1, 2, 3):
        assert f"https://asystent.example.org/families/cases/{n}/" in body
    assert "/families/cases/4/" not in body
    assert "/families/cases/5/" not in body
    assert FAMILY not in body
    assert "https://asystent.example.org/notifications/" in body


def test_the_digest_is_sent_once_and_then_only_what_is_new(mailoutbox):
    kasia = UserFactory(username="kasia", manager=True, email_notifications="digest")
    note(kasia, 1)

    assert send_digests() == 1
    assert send_digests() == 0
    note(kasia, 2, rule="referral_waiting")
    assert send_digests() == 1

    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "[Asystent] 1 new notification"
    assert "/families/cases/1/" not in mailoutbox[1].body
    assert "Referral awaiting a decision (1)" in mailoutbox[1].body


def test_immediate_and_digest_do_not_take_each_other_s_notifications(mailoutbox, assistant):
    kasia = UserFactory(username="kasia", manager=True, email_notifications="digest")
    note(kasia, 1)
    note(assistant, 2)

    assert send_digests() == 1
    assert send_pending_emails() == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@example.org", "kasia@example.org"]
