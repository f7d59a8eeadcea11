"""Services of a test's own, which it may stop, kill and start again without touching the
machine's shared PostgreSQL and Redis: a redis-server on a free port, and Celery workers run as
real processes (`tests/fault_worker.py`) against the test database and that Redis."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own on a free port, which the test stops and starts again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def wait_for(condition: Callable[[], object], seconds: float = 20.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


def database_url() -> str:
    """The URL of the database this test runs on (the test database), for another process."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`python -m tests.fault_worker`: a Celery worker (solo pool) in a process of its own, on the
    test database, the test's media folder and `broker`; killed with SIGKILL by the test."""

    def __init__(self, broker: str, workdir: Path, *, hold: Path | None = None) -> None:
        self.broker = broker
        self.workdir = workdir
        self.hold = hold
        self.process: subprocess.Popen | None = None
        self.log = workdir / f"worker-{time.monotonic_ns()}.log"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url(),
            REDIS_URL=self.broker,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            DEBUG="true",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.workdir / "mail"),
            # A message whose worker was killed is delivered again this soon (production: 900 s).
            CELERY_VISIBILITY_TIMEOUT="2",
            FAULT_HOLD=str(self.hold or ""),
        )
        return env

    def start(self) -> "WorkerProcess":
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.fault_worker"],
                cwd=settings.BASE_DIR,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback but the database's own."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def mails_sent(workdir: Path) -> list[str]:
    """The recipients of every e-mail the file backend wrote under `workdir/mail`."""
    folder = workdir / "mail"
    if not folder.exists():
        return []
    return [
        line.split(":", 1)[1].strip()
        for path in sorted(folder.iterdir())
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith("To: ")
    ]
