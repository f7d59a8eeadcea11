"""Maintenance tasks of the asystent app."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired database sessions; safe to repeat. Returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="asystent.catch_up_daily_jobs")
def catch_up_daily_jobs() -> list[str]:
    """Every 5 minutes and at the worker's start: run today's daily jobs missed while the broker
    was down (asystent.daily_jobs)."""
    from .daily_jobs import catch_up

    return catch_up()


@shared_task(name="asystent.purge_expired_drafts")
def purge_expired_drafts() -> int:
    """Delete the forms kept after a session ended (asystent.drafts) once their 24 hours are over;
    safe to repeat. Returns how many were removed."""
    from .drafts import purge_expired_drafts as purge

    return purge()


@shared_task(name="asystent.flush_outbox")
def flush_outbox() -> int:
    """Every minute and at the worker's start: send the tasks that waited in the outbox while the
    broker was down (asystent.outbox). Returns how many were sent."""
    from .outbox import flush

    return flush()
