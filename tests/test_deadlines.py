"""One rule, one place: the assistant's agenda, the manager's dashboard and the reminder sweep
find the same cases due (cases/deadlines.py, visits/deadlines.py, CourtRequestQuerySet.due_by),
on one data set that crosses every boundary of the rules."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from asystent.models import Centre
from cases import deadlines
from cases.agenda import assistant_agenda
from cases.enums import AssessmentStatus, CaseStatus, Recommendation
from cases.models import Assessment, Case
from cases.services import assessments
from courts.enums import CourtRequestStatus
from courts.models import CourtRequest
from notifications.models import Notification, ReminderSettings
from notifications.reminders import send_reminders
from reports import dashboard

from .factories import CaseFactory, FamilyFactory, VisitFactory

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
TODAY = dt.date(2026, 7, 8)


def on(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(6), tzinfo=WARSAW), tick=False)


def assess(case: Case, day: dt.date, status: str) -> None:
    Assessment.objects.create(
        case=case,
        date=day,
        narrative="Sytuacja rodziny się poprawia.",
        recommendation=Recommendation.CONTINUE,
        status=status,
        author=case.assistant,
    )


@pytest.fixture
def caseload(assistant):
    """The assistant's families, by name, each against a boundary of the assessment rule."""

    def case(name: str, started_on: dt.date, **kwargs) -> Case:
        return CaseFactory(
            family=FamilyFactory(name=name),
            assistant=assistant,
            opened_on=started_on,
            started_on=started_on,
            **kwargs,
        )

    cases = {
        # Due in two days (10.07): listed and reminded, not overdue.
        "Adamscy": case("Adamscy", dt.date(2026, 1, 10)),
        # Due today (08.07): not yet overdue.
        "Bielscy": case("Bielscy", dt.date(2026, 1, 8)),
        # Due yesterday (07.07): overdue.
        "Cieślak": case("Cieślak", dt.date(2026, 1, 7)),
        # Due on 31.08 + 6 months = 28.02 (month end): long overdue.
        "Dudowie": case("Dudowie", dt.date(2025, 8, 31)),
        # Started long ago, assessed on 05.01: due 05.07, overdue; a later draft does not count.
        "Ewiccy": case("Ewiccy", dt.date(2025, 3, 1)),
        # Only a draft since the start (01.03.2025): overdue since 01.09.2025.
        "Fijałkowie": case("Fijałkowie", dt.date(2025, 3, 1)),
        # Assessed recently: not due for months.
        "Gajowie": case("Gajowie", dt.date(2025, 3, 1)),
        # Awaiting consent since its opening on 01.01: counted from the opening, overdue.
        "Hajdukowie": CaseFactory(
            family=FamilyFactory(name="Hajdukowie"),
            assistant=assistant,
            opened_on=dt.date(2026, 1, 1),
            awaiting_consent=True,
        ),
        # In monitoring after closure: no periodic assessment any more.
        "Iwańscy": case(
            "Iwańscy",
            dt.date(2025, 1, 1),
            status=CaseStatus.MONITORING,
            closed_on=dt.date(2026, 6, 1),
            closure_reason="goals_achieved",
            monitoring_until=dt.date(2026, 12, 1),
        ),
    }
    assess(cases["Ewiccy"], dt.date(2026, 1, 5), AssessmentStatus.SUBMITTED)
    assess(cases["Ewiccy"], dt.date(2026, 6, 1), AssessmentStatus.DRAFT)
    assess(cases["Fijałkowie"], dt.date(2026, 6, 1), AssessmentStatus.DRAFT)
    assess(cases["Gajowie"], dt.date(2026, 6, 1), AssessmentStatus.ACKNOWLEDGED)
    return cases


OVERDUE = {"Cieślak", "Dudowie", "Ewiccy", "Fijałkowie", "Hajdukowie"}
DUE_WITHIN_14_DAYS = {"Adamscy", "Bielscy"}


def names(cases) -> set[str]:
    return {case.family.name for case in cases}


def reminded(
    rule: str, model: type[Case] | type[CourtRequest] = Case, family: str = "family__name"
) -> set[str]:
    """The families of the objects the sweep reminded of (the key: rule, object pk, due date)."""
    keys = Notification.objects.filter(rule=rule).values_list("key", flat=True)
    pks = {int(key.split(":")[1]) for key in keys}
    return set(model.objects.filter(pk__in=pks).values_list(family, flat=True))


