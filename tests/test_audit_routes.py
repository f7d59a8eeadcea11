"""The browser journeys check the read audit route by route (`tests/browser/audit.py`): its table
must name every route whose view records an access, and only such routes."""

import inspect

import pytest
from django.urls import resolve

from .browser.audit import NOT_CHECKED, READS
from .test_login_required import ROUTES


def _recording_functions(module) -> set[str]:  # noqa: ANN001
    """Names of the module's functions that record an access, directly (`log_access`) or by
    calling another such function (`_log_view`, a form helper shared by two views)."""
    functions = {
        name: inspect.getsource(function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
    }
    recording = {"log_access"}
    while True:
        more = {name for name, source in functions.items() if any(f"{r}(" in source for r in recording)}
        if more <= recording:
            return recording
        recording |= more


def _records_reads(view) -> bool:  # noqa: ANN001
    function = inspect.unwrap(view)
    source = inspect.getsource(function)
    recording = _recording_functions(inspect.getmodule(function))
    return any(f"{name}(" in source for name in recording)


AUDITED_ROUTES = sorted(
    {route.name for route in ROUTES if route.name and _records_reads(resolve(route.url).func)}
)


def test_the_scan_finds_the_audited_views():
    assert {"cases:family-detail", "documents:download", "reports:semiannual-xlsx"} <= set(
        AUDITED_ROUTES
    )


@pytest.mark.parametrize("name", AUDITED_ROUTES)
def test_every_audited_route_is_in_the_browser_table(name):
    assert name in READS or name in NOT_CHECKED, (
        f"{name} records accesses: add what its row records to READS in tests/browser/audit.py"
    )


def test_the_browser_table_names_only_audited_routes():
    stale = sorted((set(READS) | set(NOT_CHECKED)) - set(AUDITED_ROUTES))
    assert not stale, f"in tests/browser/audit.py but their views record nothing: {stale}"
