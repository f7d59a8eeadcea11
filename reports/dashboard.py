"""Selectors of the manager's caseload dashboard: one row of figures per assistant, the team's
panels (referrals, waiting list, court deadlines, new assignments, interventions) and the lists of
cases behind every figure.

Every per-assistant figure is one condition (`Metric.condition`) over the same annotated case
queryset (`annotated_cases`), used both to count (grouped by assistant, in one query) and to list
the cases behind the count, so a figure and its list cannot disagree. The number of queries does
not depend on the number of assistants or families: each figure is a subquery or a conditional
aggregate, never a query per case.

Definitions:
- *in the caseload*: the statuses counted against the limit (`cases.services.caseload_statuses`:
  awaiting consent and active, plus monitoring when the centre counts it), art. 15 ust. 4;
- *in progress*: awaiting consent or active (`OPEN_STATUSES`); visits, assessments and plan
  actions are followed for these;
- *the assistant's families*: in progress or in monitoring; their children (each person once)
  and open court requests count here;
- *last contact*: the latest saved (final) visit of the case, or the start of the work (the date
  of consent, else the opening) when there is none;
- *overdue assessment*: `cases.casework.next_assessment_due` has passed, i.e. the last submitted
  assessment (or the start of the work) plus the centre's interval lies before today;
- *plan actions past their deadline*: planned or in-progress actions of the current plan version
  (the highest version of the case) whose deadline is before today.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent.models import Centre, User
from cases.enums import ActionStatus, AssessmentStatus, CaseStatus, ClosureReason, Relation
from cases.models import OPEN_STATUSES, Assessment, Assignment, Case, FamilyMember, PlanAction, WorkPlan
from cases.services import caseload_statuses
from referrals.enums import ReferralStatus
from referrals.models import Referral
from visits.enums import VisitStatus
from visits.models import Intervention, Visit

from .enums import CourtRequestStatus
from .models import CourtRequest

WORKING_STATUSES = (*OPEN_STATUSES, CaseStatus.MONITORING)
PENDING_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
# The panels look this far back (new assignments, interventions) and ahead (court deadlines).
RECENT_DAYS = 30
COURT_HORIZON_DAYS = 14
# (practice) A bar turns amber this many families before the limit, red at the limit.
NEAR_LIMIT_MARGIN = 2
PANEL_ROWS = 5


def _count(queryset: QuerySet, key: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` grouped by `key` (0 when there are no rows)."""
    counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


def assessment_cutoff(today: dt.date, months: int) -> dt.date:
    """The earliest base date whose next assessment (base + `months`) is not yet overdue today.

    `base + relativedelta(months)` never decreases as `base` grows, so "overdue" is exactly
    `base < cutoff`; computing the cutoff here keeps the month arithmetic identical to
    `next_assessment_due` (end-of-month clipping included) while the comparison runs in SQL.
    """
    cutoff = today - relativedelta(months=months)
    while cutoff + relativedelta(months=months) < today:
        cutoff += dt.timedelta(days=1)
    while (cutoff - dt.timedelta(days=1)) + relativedelta(months=months) >= today:
        cutoff -= dt.timedelta(days=1)
    return cutoff


@dataclass(frozen=True)
class Context:
    """The date and the centre's settings every figure is computed against."""

    today: dt.date
    now: dt.datetime
    centre: Centre

    @classmethod
    def load(cls) -> "Context":
        return cls(today=timezone.localdate(), now=timezone.now(), centre=Centre.load())

    @property
    def caseload_statuses(self) -> tuple[str, ...]:
        return caseload_statuses(self.centre)

    @property
    def cutoff(self) -> dt.date:
        return assessment_cutoff(self.today, self.centre.assessment_interval_months)


def annotated_cases(ctx: Context) -> QuerySet[Case]:
    """Cases with the per-case facts the dashboard counts, each a correlated subquery."""
    last_visit = (
        Visit.objects.filter(case=OuterRef("pk"), status=VisitStatus.FINAL)
        .order_by("-date")
        .values("date")[:1]
    )
    last_assessment = (
        Assessment.objects.filter(case=OuterRef("pk"))
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by("-date")
        .values("date")[:1]
    )
    children = FamilyMember.objects.filter(family=OuterRef("family_id"), relation=Relation.CHILD)
    newer_plan = WorkPlan.objects.filter(
        case=OuterRef("goal__plan__case"), version__gt=OuterRef("goal__plan__version")
    )
    late_actions = PlanAction.objects.filter(
        goal__plan__case=OuterRef("pk"), status__in=PENDING_ACTION_STATUSES, deadline__lt=ctx.today
    ).filter(~Exists(newer_plan))
    court_requests = CourtRequest.objects.filter(case=OuterRef("pk"), status=CourtRequestStatus.OPEN)
    return Case.objects.annotate(
        last_visit=Subquery(last_visit, output_field=models.DateField()),
        last_contact=Coalesce("last_visit", "started_on", "opened_on"),
        last_assessment=Subquery(last_assessment, output_field=models.DateField()),
        assessment_base=Coalesce("last_assessment", "started_on", "opened_on"),
        children=_count(children, "family"),
        overdue_actions=_count(late_actions, "goal__plan__case"),
        open_court_requests=_count(court_requests, "case"),
        next_court_due=Subquery(court_requests.order_by("due_date").values("due_date")[:1]),
    )


