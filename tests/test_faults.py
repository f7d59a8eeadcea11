"""The small smoke version of the fault runs of `make load FAULTS=yes`, with real services of the
test's own (tests/own_services.py), in the normal test run (`-m faults` selects them):

- Redis stopped: what is asked for meanwhile (a PDF, an e-mail) waits in the outbox and is done
  exactly once when Redis is back and a worker starts (asystent.outbox);
- a Celery worker killed with SIGKILL mid-PDF and mid-sweep: the task runs again and leaves one
  document, and no duplicate notification or e-mail;
- PostgreSQL unreachable, or the connection killed mid-request: "try again" (503, Retry-After),
  never a 500; nothing half-saved; the next request works (asystent.error_pages).
"""

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from asystent import outbox
from asystent.celery import app
from asystent.models import PendingTask
from documents.enums import DocumentKind, DocumentStatus
from documents.kinds import month_version
from documents.models import RenderedDocument
from documents.services import request_document
from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import send_reminders_task

from .conftest import require_service
from .factories import CaseFactory
from .own_services import OwnRedis, WorkerProcess, free_port, mails_sent, wait_for
from .test_families import MOTHER, SON, family_post

pytestmark = pytest.mark.faults

SWITCHED = ("broker_url", "task_always_eager")


def _reset_connections() -> None:
    app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
    app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private, as above


@pytest.fixture
def own_broker():
    """A redis-server of the test's own as the broker of this process (the "web process")."""
    require_service(shutil.which("redis-server") is not None, "redis-server (to stop and start a broker)")
    server = OwnRedis()
    server.start()
    saved = {key: app.conf[key] for key in SWITCHED}
    app.conf.update(broker_url=server.url, task_always_eager=False)
    _reset_connections()
    try:
        yield server
    finally:
        app.conf.update(saved)
        _reset_connections()
        outbox._paused_until = 0.0
        server.stop()


@pytest.fixture
def workers(tmp_path):
    """Worker processes started by the test; none catches up the day's jobs (no schedule), so
    each runs only what the test sends."""
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.all().delete()
    started: list[WorkerProcess] = []

    def start(broker: str, *, hold: Path | None = None) -> WorkerProcess:
        worker = WorkerProcess(broker, tmp_path, hold=hold).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _this_month() -> int:
    today = timezone.localdate()
    return month_version(today.year, today.month)


def _monthly(case, by) -> RenderedDocument:  # noqa: ANN001
    return request_document(kind=DocumentKind.MONTHLY_VISITS, obj=case, version=_this_month(), by=by)


def _files_of(document: RenderedDocument) -> list[str]:
    from asystent.files import private_storage

    return sorted(os.listdir(os.path.dirname(private_storage.path(document.storage_name))))


WITH_A_WORKER = (
    pytest.mark.postgresql("a worker process shares the test database"),
    pytest.mark.django_db(transaction=True),
)


def with_a_worker(test):  # noqa: ANN001, ANN201
    for mark in WITH_A_WORKER:
        test = mark(test)
    return test


# --- Redis stopped ------------------------------------------------------------------------------


@with_a_worker
def test_a_pdf_and_an_e_mail_asked_for_while_redis_is_stopped_are_done_once_when_it_is_back(
    own_broker, workers, tmp_path, assistant, manager
):
    case = CaseFactory(assistant=assistant, family__name="Wiśniewscy")
    own_broker.stop()

    started = time.monotonic()
    document = _monthly(case, assistant)
    with transaction.atomic():
        notify([manager], rule="fault_test", key="fault-test:1", message="Sprawdź sprawę.", url="/")
    assert time.monotonic() - started < 8  # the page answers: one short attempt, then the outbox
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING  # waiting, not failed
    assert sorted(PendingTask.objects.values_list("task", flat=True)) == [
        "documents.render_document",
        "notifications.send_pending_emails",
    ]

    own_broker.start()  # Redis is back; a worker starts and flushes the outbox (worker_ready)
    worker = workers(own_broker.url)
    assert wait_for(lambda: RenderedDocument.objects.get(pk=document.pk).is_ready, 30), worker.output()
    assert wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), 15)
    time.sleep(1)  # anything sent twice would have run by now

    document.refresh_from_db()
    assert document.attempts == 1 and RenderedDocument.objects.count() == 1
    assert _files_of(document) == [os.path.basename(document.storage_name)]
    assert not PendingTask.objects.exists()
    assert mails_sent(tmp_path) == [manager.email]  # exactly one e-mail


# --- a worker killed with SIGKILL ---------------------------------------------------------------


@with_a_worker
def test_a_worker_killed_mid_pdf_leaves_one_document_made_by_the_next_worker(
    own_broker, workers, tmp_path, assistant
):
    case = CaseFactory(assistant=assistant)
    hold = tmp_path / "hold"
    hold.touch()
    first = workers(own_broker.url, hold=hold)
    sent = time.monotonic()
    document = _monthly(case, assistant)
    assert wait_for(lambda: Path(f"{hold}.reached").exists(), 30), first.output()
    document.refresh_from_db()
    assert document.status == DocumentStatus.RENDERING and document.attempts == 1

    first.kill()  # mid-PDF: rendered, not yet stored, message not acknowledged
    hold.unlink()
    time.sleep(max(0.0, sent + 2.5 - time.monotonic()))  # past the visibility timeout (2 s here)
    second = workers(own_broker.url)
    assert wait_for(lambda: RenderedDocument.objects.get(pk=document.pk).is_ready, 30), second.output()

    document.refresh_from_db()
    assert document.attempts == 2 and RenderedDocument.objects.count() == 1
    assert _files_of(document) == [os.path.basename(document.storage_name)]  # no leftover part
    with document.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@with_a_worker
