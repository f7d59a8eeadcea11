"""The case timeline: every event of the case in date order, newest first, in a fixed number of
queries whatever the number of visits; and the work panel of the case page that shows it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.enums import AssessmentStatus, CaseStatus, ClosureReason
from cases.models import Case, WorkPlan
from cases.timeline import case_timeline
from cases.work_views import case_panel_context
from referrals.enums import ReferralStatus

from .factories import (
    AssessmentFactory,
    CaseFactory,
    ConsentFactory,
    InterventionFactory,
    ReferralFactory,
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=WARSAW)


def plan_created(case, version, day):
    plan = WorkPlanFactory(case=case, version=version)
    WorkPlan.objects.filter(pk=plan.pk).update(created_at=at(day))
    return plan


@pytest.fixture
def case():
    case = CaseFactory(opened_on=dt.date(2026, 3, 2), started_on=dt.date(2026, 3, 2), family__name="Kowalscy")
    ReferralFactory(
        family=case.family,
        case=case,
        status=ReferralStatus.ASSIGNED,
        submitted_at=at(dt.date(2026, 2, 20)),
        decided_at=at(dt.date(2026, 3, 2), 9),
    )
    ConsentFactory(case=case, date=dt.date(2026, 3, 5))
    plan_created(case, 1, dt.date(2026, 3, 20))
    plan_created(case, 2, dt.date(2026, 6, 15))
    VisitFactory(case=case, date=dt.date(2026, 3, 12))
    VisitFactory(case=case, date=dt.date(2026, 4, 9), draft=True)
    InterventionFactory(case=case, date=at(dt.date(2026, 5, 4), 18), informed_at=at(dt.date(2026, 5, 4), 19))
    AssessmentFactory(case=case, date=dt.date(2026, 8, 31), status=AssessmentStatus.SUBMITTED)
    case.status = CaseStatus.ENDED
    case.closed_on = dt.date(2026, 9, 30)
    case.closure_reason = ClosureReason.GOALS_ACHIEVED
    case.monitoring_until = dt.date(2027, 3, 30)
    case.ended_on = dt.date(2026, 10, 15)
    case.save()
    return Case.objects.select_related("family").get(pk=case.pk)


def test_every_event_newest_first(case):
    with translation.override("en"):
        rows = case_timeline(case)
    assert [(row.date, row.kind) for row in rows] == [
        (dt.date(2026, 10, 15), "monitoring_end"),
        (dt.date(2026, 9, 30), "closure"),
        (dt.date(2026, 8, 31), "assessment"),
        (dt.date(2026, 6, 15), "plan"),
        (dt.date(2026, 5, 4), "intervention"),
        (dt.date(2026, 4, 9), "visit"),
        (dt.date(2026, 3, 20), "plan"),
        (dt.date(2026, 3, 12), "visit"),
        (dt.date(2026, 3, 5), "consent"),
        # The same day: the assignment follows the decision, so it is listed above it.
        (dt.date(2026, 3, 2), "assignment"),
        (dt.date(2026, 3, 2), "decision"),
        (dt.date(2026, 2, 20), "referral"),
    ]
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, row)  # the newest of each kind
    assert by_kind["plan"].title == "Work plan, version 2"
    assert by_kind["plan"].badge == "revision"
    assert by_kind["plan"].url.startswith("/families/plans/")
    assert by_kind["intervention"].tone == "danger"
    visits = [row for row in rows if row.kind == "visit"]
    assert [row.badge for row in visits] == ["draft", ""]
    assert by_kind["closure"].badge == "goals achieved"
    assert by_kind["assessment"].url.startswith("/families/assessments/")


def test_a_case_without_a_referral_or_visits_has_a_short_timeline():
    case = CaseFactory(opened_on=dt.date(2026, 3, 2))
    rows = case_timeline(Case.objects.get(pk=case.pk))
    assert [row.kind for row in rows] == ["assignment"]


def _queries(case_pk):
    fresh = Case.objects.select_related("family").get(pk=case_pk)
    with CaptureQueriesContext(connection) as captured:
        case_timeline(fresh)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_rows(case, django_assert_max_num_queries):
    assert case.visits.count() == 2
    few = _queries(case.pk)
    VisitFactory.create_batch(18, case=case, date=dt.date(2026, 7, 2))
    InterventionFactory.create_batch(
        3, case=case, date=at(dt.date(2026, 7, 3)), informed_at=at(dt.date(2026, 7, 3), 11)
    )
    assert case.visits.count() == 20
    assert _queries(case.pk) == few
    fresh = Case.objects.select_related("family").get(pk=case.pk)
    # One query per kind: referral, assignments, consents, plans, visits, interventions, assessments.
    with django_assert_max_num_queries(7):
        rows = case_timeline(fresh)
    assert sum(row.kind == "visit" for row in rows) == 20


def render_panel(case, user):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string(
            "cases/work/_case_panel.html", {"work_panel": case_panel_context(case, user)}, request
        )


def test_the_case_panel_shows_the_timeline_and_the_closure(case, manager):
    html = render_panel(case, manager)
    assert "Timeline" in html
    assert "Intervention: a child&#x27;s safety at risk" in html
    assert "Monitoring ended: the case is read-only" in html
    assert "30.09.2026" in html  # closed on
    assert "The case has ended and is read-only." in html
    # Nothing to do on an ended case.
    assert "Close the work with the family" not in html
    assert "End the monitoring" not in html
    assert "Revise the plan" not in html


def test_the_case_panel_in_a_constant_number_of_queries(case, manager, django_assert_max_num_queries):
    fresh = Case.objects.select_related("family").get(pk=case.pk)
    with CaptureQueriesContext(connection) as few:
        render_panel(fresh, manager)
    VisitFactory.create_batch(18, case=case, date=dt.date(2026, 7, 2))
    AssessmentFactory.create_batch(4, case=case, status=AssessmentStatus.SUBMITTED)
    fresh = Case.objects.select_related("family").get(pk=case.pk)
    with django_assert_max_num_queries(len(few)):
        render_panel(fresh, manager)


def test_the_case_panel_offers_closure_and_end_of_monitoring_by_role(assistant, manager, social_worker):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker)
    assert "Close the work with the family" in render_panel(case, assistant)
    assert "Close the work with the family" in render_panel(case, manager)
    assert "Close the work with the family" not in render_panel(case, social_worker)
    assert "Write the work plan" in render_panel(case, assistant)
    assert "Write the work plan" not in render_panel(case, manager)
    case.status = CaseStatus.MONITORING
    case.closed_on = dt.date(2026, 1, 10)
    case.closure_reason = ClosureReason.MOVED_AWAY
    case.monitoring_until = dt.date(2026, 7, 10)
    case.save()
    html = render_panel(case, assistant)
    assert "End the monitoring" in html
    assert "Close the work with the family" not in html
    assert "End the monitoring" not in render_panel(case, social_worker)
