"""The periodic tasks, kept in django-celery-beat's tables so an administrator can see and tune
them; registered (idempotently) after every migrate."""

from typing import Any

# (name shown in the admin, task, crontab fields); times are Europe/Warsaw.
DEFAULT_SCHEDULES: list[tuple[str, str, dict[str, str]]] = [
    ("Przypomnienia o terminach", "notifications.send_reminders", {"minute": "0", "hour": "6"}),
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
]


def ensure_schedules(**kwargs: Any) -> None:
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for name, task, cron in DEFAULT_SCHEDULES:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=cron["minute"],
            hour=cron["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})
