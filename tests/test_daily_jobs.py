"""A daily job that beat could not hand to the broker (Redis down at its minute) is run later the
same day by the catch-up, exactly once; one that ran as scheduled is not run again."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError

from asystent.celery import app
from asystent.daily_jobs import catch_up, daily_jobs
from asystent.models import DailyJobRun
from asystent.schedules import ensure_schedules
from asystent.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db

SESSIONS = "asystent.tasks.clear_expired_sessions"  # daily at 03:15
REMINDERS = "notifications.send_reminders"  # daily at 06:00


def _today_at(hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour, minute)))


def _expired_session() -> str:
    session = SessionStore()
    session["x"] = 1
    session.create()
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() - dt.timedelta(days=1))
    return session.session_key


@pytest.fixture(autouse=True)
def schedules():
    ensure_schedules()


def test_the_daily_jobs_are_read_from_the_schedule():
    jobs = dict(daily_jobs())
    assert jobs[REMINDERS] == dt.time(6, 0)
    assert jobs[SESSIONS] == dt.time(3, 15)
    assert "notifications.send_pending_emails" not in jobs  # every 5 minutes: not a daily job


def test_a_job_lost_while_the_broker_was_down_runs_once_when_it_is_back():
    key = _expired_session()
    # Beat's send at 03:15 fails: nothing listens where the broker should be.
    with Connection("redis://127.0.0.1:1/0", connect_timeout=0.5) as down, pytest.raises(OperationalError):
        app.send_task(SESSIONS, connection=down, retry=False)
    assert Session.objects.filter(pk=key).exists()

    assert SESSIONS not in catch_up(_today_at(3, 10))  # not yet due
    ran = catch_up(_today_at(3, 20))
    assert SESSIONS in ran
    assert REMINDERS not in ran  # due at 06:00
    assert not Session.objects.filter(pk=key).exists()
    assert DailyJobRun.objects.get(task=SESSIONS).last_day == timezone.localdate()

    key = _expired_session()
    assert SESSIONS not in catch_up(_today_at(3, 25))  # exactly once a day
    assert Session.objects.filter(pk=key).exists()


def test_a_job_that_ran_as_scheduled_is_not_run_again():
    clear_expired_sessions.apply()  # as the worker runs what beat sent
    assert DailyJobRun.objects.get(task=SESSIONS).last_day == timezone.localdate()
    key = _expired_session()
    assert SESSIONS not in catch_up(_today_at(23, 0))
    assert Session.objects.filter(pk=key).exists()


def test_yesterdays_run_does_not_count_for_today():
    DailyJobRun.objects.create(task=SESSIONS, last_day=timezone.localdate() - dt.timedelta(days=1))
    assert SESSIONS in catch_up(_today_at(4, 0))


def test_the_check_runs_every_few_minutes():
    from django_celery_beat.models import PeriodicTask

    check = PeriodicTask.objects.get(task="asystent.catch_up_daily_jobs")
    assert check.enabled and check.crontab.minute == "*/5"
