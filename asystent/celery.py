"""The Celery app: tasks go to Redis when REDIS_URL is set and run in-process otherwise."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_success, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asystent.settings")

app = Celery("asystent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _catch_up_at_start(sender: Any = None, **kwargs: Any) -> None:
    """A worker that starts after an outage catches up the day's missed daily jobs at once, and
    sends the tasks that waited in the outbox (asystent.outbox)."""
    app.send_task("asystent.catch_up_daily_jobs")
    app.send_task("asystent.flush_outbox")


@task_success.connect
def _record_daily_job(sender: Any = None, **kwargs: Any) -> None:
    """A daily job that ran as scheduled is not run again by the catch-up."""
    from asystent.daily_jobs import daily_jobs, record_success

    if sender is not None and sender.name in {name for name, _ in daily_jobs()}:
        record_success(sender.name)
