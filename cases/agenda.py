"""The assistant's agenda for the home page: my families, assessments due, plan deadlines, this week.

A fixed number of queries whatever the caseload. Visits live in the visits app, above `cases`:
it registers, in its AppConfig.ready(), the visit figures of the families and the week's visits
(`register_visit_log`), so that this module names none of the apps above it (style.md, "Apps
are rooms").
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Max, Q, QuerySet

from asystent.models import Centre, User

from . import deadlines
from .enums import AssessmentStatus, CaseStatus
from .models import OPEN_STATUSES, Case, PlanAction

# Assessments due within this many days are listed (overdue ones always are).
ASSESSMENT_HORIZON_DAYS = 30
# Plan actions whose deadline falls within this many days from today are listed.
DEADLINE_HORIZON_DAYS = 14
AGENDA_STATUSES = (*OPEN_STATUSES, CaseStatus.MONITORING)


@dataclass
class FamilyRow:
    case: Case
    last_visit: dt.date | None
    next_meeting: dt.date | None


@dataclass
class AssessmentDue:
    case: Case
    due: dt.date
    overdue: bool
    draft_id: int | None


@dataclass
class WeekEntry:
    case: Case
    kind: str  # "visit" or "planned"
    title: str
    start_time: dt.time | None = None
    draft: bool = False
    url: str = ""


@dataclass
class WeekDay:
    date: dt.date
    is_today: bool
    entries: list[WeekEntry] = field(default_factory=list)


@dataclass
class Agenda:
    today: dt.date
    families: list[FamilyRow]
    assessments_due: list[AssessmentDue]
    deadlines: list[PlanAction]
    week: list[WeekDay]

    @property
    def week_start(self) -> dt.date:
        return self.week[0].date

    @property
    def week_end(self) -> dt.date:
        return self.week[-1].date


VisitFigures = Callable[[QuerySet[Case], dt.date], QuerySet[Case]]
WeekVisits = Callable[[User, dt.date, dt.date], Iterable[tuple[dt.date, WeekEntry]]]


@dataclass(frozen=True)
class VisitLog:
    """What the visit log gives the agenda. `figures(cases, today)`: the cases annotated with
    `last_visit` and `agreed_next` in the same query; `week(user, monday, today)`: (date, entry)
    of the visits of the week in the assistant's families, in order, in one query."""

    figures: VisitFigures
    week: WeekVisits


_visit_logs: list[VisitLog] = []


def register_visit_log(*, figures: VisitFigures, week: WeekVisits) -> None:
    """Give the agenda the families' visit figures and the week's visits (the visits app)."""
    log = VisitLog(figures=figures, week=week)
    if log not in _visit_logs:
        _visit_logs.append(log)


def _families(user: User, today: dt.date, months: int) -> list[FamilyRow]:
    """The assistant's families, each with whether its assessment is listed (due within the
    horizon or overdue: `CaseQuerySet.assessment_due_condition`), in the same query."""
    horizon = today + dt.timedelta(days=ASSESSMENT_HORIZON_DAYS)
    cases: QuerySet[Case] = (
        Case.objects.filter(assistant=user, status__in=AGENDA_STATUSES)
        .with_assessment_base()
        .select_related("family")
        .annotate(
            assessment_listed=ExpressionWrapper(
                Case.objects.assessment_due_condition(horizon, months), output_field=BooleanField()
            ),
            draft_assessment_id=Max("assessments__pk", filter=Q(assessments__status=AssessmentStatus.DRAFT)),
        )
        .order_by("family__name", "pk")
    )
    for log in _visit_logs:
        cases = log.figures(cases, today)
    rows = []
    for case in cases:
        agreed = getattr(case, "agreed_next", None)
        rows.append(
            FamilyRow(
                case=case,
                last_visit=getattr(case, "last_visit", None),
                next_meeting=agreed if agreed and agreed >= today else None,
            )
        )
    return rows


def _assessments_due(families: list[FamilyRow], today: dt.date, months: int) -> list[AssessmentDue]:
    due = []
    for row in families:
        case = row.case
        if not getattr(case, "assessment_listed", False):
            continue
        on = deadlines.assessment_due(case.assessment_base, months)
        draft_id = getattr(case, "draft_assessment_id", None)
        due.append(AssessmentDue(case=case, due=on, overdue=on < today, draft_id=draft_id))
    due.sort(key=lambda item: (item.due, item.case.family.name))
    return due


def _deadlines(user: User, today: dt.date) -> list[PlanAction]:
    """The actions due within the horizon, not those overdue (the case page lists those)."""
    return list(
        PlanAction.objects.in_current_plan()
        .due_by(today + dt.timedelta(days=DEADLINE_HORIZON_DAYS))
        .filter(goal__plan__case__assistant=user, deadline__gte=today)
        .select_related("goal__plan__case__family")
        .order_by("deadline", "goal__plan__case__family__name", "pk")
    )


def _week(user: User, today: dt.date, families: list[FamilyRow]) -> list[WeekDay]:
    """Monday to Sunday of the ISO week of `today`: the visits logged and the meetings agreed."""
    monday = today - dt.timedelta(days=today.weekday())
    days = [WeekDay(date=monday + dt.timedelta(days=n), is_today=False) for n in range(7)]
    for day in days:
        day.is_today = day.date == today
    by_date = {day.date: day for day in days}
    seen: set[tuple[int, dt.date]] = set()
    for log in _visit_logs:
        for date, entry in log.week(user, monday, today):
            seen.add((entry.case.pk, date))
            by_date[date].entries.append(entry)
    for row in families:
        meeting = row.next_meeting
        if meeting in by_date and (row.case.pk, meeting) not in seen:
            by_date[meeting].entries.append(WeekEntry(case=row.case, kind="planned", title=""))
    return days


def assistant_agenda(user: User, today: dt.date) -> Agenda:
    """What the assistant has on: their families (open and in monitoring) with the last visit and
    the next meeting, assessments due within 30 days or overdue, plan actions due within 14 days,
    and this week's visits and agreed meetings."""
    months = Centre.load().assessment_interval_months
    families = _families(user, today, months)
    return Agenda(
        today=today,
        families=families,
        assessments_due=_assessments_due(families, today, months),
        deadlines=_deadlines(user, today),
        week=_week(user, today, families),
    )
