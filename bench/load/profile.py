"""`python -m bench.load.profile --workdir DIR`: where the time of the load run's pages goes.

Run on the folder a load run kept (`make load` with `--keep`, or `--workdir`): it starts that run's
PostgreSQL again, and then, in this process with the production settings (DEBUG off, the cached
template loader), requests each page the simulated people open, as one of them, one request at a
time on an otherwise idle machine. For each page it prints the median of `--repeat` requests, the
number of queries and the time PostgreSQL took to answer them, and, from cProfile, the share of the
time spent in each part: waiting for the database, building SQL (Django's ORM), rendering
templates (Django's and crispy-forms'), and the rest (middleware, views, Python). The sum of the
medians weighted by how often the load run asked for each page is the CPU a request costs; with the
requests per second a run offers, it says how much of the machine the pages need.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from bench.load.stack import Stack

PARTS = {
    "database": ("psycopg/", "psycopg_binary/"),
    "ORM": ("django/db/",),
    "templates": ("django/template/", "crispy_forms/", "crispy_bootstrap5/", "django/forms/"),
}


def part_of(filename: str) -> str:
    for part, markers in PARTS.items():
        if any(marker in filename for marker in markers):
            return part
    return "other"


def shares(profile: cProfile.Profile) -> dict[str, float]:
    """The share of the profiled time by part, from each function's own time."""
    totals: dict[str, float] = dict.fromkeys([*PARTS, "other"], 0.0)
    stats = pstats.Stats(profile, stream=io.StringIO())
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        totals[part_of(filename)] += tottime
    whole = sum(totals.values()) or 1.0
    return {part: value / whole for part, value in totals.items()}


def pages(actors: dict) -> list[tuple[str, str, str]]:
    """(role, what, url) of the pages the load run's people open most, from its actors file."""
    assistant = next(a for a in actors["assistants"] if a.get("cases"))
    case = assistant["cases"][0]
    manager = actors["managers"][0]
    worker = actors["social_workers"][0]
    return [
        (assistant["username"], "assistant: home", "/"),
        (assistant["username"], "assistant: my week", "/visits/week/"),
        (assistant["username"], "assistant: case page", f"/families/cases/{case}/"),
        (assistant["username"], "assistant: visit form", f"/visits/case/{case}/new/"),
        (assistant["username"], "assistant: notifications", "/notifications/"),
        (manager["username"], "manager: dashboard", "/reports/manager/"),
        (manager["username"], "manager: queue", "/referrals/queue/"),
        (manager["username"], "manager: half-year report", "/reports/manager/report/"),
        (worker["username"], "social worker: search families", "/families/?q=Kowal"),
        (worker["username"], "social worker: family form", "/families/new/"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load.profile", description=__doc__)
    parser.add_argument("--workdir", type=Path, required=True, help="the folder a load run kept")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    stack = Stack(say=print, keep=True, workdir=args.workdir)
    stack.start_postgres()
    try:
        # Without REDIS_URL: the cache in memory, as the pages see it once Redis has answered.
        os.environ.update(stack.env() | {"DJANGO_SETTINGS_MODULE": "asystent.settings"})
        del os.environ["REDIS_URL"]
        print(table(profile_pages(json.loads((args.workdir / "actors.json").read_text()), args.repeat)))
    finally:
        stack.stop_postgres()


def profile_pages(actors: dict, repeat: int) -> list[dict]:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    django.setup()
    from django.db import connection
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from asystent.models import User

    clients: dict[str, Client] = {}
    rows = []
    for username, what, url in pages(actors):
        client = clients.get(username)
        if client is None:
            user = User.objects.get(username=username)
            client = clients[username] = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            session = client.session
            device = TOTPDevice.objects.filter(user=user).first()
            if device is not None:
                session["otp_device_id"] = device.persistent_id
            session.save()
        status = client.get(url).status_code
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries: list[float] = []

        def timed(execute, sql, params, many, context, queries=queries):  # noqa: ANN001, ANN202
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            client.get(url)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(repeat):
            client.get(url)
        profile.disable()
        rows.append(
            {
                "page": what,
                "status": status,
                "median_ms": statistics.median(times),
                "queries": len(queries),
                "postgres_ms": sum(queries) * 1000,
                "shares": shares(profile),
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    parts = [*PARTS, "other"]
    lines = [
        f"{'page':34} {'status':>6} {'median ms':>9} {'queries':>7} {'PG ms':>6} "
        + " ".join(f"{p:>9}" for p in parts),
    ]
    for row in rows:
        lines.append(
            f"{row['page']:34} {row['status']:>6} {row['median_ms']:>9.1f} {row['queries']:>7} "
            f"{row['postgres_ms']:>6.1f} " + " ".join(f"{row['shares'][p]:>9.0%}" for p in parts)
        )
    lines.append(
        "(the shares are of the profiled time, by each function's own time: database = waiting for "
        "PostgreSQL in psycopg, ORM = building SQL and model instances, templates = Django's and "
        "crispy-forms' rendering, other = middleware, views and the rest)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
