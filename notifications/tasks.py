"""Celery tasks of the notifications: thin wrappers of the sweep and the e-mail channel (all
idempotent). The tasks were named `reports.send_reminders`, `asystent.send_pending_emails` and
`asystent.send_digests` before the notifications had their own app: those names stay registered
as aliases for messages queued before an upgrade (the periodic task rows are renamed by
migration notifications 0002)."""

from celery import shared_task

from .channels import email
from .reminders import send_reminders


@shared_task(name="notifications.send_reminders")
def send_reminders_task() -> dict[str, int]:
    """Daily at 06:00 Europe/Warsaw (django-celery-beat); idempotent, so safe to re-run."""
    return send_reminders()


@shared_task(name="notifications.send_pending_emails")
def send_pending_emails_task() -> int:
    """Every 5 minutes, and after each commit that created notifications."""
    return email.send_pending_emails()


@shared_task(name="notifications.send_digests")
def send_digests_task() -> int:
    """Daily at 07:00 Europe/Warsaw, after the 06:00 reminder sweep."""
    return email.send_digests()


@shared_task(name="reports.send_reminders")
def send_reminders_alias() -> dict[str, int]:
    """The old name of `send_reminders_task`."""
    return send_reminders()


@shared_task(name="asystent.send_pending_emails")
def send_pending_emails_alias() -> int:
    """The old name of `send_pending_emails_task`."""
    return email.send_pending_emails()


@shared_task(name="asystent.send_digests")
def send_digests_alias() -> int:
    """The old name of `send_digests_task`."""
    return email.send_digests()
