"""Sending in-application notifications, idempotently (one per recipient and key)."""

from collections.abc import Iterable

from django.db.models import QuerySet

from .emails import deliver_emails_after_commit
from .models import Notification, User


def notify(
    recipients: Iterable[User] | QuerySet,
    *,
    rule: str,
    key: str,
    message: str,
    url: str = "",
    family_id: int | None = None,
) -> int:
    """Create one notification per recipient unless one with the same key exists; returns how
    many were created. Runs inside the caller's transaction; the immediate e-mails are queued
    when it commits (and sent by the periodic run if the broker is down)."""
    rows = [
        Notification(recipient=user, rule=rule, key=key, message=message, url=url, family_id=family_id)
        for user in recipients
    ]
    before = Notification.objects.filter(key=key).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = Notification.objects.filter(key=key).count() - before
    if created:
        deliver_emails_after_commit()
    return created


def managers() -> QuerySet:
    return User.objects.filter(is_manager=True, is_active=True)
