"""Scheduled tasks of the cases app: thin wrappers around the case-work services."""

from celery import shared_task

from .services import closure


@shared_task
def end_due_monitoring() -> int:
    """Monitoring ends on its date (art. 15 ust. 1 pkt 16): end every case whose planned
    monitoring has passed. Idempotent; returns how many cases ended."""
    return closure.end_due_monitoring()