@dataclass(frozen=True)
class Metric:
    """A per-assistant figure: which cases it covers and how they add up to the number shown."""

    key: str
    label: str
    condition: Callable[[Context], Q]
    # None: the number of cases; otherwise the annotation summed over them.
    summed: str | None = None
    ordering: tuple[str, ...] = ("family__name", "pk")
    # False when the figure is not a count of the list (the longest time since a visit).
    totals: bool = True


METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric("caseload", _("Families in the caseload"), lambda c: Q(status__in=c.caseload_statuses)),
        Metric("monitoring", _("Families in monitoring"), lambda c: Q(status=CaseStatus.MONITORING)),
        Metric(
            "children",
            _("Children in the assistant's families"),
            lambda c: Q(status__in=WORKING_STATUSES, children__gt=0),
        ),
        Metric(
            "last_visit",
            _("Days since the last visit"),
            lambda c: Q(status__in=OPEN_STATUSES),
            ordering=("last_contact", "pk"),
            totals=False,
        ),
        Metric(
            "overdue_assessments",
            _("Overdue periodic assessments"),
            lambda c: Q(status__in=OPEN_STATUSES, assessment_base__lt=c.cutoff),
            ordering=("assessment_base", "pk"),
        ),
        Metric(
            "court_requests",
            _("Open court requests"),
            lambda c: Q(status__in=WORKING_STATUSES, open_court_requests__gt=0),
            summed="open_court_requests",
            ordering=("next_court_due", "pk"),
        ),
        Metric(
            "overdue_actions",
            _("Plan actions past their deadline"),
            lambda c: Q(status__in=OPEN_STATUSES, overdue_actions__gt=0),
            summed="overdue_actions",
            ordering=("-overdue_actions", "pk"),
        ),
    ]
}


@dataclass(frozen=True)
class AssistantRow:
    """One assistant's figures on the dashboard."""

    assistant: User
    load: int
    limit: int
    monitoring: int
    children: int
    oldest_contact: dt.date | None
    overdue_assessments: int
    court_requests: int
    overdue_actions: int
    today: dt.date

    @property
    def days_since_visit(self) -> int | None:
        return None if self.oldest_contact is None else (self.today - self.oldest_contact).days

    @property
    def level(self) -> str:
        """`danger` at the limit, `warning` near it, `success` below (Bootstrap colour names)."""
        if self.load >= self.limit:
            return "danger"
        if self.load >= self.limit - NEAR_LIMIT_MARGIN:
            return "warning"
        return "success"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.load / self.limit)) if self.limit else 100

    @property
    def free_places(self) -> int:
        return max(0, self.limit - self.load)


def assistant_rows(ctx: Context) -> list[AssistantRow]:
    """One row per active assistant, in three queries whatever the size of the team."""
    assistants = list(
        User.objects.filter(is_assistant=True, is_active=True).order_by("last_name", "first_name")
    )
    aggregates = {
        "load": Count("pk", filter=METRICS["caseload"].condition(ctx)),
        "monitoring": Count("pk", filter=METRICS["monitoring"].condition(ctx)),
        "oldest_contact": Min("last_contact", filter=METRICS["last_visit"].condition(ctx)),
        "overdue_assessments": Count("pk", filter=METRICS["overdue_assessments"].condition(ctx)),
        "overdue_actions": Sum("overdue_actions", filter=METRICS["overdue_actions"].condition(ctx)),
        "court_requests": Sum("open_court_requests", filter=METRICS["court_requests"].condition(ctx)),
    }
    figures = {
        row["assistant"]: row
        for row in annotated_cases(ctx)
        .filter(assistant__is_assistant=True, assistant__is_active=True, status__in=WORKING_STATUSES)
        .order_by()
        .values("assistant")
        .annotate(**aggregates)
    }
    # Children are counted as people: a family with two cases of the same assistant (a new case
    # while the old one is monitored) counts its children once.
    children = dict(
        FamilyMember.objects.filter(
            relation=Relation.CHILD,
            family__cases__status__in=WORKING_STATUSES,
            family__cases__assistant__is_assistant=True,
            family__cases__assistant__is_active=True,
        )
        .order_by()
        .values_list("family__cases__assistant")
        .annotate(n=Count("pk", distinct=True))
    )
    rows = []
    for assistant in assistants:
        row = figures.get(assistant.pk, {})
        rows.append(
            AssistantRow(
                assistant=assistant,
                load=row.get("load") or 0,
                limit=ctx.centre.caseload_limit,
                monitoring=row.get("monitoring") or 0,
                children=children.get(assistant.pk, 0),
                oldest_contact=row.get("oldest_contact"),
                overdue_assessments=row.get("overdue_assessments") or 0,
                court_requests=row.get("court_requests") or 0,
                overdue_actions=row.get("overdue_actions") or 0,
                today=ctx.today,
            )
        )
    return rows


