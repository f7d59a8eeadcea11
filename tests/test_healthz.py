"""/healthz: the database, the broker and pending migrations, for load balancers and monitoring."""

import json

import pytest
from django.urls import reverse

from .settings_env import run_python

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, refused at once


def get_health(client):
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


@pytest.mark.django_db
def test_healthy_without_a_broker_tasks_run_eagerly(client, settings):
    settings.REDIS_URL = ""
    status, body = get_health(client)
    assert status == 200
    assert body == {"database": "ok", "broker": "eager", "pending_migrations": 0}


@pytest.mark.redis("the broker answering")
@pytest.mark.django_db
def test_broker_ok_with_a_reachable_redis(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    status, body = get_health(client)
    assert status == 200
    assert body["broker"] == "ok"
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_broker_down_keeps_the_answer_200(client, settings):
    # Without Redis the application still serves pages (sessions are in the database); the
    # broker state tells monitoring that reminders and PDFs are not being processed.
    settings.REDIS_URL = UNREACHABLE_REDIS
    status, body = get_health(client)
    assert status == 200
    assert body["broker"] == "down"
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_healthz_is_public_and_read_only(client):
    assert client.get(reverse("healthz")).status_code == 200  # no login
    assert client.post(reverse("healthz")).status_code == 405


# The database cases run in a fresh interpreter pointed at a database that really is missing or
# empty: the test database of this process cannot be taken down without breaking the others.
HEALTH_IN_SUBPROCESS = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def health_of(database_url: str) -> tuple[int, dict]:
    result = run_python(
        HEALTH_IN_SUBPROCESS, DEBUG="true", ALLOWED_HOSTS="testserver", DATABASE_URL=database_url
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["status"], answer["body"]


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/asystent",  # nothing listens on port 1
        "sqlite:////nonexistent-folder/db.sqlite3",  # a folder that does not exist
    ],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
def test_503_when_the_database_is_unreachable(database_url):
    status, body = health_of(database_url)
    assert status == 503
    assert body == {"database": "down", "broker": "eager", "pending_migrations": None}


def test_pending_migrations_are_counted(tmp_path):
    status, body = health_of(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert status == 200
    assert body["database"] == "ok"
    assert isinstance(body["pending_migrations"], int)
    assert body["pending_migrations"] > 10  # every migration of every app, none applied
