"""A task sent through Redis is executed by a real Celery worker started by the test."""

import time
import uuid
from datetime import timedelta

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from asystent.celery import app as celery_app
from asystent.tasks import clear_expired_sessions


@pytest.fixture
def redis_app(redis_url):
    """The project's Celery app sending to Redis, on a queue of its own.

    The app read its configuration (eager or not) when it was imported, so the settings fixture
    cannot switch it; the configuration is changed here and put back afterwards. The private
    queue keeps a developer's running worker (on another database) from taking the task.
    """
    queue = f"asystent-test-{uuid.uuid4().hex}"
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    celery_app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    # Connections made with the old broker URL must not be reused.
    celery_app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
    try:
        yield celery_app, queue
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None  # type: ignore[attr-defined]  # private, as above
        # Leave no trace of the private queue in Redis: its list and kombu's binding records.
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)
        for key in client.scan_iter("_kombu.binding*"):
            if client.type(key) == b"set":
                ours = [member for member in client.smembers(key) if queue.encode() in member]
                if ours:
                    client.srem(key, *ours)


def make_session(key: str, expires_in: timedelta) -> Session:
    return Session.objects.create(session_key=key, session_data="", expire_date=timezone.now() + expires_in)


@pytest.mark.redis("a real Celery worker")
@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_a_task_sent_through_redis_runs_on_a_real_worker(redis_app):
    app, queue = redis_app
    expired = make_session("expired-session-0000000000000000", timedelta(days=-1))
    live = make_session("live-session-00000000000000000000", timedelta(days=1))

    with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, loglevel="WARNING"):
        result = clear_expired_sessions.delay()
        assert result.id  # sent, not executed in-process
        deadline = time.monotonic() + 10
        while Session.objects.filter(pk=expired.pk).exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    assert not Session.objects.filter(pk=expired.pk).exists(), "the worker did not run the task"
    assert Session.objects.filter(pk=live.pk).exists()
