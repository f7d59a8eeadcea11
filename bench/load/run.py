"""`python -m bench.load.run`: a city centre's working day against the production shape.

`make load` runs it; `make load FAULTS=yes` adds the faults. The knobs (also from the
environment, as make passes them): USERS (default 295: 240 assistants, 40 social workers,
15 managers, scaled alike for fewer), DURATION seconds (300; 480 with faults), SCALE (city),
THINK ("5,15" seconds between a person's steps), SPAWN_RATE (users started per second).
It starts its own PostgreSQL, Redis, gunicorn and Celery (bench/load/stack.py), generates the
data set, replays the day with locust, checks the saved records, prints the table and the
targets, writes bench/load.json and stops everything it started.
"""

from gevent import monkey  # type: ignore[import-untyped]

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402

from . import report, users  # noqa: E402
from .ledger import find_lost  # noqa: E402
from .stack import GUNICORN_WORKERS, Stack  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "load.json"
NOT_PAGES = {
    "login: password": "the password step hashes with Argon2 on purpose (100 MB and tens of ms of CPU each)",
    "PDF request→ready": "judged against the PDF target",
}


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    faults = _env("FAULTS", "no").lower() in {"1", "yes", "true"}
    parser = argparse.ArgumentParser(prog="python -m bench.load.run", description=__doc__)
    parser.add_argument("--users", type=int, default=int(_env("USERS", "295")))
    parser.add_argument("--duration", type=float, default=float(_env("DURATION", "480" if faults else "300")))
    parser.add_argument("--scale", default=_env("SCALE", "city"))
    parser.add_argument("--think", default=_env("THINK", "5,15"), help="low,high seconds between steps")
    parser.add_argument("--spawn-rate", type=float, default=float(_env("SPAWN_RATE", "5")))
    parser.add_argument("--faults", action="store_true", default=faults)
    parser.add_argument("--redis-outage", type=float, default=float(_env("REDIS_OUTAGE", "60")))
    parser.add_argument("--keep", action="store_true", help="keep the private data folder and logs")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(_env("LOAD_WORKDIR", "")) if _env("LOAD_WORKDIR", "") else None,
        help="reuse a kept run's folder: its data set (as the last run left it) is not generated again",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    return parser.parse_args(argv)