def test_the_agenda_the_dashboard_and_the_reminders_find_the_same_assessments_due(caseload, manager):
    with on(TODAY):
        agenda = assistant_agenda(caseload["Adamscy"].assistant, TODAY)
        ctx = dashboard.Context.load()
        behind = dashboard.cases_behind("overdue_assessments", ctx)
        [row] = dashboard.assistant_rows(ctx, [caseload["Adamscy"].assistant])
        send_reminders()

    agenda_overdue = {item.case.family.name for item in agenda.assessments_due if item.overdue}
    agenda_soon = {item.case.family.name for item in agenda.assessments_due if not item.overdue}
    assert agenda_overdue == OVERDUE
    assert names(behind) == OVERDUE
    assert row.overdue_assessments == len(OVERDUE)
    assert reminded("assessment_overdue") == OVERDUE
    # Within the reminder's 14 days the agenda (30 days) lists the same cases as not yet overdue.
    assert reminded("assessment_due") == DUE_WITHIN_14_DAYS
    assert agenda_soon >= DUE_WITHIN_14_DAYS
    # And the due dates are those of the case page's rule.
    for item in agenda.assessments_due:
        assert item.due == assessments.next_assessment_due(item.case)
    rows: list[Any] = list(behind)  # the list's rows, with what `describe_cases` adds
    dashboard.describe_cases(rows, ctx)
    for case in rows:
        assert case.assessment_due == assessments.next_assessment_due(case)


def test_the_case_page_the_home_page_and_the_drilldown_show_the_same_due_date(caseload, client, manager):
    case = caseload["Dudowie"]
    with on(TODAY):
        client.force_login(case.assistant)
        home = client.get(reverse("home")).content.decode()
        page = client.get(case.get_absolute_url()).content.decode()
        client.force_login(manager)
        drilldown = client.get(
            reverse("reports:dashboard-drilldown"), {"metric": "overdue_assessments"}
        ).content.decode()

    assert "28.02.2026" in home
    assert "28.02.2026" in page
    assert "Dudowie" in drilldown and "28.02.2026" in drilldown


def test_the_queryset_rule_matches_the_date_rule_day_by_day(assistant):
    """`assessment_due_by(day)` holds exactly the cases whose `assessment_due` is `day` or before,
    across a year of bases (month ends and leap days included)."""
    months = Centre.load().assessment_interval_months
    cases = [
        CaseFactory(assistant=assistant, opened_on=base, started_on=base)
        for base in (dt.date(2025, 8, 28) + dt.timedelta(days=n) for n in range(0, 40))
    ]
    for day in (dt.date(2026, 2, 27), dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 31)):
        expected = {c.pk for c in cases if deadlines.assessment_due(c.started_on, months) <= day}
        assert set(Case.objects.assessment_due_by(day, months).values_list("pk", flat=True)) == expected


def test_the_dashboard_and_the_reminders_find_the_same_court_requests_due(assistant, manager):
    settings = ReminderSettings.load()
    settings.court_due_days = dashboard.COURT_HORIZON_DAYS
    settings.save()
    due_on = {
        "Kowalscy": TODAY - dt.timedelta(days=3),
        "Lisowie": TODAY,
        "Majowie": TODAY + dt.timedelta(days=dashboard.COURT_HORIZON_DAYS),
        "Nowakowie": TODAY + dt.timedelta(days=dashboard.COURT_HORIZON_DAYS + 1),
    }
    for name, due in due_on.items():
        case = CaseFactory(family=FamilyFactory(name=name), assistant=assistant)
        CourtRequest.objects.create(
            case=case,
            court="Sąd Rejonowy w Zielonej Dolinie",
            division="III Wydział Rodzinny i Nieletnich",
            case_number="III Nsm 123/26",
            letter_date=TODAY - dt.timedelta(days=30),
            received_on=TODAY - dt.timedelta(days=28),
            due_date=due,
            request_text="Sąd prosi o opinię o rodzinie.",
            status=CourtRequestStatus.OPEN,
            registered_by=assistant,
        )
    with on(TODAY):
        ctx = dashboard.Context.load()
        panel = dashboard.panels(ctx)
        behind = dashboard.cases_behind("court_due", ctx)
        send_reminders()

    expected = {"Kowalscy", "Lisowie", "Majowie"}
    assert names(behind) == expected
    assert panel.court_due == len(expected)
    family = "case__family__name"
    assert (
        reminded("court_due", CourtRequest, family) | reminded("court_overdue", CourtRequest, family)
        == expected
    )
    assert reminded("court_overdue", CourtRequest, family) == {"Kowalscy"}


def test_the_dashboard_and_the_no_contact_reminder_count_from_the_same_last_contact(assistant, manager):
    """A visit before the work started (before the family's consent) does not move the last
    contact back: both count from the start of the work."""
    days = ReminderSettings.load().no_contact_days
    started = TODAY - dt.timedelta(days=days)
    case = CaseFactory(
        family=FamilyFactory(name="Olszewscy"), assistant=assistant, opened_on=started - dt.timedelta(days=20)
    )
    Case.objects.filter(pk=case.pk).update(started_on=started)
    VisitFactory(case=case, date=started - dt.timedelta(days=10))
    with on(TODAY):
        ctx = dashboard.Context.load()
        [row] = dashboard.assistant_rows(ctx, [assistant])
        send_reminders()

    assert row.oldest_contact == started
    assert reminded("no_contact") == {"Olszewscy"}
    assert Notification.objects.get(rule="no_contact").key.endswith(f":{started + dt.timedelta(days=days)}")
