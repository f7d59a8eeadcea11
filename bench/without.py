"""`--without figure-stamps,report-snapshots`: measure the pages as they would be without
one or more of the application's caches, to tell whether each cache pays for itself.

A cache is switched off in the bench process only, by replacing its entry point for the length of
the run (the application's code is not changed):

- `figure-stamps`: the dashboard's per-assistant figures kept under their stamps
  (`reports.FigureStamp`): `reports.dashboard._figures_of` computes the figures of the page's
  assistants in one query every time, and the ranking query no longer joins the stamps;
- `report-snapshots`: the half-year report's stored figures (`reports.snapshots`):
  `counted_figures()` computes the period's figures every time and stores nothing.

`check()` makes sure that "without" really computes the page: each page behind a cache is requested
with the cache (served from it) and without, and the two responses are compared (with what
changes from one request to the next taken out) and their SQL queries counted.

The gunicorn workers of the throughput test switch off the same caches: they are started on
`bench.wsgi`, which reads the list from the environment (`BENCH_WITHOUT`).
"""

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, cast
from unittest import mock

from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

ENVIRONMENT = "BENCH_WITHOUT"


# --- the replacements -----------------------------------------------------------------------------------


# The stamp column and the join that reads it, in the ranking query (`RankedAssistants._ranked`).
_STAMP_COLUMN = re.compile(r",\s*s\.token AS figure_stamp\b")
_STAMP_JOIN = re.compile(r"\s*LEFT JOIN \S+ s ON s\.assistant_id = u\.id")


def _figure_stamp_patches() -> list:
    from reports import dashboard

    def figures_computed(ctx, users):  # noqa: ANN001, ANN202 - as `dashboard._figures_of`
        """The figures of `users`, by pk, computed in one query (none for no users)."""
        pks = [user.pk for user in users]
        if not pks:
            return {}
        # A values() query: its rows are dicts (the stubs cannot see that through the annotations).
        rows = cast(Iterable[dict[str, Any]], dashboard._figures_query(ctx).filter(assistant__in=pks))
        computed = {row["assistant"]: row for row in rows}
        return {pk: computed.get(pk, {}) for pk in pks}

    ranked = dashboard.RankedAssistants._ranked

    def ranked_without_stamps(self, search, *, offset, limit):  # noqa: ANN001, ANN202
        """The ranking query with neither the stamps' join nor their column (if it still has
        them in the form this knows; otherwise as it is: the join costs little)."""
        query = ranked(self, search, offset=offset, limit=limit)
        sql, column = _STAMP_COLUMN.subn("", str(query.raw_query))
        sql, join = _STAMP_JOIN.subn("", sql)
        if column != 1 or join != 1:
            STATE["ranking_stamp_join_removed"] = False
            return query
        STATE["ranking_stamp_join_removed"] = True
        model = cast("type[Model]", query.model)
        return model._default_manager.raw(sql, query.params)

    return [
        mock.patch.object(dashboard, "_figures_of", figures_computed),
        mock.patch.object(dashboard.RankedAssistants, "_ranked", ranked_without_stamps),
    ]


def _report_snapshot_patches() -> list:
    from reports import snapshots

    def computed(period):  # noqa: ANN001, ANN202 - as `snapshots.counted_figures`
        """The period's counted figures, computed from the data each time, stored nowhere (the
        costs are read from their entries either way)."""
        return snapshots.StoredReport(snapshots.semiannual_report(period), timezone.now())

    return [mock.patch.object(snapshots, "counted_figures", computed)]


@dataclass(frozen=True)
class Cache:
    name: str
    description: str
    patches: Callable[[], list]
    # The bench's pages (keys in `measure.PAGES`/`EXTRA_PAGES`) this cache serves.
    pages: tuple[str, ...]


CACHES: dict[str, Cache] = {
    cache.name: cache
    for cache in [
        Cache(
            "figure-stamps",
            "the dashboard's figures under their stamps (reports.FigureStamp)",
            _figure_stamp_patches,
            ("dashboard", "dashboard_centre"),
        ),
        Cache(
            "report-snapshots",
            "the half-year report's stored figures (reports/snapshots.py)",
            _report_snapshot_patches,
            ("semiannual",),
        ),
    ]
}

# What the replacements found out while running (reported with the results).
STATE: dict[str, bool] = {}


def parse(value: str) -> frozenset[str]:
    """The caches named in a comma-separated list ("" or "none": none); ValueError for an unknown one."""
    names = {name.strip() for name in value.split(",") if name.strip()} - {"none"}
    if "all" in names:
        names = (names - {"all"}) | set(CACHES)
    unknown = sorted(names - set(CACHES))
    if unknown:
        raise ValueError(
            f"unknown cache {', '.join(map(repr, unknown))}: choose from {', '.join(CACHES)} or all"
        )
    return frozenset(names)


def ordered(names: Iterable[str]) -> list[str]:
    return [name for name in CACHES if name in set(names)]


@contextmanager
def disabled(names: Iterable[str]) -> Iterator[None]:
    """The named caches switched off in this process while the block runs."""
    with ExitStack() as stack:
        for name in ordered(names):
            for patch in CACHES[name].patches():
                stack.enter_context(patch)
        yield


def from_environment() -> frozenset[str]:
    return parse(os.environ.get(ENVIRONMENT, ""))


def switch_off_from_environment() -> frozenset[str]:
    """Switch off for good, in this process, the caches named in BENCH_WITHOUT (gunicorn's workers)."""
    names = from_environment()
    for name in ordered(names):
        for patch in CACHES[name].patches():
            patch.start()
    return names


# --- making sure "without" computes the page ------------------------------------------------------------

# What differs between two requests of the same page whatever the cache: the CSRF token, nonces,
# the seconds left in the session (the session warning's countdown), and the time the report's
# figures were computed (stored a while ago, or just now).
_VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*'), r"\1…"),
    (re.compile(r'(name="csrf-token" content=")[^"]*'), r"\1…"),
    (re.compile(r'("X-CSRFToken": ")[^"]*'), r"\1…"),
    (re.compile(r'(nonce=")[^"]*'), r"\1…"),
    (re.compile(r'(data-remaining=")[^"]*'), r"\1…"),
    (re.compile(r'<p[^>]*id="report-computed"[^>]*>.*?</p>', re.S), '<p id="report-computed">…</p>'),
]


def normalised(html: str) -> str:
    for pattern, replacement in _VOLATILE:
        html = pattern.sub(replacement, html)
    return html


def _request(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return len(captured), normalised(response.content.decode())


def check(names: Iterable[str], clients: dict, urls: dict, warmup: int = 2) -> dict:
    """For each named cache and each of its pages (`urls` by page key, `clients` by page key): the
    SQL queries of one request with the cache (after `warmup` requests, so served from it) and
    without, and whether the two responses are the same."""
    checks: dict[str, dict] = {}
    for name in ordered(names):
        pages = {}
        for key in CACHES[name].pages:
            if key not in urls:
                continue
            client, url = clients[key], urls[key]
            for _ in range(warmup):
                _request(client, url)
            queries_with, content_with = _request(client, url)
            with disabled([name]):
                _request(client, url)
                queries_without, content_without = _request(client, url)
            # And back: the cache serves the same page again (which also shows that what differs
            # between two requests anyway is taken out before comparing).
            _request(client, url)
            queries_again, content_again = _request(client, url)
            pages[key] = {
                "queries_with": queries_with,
                "queries_without": queries_without,
                "same_content": content_with == content_without and content_with == content_again,
                "queries_with_again": queries_again,
                "bytes": len(content_with),
            }
        checks[name] = pages
    return checks
