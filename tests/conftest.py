"""Shared fixtures: one named user per role, and the services guard (fail in CI, skip outside)."""

import os

import pytest

from .factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` or `redis` skip in the embedded mode (SQLite, tasks in-process),
    with the reason from their marker. With DATABASE_URL and REDIS_URL set they run, and in CI a
    service that does not answer fails them (see `require_service`)."""
    from django.db import connection

    missing = {
        "postgresql": None if connection.vendor == "postgresql" else "this run is on SQLite",
        "redis": None if os.environ.get("REDIS_URL") else "REDIS_URL is not set",
    }
    for item in items:
        for name, why_not in missing.items():
            marker = item.get_closest_marker(name)
            if marker is None or why_not is None:
                continue
            needs = f"needs {'PostgreSQL' if name == 'postgresql' else 'Redis'}"
            if marker.args:
                needs += f" ({marker.args[0]})"
            item.add_marker(pytest.mark.skip(reason=f"{needs}; {why_not} (the embedded mode)"))


def require_service(available: bool, what: str) -> None:
    """In CI a missing service is a failure; on a developer's machine the test skips, saying why."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not reachable")
    pytest.skip(f"{what} is not reachable here (set it up, or run in CI)")


@pytest.fixture
def redis_url():
    """REDIS_URL of this run when Redis answers there (in CI it must)."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        require_service(False, "Redis (REDIS_URL is not set)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError) as error:
        require_service(False, f"Redis at {url} ({error})")
    return url


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production's PBKDF2 costs ~0.3 s per password; tests hash many, and test nothing by it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="adam", administrator=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="kasia", manager=True)


@pytest.fixture
def social_worker(db):
    return UserFactory(username="paulina", social_worker=True)


@pytest.fixture
def other_social_worker(db):
    return UserFactory(username="piotr", social_worker=True)


@pytest.fixture
def assistant(db):
    return UserFactory(username="anna", assistant=True)


@pytest.fixture
def other_assistant(db):
    return UserFactory(username="andrzej", assistant=True)


@pytest.fixture
def role_users(admin_user, manager, social_worker, assistant):
    return {
        "administrator": admin_user,
        "manager": manager,
        "social_worker": social_worker,
        "assistant": assistant,
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Tasks run in-process unless a test starts a real worker (see `real_worker`): with REDIS_URL
    set, a queued task would otherwise wait for a worker that is not there."""
    from asystent.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def real_worker(transactional_db, redis_url):
    """A real Celery worker (solo pool, in a thread) consuming from Redis on a private queue.

    The app read its configuration when it was imported, so it is switched here and put back
    afterwards; the private queue keeps a developer's running worker from taking the tasks."""
    import uuid

    import redis
    from celery.contrib.testing.worker import start_worker

    from asystent.celery import app

    queue = f"asystent-test-{uuid.uuid4().hex}"
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
    try:
        with start_worker(
            app,
            pool="solo",
            queues=[queue],
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=10,
        ) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)


@pytest.fixture(autouse=True)
def _two_factor_off_by_default(settings):
    """Two-step login is tested in test_two_factor.py; elsewhere managers log in with force_login."""
    settings.OTP_REQUIRED_FOR_STAFF = False


@pytest.fixture(autouse=True)
def _dictionaries_after_flush(request):
    """A transactional test starts after another one flushed the database, which also removes
    the dictionaries the migrations seed (problem areas, assessment areas): put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server", "real_worker")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    for module in (
        "cases.migrations.0002_problem_areas",
        "cases.migrations.0004_assessment_areas",
        "cases.migrations.0017_closure_reason_policy_defaults",
        "cases.migrations.0020_problem_area_tasks_filled",
    ):
        import_module(module).seed(apps, None)


# A cache that cannot be reached: Redis configured where nothing listens.
DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def empty_cache():
    """The default cache emptied before and after the test (what the test stores stays its own)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
