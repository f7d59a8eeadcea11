"""The e-mail channel: in-application notifications delivered by e-mail, one e-mail per notification
or a daily digest.

The notification rows are the outbox: they are written in the same transaction as the change that
caused them, and `emailed_at` stays empty until an e-mail carried them. A task queued after the
commit sends them at once; the periodic `send_pending_emails` (every 5 minutes) picks up whatever
it missed, e.g. while Redis was down. Both sends lock the rows they take, so two runs never send
the same notification twice; a failed send leaves the row pending for the next run.

E-mails carry no family data (names, court matters): only the kind of notification and a link
into the application, behind the login. The details stay where access is checked and audited.
"""

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asystent.enums import EmailNotifications
from asystent.models import User
from asystent.outbox import send_after_commit
from asystent.site_url import site_url

from ..enums import NotificationKind, kind_label
from ..models import Notification
from . import register

logger = logging.getLogger(__name__)

# A notification older than this is not e-mailed any more (it is still in the application): after
# a long outage, or when someone switches e-mails on, nobody gets weeks of old news by e-mail.
IMMEDIATE_MAX_AGE = dt.timedelta(days=3)
DIGEST_MAX_AGE = dt.timedelta(days=7)
BATCH_SIZE = 200


def absolute_url(path: str) -> str:
    return f"{site_url()}{path}" if path.startswith("/") else path


def _settings_url() -> str:
    return absolute_url(reverse("notifications:preferences"))


@dataclass(frozen=True)
class EmailItem:
    label: str
    created_at: dt.datetime
    link: str


def _item(notification: Notification) -> EmailItem:
    return EmailItem(
        label=kind_label(notification.rule),
        created_at=timezone.localtime(notification.created_at),
        link=absolute_url(notification.url or reverse("notifications:list")),
    )


def _pending(since: dt.datetime) -> QuerySet[Notification]:
    """Notifications not e-mailed, not yet read in the application, and recent enough."""
    return Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True, created_at__gte=since)


def _recipients_choosing(choice: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, email_notifications=choice).exclude(email="")


def _send(message: EmailMessage, connection: BaseEmailBackend) -> bool:
    """Send one message; a refused or unreachable server is logged and retried by the next run."""
    try:
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError):
        logger.exception("E-mail to %s not sent; it stays pending", message.to)
        return False
    return True


def send_pending_emails(*, now: dt.datetime | None = None) -> int:
    """E-mail each pending notification to its recipient who chose immediate e-mails; returns how
    many were sent. Idempotent and safe to run concurrently (rows are locked, skip_locked)."""
    now = now or timezone.now()
    sent = 0
    last_pk = 0
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            with transaction.atomic():
                batch = list(
                    _pending(now - IMMEDIATE_MAX_AGE)
                    .filter(
                        pk__gt=last_pk,
                        recipient__in=_recipients_choosing(EmailNotifications.IMMEDIATE),
                    )
                    .select_related("recipient")
                    .select_for_update(skip_locked=True, of=("self",))
                    .order_by("pk")[:BATCH_SIZE]
                )
                if not batch:
                    break
                last_pk = batch[-1].pk
                delivered = [n.pk for n in batch if _send(_immediate_message(n), connection)]
                Notification.objects.filter(pk__in=delivered).update(emailed_at=timezone.now())
                sent += len(delivered)
    return sent


def _immediate_message(notification: Notification) -> EmailMessage:
    item = _item(notification)
    body = render_to_string(
        "notifications/emails/notification.txt",
        {"item": item, "user": notification.recipient, "settings_url": _settings_url()},
    )
    subject = _("[Asystent] %(kind)s") % {"kind": item.label}
    return EmailMessage(subject=subject, body=body, to=[notification.recipient.email])


@dataclass(frozen=True)
class DigestGroup:
    label: str
    items: list[EmailItem]


def digest_groups(notifications: list[Notification]) -> list[DigestGroup]:
    """Group a user's notifications by kind, in the order of `NotificationKind`, newest first."""
    by_rule: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_rule[notification.rule].append(notification)
    order = {kind.value: i for i, kind in enumerate(NotificationKind)}
    return [
        DigestGroup(
            label=kind_label(rule),
            items=[_item(n) for n in sorted(rows, key=lambda n: (n.created_at, n.pk), reverse=True)],
        )
        for rule, rows in sorted(by_rule.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    ]


def _digest_message(user: User, notifications: list[Notification]) -> EmailMessage:
    count = len(notifications)
    body = render_to_string(
        "notifications/emails/digest.txt",
        {
            "user": user,
            "count": count,
            "groups": digest_groups(notifications),
            "list_url": absolute_url(reverse("notifications:list")),
            "settings_url": _settings_url(),
        },
    )
    subject = ngettext(
        "[Asystent] %(count)d new notification",
        "[Asystent] %(count)d new notifications",
        count,
    ) % {"count": count}
    return EmailMessage(subject=subject, body=body, to=[user.email])


def send_digests(*, now: dt.datetime | None = None) -> int:
    """Send each user who chose the daily digest one e-mail with their pending notifications;
    returns how many e-mails were sent. Idempotent: what a digest carried is marked e-mailed."""
    now = now or timezone.now()
    since = now - DIGEST_MAX_AGE
    users = _recipients_choosing(EmailNotifications.DIGEST).filter(
        Exists(_pending(since).filter(recipient=OuterRef("pk")))
    )
    sent = 0
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        for user in users.order_by("pk"):
            with transaction.atomic():
                notifications = list(
                    _pending(since).filter(recipient=user).select_for_update(skip_locked=True).order_by("pk")
                )
                if not notifications or not _send(_digest_message(user, notifications), connection):
                    continue
                Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                    emailed_at=timezone.now()
                )
                sent += 1
    return sent


def deliver_emails_after_commit() -> None:
    """Ask for the immediate e-mails once the current transaction has committed (through the
    outbox: with the broker down, the request is sent when it is back; the periodic run would
    send them too)."""
    from ..tasks import send_pending_emails_task

    send_after_commit(send_pending_emails_task)


class EmailChannel:
    """E-mail: the notification rows are the outbox (`emailed_at` empty until an e-mail carried
    them); new rows are sent once their transaction commits, and the periodic run sends the rest."""

    name = "email"

    def announce(self) -> None:
        deliver_emails_after_commit()

    def deliver_pending(self) -> int:
        return send_pending_emails()


register(EmailChannel())
