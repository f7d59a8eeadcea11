"""The production shape of Asystent started privately for one load run, and stopped at its end.

A PostgreSQL cluster of its own (initdb into a temporary folder, trust authentication on a free
loopback port), a redis-server of its own (append-only, as in docker-compose.yml), gunicorn with
production settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS), a Celery worker and Celery beat.
Nothing here touches the machine's shared PostgreSQL or Redis: every process is a child of the
run, found again by its pid and stopped by it.
"""

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
# The README's recommendation for 2 cores, as in docker-compose.yml: 3 sync workers (2 × cores − 1
# keeps a core's share for PostgreSQL and the worker) and a Celery worker with 2 processes.
GUNICORN_WORKERS = 3
CELERY_CONCURRENCY = 2
POSTGRES_USER = "postgres"  # the system user that runs the private cluster when the run is root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin() -> Path:
    """The newest PostgreSQL server binaries installed (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        initdb = shutil.which("initdb")
        if initdb is None:
            raise RuntimeError("PostgreSQL's initdb was not found (apt-get install postgresql)")
        return Path(initdb).parent
    return Path(found[-1]).parent


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until check() is true; RuntimeError after timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


@dataclass
class Stack:
    """The private services of one run. `say` prints progress."""

    say: Callable[[str], None] = print
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="asystent-load-")))
    keep: bool = False
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    # --- addresses and environment ------------------------------------------------------------

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/asystent_load"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def env(self) -> dict[str, str]:
        """Production settings, as docker-compose.yml gives them, on plain loopback HTTP (no proxy
        terminating HTTPS here, so the secure-cookie and redirect settings are turned off)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "TECHNICAL_ERROR_PAGES"}
        }
        env.update(
            DEBUG="false",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            CONN_MAX_AGE="60",
            MEDIA_ROOT=str(self.workdir / "media"),
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL="WARNING",
            # Many sessions log in from one address: the lockout counts failures per username.
            PYTHONUNBUFFERED="1",
        )
        return env

    def _log(self, name: str):  # noqa: ANN202
        return open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - kept open by the child

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = self._log(name)
        process = subprocess.Popen(  # noqa: S603 - our own binaries, no shell
            args,
            cwd=ROOT,
            env=env or self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    # --- PostgreSQL -----------------------------------------------------------------------------

    @property
    def pgdir(self) -> Path:
        return self.workdir / "pg"

    @property
    def pgdata(self) -> Path:
        return self.pgdir / "data"

    def _as_owner(self, args: list[str]) -> list[str]:
        """PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user."""
        if os.geteuid() != 0:
            return args
        return [shutil.which("runuser") or "/usr/sbin/runuser", "-u", POSTGRES_USER, "--", *args]

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            self._as_owner([str(postgres_bin() / "pg_ctl"), "-D", str(self.pgdata), "-w", "-t", "60", *args]),
            check=check,
            capture_output=True,
        )

    def start_postgres(self) -> None:
        bin_dir = postgres_bin()
        self.say(f"PostgreSQL ({bin_dir.parent.name}) on port {self.pg_port}, data in {self.pgdata}")
        if self.pgdata.exists():
            self.say("(the data set of a kept run, reused)")
            self._pg_ctl("-l", str(self.pgdir / "postgres.log"), "-o", self._pg_options(), "start")
            return
        self.pgdir.mkdir()
        if os.geteuid() == 0:
            self.workdir.chmod(0o755)  # the postgres user goes through to its own folder
            shutil.chown(self.pgdir, POSTGRES_USER, POSTGRES_USER)
        subprocess.run(  # noqa: S603
            self._as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self._pg_ctl("-l", str(self.pgdir / "postgres.log"), "-o", self._pg_options(), "start")

    def _pg_options(self) -> str:
        return (
            f"-p {self.pg_port} -h 127.0.0.1 -k {self.pgdir} -c max_connections=200 "
            "-c shared_buffers=256MB -c fsync=on -c synchronous_commit=on"
        )

    def postgres_pid(self) -> int | None:
        pidfile = self.pgdata / "postmaster.pid"
        try:
            return int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def restart_postgres(self) -> None:
        """A fast restart (-m fast: open transactions are rolled back, connections dropped). As a
        stop and a start, so that the new server writes to the log file and not to our pipe."""
        self._pg_ctl("-m", "fast", "stop")
        self._pg_ctl("-l", str(self.pgdir / "postgres.log"), "-o", self._pg_options(), "start")

    def stop_postgres(self) -> None:
        if self.postgres_pid() is not None:
            self._pg_ctl("-m", "fast", "stop", check=False)

    # --- Redis ----------------------------------------------------------------------------------

    def start_redis(self) -> None:
        self.say(f"Redis on port {self.redis_port}")
        redis_dir = self.workdir / "redis"
        redis_dir.mkdir(exist_ok=True)
        self._spawn(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(redis_dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--protected-mode",
                "yes",
            ],
        )
        wait_until(self._redis_answers, 20, "Redis")

    def _redis_answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop_redis(self) -> None:
        process = self.processes.get("redis")
        if process is not None and process.poll() is None:
            process.terminate()  # SIGTERM: Redis writes its append-only file and exits
            process.wait(30)

    # --- the application ------------------------------------------------------------------------

    def python(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [sys.executable, *args],
            cwd=ROOT,
            env=env or self.env(),
            check=True,
            capture_output=True,
            text=True,
        )

    def start_application(self) -> None:
        self.say(f"gunicorn ({GUNICORN_WORKERS} workers) on {self.base_url}, Celery worker and beat")
        venv_bin = Path(sys.executable).parent
        # As the production image does before gunicorn starts (the pages name hashed static files);
        # once per checkout: WhiteNoise compresses every file, minutes on a loaded machine.
        if not (ROOT / "staticfiles" / "staticfiles.json").exists():
            self.say("collectstatic (once per checkout)")
            self.python("manage.py", "collectstatic", "--no-input", "-v", "0")
        self._spawn(
            "gunicorn",
            [
                str(venv_bin / "gunicorn"),
                "asystent.wsgi",
                "-b",
                f"127.0.0.1:{self.web_port}",
                "-w",
                str(GUNICORN_WORKERS),
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
            ],
        )
        self._spawn(
            "worker",
            [
                str(venv_bin / "celery"),
                "-A",
                "asystent",
                "worker",
                "-l",
                "warning",
                "--concurrency",
                str(CELERY_CONCURRENCY),
                "-n",
                f"load-{self.web_port}@%h",
            ],
        )
        self._spawn(
            "beat",
            [
                str(venv_bin / "celery"),
                "-A",
                "asystent",
                "beat",
                "-l",
                "warning",
                "--schedule",
                str(self.workdir / "beat-schedule"),
                "--pidfile",
                str(self.workdir / "beat.pid"),
            ],
        )
        wait_until(self._web_answers, 90, "gunicorn")

    def _web_answers(self) -> bool:
        with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as response:  # noqa: S310 - loopback
            return response.status == 200

    def gunicorn_workers(self) -> list[psutil.Process]:
        return _children("gunicorn", self.processes)

    def celery_children(self) -> list[psutil.Process]:
        return _children("worker", self.processes)

    def roots(self) -> dict[str, int]:
        """The process trees whose CPU is reported, by name."""
        roots = {name: p.pid for name, p in self.processes.items() if p.poll() is None}
        pid = self.postgres_pid()
        if pid is not None:
            roots["postgres"] = pid
        return roots

    # --- stopping -------------------------------------------------------------------------------

    def stop(self) -> None:
        for name in ("beat", "worker", "gunicorn", "redis"):
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        self.stop_postgres()
        if not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            self.say(f"kept {self.workdir} (logs, data)")


def _children(name: str, processes: dict[str, subprocess.Popen]) -> list[psutil.Process]:
    process = processes.get(name)
    if process is None or process.poll() is not None:
        return []
    try:
        return psutil.Process(process.pid).children()
    except psutil.NoSuchProcess:
        return []
