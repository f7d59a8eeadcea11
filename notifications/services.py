"""Sending notifications, idempotently (one per recipient and key): the row is the in-application
notification; the registered channels (`notifications.channels`) carry it further."""

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from asystent import told
from asystent.models import User

from . import channels
from .models import Notification


def notify(
    recipients: Iterable[User] | QuerySet[User],
    *,
    rule: str,
    key: str,
    message: str,
    url: str = "",
    family_id: int | None = None,
) -> int:
    """Create one notification per recipient unless one with the same key exists; returns how
    many were created. Runs inside the caller's transaction; the channels queue their delivery
    (the immediate e-mails) for when it commits (the periodic run sends them if the broker is down)."""
    people = list(recipients)
    rows = [
        Notification(recipient=user, rule=rule, key=key, message=message, url=url, family_id=family_id)
        for user in people
    ]
    told.record(people)
    before = Notification.objects.filter(key=key).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = Notification.objects.filter(key=key).count() - before
    if created:
        channels.announce_created()
    return created


def notify_each(notifications: Sequence[Notification], *, batch_size: int = 1000) -> None:
    """`notify` for many notifications at once, each with its own recipient and key (a loader's
    rows): created unless one with the same recipient and key exists, in batches, inside the
    caller's transaction; the channels are told as `notify` tells them."""
    if not notifications:
        return
    told.record(n.recipient for n in notifications)
    Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=batch_size)
    channels.announce_created()


def managers() -> QuerySet[User]:
    """The active managers, who are told of what needs the head of the centre."""
    return User.objects.filter(is_manager=True, is_active=True)


def notify_managers_of_notice(*, rule: str, key: str, message: str, url: str = "", **_: object) -> int:
    """The receiver of the core app's `managers_notice`: every active manager, once per key."""
    return notify(managers(), rule=rule, key=key, message=message, url=url)