@dataclass(frozen=True)
class Panels:
    """The team's figures beside the per-assistant table."""

    referrals_waiting: int
    oldest_referral_days: int | None
    waiting_list: int
    oldest_waiting_days: int | None
    queue: list[Referral]
    court_due: int
    court_due_cases: int
    assigned_recently: int
    interventions: int
    intervention_cases: int


def days_since(moment: dt.datetime | None, today: dt.date) -> int | None:
    return None if moment is None else (today - timezone.localdate(moment)).days


def panels(ctx: Context) -> Panels:
    """The panels in a fixed number of queries."""
    waiting = Q(status=ReferralStatus.SUBMITTED)
    listed = Q(status=ReferralStatus.WAITLISTED)
    referrals = Referral.objects.aggregate(
        waiting=Count("pk", filter=waiting),
        oldest_waiting=Min("submitted_at", filter=waiting),
        listed=Count("pk", filter=listed),
        oldest_listed=Min("submitted_at", filter=listed),
    )
    queue = list(Referral.objects.queue().select_related("family")[:PANEL_ROWS])
    due = CourtRequest.objects.filter(
        status=CourtRequestStatus.OPEN, due_date__lte=ctx.today + dt.timedelta(days=COURT_HORIZON_DAYS)
    ).aggregate(n=Count("pk"), cases=Count("case", distinct=True))
    recent = ctx.now - dt.timedelta(days=RECENT_DAYS)
    interventions = Intervention.objects.filter(date__gte=recent).aggregate(
        n=Count("pk"), cases=Count("case", distinct=True)
    )
    assigned = Assignment.objects.filter(
        started_on__gte=ctx.today - dt.timedelta(days=RECENT_DAYS)
    ).aggregate(n=Count("case", distinct=True))["n"]
    return Panels(
        referrals_waiting=referrals["waiting"],
        oldest_referral_days=days_since(referrals["oldest_waiting"], ctx.today),
        waiting_list=referrals["listed"],
        oldest_waiting_days=days_since(referrals["oldest_listed"], ctx.today),
        queue=queue,
        court_due=due["n"],
        court_due_cases=due["cases"],
        assigned_recently=assigned,
        interventions=interventions["n"],
        intervention_cases=interventions["cases"],
    )


# --- the lists behind the figures -------------------------------------------------------------


@dataclass(frozen=True)
class TeamList:
    """A list behind a panel: cases or referrals, with the condition that selects them."""

    key: str
    label: str
    kind: str  # "cases" or "referrals"


TEAM_LISTS: dict[str, TeamList] = {
    t.key: t
    for t in [
        TeamList("referrals_waiting", _("Referrals waiting for a decision"), "referrals"),
        TeamList("waiting_list", _("The waiting list"), "referrals"),
        TeamList("court_due", _("Court requests due in the next 14 days or overdue"), "cases"),
        TeamList("assigned_recently", _("Cases assigned in the last 30 days"), "cases"),
        TeamList("interventions", _("Interventions in the last 30 days"), "cases"),
    ]
}


def list_kind(key: str) -> str | None:
    """The kind of a known list ("cases" or "referrals"); None for an unknown one."""
    if key in METRICS:
        return "cases"
    if key in TEAM_LISTS:
        return TEAM_LISTS[key].kind
    return None


def list_label(key: str) -> str:
    return str(METRICS[key].label if key in METRICS else TEAM_LISTS[key].label)


