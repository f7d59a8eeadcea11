"""Celery tasks of the documents: thin wrappers around the services."""

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import RENDER_SOFT_TIME_LIMIT, RENDER_TIME_LIMIT, render_stored_document

_RENDER_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    # A worker killed mid-render gives the message back; the rendering is idempotent.
    "reject_on_worker_lost": True,
    "soft_time_limit": RENDER_SOFT_TIME_LIMIT,
    "time_limit": RENDER_TIME_LIMIT,
    # The database unreachable (restarted, failed over) is not the document's fault: the task is
    # sent again after 1, 2, 4 … 60 s instead of leaving the document "being prepared" for ever.
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": False,
    "max_retries": 12,
}


@shared_task(name="documents.render_document", **_RENDER_OPTIONS)
def render_document(document_id: int) -> str:
    """Render one RenderedDocument's PDF (a no-op when its file is already there and intact)."""
    return render_stored_document(document_id)


@shared_task(name="reports.render_document", **_RENDER_OPTIONS)
def render_document_alias(document_id: int) -> str:
    """The task's name before the documents had their own app, for messages queued before an upgrade."""
    return render_stored_document(document_id)
