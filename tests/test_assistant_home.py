"""The assistant's home page: my families with the last visit and the next meeting, assessments
due, plan deadlines in the next 14 days and this week's agenda, in a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from asystent.models import Centre
from cases.agenda import assistant_agenda
from cases.enums import ActionStatus, CaseStatus, ClosureReason
from cases.models import Case
from cases.services import assessments

from .factories import (
    AssessmentFactory,
    CaseFactory,
    GoalFactory,
    PlanActionFactory,
    UserFactory,
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

SUNDAY = dt.date(2026, 11, 29)  # the last day of ISO week 2026-W48 (Monday 23 November)
MONDAY = dt.date(2026, 11, 30)  # the first day of 2026-W49


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def my_case(assistant, name, started=dt.date(2026, 10, 1), **kwargs):
    return CaseFactory(
        assistant=assistant, family__name=name, opened_on=started, started_on=started, **kwargs
    )


def ended(case, status):
    case.status = status
    case.closed_on = dt.date(2026, 10, 31)
    case.closure_reason = ClosureReason.GOALS_ACHIEVED
    case.save()
    return case


def render_tag(user):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return Template('{% load navigation %}{% blocks "home" %}').render(RequestContext(request, {}))


# --- my families -----------------------------------------------------------------------------------


def test_my_families_open_and_in_monitoring_with_the_last_visit_and_the_next_meeting(
    assistant, other_assistant
):
    kowalscy = my_case(assistant, "Kowalscy")
    nowakowie = ended(my_case(assistant, "Nowakowie"), CaseStatus.MONITORING)
    ended(my_case(assistant, "Zamknięci"), CaseStatus.ENDED)
    ended(my_case(assistant, "Bez monitoringu"), CaseStatus.CLOSED)
    my_case(other_assistant, "Cudzy")
    VisitFactory(case=kowalscy, date=dt.date(2026, 11, 10), next_meeting=dt.date(2026, 11, 17))
    # The latest visit's agreement supersedes the earlier one.
    VisitFactory(case=kowalscy, date=dt.date(2026, 11, 24), next_meeting=dt.date(2026, 12, 1))
    # A meeting agreed for a day already past is not "next".
    VisitFactory(case=nowakowie, date=dt.date(2026, 11, 2), next_meeting=dt.date(2026, 11, 16))

    agenda = assistant_agenda(assistant, SUNDAY)
    rows = {row.case.family.name: row for row in agenda.families}
    assert list(rows) == ["Kowalscy", "Nowakowie"]
    assert rows["Kowalscy"].last_visit == dt.date(2026, 11, 24)
    assert rows["Kowalscy"].next_meeting == dt.date(2026, 12, 1)
    assert rows["Nowakowie"].last_visit == dt.date(2026, 11, 2)
    assert rows["Nowakowie"].next_meeting is None


def test_a_draft_visit_is_not_the_last_visit_nor_its_agreement_the_next_meeting(assistant):
    from visits.deadlines import with_last_contact

    kowalscy = my_case(assistant, "Kowalscy")
    VisitFactory(case=kowalscy, date=dt.date(2026, 11, 10), next_meeting=dt.date(2026, 12, 1))
    VisitFactory(case=kowalscy, date=dt.date(2026, 11, 27), next_meeting=dt.date(2026, 12, 3), draft=True)

    row = assistant_agenda(assistant, SUNDAY).families[0]

    assert row.last_visit == dt.date(2026, 11, 10)
    assert row.next_meeting == dt.date(2026, 12, 1)
    # The same as the managers' dashboard and the no-contact reminder read it.
    dashboard = with_last_contact(Case.objects.filter(pk=kowalscy.pk)).get()
    assert getattr(dashboard, "last_visit") == row.last_visit  # noqa: B009 - an annotation


# --- assessments due -------------------------------------------------------------------------------


def test_assessments_due_within_30_days_or_overdue(assistant):
    soon = my_case(assistant, "Wkrótce", started=dt.date(2026, 6, 10))  # due 10.12.2026
    overdue = my_case(assistant, "Zaległa", started=dt.date(2026, 4, 1))  # due 1.10.2026
    later = my_case(assistant, "Później", started=dt.date(2026, 10, 1))  # due 1.04.2027
    assessed = my_case(assistant, "Oceniona", started=dt.date(2026, 4, 1))
    AssessmentFactory(case=assessed, date=dt.date(2026, 10, 1), submitted=True)  # due 1.04.2027
    drafted = my_case(assistant, "Szkic", started=dt.date(2026, 5, 20))  # due 20.11.2026
    draft = AssessmentFactory(case=drafted, date=dt.date(2026, 11, 25))  # a draft moves nothing
    ended(my_case(assistant, "Monitorowana", started=dt.date(2026, 1, 1)), CaseStatus.MONITORING)

    agenda = assistant_agenda(assistant, SUNDAY)
    due = {item.case.family.name: item for item in agenda.assessments_due}
    assert list(due) == ["Zaległa", "Szkic", "Wkrótce"]
    assert due["Zaległa"].overdue and due["Szkic"].overdue
    assert not due["Wkrótce"].overdue
    assert due["Szkic"].draft_id == draft.pk
    # The agenda computes the due date as the case-work rule does.
    for case in (soon, overdue, drafted):
        assert due[case.family.name].due == assessments.next_assessment_due(case)
    assert assessments.next_assessment_due(later) > SUNDAY + dt.timedelta(days=30)
    assert assessments.next_assessment_due(assessed) > SUNDAY + dt.timedelta(days=30)
    html = render_tag(assistant)
    assert "01.10.2026" in html and "overdue" in html


# --- plan deadlines ------------------------------------------------------------------------------


def test_plan_deadlines_in_the_next_14_days_from_the_current_version_only(assistant):
    case = my_case(assistant, "Kowalscy")
    old_goal = GoalFactory(plan=WorkPlanFactory(case=case, version=1))
    PlanActionFactory(goal=old_goal, deadline=SUNDAY + dt.timedelta(days=3), description="stara wersja")
    goal = GoalFactory(plan=WorkPlanFactory(case=case, version=2))

    def act(days, description, status=ActionStatus.PLANNED):
        return PlanActionFactory(
            goal=goal, deadline=SUNDAY + dt.timedelta(days=days), description=description, status=status
        )

    act(0, "dziś")
    act(14, "za dwa tygodnie", ActionStatus.IN_PROGRESS)
    act(15, "za piętnaście dni")
    act(3, "zrobione", ActionStatus.DONE)
    act(4, "niezrobione", ActionStatus.NOT_DONE)
    act(-1, "wczoraj")
    other = my_case(UserFactory(assistant=True), "Cudzy")
    PlanActionFactory(
        goal=GoalFactory(plan=WorkPlanFactory(case=other)), deadline=SUNDAY + dt.timedelta(days=2)
    )

    agenda = assistant_agenda(assistant, SUNDAY)
    assert [a.description for a in agenda.deadlines] == ["dziś", "za dwa tygodnie"]


# --- this week ---------------------------------------------------------------------------------------


@pytest.fixture
def week_case(assistant):
    case = my_case(assistant, "Kowalscy")
    for day in (dt.date(2026, 11, 22), dt.date(2026, 11, 23), SUNDAY, MONDAY):
        VisitFactory(case=case, date=day, start_time=dt.time(9), end_time=dt.time(10))
    return case


@time_machine.travel(noon(SUNDAY), tick=False)
def test_this_week_is_monday_to_sunday_on_a_sunday(assistant, week_case):
    agenda = assistant_agenda(assistant, SUNDAY)
    assert [day.date for day in agenda.week] == [
        dt.date(2026, 11, 23) + dt.timedelta(days=n) for n in range(7)
    ]
    visits = {day.date: len(day.entries) for day in agenda.week if day.entries}
    assert visits == {dt.date(2026, 11, 23): 1, SUNDAY: 1}
    assert agenda.week[-1].is_today
    html = render_tag(assistant)
    assert "This week (23.11–29.11.2026)" in html


@time_machine.travel(noon(MONDAY), tick=False)
def test_this_week_moves_on_monday(assistant, week_case):
    agenda = assistant_agenda(assistant, MONDAY)
    assert agenda.week_start == MONDAY
    assert agenda.week_end == dt.date(2026, 12, 6)
    assert {day.date: len(day.entries) for day in agenda.week if day.entries} == {MONDAY: 1}
    assert agenda.week[0].is_today


def test_a_week_across_the_new_year(assistant):
    case = my_case(assistant, "Kowalscy")
    VisitFactory(case=case, date=dt.date(2026, 12, 27))  # Sunday of the week before
    VisitFactory(case=case, date=dt.date(2027, 1, 3))  # Sunday of ISO week 2026-W53
    agenda = assistant_agenda(assistant, dt.date(2026, 12, 31))
    assert agenda.week_start == dt.date(2026, 12, 28)
    assert [day.date for day in agenda.week if day.entries] == [dt.date(2027, 1, 3)]


def test_meetings_agreed_for_this_week_are_in_the_agenda(assistant):
    agreed = my_case(assistant, "Umówieni")
    VisitFactory(case=agreed, date=dt.date(2026, 11, 20), next_meeting=dt.date(2026, 11, 26))
    met = my_case(assistant, "Spotkani")
    VisitFactory(case=met, date=dt.date(2026, 11, 20), next_meeting=dt.date(2026, 11, 25))
    # The agreed meeting took place and is logged: it is listed once, as a visit.
    VisitFactory(case=met, date=dt.date(2026, 11, 25), start_time=dt.time(9), end_time=dt.time(10))
    agenda = assistant_agenda(assistant, dt.date(2026, 11, 24))
    entries = {
        day.date: [(e.kind, e.case.family.name) for e in day.entries] for day in agenda.week if day.entries
    }
    assert entries == {
        dt.date(2026, 11, 25): [("visit", "Spotkani")],
        dt.date(2026, 11, 26): [("planned", "Umówieni")],
    }


# --- the template tag --------------------------------------------------------------------------------


def test_the_tag_shows_nothing_to_other_roles(manager, social_worker):
    # (The "Do zrobienia" list leads every role's start page: tests/test_todo.py.)
    assert 'id="h-week"' not in render_tag(manager)
    # The social worker's start page has a block of its own (the interviews due), not the agenda.
    assert 'id="h-week"' not in render_tag(social_worker)


@time_machine.travel(noon(SUNDAY), tick=False)
def test_the_tag_renders_the_agenda_in_a_constant_number_of_queries(assistant):
    def family(n):
        case = my_case(assistant, f"Rodzina {n:02d}", started=dt.date(2026, 5, 1))
        VisitFactory(
            case=case, date=dt.date(2026, 11, 24), next_meeting=dt.date(2026, 11, 27), end_time=dt.time(11)
        )
        goal = GoalFactory(plan=WorkPlanFactory(case=case))
        PlanActionFactory(goal=goal, deadline=dt.date(2026, 12, 3))
        return case

    Centre.load()  # created once, on first use
    for n in range(2):
        family(n)
    with CaptureQueriesContext(connection) as few:
        html = render_tag(assistant)
    assert "Rodzina 01" in html
    assert "My families" in html and "Assessments due" in html
    assert "Plan deadlines in the next 14 days" in html
    for n in range(2, 12):
        family(n)
    with CaptureQueriesContext(connection) as many:
        html = render_tag(assistant)
    assert "Rodzina 11" in html
    # Cases with their visits and assessments, the centre, plan deadlines, the week's visits; and
    # the "Do zrobienia" list's eight (asystent.todo: the centre twice, overdue assessments,
    # drafts of assessments, plan actions due, court opinions due, today's visits, draft visits).
    assert len(many) == len(few) == 4 + 8