def cases_behind(key: str, ctx: Context) -> QuerySet[Case]:
    """The cases behind a per-assistant figure or a panel, annotated and ordered for the list."""
    qs = annotated_cases(ctx).select_related("family", "assistant")
    if key in METRICS:
        metric = METRICS[key]
        return qs.filter(metric.condition(ctx)).order_by(*metric.ordering)
    if key == "court_due":
        horizon = ctx.today + dt.timedelta(days=COURT_HORIZON_DAYS)
        due = CourtRequest.objects.filter(
            case=OuterRef("pk"), status=CourtRequestStatus.OPEN, due_date__lte=horizon
        )
        return (
            qs.filter(Exists(due)).annotate(due_requests=_count(due, "case")).order_by("next_court_due", "pk")
        )
    if key == "assigned_recently":
        since = ctx.today - dt.timedelta(days=RECENT_DAYS)
        recent = Assignment.objects.filter(case=OuterRef("pk"), started_on__gte=since)
        latest = recent.order_by("-started_on", "-pk").values("started_on")[:1]
        return (
            qs.filter(Exists(recent))
            .annotate(assigned_on=Subquery(latest, output_field=models.DateField()))
            .order_by("-assigned_on", "pk")
        )
    if key == "interventions":
        recent = Intervention.objects.filter(
            case=OuterRef("pk"), date__gte=ctx.now - dt.timedelta(days=RECENT_DAYS)
        )
        return (
            qs.filter(Exists(recent))
            .annotate(
                recent_interventions=_count(recent, "case"),
                last_intervention=Subquery(recent.order_by("-date").values("date")[:1]),
            )
            .order_by("-last_intervention", "pk")
        )
    raise KeyError(key)


def referrals_behind(key: str) -> QuerySet[Referral]:
    status = {"referrals_waiting": ReferralStatus.SUBMITTED, "waiting_list": ReferralStatus.WAITLISTED}[key]
    return Referral.objects.queue().filter(status=status).select_related("family", "social_worker")


def describe_cases(cases: Iterable[Case], ctx: Context) -> None:
    """Add what a list row shows to each case of a page: days since the last contact, when the
    assessment is due, whether it can be reassigned."""
    months = ctx.centre.assessment_interval_months
    for case in cases:
        case.days_since_contact = (ctx.today - case.last_contact).days
        case.assessment_due = case.assessment_base + relativedelta(months=months)
        case.reassignable = case.status in WORKING_STATUSES


def describe_referrals(referrals: Iterable[Referral], ctx: Context) -> None:
    for referral in referrals:
        referral.days_waiting = days_since(referral.submitted_at, ctx.today)


def total_of(key: str, cases: QuerySet[Case]) -> int | None:
    """The figure a list of cases adds up to: the number of cases or the sum of the metric."""
    if key in METRICS and not METRICS[key].totals:
        return None
    if key == "children":
        return FamilyMember.objects.filter(family__in=cases.values("family"), relation=Relation.CHILD).count()
    summed = METRICS[key].summed if key in METRICS else None
    if summed is None:
        return cases.count()
    return cases.aggregate(total=Sum(F(summed)))["total"] or 0


# --- the data of the charts -------------------------------------------------------------------

CHART_MONTHS = 12


def last_months(today: dt.date, count: int = CHART_MONTHS) -> list[dt.date]:
    """The first days of the last `count` months, the current one last."""
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(count - 1, -1, -1)]


def monthly_flow(ctx: Context) -> tuple[list[dt.date], list[int], list[int]]:
    """New referrals (by the day they were submitted) and closures (by `closed_on`) per month
    over the last twelve months, in two queries."""
    months = last_months(ctx.today)
    start = months[0]
    referred: dict[dt.date, int] = defaultdict(int)
    submitted = Referral.objects.filter(
        submitted_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    ).values_list("submitted_at", flat=True)
    for moment in submitted:
        referred[timezone.localdate(moment).replace(day=1)] += 1
    closed = dict(
        Case.objects.filter(closed_on__gte=start, closed_on__lte=ctx.today)
        .annotate(month=TruncMonth("closed_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    return months, [referred[m] for m in months], [closed.get(m, 0) for m in months]


def closure_reasons(ctx: Context) -> list[tuple[str, int]]:
    """Cases closed in the last twelve months by reason, every reason listed (one query)."""
    start = last_months(ctx.today)[0]
    counts = dict(
        Case.objects.filter(closed_on__gte=start, closed_on__lte=ctx.today)
        .order_by()
        .values_list("closure_reason")
        .annotate(n=Count("pk"))
    )
    return [(str(reason.label), counts.get(reason.value, 0)) for reason in ClosureReason]