def say(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    low, high = (float(x) for x in args.think.split(","))
    counts = report.counts_for(args.users)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        stack = Stack(say=say, keep=True, workdir=args.workdir)
    else:
        stack = Stack(say=say, keep=args.keep)
    load_before = os.getloadavg()
    started = time.time()

    def stop_on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        stack.start_postgres()
        stack.start_redis()
        marker = stack.workdir / f"generated-{args.scale}"
        if not marker.exists():
            say(f"Generating the {args.scale} data set …")
            generation = time.time()
            generate_env = stack.env() | {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "BENCH_OVERWRITE": "yes",
            }
            stack.python("-m", "bench.run", "--scale", args.scale, "--generate-only", env=generate_env)
            marker.touch()
            say(f"… in {time.time() - generation:.0f} s")
        say("Preparing the devices and the opinions to approve")
        actors_file = stack.workdir / "actors.json"
        stack.python(
            "-m",
            "bench.load.prepare",
            str(actors_file),
            "--assistants",
            str(counts["assistants"]),
            "--social-workers",
            str(counts["social_workers"]),
            "--managers",
            str(counts["managers"]),
            "--opinions",
            str(max(10, counts["managers"] * 10)),
        )
        actors = json.loads(actors_file.read_text())
        stack.start_application()
        result = replay(stack, args, actors, counts, low, high)
        result["setup_s"] = round(result.pop("replay_started") - started, 1)
        result["scale"] = args.scale
        result["machine"] = {
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        }
        result["targets"] = report.targets(result)
        result["total_s"] = round(time.time() - started, 1)
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        say("")
        say(report.table(result))
        say(f"\nwritten to {args.output} ({result['total_s']:.0f} s in all)")
        return result
    finally:
        say("Stopping the private services …")
        stack.stop()


def replay(
    stack: Stack, args: argparse.Namespace, actors: dict, counts: dict, low: float, high: float
) -> dict:
    from locust.env import Environment

    classes = users.assign(actors, counts, low, high)
    timeline = report.Timeline()
    env = Environment(user_classes=classes, host=stack.base_url)

    def on_request(
        request_type: str, name: str, response_time: float, exception: object = None, **_: object
    ) -> None:
        timeline.add(name, response_time, str(exception) if exception else "")

    env.events.request.add_listener(on_request)
    cpu = report.CpuSampler()
    roots = stack.roots() | {"load generator": os.getpid()}
    cpu.start(roots)

    def sample_cpu() -> None:
        while True:
            gevent.sleep(2)
            cpu.sample(stack.roots() | {"load generator": os.getpid()})

    sampler = gevent.spawn(sample_cpu)
    runner = env.create_local_runner()
    replay_started = time.time()
    say(
        f"Replaying the day: {sum(counts.values())} users ({counts}), {args.duration:.0f} s, "
        f"think {low:g}–{high:g} s" + (", with faults" if args.faults else "")
    )
    runner.start(sum(counts.values()), spawn_rate=args.spawn_rate)
    faults: list[dict] = []
    fault_runner = gevent.spawn(run_faults, stack, args, replay_started, faults) if args.faults else None
    gevent.sleep(args.duration)
    runner.quit()
    if fault_runner is not None:
        fault_runner.join(timeout=90)
        fault_runner.kill()  # a fault not reached by the end of the day is reported as such
    say("The day is over: waiting for the queued documents, then checking what was saved")
    documents = wait_for_documents(stack)
    sampler.kill()
    cpu.sample(stack.roots() | {"load generator": os.getpid()})

    lost, saved = check_lost(stack)
    for fault in faults:
        match = re.search(r"document (\d+) was rendering", fault["note"])
        if match:
            row = _query(
                stack,
                f"SELECT status FROM documents_rendereddocument WHERE id = {int(match.group(1))}",  # noqa: S608
            )
            fault["note"] += f"; at the end it was {row[0] if row else 'missing'}"
    for fault in faults:
        if fault["back"] is None:
            fault["note"] += " (not over by the end of the day)"
            fault["back"] = time.time()
        window = (fault["started"], fault["back"] + 30)
        fault_rows = timeline.between(*window)
        errors = [row for row in fault_rows if row[3]]
        fault["requests"] = len(fault_rows)
        fault["errors"] = len(errors)
        fault["error_kinds"] = sorted({f"{row[1]}: {row[3][:60]}" for row in errors})[:8]
        last_error = max((row[0] for row in errors), default=None)
        fault["recovery_s"] = round(max(0.0, last_error - fault["back"]), 1) if last_error else 0.0
        fault["lost"] = sum(1 for r in lost if window[0] <= r["at"] <= window[1])
        fault["at_s"] = fault["started"] - replay_started
    return {
        "replay_started": replay_started,
        "users": sum(counts.values()),
        "mix": ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()),
        "duration_s": args.duration,
        "think_s": [low, high],
        "gunicorn_workers": GUNICORN_WORKERS,
        "requests": timeline.by_kind(),
        "by_minute": timeline.by_minute(replay_started, skip=NOT_PAGES),
        "not_pages": NOT_PAGES,
        "cpu": cpu.report(),
        "documents": documents,
        "lost": {"count": len(lost), "records": lost[:50], "saved": saved},
        "faults": faults,
    }


# --- faults -------------------------------------------------------------------------------------


