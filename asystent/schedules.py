"""The periodic tasks, kept in django-celery-beat's tables; registered (idempotently) after every
migrate. The tables are not in the admin (they are internal and in English): the administrator
sets the one time that is the centre's choice, the hour of the daily reminder sweep, in the
reminder settings (`notifications.ReminderSettings.sweep_hour`), which moves its entry here."""

from typing import Any

REMINDER_SWEEP_TASK = "notifications.send_reminders"

# (name shown in the admin, task, crontab fields); times are Europe/Warsaw.
DEFAULT_SCHEDULES: list[tuple[str, str, dict[str, str]]] = [
    ("Przypomnienia o terminach", REMINDER_SWEEP_TASK, {"minute": "0", "hour": "6"}),
    ("Zakończenie monitoringu", "cases.tasks.end_due_monitoring", {"minute": "30", "hour": "5"}),
    ("Wysyłka powiadomień e-mail", "notifications.send_pending_emails", {"minute": "*/5", "hour": "*"}),
    ("Dzienne zestawienie powiadomień", "notifications.send_digests", {"minute": "0", "hour": "7"}),
    ("Usuwanie wygasłych sesji", "asystent.tasks.clear_expired_sessions", {"minute": "15", "hour": "3"}),
    (
        "Usuwanie wygasłych zachowanych formularzy",
        "asystent.purge_expired_drafts",
        {"minute": "20", "hour": "3"},
    ),
    (
        "Usuwanie wygasłych eksportów i niepotwierdzonych importów",
        "transfer.purge_expired",
        {"minute": "25", "hour": "3"},
    ),
    # Runs the day's jobs above that an outage of the broker made beat lose (asystent.daily_jobs).
    (
        "Nadrabianie pominiętych zadań dziennych",
        "asystent.catch_up_daily_jobs",
        {"minute": "*/5", "hour": "*"},
    ),
    # Sends the tasks asked for while the broker was down (asystent.outbox).
    ("Wysyłka zadań czekających na kolejkę", "asystent.flush_outbox", {"minute": "*", "hour": "*"}),
]


def _crontab(minute: str, hour: str) -> Any:  # noqa: ANN401 - a CrontabSchedule
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule

    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    return schedule


def ensure_schedules(**kwargs: Any) -> None:
    from django_celery_beat.models import PeriodicTask

    for name, task, cron in DEFAULT_SCHEDULES:
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": _crontab(cron["minute"], cron["hour"])}
        )


def set_daily_hour(task: str, hour: int) -> None:
    """Run `task` daily at `hour`:00 (local time): its beat entry's crontab is replaced, and a
    running beat reads the schedule again."""
    from django_celery_beat.models import PeriodicTask

    schedule = _crontab("0", str(hour))
    for entry in PeriodicTask.objects.filter(task=task).exclude(crontab=schedule):
        entry.crontab = schedule
        entry.save()  # django-celery-beat's signal marks the change for a running beat