def test_a_worker_killed_mid_sweep_creates_no_duplicate_notification_or_e_mail(
    own_broker, workers, tmp_path, assistant, manager
):
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    CaseFactory(assistant=assistant, opened_on=long_ago, started_on=long_ago)  # assessment overdue
    hold = tmp_path / "hold"
    hold.touch()
    first = workers(own_broker.url, hold=hold)
    sent = time.monotonic()
    send_reminders_task.delay()
    assert wait_for(lambda: Path(f"{hold}.reached").exists(), 30), first.output()

    first.kill()  # mid-sweep: the notifications inserted, not committed
    hold.unlink()
    assert not Notification.objects.exists()  # the database rolled the half-done sweep back
    time.sleep(max(0.0, sent + 2.5 - time.monotonic()))
    second = workers(own_broker.url)
    overdue = Notification.objects.filter(rule="assessment_overdue")
    assert wait_for(lambda: overdue.count() == 2 and not overdue.filter(emailed_at=None).exists(), 30), (
        second.output()
    )
    time.sleep(1)
    assert sorted(overdue.values_list("recipient__username", flat=True)) == ["anna", "kasia"]
    notified = Notification.objects.values_list("recipient__email", flat=True)
    assert sorted(mails_sent(tmp_path)) == sorted(notified)  # one e-mail per notification


# --- PostgreSQL unreachable ---------------------------------------------------------------------


def _point_at_a_closed_port():
    connection.close()
    saved = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = str(free_port())  # nothing listens there
    return saved


@pytest.mark.postgresql("the connection is pointed at a closed port, then back")
@pytest.mark.django_db(transaction=True)
def test_a_request_while_the_database_is_unreachable_gets_try_again_and_the_next_one_works(
    assistant, settings
):
    settings.LANGUAGE_CODE = "pl"
    client = Client(raise_request_exception=False)
    client.force_login(assistant)
    home = reverse("home")
    assert client.get(home).status_code == 200

    saved = _point_at_a_closed_port()
    try:
        page = client.get(home)
        api = client.get("/api/v1/cases/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved

    assert page.status_code == 503 and page["Retry-After"] == "10"
    text = page.content.decode()
    assert "Spróbuj ponownie za chwilę" in text and "Traceback" not in text and "psycopg" not in text
    assert api.status_code == 503 and api["Retry-After"] == "10"
    assert "baza danych" in api.json()["detail"].lower()
    assert client.get(home).status_code == 200  # the connection comes back by itself


@pytest.mark.postgresql("pg_terminate_backend ends the test's own connection mid-request")
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_save_leaves_nothing_half_written(social_worker, settings, monkeypatch):
    """The family is registered with its members in one transaction: the backend terminated
    between the family's row and its members' answers 503 and leaves neither."""
    from cases.models import Family, FamilyMember

    settings.LANGUAGE_CODE = "pl"
    client = Client(raise_request_exception=False)
    client.force_login(social_worker)
    original = FamilyMember.save
    saved: list[str] = []

    def killed(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if saved:  # the family and its first member are written: the connection dies now
            with connections["default"].cursor() as cursor:
                _terminate(cursor.connection.info.backend_pid)
        saved.append(self.first_name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FamilyMember, "save", killed)
    response = client.post(reverse("cases:family-create"), family_post([MOTHER, SON]))
    monkeypatch.setattr(FamilyMember, "save", original)
    assert saved == ["Anna", "Jan"]
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Spróbuj ponownie za chwilę" in response.content.decode()
    assert not Family.objects.exists() and not FamilyMember.objects.exists()  # all or nothing
    assert client.get(reverse("cases:family-list")).status_code == 200  # the next request works


def _terminate(pid: int) -> None:
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


# --- a gunicorn worker killed -------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _get(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.mark.postgresql("gunicorn's workers read the test database")
@pytest.mark.django_db(transaction=True)
def test_after_a_gunicorn_worker_is_killed_the_next_request_works(tmp_path):
    import signal
    import subprocess
    import sys

    from django.conf import settings

    from .own_services import database_url

    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=database_url(), DEBUG="true", MEDIA_ROOT=str(tmp_path / "media"))
    with (tmp_path / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "asystent.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    login = base + reverse("login")
    try:
        assert wait_for(lambda: _get(login) == 200 and len(_children(server.pid)) == 2, 30), (
            tmp_path / "gunicorn.log"
        ).read_text()[-3000:]
        victim = min(_children(server.pid))
        os.kill(victim, signal.SIGKILL)
        next_request = _get(login)
        replaced = wait_for(lambda: len(_children(server.pid) - {victim}) == 2, 30)
        later = [_get(login) for _ in range(4)]
        assert (next_request, replaced, later) == (200, True, [200] * 4), (
            tmp_path / "gunicorn.log"
        ).read_text()[-3000:]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- Redis stopped: the pages and the API keep answering ----------------------------------------


def test_with_the_cache_unreachable_the_pages_and_the_api_answer(client, assistant, manager, settings):
    from django.test import override_settings

    from .conftest import DEAD_CACHE

    CaseFactory(assistant=assistant)
    with override_settings(CACHES=DEAD_CACHE):
        assert client.get(reverse("login")).status_code == 200
        client.force_login(assistant)
        for url in (reverse("home"), reverse("cases:family-list"), "/api/v1/cases/", "/healthz"):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        client.force_login(manager)
        assert client.get(reverse("home")).status_code == 200
