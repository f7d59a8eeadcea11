"""Celery tasks of `transfer`: thin wrappers around the services."""

from celery import shared_task

from .services import exporting

# Within CELERY_VISIBILITY_TIMEOUT (900 s), so a long export is not delivered twice meanwhile.
EXPORT_SOFT_TIME_LIMIT = 780
EXPORT_TIME_LIMIT = 840


@shared_task(
    name="transfer.build_centre_export",
    acks_late=True,
    # A worker killed mid-export gives the message back; the export is made again from the start.
    reject_on_worker_lost=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT,
)
def build_centre_export(export_id: int) -> str:
    return exporting.build_export(export_id)


@shared_task(name="transfer.purge_expired")
def purge_expired() -> dict[str, int]:
    """The daily sweep: exports past their 24 hours and imports left unconfirmed."""
    return exporting.purge_expired()
