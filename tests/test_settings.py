"""Settings selection: each case imports asystent.settings afresh with a controlled environment."""

import json

import pytest

from .settings_env import BASE_DIR, run_python

REPORT = """
import json
from django.conf import settings
from asystent.celery import app
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_eager": app.conf.task_always_eager,
    "celery_broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "session_engine": settings.SESSION_ENGINE,
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
"""

PRODUCTION_KEY = "k3Jd9-xQ2_vL7mZp4RtY8wNc1HsB6fGa0Ue5Oi-Kl2Mn3Bv4Cx"  # 50 characters
REDIS_URL = "redis://127.0.0.1:6379/5"


def load_settings(**env: str) -> dict:
    result = run_python(REPORT, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refuses_to_start(**env: str) -> str:
    """The stderr of a settings import that must fail."""
    result = run_python(REPORT, **env)
    assert result.returncode != 0, f"settings loaded although they should not: {result.stdout}"
    return result.stderr


def test_without_database_url_the_database_is_sqlite_in_the_project_folder():
    loaded = load_settings(DEBUG="true")
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(BASE_DIR / "db.sqlite3")


def test_a_postgres_database_url_selects_postgresql():
    loaded = load_settings(DEBUG="true", DATABASE_URL="postgres://asystent:pw@db.example:5432/mops")
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "mops"
    assert loaded["host"] == "db.example"


def test_without_redis_url_tasks_run_in_process_and_the_cache_is_local_memory():
    loaded = load_settings(DEBUG="true")
    assert loaded["eager"] is True
    assert loaded["celery_eager"] is True  # the Celery app really reads the setting
    assert loaded["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_url_tasks_go_to_redis_and_the_cache_is_redis():
    loaded = load_settings(DEBUG="true", REDIS_URL=REDIS_URL)
    assert loaded["eager"] is False
    assert loaded["celery_eager"] is False
    assert loaded["celery_broker"] == REDIS_URL
    assert loaded["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert loaded["cache_location"] == REDIS_URL


def test_sessions_live_in_the_database_even_with_redis():
    # Sessions must survive a Redis outage, so they never move to the cache.
    assert load_settings(DEBUG="true")["session_engine"] == "django.contrib.sessions.backends.db"
    with_redis = load_settings(DEBUG="true", REDIS_URL=REDIS_URL)
    assert with_redis["session_engine"] == "django.contrib.sessions.backends.db"


def test_polish_language_warsaw_time_and_aware_datetimes():
    loaded = load_settings(DEBUG="true")
    assert loaded["language"] == "pl"
    assert loaded["time_zone"] == "Europe/Warsaw"
    assert loaded["use_tz"] is True


def test_with_a_real_database_debug_is_off_unless_asked_for():
    loaded = load_settings(
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="asystent.example",
        DATABASE_URL="postgres://asystent:pw@db.example:5432/mops",
    )
    assert loaded["debug"] is False
    assert loaded["allowed_hosts"] == ["asystent.example"]
    assert loaded["ssl_redirect"] is True
    assert loaded["session_cookie_secure"] is True


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "too-short-0123456789", "insecure-dev-key-only-for-the-embedded-mode"],
    ids=["missing", "empty", "short", "the-development-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "asystent.example"}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    stderr = refuses_to_start(**env)
    assert "ImproperlyConfigured" in stderr
    assert "SECRET_KEY" in stderr


@pytest.mark.parametrize("allowed_hosts", [None, ""], ids=["missing", "empty"])
def test_production_refuses_to_start_without_allowed_hosts(allowed_hosts):
    env = {"DEBUG": "false", "SECRET_KEY": PRODUCTION_KEY}
    if allowed_hosts is not None:
        env["ALLOWED_HOSTS"] = allowed_hosts
    stderr = refuses_to_start(**env)
    assert "ImproperlyConfigured" in stderr
    assert "ALLOWED_HOSTS" in stderr


def test_the_embedded_mode_starts_with_no_configuration_at_all():
    loaded = load_settings()
    assert loaded["debug"] is True
    assert "127.0.0.1" in loaded["allowed_hosts"]
    assert loaded["ssl_redirect"] is False


def test_with_a_real_database_and_no_debug_setting_it_is_production():
    stderr = refuses_to_start(DATABASE_URL="postgres://asystent:pw@db.example:5432/mops")
    assert "SECRET_KEY" in stderr


MAIL = """
import django
django.setup()
from django.core.mail import send_mail
send_mail("Przypomnienie", "Rodzina Kowalskich: termin oceny.", None, ["anna@example.org"])
print("sent")
"""


def test_development_mail_goes_to_the_mail_log_not_the_console(tmp_path):
    result = run_python(MAIL, DEBUG="true", EMAIL_FILE_PATH=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Kowalskich" not in result.stdout + result.stderr
    logged = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "Przypomnienie" in logged
