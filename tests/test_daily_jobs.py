"""A daily job that beat could not hand to the broker (Redis down at its minute) is run later the
same day by the catch-up, exactly once; one that ran as scheduled is not run again."""

import datetime as dt
import shutil
import time
import uuid

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_success
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

from .own_services import OwnRedis

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


# --- Redis really stopped over the scheduled minute ----------------------------------------------


@pytest.fixture
def own_redis(redis_url):
    from .conftest import require_service

    require_service(shutil.which("redis-server") is not None, "redis-server (to stop and start a broker)")
    server = OwnRedis()
    server.start()
    queue = f"asystent-test-catch-up-{uuid.uuid4().hex}"
    switched = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in switched}
    app.conf.update(broker_url=server.url, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    try:
        yield server, queue
    finally:
        app.conf.update(saved)
        _reset_connections()
        server.stop()


def _reset_connections() -> None:
    app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
    app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private, as above


@pytest.mark.redis("a redis-server of the test's own, stopped and started again")
@pytest.mark.postgresql("the worker's thread and the test share committed rows and row locks")
@pytest.mark.django_db(transaction=True)
def test_the_sweep_missed_while_redis_was_stopped_is_caught_up_once(own_redis):
    server, queue = own_redis
    catch_ups: list[list[str]] = []

    def remember(sender=None, result=None, **kwargs) -> None:  # noqa: ANN001, ANN003
        if sender is not None and sender.name == "asystent.catch_up_daily_jobs":
            catch_ups.append(list(result))

    task_success.connect(remember, weak=False)
    try:
        with time_machine.travel(_today_at(5, 58), tick=True) as clock:
            server.stop()  # Redis goes down before the sweep's minute
            clock.move_to(_today_at(6, 0))
            # Beat's send of the 06:00 sweep, and its 5-minute catch-up tick, find no broker.
            for name in (REMINDERS, "asystent.catch_up_daily_jobs"):
                with pytest.raises(OperationalError):
                    app.send_task(name, retry=False)
            assert not DailyJobRun.objects.filter(task=REMINDERS, last_day=timezone.localdate()).exists()

            clock.move_to(_today_at(6, 7))
            server.start()  # Redis is back
            with start_worker(
                app,
                pool="solo",
                queues=[queue],
                perform_ping_check=False,
                loglevel="WARNING",
                shutdown_timeout=10,
            ):
                # The worker's start sends one catch-up (worker_ready); beat's next ticks send more.
                for _tick in range(2):
                    app.send_task("asystent.catch_up_daily_jobs")
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and len(catch_ups) < 2:
                    time.sleep(0.1)
            recorded = DailyJobRun.objects.get(task=REMINDERS)
    finally:
        task_success.disconnect(remember)

    assert len(catch_ups) >= 2, catch_ups
    assert sum(run.count(REMINDERS) for run in catch_ups) == 1, catch_ups  # caught up, exactly once
    assert recorded.last_day == _today_at(6, 7).date()