def run_faults(stack: Stack, args: argparse.Namespace, t0: float, faults: list[dict]) -> None:
    """At set fractions of the day: Redis stopped for a while, PostgreSQL restarted, a Celery
    worker process killed while it renders a PDF, a gunicorn worker killed."""
    plan = [
        (0.10, "Redis stopped", lambda: _redis_outage(stack, args.redis_outage)),
        (0.45, "PostgreSQL restarted", lambda: _pg_restart(stack)),
        (0.60, "Celery worker SIGKILL mid-PDF", lambda: _kill_celery(stack)),
        (0.75, "gunicorn worker SIGKILL", lambda: _kill_gunicorn(stack)),
    ]
    for fraction, name, action in plan:
        gevent.sleep(max(0.0, t0 + fraction * args.duration - time.time()))
        say(f"fault: {name}")
        fault = {"name": name, "started": time.time(), "back": None, "note": ""}
        faults.append(fault)
        try:
            fault["note"] = action() or ""
        except Exception as error:  # noqa: BLE001 - reported as the fault's note
            fault["note"] = f"the fault itself failed: {error}"
        fault["back"] = time.time()


def _redis_outage(stack: Stack, seconds: float) -> str:
    stack.stop_redis()
    gevent.sleep(seconds)
    stack.start_redis()
    return f"down {seconds:.0f} s"


def _pg_restart(stack: Stack) -> str:
    began = time.time()
    stack.restart_postgres()
    return f"restart took {time.time() - began:.1f} s"


def _kill_celery(stack: Stack) -> str:
    """Wait (up to 60 s) for a document being rendered, then kill the pool process rendering it:
    the busiest of the worker's children."""
    rendering = None
    deadline = time.time() + 60
    while time.time() < deadline and rendering is None:
        rendering = _query(
            stack, "SELECT id FROM documents_rendereddocument WHERE status = 'rendering' LIMIT 1"
        )
        if rendering is None:
            gevent.sleep(0.2)
    children = stack.celery_children()
    if not children:
        return "no Celery pool process found"
    for child in children:
        child.cpu_percent(None)
    gevent.sleep(0.3)
    busiest = max(children, key=lambda c: c.cpu_percent(None))
    busiest.send_signal(signal.SIGKILL)
    what = (
        f"document {rendering[0]} was rendering" if rendering else "no document was rendering at that moment"
    )
    return f"killed pid {busiest.pid}; {what}"


def _kill_gunicorn(stack: Stack) -> str:
    workers = stack.gunicorn_workers()
    if not workers:
        return "no gunicorn worker found"
    workers[0].send_signal(signal.SIGKILL)
    return f"killed pid {workers[0].pid}"


# --- after the day ------------------------------------------------------------------------------


def _query(stack: Stack, sql: str) -> tuple | None:
    import psycopg

    try:
        with psycopg.connect(
            stack.database_url.replace("postgres://", "postgresql://"), connect_timeout=3
        ) as db:
            return db.execute(sql).fetchone()  # noqa: S608 - the harness's own fixed queries
    except psycopg.Error:
        return None


def wait_for_documents(stack: Stack, timeout: float = 90) -> dict:
    """Let the queued PDFs finish; then count the documents by status."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        row = _query(
            stack, "SELECT count(*) FROM documents_rendereddocument WHERE status IN ('pending', 'rendering')"
        )
        if row is not None and row[0] == 0:
            break
        gevent.sleep(2)
    import psycopg

    with psycopg.connect(stack.database_url.replace("postgres://", "postgresql://")) as db:
        rows = db.execute(
            "SELECT status, count(*) FROM documents_rendereddocument "
            "WHERE updated_at >= now() - interval '1 day' GROUP BY status"
        ).fetchall()
    return dict(rows)


def check_lost(stack: Stack) -> tuple[list[dict], dict[str, int]]:
    import psycopg

    records = users.LEDGER.latest()
    with (
        psycopg.connect(stack.database_url.replace("postgres://", "postgresql://")) as db,
        db.cursor() as cursor,
    ):
        lost = find_lost(cursor, records)
    return lost, users.LEDGER.counts()


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # noqa: BLE001
        print(f"load: {error}", file=sys.stderr)
        if isinstance(error, __import__("subprocess").CalledProcessError):
            print((error.stderr or "")[-3000:], file=sys.stderr)
        sys.exit(1)
