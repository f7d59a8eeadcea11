"""`make bench` at the tiny scale, on PostgreSQL: the data set is generated, every figure is
measured and written to the JSON file, and the numbers make sense (not how fast they are)."""

import json
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db import connection

from bench import measure, run, without
from bench.generate import SCALES, GenerationRefused, check_overwrite
from bench.measure import EXTRA_PAGES, PAGES
from bench.without import CACHES
from cases.models import FamilyMember
from cases.pesel import decode

from .conftest import require_service
from .settings_env import BASE_DIR, clean_env


@pytest.fixture
def results(transactional_db, tmp_path, monkeypatch):
    """One run at the tiny scale into the test database (emptied first; it is a test database)."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    monkeypatch.setenv("BENCH_OVERWRITE", "yes")
    output = tmp_path / "results.json"
    returned = run.main(
        [
            "--scale=tiny",
            "--requests=5",
            "--load-seconds=2",
            "--pdf-runs=1",
            "--import-rows=60",
            f"--output={output}",
        ]
    )
    written = json.loads(output.read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(returned))
    return written


def assert_timed(figures: dict) -> None:
    assert figures["queries"] > 0
    assert figures["requests"] == 5
    assert 0 < figures["median_ms"] <= figures["p95_ms"]


@pytest.mark.postgresql("the benchmark loads with COPY and refuses anything else")
def test_the_bench_generates_measures_and_writes_every_figure(results):
    tiny = SCALES["tiny"]
    rows = results["generation"]["rows"]
    assert results["scale"] == "tiny"
    assert rows["visits_visit"] == tiny.visits
    assert rows["asystent_user"] == tiny.users
    assert rows["cases_family"] > tiny.active_families + tiny.closed_families
    # Every member has a valid PESEL, and no PESEL is used twice.
    pesels = list(FamilyMember.objects.values_list("pesel", flat=True))
    assert len(pesels) == rows["cases_familymember"] == len(set(pesels))
    for pesel in pesels:
        decode(pesel)

    assert_timed(results["floor"])
    assert set(results["pages"]) == {page.key for page in PAGES + EXTRA_PAGES}
    for page in results["pages"].values():
        assert_timed(page)
        assert page["queries"] >= results["floor"]["queries"]
        assert page["ratio"] == round(page["median_ms"] / results["floor"]["median_ms"], 2)

    pdf = results["pdf"]
    assert pdf["pages"] >= 1 and pdf["bytes"] > 1000
    assert pdf["task_median_ms"] > 0 and pdf["raw_median_ms"] > 0 and pdf["ratio"] > 0

    sweep = results["sweep"]
    assert sweep["active_cases"] > 0
    assert sweep["queries"] > 0 and sweep["notifications_created"] > 0
    assert sweep["repeat_created"] == 0  # idempotent

    imported = results["import"]
    assert imported["rows"] == 60 and imported["families"] == 20 and imported["cases"] == 20
    assert 0 < imported["check_seconds"] <= imported["seconds"]
    assert "import_under_60_s" in results["targets_met"]

    load = results["throughput"]
    assert load["workers"] == 2
    assert load["requests"] > 0 and load["rps"] > 0
    assert load["errors"] == 0
    assert 0 < load["median_ms"] <= load["p95_ms"]


def test_the_bench_refuses_a_database_that_is_not_postgresql():
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--scale=tiny"],
        cwd=BASE_DIR,
        env=clean_env(DATABASE_URL="sqlite:////tmp/never-created.sqlite3", PATH=os.environ.get("PATH", "")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr


@pytest.mark.postgresql("the benchmark loads with COPY and refuses anything else")
def test_the_bench_does_not_empty_a_database_it_did_not_make(transactional_db, django_user_model):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE {name} IS NULL")
    check_overwrite(allow=False)  # an empty database is fine
    django_user_model.objects.create(username="someone-real")
    with pytest.raises(GenerationRefused, match="BENCH_OVERWRITE"):
        check_overwrite(allow=False)
    check_overwrite(allow=True)


@pytest.mark.postgresql("the benchmark loads with COPY and refuses anything else")
def test_generate_only_makes_the_data_set_and_measures_nothing(transactional_db, tmp_path, monkeypatch):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    monkeypatch.setenv("BENCH_OVERWRITE", "yes")
    output = tmp_path / "results.json"
    returned = run.main(["--scale=tiny", "--generate-only", f"--output={output}"])
    tiny = SCALES["tiny"]
    assert returned["generation"]["rows"]["cases_family"] >= tiny.active_families + tiny.closed_families
    assert "floor" not in returned
    assert not output.exists()


def test_without_names_the_caches_to_switch_off():
    assert run.parse_args([]).without == frozenset()
    assert run.parse_args(["--without=figure-stamps, report-snapshots"]).without == {
        "figure-stamps",
        "report-snapshots",
    }
    assert run.parse_args(["--without=all"]).without == set(CACHES)
    assert run.parse_args(["--without=none"]).without == frozenset()
    with pytest.raises(SystemExit) as refused:
        run.parse_args(["--without=figure-stamps,redis"])
    assert refused.value.code == 2


@pytest.mark.postgresql("the benchmark loads with COPY and refuses anything else")
def test_without_computes_each_page_and_serves_the_same_one(transactional_db, monkeypatch):
    """With the caches switched off every page behind one is computed (more queries) and is the
    same page; the switch lasts only as long as the run, and gunicorn's workers switch off the same."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    monkeypatch.setenv("BENCH_OVERWRITE", "yes")
    run.main(["--scale=tiny", "--generate-only"])
    subjects = measure.pick_subjects()
    floor, pages, checks = measure.measure_pages(subjects, requests=2, without=frozenset(CACHES))

    assert set(checks) == set(CACHES)
    for name, cache in CACHES.items():
        assert set(checks[name]) == set(cache.pages)
        for key, check in checks[name].items():
            assert check["same_content"], (name, key)
            assert check["queries_without"] > check["queries_with"], (name, key)
            # The timed requests ran without the cache too.
            assert pages[key]["queries"] == check["queries_without"], (name, key)
    assert without.STATE["ranking_stamp_join_removed"]
    # Switched on again after the run.
    from reports import dashboard, snapshots

    assert dashboard._figures_of.__module__ == "reports.dashboard"
    assert dashboard.RankedAssistants._ranked.__module__ == "reports.dashboard"
    assert snapshots.counted_figures.__module__ == "reports.snapshots"

    # gunicorn's workers (bench.wsgi): from BENCH_WITHOUT.
    monkeypatch.setenv(without.ENVIRONMENT, "report-snapshots")
    try:
        assert without.switch_off_from_environment() == {"report-snapshots"}
        assert snapshots.counted_figures.__module__ == "bench.without"
    finally:
        mock.patch.stopall()
    assert snapshots.counted_figures.__module__ == "reports.snapshots"


def test_the_comparison_ignores_what_differs_between_any_two_requests():
    """Two requests a second apart differ in the session warning's countdown and the CSRF token,
    cache or not; the comparison of "with" and "without" takes those out, and nothing else."""
    first = (
        '<input name="csrfmiddlewaretoken" value="abc"><div id="session-warning" '
        'data-remaining="1798" data-warn-before="120"></div><td>14</td>'
    )
    second = first.replace("abc", "xyz").replace("1798", "1797")
    assert without.normalised(first) == without.normalised(second)
    assert without.normalised(first) != without.normalised(second.replace("<td>14", "<td>15"))
