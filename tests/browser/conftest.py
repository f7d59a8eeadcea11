"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked `browser`. Outside CI the tests skip, saying why, when
/usr/bin/chromium is missing; under CI=true they must run, so a missing browser fails them.
One browser is launched for the whole run; each test gets a fresh context (cookies, viewport).
The tests need a transactional database (the live server runs in another thread); data is made
with factories, and only the steps under test go through the interface.
The helpers `login`, `axe_check` and `shot` live in `tests/browser/helpers.py`.
Every journey is audited as it goes: each page of a family's file, download and export the browser
opened must have written its access record (`audit_trail`, see `tests/browser/audit.py`).
"""

import os
import threading
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler

from tests.conftest import IN_CI

from .audit import AuditTrail

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download does not work here: Debian's Chromium, headless, quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).parent


def _require_chromium() -> None:
    if CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK):
        return
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is required in CI for the browser tests (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is not installed: apt-get install chromium to run the browser journeys")


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's base_url fixture is a session fixture on a class; pytest 9 warns about it.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
    )


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).parents


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]):
    """Mark every test of this folder `browser` before `-m` selects (so `-m "not browser"` works),
    and run them last. pytest groups tests by pytest-playwright's session-scoped `browser_name`
    parameter after pytest-django has put database tests before transactional ones; left there,
    these transactional tests would flush the database in the middle of the others."""
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
    yield
    items[:] = [item for item in items if not _is_browser_test(item)] + [
        item for item in items if _is_browser_test(item)
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # Polish like the office; a desktop-sized window unless a test asks for a phone.
    return {
        **browser_context_args,
        "locale": "pl-PL",
        "timezone_id": "Europe/Warsaw",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
        # No smooth scrolling or fades: screenshots show where the focus is, and tests wait less.
        "reduced_motion": "reduce",
    }


@pytest.fixture(autouse=True)
def _chromium_present() -> None:
    _require_chromium()


class _OneRequestAtATime(StaticFilesHandler):
    """With SQLite in memory every request thread of the live server shares the test's single
    connection; two requests at once (an htmx check while a form is posted) would interleave
    their transactions on it. PostgreSQL gives each thread its own connection and needs no lock."""

    lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return super().__call__(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest):
    """pytest-django's live server, with two adjustments for this project.

    Asystent sets MEDIA_URL = None (scans are served only by views that check access), but
    Django's LiveServerThread wraps the app in a media handler that parses MEDIA_URL when it
    starts and fails on None: the server starts while MEDIA_URL names a path nobody requests,
    and the setting is put back once it is up. On SQLite in memory, requests run one at a time."""
    from django.conf import settings
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.static_handler = _OneRequestAtATime
    media_url = settings.MEDIA_URL
    settings.MEDIA_URL = "/__media-is-not-served__/"
    try:
        server.start()
    finally:
        settings.MEDIA_URL = media_url
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _dictionaries(transactional_db) -> None:
    """The dictionaries the migrations seed (problem areas, assessment areas): a transactional test
    before this one flushed them, so they are seeded again the same way."""
    from django.apps import apps

    for migration in ("0002_problem_areas", "0004_assessment_areas"):
        import_module(f"cases.migrations.{migration}").seed(apps, None)


@pytest.fixture
def base(live_server) -> str:
    """The live server's address (the test database behind it); pages are opened from here."""
    return live_server.url


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def page(page, live_server, request: pytest.FixtureRequest):
    """Pages time out quickly: a journey that waits 30 s for a missing button is a failure anyway.
    When a journey fails, the page as it was is kept in test-artifacts/screenshots/FAILED-*.png."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
    yield page
    if request.node.stash.get(_CALL_FAILED, False):
        from .helpers import shot

        try:
            path = shot(page, f"FAILED-{request.node.name}")
        except Exception as error:  # noqa: BLE001 - a screenshot must not hide the real failure
            print(f"No screenshot of the failed page: {error}")
        else:
            print(f"The failed page: {path} ({page.url})")


@pytest.fixture(autouse=True)
def audit_trail(request: pytest.FixtureRequest, transactional_db, live_server):
    """The reads of family files the browser made during the test (see audit.py). After a journey
    that passed, each one must have its AccessLog row, written during the test: if not, the test
    errors at teardown, listing the reads without a record. Tests also call
    `audit_trail.assert_audited(user=..., obj=..., action=...)` for the reads their journey must make."""
    if "page" not in request.fixturenames:
        yield None
        return
    page = request.getfixturevalue("page")
    trail = AuditTrail(live_server.url)
    trail.start(page.context)
    yield trail
    trail.stop()
    if not request.node.stash.get(_CALL_FAILED, False):
        trail.assert_every_read_recorded()
