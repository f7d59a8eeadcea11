"""Daily jobs missed while the broker was down are caught up the same day.

Beat records a run as sent even when the broker (Redis) refuses it, so a daily job due during an
outage (the 06:00 reminder sweep, the end of monitoring, the digests) would wait a whole day. Each
daily job's last successful day is kept in `DailyJobRun`; a cheap periodic check, and the worker's
start, run today's job once if its hour has passed and it has not run today. The daily jobs are
idempotent, so a run that overlaps the scheduled one does no harm.
"""

import datetime as dt
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import DailyJobRun

logger = logging.getLogger(__name__)


def daily_jobs() -> list[tuple[str, dt.time]]:
    """(task name, time of day) of the enabled periodic tasks that run once a day."""
    from django_celery_beat.models import PeriodicTask

    jobs = []
    for task in PeriodicTask.objects.filter(enabled=True, crontab__isnull=False).select_related("crontab"):
        cron = task.crontab
        if cron is None or not (cron.minute.isdigit() and cron.hour.isdigit()):
            continue  # every few minutes or hours: the next tick catches up by itself
        if (cron.day_of_week, cron.day_of_month, cron.month_of_year) != ("*", "*", "*"):
            continue
        jobs.append((task.task, dt.time(int(cron.hour), int(cron.minute))))
    return jobs


def record_success(task_name: str, day: dt.date | None = None) -> None:
    """Note that `task_name` ran successfully on `day` (today by default)."""
    day = day or timezone.localdate()
    DailyJobRun.objects.update_or_create(task=task_name, defaults={"last_day": day})


def catch_up(now: dt.datetime | None = None) -> list[str]:
    """Run each daily job whose time has passed today and that has not run today; returns the
    names of the jobs run. Each job is run under a row lock, so two checks never run it twice."""
    now = timezone.localtime(now)
    today = now.date()
    ran = []
    for task_name, at in daily_jobs():
        if now.time() < at or task_name not in current_app.tasks:
            continue
        with transaction.atomic():
            DailyJobRun.objects.get_or_create(task=task_name)
            run = DailyJobRun.objects.select_for_update().get(task=task_name)
            if run.last_day is not None and run.last_day >= today:
                continue
            logger.warning("daily job %s missed its run at %s today: running it now", task_name, at)
            current_app.tasks[task_name].run()
            run.last_day = today
            run.save(update_fields=["last_day", "updated_at"])
        ran.append(task_name)
    return ran
