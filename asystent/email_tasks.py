"""Celery tasks delivering notification e-mails; thin wrappers of asystent.emails (idempotent)."""

from celery import shared_task

from . import emails


@shared_task(name="asystent.send_pending_emails")
def send_pending_emails_task() -> int:
    """Every 5 minutes, and after each commit that created notifications."""
    return emails.send_pending_emails()


@shared_task(name="asystent.send_digests")
def send_digests_task() -> int:
    """Daily at 07:00 Europe/Warsaw, after the 06:00 reminder sweep."""
    return emails.send_digests()
