"""The case timeline: every event of the case in date order, newest first, in a fixed number of
queries whatever the number of visits; and the work panel of the case page that shows it."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from asystent.models import AccessLog
from cases.enums import AssessmentStatus, CaseStatus, ClosureReason
from cases.models import Case, WorkPlan
from cases.timeline import TIMELINE_PAGE_SIZE, case_timeline, page_number, timeline_page
from cases.views.work_panel import case_panel_context
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
    by_kind: dict[str, Any] = {}
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
    # One query per kind: referral, assignments, periods of the legal basis, consents, plans,
    # visits, interventions, assessments.
    with django_assert_max_num_queries(8):
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


# --- the timeline a page at a time ----------------------------------------------------------------


def busy_case():
    """A case with 45 visits (some on the same day, some without a time), 4 interventions at the
    same moment and the case's own records: more than two pages of the timeline."""
    case = CaseFactory(opened_on=dt.date(2026, 1, 5), started_on=dt.date(2026, 1, 5))
    ConsentFactory(case=case, date=dt.date(2026, 1, 8))
    plan_created(case, 1, dt.date(2026, 1, 20))
    for n in range(30):
        VisitFactory(case=case, date=dt.date(2026, 2, 1) + dt.timedelta(days=n))
    for n in range(15):  # three days with five visits each, two of them phone calls without a time
        day = dt.date(2026, 3, 10 + n // 5)
        if n % 5 < 2:
            VisitFactory(case=case, date=day, phone=True)
        else:
            VisitFactory(case=case, date=day, start_time=dt.time(6 + n % 5))
    InterventionFactory.create_batch(
        4, case=case, date=at(dt.date(2026, 3, 11), 12), informed_at=at(dt.date(2026, 3, 11), 13)
    )
    AssessmentFactory(case=case, date=dt.date(2026, 3, 31), status=AssessmentStatus.SUBMITTED)
    return case


def _keys(rows):
    return [(row.date, row.kind, row.url, row.title, row.badge) for row in rows]


def test_the_pages_together_are_the_whole_timeline_with_nothing_lost_or_repeated():
    case = busy_case()
    whole = case_timeline(Case.objects.get(pk=case.pk))
    assert (
        len(whole) == 1 + 1 + 1 + 45 + 4 + 1
    )  # assignment, consent, plan, visits, interventions, assessment
    pages = []
    for number in (1, 2, 3):
        page = timeline_page(Case.objects.get(pk=case.pk), number)
        assert len(page.rows) == (TIMELINE_PAGE_SIZE if number < 3 else len(whole) - 2 * TIMELINE_PAGE_SIZE)
        assert page.has_earlier == (number < 3)
        pages.extend(page.rows)
    assert _keys(pages) == _keys(whole)
    assert len({row.url for row in pages if row.url}) == len([row for row in pages if row.url])
    # The newest first: page 2 goes on where page 1 stopped.
    assert timeline_page(case, 1).rows[-1].date >= timeline_page(case, 2).rows[0].date
    # Every page up to the third at once (the page without JavaScript) is the same list.
    assert _keys(timeline_page(case, 3, cumulative=True).rows) == _keys(whole)
    assert timeline_page(case, 4).rows == []


def test_a_timeline_page_costs_the_same_queries_whatever_its_number_or_the_visits():
    case = busy_case()

    def count(number):
        fresh = Case.objects.get(pk=case.pk)
        with CaptureQueriesContext(connection) as captured:
            timeline_page(fresh, number)
        return len(captured)

    first = count(1)
    assert count(3) == first
    VisitFactory.create_batch(30, case=case, date=dt.date(2026, 4, 2))
    assert count(1) == first
    assert count(5) == first


@pytest.mark.parametrize(
    ("value", "number"),
    [(None, 1), ("", 1), ("2", 2), ("0", 1), ("x", 1), ("-3", 1), ("²", 1), ("9" * 5000, 1)],
)
def test_the_page_number_from_the_query_string(value, number):
    assert timeline_page(CaseFactory(), page_number(value)).number == number


def _timeline_entries(html):
    return html.count('<li class="d-flex flex-wrap gap-2 py-2 border-bottom">')


def test_the_case_page_shows_the_newest_entries_and_loads_earlier_ones(client, django_assert_max_num_queries):
    case = busy_case()
    client.force_login(case.assistant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the page's language comes from the request
    url = reverse("cases:case-detail", args=[case.pk])
    with translation.override("en"):
        html = client.get(url).content.decode()
        assert _timeline_entries(html) == TIMELINE_PAGE_SIZE
        assert f'href="{url}?timeline=2#timeline-page-2"' in html
        assert f'hx-get="{url}?timeline=2"' in html
        assert "Show earlier entries" in html

        # htmx: the second page alone, in place of the link, with the link to the third page.
        response = client.get(f"{url}?timeline=2", headers={"HX-Request": "true"})
        fragment = response.content.decode()
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]
        assert "<html" not in fragment
        assert _timeline_entries(fragment) == TIMELINE_PAGE_SIZE
        assert 'id="timeline-page-2"' in fragment and "autofocus" in fragment
        assert f'hx-get="{url}?timeline=3"' in fragment
        last = client.get(f"{url}?timeline=3", headers={"HX-Request": "true"}).content.decode()
        assert _timeline_entries(last) == 53 - 2 * TIMELINE_PAGE_SIZE
        assert "Show earlier entries" not in last

        # Without JavaScript the link opens the page with the first two pages of entries.
        html = client.get(f"{url}?timeline=2").content.decode()
        assert _timeline_entries(html) == 2 * TIMELINE_PAGE_SIZE
        assert 'id="timeline-page-2"' in html and "autofocus" not in html
    # Every read of the case, the pieces of its timeline too, is recorded once.
    assert AccessLog.objects.filter(object_type="case", object_id=case.pk, action="view").count() == 4

    VisitFactory.create_batch(30, case=case, date=dt.date(2026, 4, 2))
    with CaptureQueriesContext(connection) as few:
        client.get(f"{url}?timeline=2", headers={"HX-Request": "true"})
    VisitFactory.create_batch(30, case=case, date=dt.date(2026, 4, 3))
    with django_assert_max_num_queries(len(few)):
        client.get(f"{url}?timeline=4", headers={"HX-Request": "true"})


def test_the_case_page_costs_the_same_queries_with_many_visits(client, django_assert_max_num_queries):
    case = busy_case()
    client.force_login(case.assistant)
    url = reverse("cases:case-detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    VisitFactory.create_batch(40, case=case, date=dt.date(2026, 4, 2))
    InterventionFactory.create_batch(
        5, case=case, date=at(dt.date(2026, 4, 3)), informed_at=at(dt.date(2026, 4, 3), 11)
    )
    AssessmentFactory.create_batch(3, case=case, status=AssessmentStatus.SUBMITTED)
    ConsentFactory.create_batch(2, case=case)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
    with django_assert_max_num_queries(len(few)):
        client.get(f"{url}?timeline=3")


def test_the_page_ends_right_among_visits_of_one_day_with_and_without_a_time():
    """Page 1 ends with the one timed visit of a day that also has two calls without a time: the
    visits are read in the timeline's order (a visit without a time is the day's first, so the
    last of the page when newest first), whatever the database does with empty times."""
    case = CaseFactory(opened_on=dt.date(2026, 1, 5))
    VisitFactory.create_batch(TIMELINE_PAGE_SIZE - 1, case=case, date=dt.date(2026, 3, 2))
    timed = VisitFactory(case=case, date=dt.date(2026, 3, 1))
    calls = VisitFactory.create_batch(2, case=case, date=dt.date(2026, 3, 1), phone=True)
    page = timeline_page(Case.objects.get(pk=case.pk), 1)
    assert page.rows[-1].url == reverse("visits:visit-detail", args=[timed.pk])
    assert page.has_earlier
    second = timeline_page(Case.objects.get(pk=case.pk), 2)
    assert [row.url for row in second.rows[:2]] == [
        reverse("visits:visit-detail", args=[call.pk]) for call in reversed(calls)
    ]
    assert second.rows[-1].kind == "assignment"
