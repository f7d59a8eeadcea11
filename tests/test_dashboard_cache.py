"""The dashboard keeps each assistant's figures in the cache under a stamp that PostgreSQL's
triggers (reports migration 0003) renew in the same transaction as any write behind the figures:
every kind of write, through a form's save, `QuerySet.update()` or raw SQL, shows on the next
view, and a view with nothing changed computes no figures."""

import datetime as dt
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.enums import CaseStatus
from cases.models import Case, FamilyMember, PlanAction
from courts.enums import CourtRequestStatus
from courts.models import CourtRequest
from reports import dashboard
from reports.models import FigureStamp

from .conftest import DEAD_CACHE
from .factories import (
    AssessmentFactory,
    CaseFactory,
    CourtRequestFactory,
    FamilyMemberFactory,
    GoalFactory,
    PlanActionFactory,
    UserFactory,
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = [
    pytest.mark.usefixtures("empty_cache"),
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"),
]

URL = reverse("reports:dashboard")
FIGURES = ("load", "monitoring", "children", "days_since_visit", "overdue_assessments", "court_requests")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", assistant=True)


@pytest.fixture
def work(anna):
    """Anna's case: started 8 months ago (its assessment overdue), a child, a visit 5 days ago, a
    plan action past its deadline and an open court request."""
    case = CaseFactory(assistant=anna, opened_on=days_ago(240), court_ordered=True)
    FamilyMemberFactory(family=case.family, child=True, no_pesel=True)
    visit = VisitFactory(case=case, date=days_ago(5))
    action = PlanActionFactory(goal=GoalFactory(plan=WorkPlanFactory(case=case)), deadline=days_ago(2))
    request = CourtRequestFactory(case=case, due_date=days_ago(-20))
    return {"case": case, "visit": visit, "action": action, "request": request}


def view(client) -> tuple[dict, int]:  # noqa: ANN001
    """Anna's figures on the dashboard, and the view's number of queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    (row,) = [row for row in response.context["rows"] if row.assistant.username == "anna"]
    figures = {name: getattr(row, name) for name in FIGURES}
    figures["overdue_actions"] = row.overdue_actions
    return figures, len(queries)


@pytest.fixture
def seen(client, manager, work):
    client.force_login(manager)
    view(client)  # the first view after the login also renews the session
    cache.clear()
    return view(client)  # computed


def test_a_view_with_nothing_changed_reads_the_figures_from_the_cache(client, seen):
    figures, computed = seen
    assert figures == {
        "load": 1,
        "monitoring": 0,
        "children": 1,
        "days_since_visit": 5,
        "overdue_assessments": 1,
        "court_requests": 1,
        "overdue_actions": 1,
    }
    again, cached = view(client)
    assert again == figures
    assert cached == computed - 1  # the figures' query


def _now_monitoring(w: dict) -> None:
    Case.objects.filter(pk=w["case"].pk).update(
        status=CaseStatus.MONITORING, closed_on=days_ago(1), closure_reason="goals_achieved"
    )


def _raw_sql_visit_removed(w: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE visits_visit SET status = 'draft' WHERE id = %s", [w["visit"].pk])


CHANGES = {
    "a visit saved": (lambda w: VisitFactory(case=w["case"], date=days_ago(1)), {"days_since_visit": 1}),
    "a visit made a draft by raw SQL": (_raw_sql_visit_removed, {"days_since_visit": 240}),
    "an assessment submitted": (
        lambda w: AssessmentFactory(case=w["case"], date=days_ago(1), submitted=True),
        {"overdue_assessments": 0},
    ),
    "an action done": (
        lambda w: PlanAction.objects.filter(pk=w["action"].pk).update(status="done"),
        {"overdue_actions": 0},
    ),
    "a goal with a late action": (
        lambda w: PlanActionFactory(goal=GoalFactory(plan=w["action"].goal.plan), deadline=days_ago(1)),
        {"overdue_actions": 2},
    ),
    "a new plan version": (lambda w: WorkPlanFactory(case=w["case"], version=2), {"overdue_actions": 0}),
    "a court request answered": (
        lambda w: CourtRequest.objects.filter(pk=w["request"].pk).update(
            status=CourtRequestStatus.ANSWERED, answered_on=days_ago(1)
        ),
        {"court_requests": 0},
    ),
    "a child added": (
        lambda w: FamilyMemberFactory(family=w["case"].family, child=True, no_pesel=True),
        {"children": 2},
    ),
    "a child's relation corrected": (
        lambda w: FamilyMember.objects.filter(family=w["case"].family).update(relation="other"),
        {"children": 0},
    ),
    # A family in monitoring has no visits or assessments due, nor actions counted.
    "the case in monitoring": (
        _now_monitoring,
        {
            "load": 0,
            "monitoring": 1,
            "days_since_visit": None,
            "overdue_assessments": 0,
            "overdue_actions": 0,
        },
    ),
    # Opened 60 days ago with no visit yet: the longest time without one.
    "a new case": (lambda w: CaseFactory(assistant=w["case"].assistant), {"load": 2, "days_since_visit": 60}),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_write_behind_the_figures_shows_on_the_next_view(client, seen, work, change):
    before, _ = seen
    write, expected = CHANGES[change]

    write(work)
    after, _ = view(client)

    assert after == {**before, **expected}


def test_a_case_given_to_another_assistant_leaves_both_rows_right(client, seen, work):
    beata = UserFactory(username="beata", assistant=True)
    Case.objects.filter(pk=work["case"].pk).update(assistant=beata)

    response = client.get(URL)
    loads = {row.assistant.username: row.load for row in response.context["rows"]}
    assert loads == {"anna": 0, "beata": 1}


def test_an_assistant_loaded_in_bulk_gets_a_stamp_and_is_cached_from_then_on(client, seen):
    figures, computed = seen
    FigureStamp.objects.all().delete()  # as after the benchmark's COPY, which fires no trigger

    assert view(client) == (figures, computed + 1)  # computed, and the missing stamp added
    assert view(client) == (figures, computed - 1)
    assert FigureStamp.objects.filter(assistant__username="anna").exists()


def test_a_new_day_computes_the_figures_again(client, seen, monkeypatch):
    figures, computed = seen
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    load = dashboard.Context.load
    monkeypatch.setattr(dashboard.Context, "load", classmethod(lambda cls: replace(load(), today=tomorrow)))
    next_day, queries = view(client)
    assert queries == computed
    assert next_day["days_since_visit"] == figures["days_since_visit"] + 1


def test_with_the_cache_down_the_figures_are_computed_not_refused(client, seen, caplog):
    figures, computed = seen
    with override_settings(CACHES=DEAD_CACHE):
        assert view(client) == (figures, computed)
    assert "The cache could not be read (ConnectionError)" in caplog.text
