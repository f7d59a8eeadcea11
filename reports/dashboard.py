"""Selectors of the manager's caseload dashboard: one row of figures per assistant, the team's
panels (referrals, waiting list, court deadlines, new assignments, interventions) and the lists of
cases behind every figure.

Every per-assistant figure is one condition (`Metric.condition`) over the same annotated case
queryset (`annotated_cases`), used both to count (grouped by assistant, in one query) and to list
the cases behind the count, so a figure and its list cannot disagree. The number of queries does
not depend on the number of assistants or families: each figure is a subquery or a conditional
aggregate, never a query per case.

A national centre has thousands of assistants and tens of thousands of working cases, so the
table is paginated: only the caseload is counted for the whole team (`RankedAssistants`: one
query on an index of the working cases by assistant orders the table, the most loaded first, and
makes the team's totals), and the other figures are computed for the page of assistants shown
(`assistant_rows`), whose cost does not grow with the team. The panels show their first few rows
and link to the whole lists. The querysets that take longer to build than to run (subqueries in
subqueries) are built once a day (`_built`): the ORM's work on them cost more than the database's.

Definitions:
- *in the caseload*: the statuses counted against the limit (`cases.services.caseload_statuses`:
  awaiting consent and active, plus monitoring when the centre counts it), art. 15 ust. 4;
- *in progress*: awaiting consent or active (`OPEN_STATUSES`); visits, assessments and plan
  actions are followed for these;
- *the assistant's families*: in progress or in monitoring; their children (each person once)
  and open court requests count here;
- *last contact*: `visits.deadlines.with_last_contact`, the rule of the no-contact reminder (the
  latest saved visit, or the start of the work when there is none or every visit came before it);
- *overdue assessment*: `CaseQuerySet.assessment_due_condition` by yesterday, the rule of the
  agenda and the assessment reminder (cases/deadlines.py);
- *plan actions past their deadline*: pending actions (`PlanActionQuerySet.due_by` yesterday) of
  the current plan version (the highest version of the case);
- *court requests due*: `CourtRequestQuerySet.due_by` the horizon.
"""

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, models
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber, TruncMonth
from django.db.models.query import RawQuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from asystent import caching
from asystent.models import Centre, User
from cases import deadlines
from cases.enums import ActionStatus, CaseStatus, ClosureProposalStatus, ClosureReason, Relation
from cases.models import (
    OPEN_STATUSES,
    Assignment,
    Case,
    ClosureProposal,
    FamilyMember,
    PlanAction,
    WorkPlan,
)
from cases.selectors import court_order_in_force, court_ordered_during
from cases.services import caseload_statuses
from courts.models import CourtRequest
from referrals.enums import ReferralStatus
from referrals.models import Referral
from visits.deadlines import with_last_contact
from visits.models import Intervention
from visits.selectors import repeatedly_unsuccessful

from .models import FigureStamp

WORKING_STATUSES = (*OPEN_STATUSES, CaseStatus.MONITORING)
PENDING_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
# The panels look this far back (new assignments, interventions) and ahead (court deadlines).
RECENT_DAYS = 30
COURT_HORIZON_DAYS = 14
# (practice) A bar turns amber this many families before the limit, red at the limit.
NEAR_LIMIT_MARGIN = 2
PANEL_ROWS = 5
# Rows of the assistants' table per page: the figures are computed for the page shown only.
ASSISTANTS_PER_PAGE = 25


def _over_all(
    queryset: QuerySet, template: str, field: str | None = None, output_field: models.Field | None = None
) -> Subquery:
    """An aggregate over the whole of `queryset` (`template`, e.g. "COUNT(*)" or
    "MIN(%(expressions)s)" of `field`) as a scalar subquery: one row, also when there are none.
    (A function, not an aggregate: the ORM adds no GROUP BY.)"""
    output_field = output_field or models.IntegerField()
    expressions = [F(field)] if field else []
    value = Func(*expressions, template=template, output_field=output_field)
    return Subquery(queryset.order_by().annotate(value=value).values("value"), output_field=output_field)


def _total(queryset: QuerySet, distinct: str | None = None) -> Subquery:
    """COUNT(*) of `queryset`, or COUNT(DISTINCT `distinct`)."""
    if distinct is None:
        return _over_all(queryset, "COUNT(*)")
    return _over_all(queryset, "COUNT(DISTINCT %(expressions)s)", distinct)


@dataclass(frozen=True)
class Context:
    """The date and the centre's settings every figure is computed against."""

    today: dt.date
    centre: Centre

    @classmethod
    def load(cls) -> "Context":
        return cls(today=timezone.localdate(), centre=Centre.load())

    @property
    def caseload_statuses(self) -> tuple[str, ...]:
        return caseload_statuses(self.centre)

    @property
    def months(self) -> int:
        """The centre's interval of the periodic assessment."""
        return self.centre.assessment_interval_months

    @property
    def yesterday(self) -> dt.date:
        """What was due by yesterday is overdue today."""
        return self.today - deadlines.ONE_DAY

    @property
    def court_horizon(self) -> dt.date:
        return self.today + dt.timedelta(days=COURT_HORIZON_DAYS)

    @property
    def recent_since(self) -> dt.datetime:
        """The start of the last RECENT_DAYS days: midnight that many days ago, so that the
        day's figures do not move with the clock."""
        start = dt.datetime.combine(self.today - dt.timedelta(days=RECENT_DAYS), dt.time.min)
        return timezone.make_aware(start)


# Querysets that take longer to build than to run (subqueries in subqueries), built once for
# each key: the day and the centre's settings they depend on.
_BUILT: dict[tuple[Any, ...], QuerySet[Any, Any]] = {}


def _built(key: tuple[Any, ...], build: Callable[[], QuerySet[Any, Any]]) -> QuerySet[Any, Any]:
    queryset = _BUILT.get(key)
    if queryset is None:
        if len(_BUILT) > 32:
            _BUILT.clear()
        queryset = _BUILT[key] = build()
    return queryset.all()


def annotated_cases(ctx: Context) -> QuerySet[Case]:
    """Cases with the per-case facts the dashboard counts, each a correlated subquery."""
    children = FamilyMember.objects.filter(family=OuterRef("family_id"), relation=Relation.CHILD)
    # The current plan: the highest version (read from the index of the case's versions).
    current_plan = (
        WorkPlan.objects.filter(case=OuterRef(OuterRef("pk"))).order_by("-version").values("pk")[:1]
    )
    late_actions = PlanAction.objects.filter(goal__plan=Subquery(current_plan)).due_by(ctx.yesterday)
    court_requests = CourtRequest.objects.filter(case=OuterRef("pk")).open()
    return with_last_contact(Case.objects.with_assessment_base()).annotate(
        children=_total(children),
        overdue_actions=_total(late_actions),
        open_court_requests=_total(court_requests),
        next_court_due=Subquery(court_requests.order_by("due_date").values("due_date")[:1]),
    )


@dataclass(frozen=True)
class Metric:
    """A per-assistant figure: which cases it covers and how they add up to the number shown."""

    key: str
    label: StrOrPromise
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
            # The status first: the database then looks up assessments of open cases only.
            lambda c: Case.objects.assessment_due_condition(c.yesterday, c.months),
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
        return level_of(self.load, self.limit)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.load / self.limit)) if self.limit else 100

    @property
    def free_places(self) -> int:
        return max(0, self.limit - self.load)

    @property
    def bar_label(self) -> str:
        """The caseload bar's accessible name (made here: cheaper than a translation tag per row)."""
        return gettext("Caseload of %(name)s") % {"name": self.assistant}

    @property
    def cells(self) -> list[tuple[str, int | None, bool]]:
        """The figures after the caseload in the table's order: (metric, value, shown as an alert)."""
        return [
            ("monitoring", self.monitoring, False),
            ("children", self.children, False),
            ("last_visit", self.days_since_visit, False),
            ("overdue_assessments", self.overdue_assessments, bool(self.overdue_assessments)),
            ("court_requests", self.court_requests, False),
            ("overdue_actions", self.overdue_actions, bool(self.overdue_actions)),
        ]


@dataclass(frozen=True)
class TeamSummary:
    """The whole team's totals above the paginated table."""

    assistants: int
    families: int
    at_limit: int
    near_limit: int
    free_places: int


def level_of(load: int, limit: int) -> str:
    """`danger` at the limit, `warning` near it, `success` below (Bootstrap colour names)."""
    if load >= limit:
        return "danger"
    if load >= limit - NEAR_LIMIT_MARGIN:
        return "warning"
    return "success"


def _active_assistants(team: int | None = None) -> QuerySet[User]:
    """The active assistants; of one coordinator's team if `team` (the coordinator's pk) is given."""
    people = User.objects.filter(is_assistant=True, is_active=True)
    return people if team is None else people.filter(coordinator=team)


def team_size(user: User) -> int:
    """How many active assistants `user` coordinates (0 for anyone but a manager)."""
    if not user.is_manager:
        return 0
    return _active_assistants(user.pk).count()


def _caseload_counts(ctx: Context, team: int | None = None) -> QuerySet[Case, tuple[int, int]]:
    """(assistant, n): the cases in each assistant's caseload. COUNT(*) under one condition, so
    that the database reads the index of the working cases by assistant alone, not the table."""
    cases = Case.objects.filter(status__in=ctx.caseload_statuses)
    if team is not None:
        cases = cases.filter(assistant__in=_active_assistants(team).values("pk"))
    return cases.order_by().values("assistant").annotate(n=Count("*")).values_list("assistant", "n")


def name_matches(search: str) -> Q:
    """Assistants whose first name, last name or username contains each word of `search`."""
    condition = Q()
    for word in search.split():
        in_name = Q(first_name__icontains=word) | Q(last_name__icontains=word)
        condition &= in_name | Q(username__icontains=word)
    return condition


class RankedAssistants:
    """The active assistants (those whose name matches `search`, if given), the most loaded first
    and then by name, as Django's `Paginator` reads them (`count()`, then a slice).

    One query ranks every assistant by caseload and returns only a page of them, with their
    number and the whole team's totals (not only the matching assistants') on every row. Given
    the page asked for (`page`, as in the request), `count()` reads that page at once, so a
    view of the dashboard costs that one query; a search that matches no one costs one more
    (counting the users), a page past the end two (counting, then reading the last page).

    A national team has thousands of assistants and tens of thousands of working cases: ranking
    them in Python cost more than the rest of the dashboard. The query is hand-written because
    the ORM cannot join a grouped subquery (the caseloads); it is made of the ORM's own SQL for
    the users, the caseloads and the search, and window functions for the totals.
    """

    def __init__(
        self,
        ctx: Context,
        search: str = "",
        *,
        team: int | None = None,
        page: int | str | None = None,
        per_page: int = 0,
    ) -> None:
        self.ctx = ctx
        self.search = search
        self.team = team  # a coordinator's pk: their team alone
        self._summary: TeamSummary | None = None
        self._rows: dict[tuple[int, int], list[User]] = {}
        self._hint: tuple[int, int] | None = None
        if per_page:
            # As `Paginator.get_page` reads the number: none or not a number is the first page.
            try:
                number = 1 if page is None else int(page)
            except (TypeError, ValueError):
                number = 1
            if number >= 1:
                self._hint = ((number - 1) * per_page, number * per_page)

    def count(self) -> int:
        if self._hint is not None:
            rows = self._slice(*self._hint)
            if rows:
                first: Any = rows[0]  # a raw row: the user with the query's extra columns
                return int(first.matches)
        people = _active_assistants(self.team)
        return (people.filter(name_matches(self.search)) if self.search else people).count()

    def __getitem__(self, window: slice) -> list[User]:
        """The users of a slice (`Paginator` asks for bounded ones), each with its `load`."""
        start, stop = window.start or 0, window.stop
        if stop is None:
            raise ValueError("a bounded slice is needed")
        if stop <= start:
            return []
        # The last page is cut short by the number of assistants: it is the hinted one then too.
        if self._hint and self._hint[0] == start and self._rows.get(self._hint):
            return self._rows[self._hint]
        return self._slice(start, stop)

    def _slice(self, start: int, stop: int) -> list[User]:
        if (start, stop) not in self._rows:
            rows = list(self._ranked(self.search, offset=start, limit=stop - start))
            if rows:
                self._summary = self._summary_of(rows[0])
            self._rows[(start, stop)] = rows
        return self._rows[(start, stop)]

    def summary(self) -> TeamSummary:
        """The whole team's totals: read with the page's rows, or on their own if it had none."""
        if self._summary is None:
            rows = list(self._ranked("", offset=0, limit=1))
            self._summary = self._summary_of(rows[0]) if rows else TeamSummary(0, 0, 0, 0, 0)
        return self._summary

    def _summary_of(self, row: Any) -> TeamSummary:  # a raw row: a user with the totals
        return TeamSummary(
            assistants=int(row.team_assistants),
            families=int(row.team_families),
            at_limit=int(row.team_at_limit),
            near_limit=int(row.team_near_limit),
            free_places=int(row.team_free_places),
        )

    def _ranked(self, search: str, *, offset: int, limit: int) -> RawQuerySet:
        # Only what a row shows (`User.__str__`, the links): the rows are ranked and counted whole.
        people = (
            _active_assistants(self.team)
            .order_by()
            .values("id", "username", "first_name", "last_name", "personal_caseload_limit")
        )
        people_sql, people_params = people.query.sql_with_params()
        loads_sql, loads_params = _caseload_counts(self.ctx, self.team).query.sql_with_params()
        matched, matched_params = "1", ()
        if search:
            matching = _active_assistants(self.team).filter(name_matches(search)).order_by().values("pk")
            matching_sql, matched_params = matching.query.sql_with_params()
            matched = f"CASE WHEN u.id IN ({matching_sql}) THEN 1 ELSE 0 END"
        # Each assistant against their own limit: the lower of the centre's and the personal one.
        cap = int(self.ctx.centre.caseload_limit)
        own = (
            f"(CASE WHEN u.personal_caseload_limit IS NOT NULL AND u.personal_caseload_limit < {cap} "
            f"THEN u.personal_caseload_limit ELSE {cap} END)"
        )
        near = int(NEAR_LIMIT_MARGIN)
        stamps = connection.ops.quote_name(FigureStamp._meta.db_table)
        load = "COALESCE(l.n, 0)"  # an assistant without cases has no caseload row
        sql = f"""
            SELECT *, COUNT(*) OVER () AS matches FROM (
                SELECT u.*, {load} AS load, {matched} AS matched, s.token AS figure_stamp,
                    COUNT(*) OVER () AS team_assistants,
                    SUM({load}) OVER () AS team_families,
                    SUM(CASE WHEN {load} >= {own} THEN 1 ELSE 0 END) OVER () AS team_at_limit,
                    SUM(CASE WHEN {load} >= {own} - {near} AND {load} < {own} THEN 1 ELSE 0 END)
                        OVER () AS team_near_limit,
                    SUM(CASE WHEN {load} < {own} THEN {own} - {load} ELSE 0 END) OVER () AS team_free_places
                FROM ({people_sql}) u LEFT JOIN ({loads_sql}) l ON l.assistant = u.id
                LEFT JOIN {stamps} s ON s.assistant_id = u.id
            ) ranked
            WHERE matched = 1
            ORDER BY load DESC, last_name, first_name, id
            LIMIT %s OFFSET %s
        """  # noqa: S608  # nosec B608 - only the ORM's own SQL is interpolated; values are parameters
        # In the order of the placeholders in the text.
        params = [
            *matched_params,
            *people_params,
            *loads_params,
            limit,
            offset,
        ]
        return User.objects.raw(sql, params)


def team_caseloads(ctx: Context) -> list[tuple[User, int]]:
    """Every active assistant by name, with their caseload (for the chart): two queries."""
    loads = dict(_caseload_counts(ctx))
    people = _active_assistants().order_by("last_name", "first_name")
    return [(user, loads.get(user.pk, 0)) for user in people]


def _figures_query(ctx: Context) -> QuerySet[Case, Any]:
    """The figures of the assistants' working cases, grouped by assistant (to be filtered by
    assistant): one conditional aggregate."""

    def build() -> QuerySet[Case, Any]:
        # Children are counted as people: a family with two working cases of the same assistant
        # (a new case while the old one is monitored) counts its children once, with its first.
        same_family_before = Case.objects.filter(
            family=OuterRef("family"),
            assistant=OuterRef("assistant"),
            status__in=WORKING_STATUSES,
            pk__lt=OuterRef("pk"),
        )
        aggregates = {
            "load": Count("pk", filter=METRICS["caseload"].condition(ctx)),
            "monitoring": Count("pk", filter=METRICS["monitoring"].condition(ctx)),
            "children": Sum("children", filter=~Exists(same_family_before)),
            "oldest_contact": Min("last_contact", filter=METRICS["last_visit"].condition(ctx)),
            "overdue_assessments": Count("pk", filter=METRICS["overdue_assessments"].condition(ctx)),
            # The sums leave out the metrics' "> 0" (a case adding 0 changes no sum), so that the
            # database counts each case's actions and court requests once, not once more to filter.
            "overdue_actions": Sum("overdue_actions", filter=Q(status__in=OPEN_STATUSES)),
            "court_requests": Sum("open_court_requests"),  # every case here is a working one
        }
        return (
            annotated_cases(ctx)
            .filter(status__in=WORKING_STATUSES)
            .order_by()
            .values("assistant")
            .annotate(**aggregates)
        )

    return _built(("figures", ctx.today, ctx.months, ctx.caseload_statuses), build)


# Each assistant's figures are kept this long at most under their stamp (the key holds the day).
FIGURES_TIMEOUT = 24 * 60 * 60


def _figures_key(ctx: Context, assistant: int, stamp: int) -> str:
    settings_part = f"{ctx.months}:{','.join(ctx.caseload_statuses)}"
    return f"dashboard-figures:{assistant}:{stamp}:{ctx.today}:{settings_part}"


def _figures_of(ctx: Context, users: list[User]) -> dict[int, dict[str, Any]]:
    """The figures of `users`, by pk: on PostgreSQL from the cache for each assistant whose stamp
    (read with the ranking, `figure_stamp`) is unchanged since they were computed, and computed in
    one query for the others; on SQLite, or without a stamp, computed."""
    stamps = {user.pk: getattr(user, "figure_stamp", None) for user in users}
    cached = connection.vendor == "postgresql"
    keys = {pk: _figures_key(ctx, pk, stamp) for pk, stamp in stamps.items() if cached and stamp is not None}
    found = caching.get_many(keys.values()) if keys else {}
    figures = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in stamps if pk not in figures]
    if missing:
        computed = {row["assistant"]: row for row in _figures_query(ctx).filter(assistant__in=missing)}
        fresh = {pk: computed.get(pk, {}) for pk in missing}
        figures.update(fresh)
        unstamped = [pk for pk in missing if cached and stamps[pk] is None]
        if unstamped:
            keys.update((pk, _figures_key(ctx, pk, stamp)) for pk, stamp in _add_stamps(unstamped).items())
        caching.set_many({keys[pk]: row for pk, row in fresh.items() if pk in keys}, FIGURES_TIMEOUT)
    return figures


def _add_stamps(assistants: list[int]) -> dict[int, int]:
    """Stamps for assistants no trigger has stamped yet (after a bulk load), by pk: those this
    call added. (Where a trigger's stamp came first, the figures just read may be older than it.)"""
    table = connection.ops.quote_name(FigureStamp._meta.db_table)
    rows = [(pk, secrets.randbits(62)) for pk in assistants]
    values = ", ".join(["(%s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (assistant_id, token) VALUES {values} "  # noqa: S608  # nosec B608 - placeholders only
            "ON CONFLICT (assistant_id) DO NOTHING RETURNING assistant_id, token",
            [value for row in rows for value in row],
        )
        return dict(cursor.fetchall())


def assistant_rows(ctx: Context, assistants: Iterable[User]) -> list[AssistantRow]:
    """The figures of the given assistants (a page of the table), in their order, in one query
    whatever the size of the team: a conditional aggregate over their working cases (or none, when
    every one of them is cached: `_figures_of`)."""
    users = list(assistants)
    figures = _figures_of(ctx, users)
    rows = []
    for user in users:
        pk = user.pk
        row = figures.get(pk, {})
        rows.append(
            AssistantRow(
                assistant=user,
                load=row.get("load") or 0,
                limit=user.caseload_limit_of(ctx.centre),
                monitoring=row.get("monitoring") or 0,
                children=row.get("children") or 0,
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
    """The team's figures beside the per-assistant table, each with its first few rows."""

    referrals_waiting: int
    oldest_referral_days: int | None
    waiting_list: int
    oldest_waiting_days: int | None
    # The first PANEL_ROWS of each queue, in the order of `Referral.objects.queue()`.
    queue: list[Referral]
    waiting_queue: list[Referral]
    court_due: int
    court_due_cases: int
    # The first PANEL_ROWS court requests due within the horizon, the earliest (overdue) first.
    court_due_first: list[CourtRequest]
    assigned_recently: int
    interventions: int
    intervention_cases: int
    # Families whose work is court-ordered today (the order in force: cases.selectors).
    court_ordered: int
    # Closures the assistants proposed, waiting for a manager's approval.
    closures_pending: int
    # Working cases with repeated unsuccessful visits (visits.selectors.repeatedly_unsuccessful).
    unsuccessful_visits: int


def days_since(moment: dt.datetime | None, today: dt.date) -> int | None:
    return None if moment is None else (today - timezone.localdate(moment)).days


def _first_referrals() -> QuerySet[Referral]:
    """The first PANEL_ROWS referrals of both queues (waiting for a decision, the waiting list),
    in the queue's order, in one query: numbered within their queue on the referrals alone,
    then read with their families."""

    def build() -> QuerySet[Referral]:
        numbered = (
            Referral.objects.queue()
            .annotate(
                position=Window(
                    RowNumber(), partition_by=F("status"), order_by=("court_first", "submitted_at", "pk")
                )
            )
            .filter(position__lte=PANEL_ROWS)
            .values("pk")
        )
        return (
            Referral.objects.queue()
            .filter(pk__in=Subquery(numbered))
            .select_related("family")
            # what the panels show
            .only("status", "legal_basis", "submitted_at", "decision_note", "family__name", "family__street")
        )

    return _built(("first referrals",), build)


def panels(ctx: Context) -> Panels:
    """The panels in three queries, each on indexes (referrals and court requests by status,
    assignments by start, interventions by date): the first referrals of both queues, the first
    court deadlines, and every panel's figures."""
    queues: dict[str, list[Referral]] = {ReferralStatus.SUBMITTED: [], ReferralStatus.WAITLISTED: []}
    for referral in _first_referrals():
        queues[referral.status].append(referral)
    due = CourtRequest.objects.due_by(ctx.court_horizon)
    due_first = list(
        _built(
            ("court due first", ctx.today),
            lambda: (
                due.select_related("case__family")
                .only("due_date", "case__family__name", "case__family__street")
                .order_by("due_date", "pk")[:PANEL_ROWS]
            ),
        )
    )
    for request in due_first:
        request.overdue = request.due_date < ctx.today

    def build_figures() -> QuerySet[Centre, Any]:
        waiting = Referral.objects.filter(status=ReferralStatus.SUBMITTED)
        listed = Referral.objects.filter(status=ReferralStatus.WAITLISTED)
        interventions = Intervention.objects.filter(date__gte=ctx.recent_since)
        assignments = Assignment.objects.filter(started_on__gte=ctx.today - dt.timedelta(days=RECENT_DAYS))
        closures = ClosureProposal.objects.filter(
            status=ClosureProposalStatus.PENDING, case__status__in=OPEN_STATUSES
        )
        unsuccessful = repeatedly_unsuccessful(Case.objects.filter(status__in=WORKING_STATUSES), ctx.today)
        moment = models.DateTimeField()
        # Subqueries on the centre's single row: every figure in one query.
        return (
            Centre.objects.filter(pk=ctx.centre.pk)
            .annotate(
                referrals_waiting=_total(waiting),
                oldest_waiting=_over_all(waiting, "MIN(%(expressions)s)", "submitted_at", moment),
                waiting_list=_total(listed),
                oldest_listed=_over_all(listed, "MIN(%(expressions)s)", "submitted_at", moment),
                court_due=_total(due),
                court_due_cases=_total(due, "case"),
                interventions=_total(interventions),
                intervention_cases=_total(interventions, "case"),
                assigned_recently=_total(assignments, "case"),
                court_ordered=_total(court_ordered_during(ctx.today, ctx.today), "family"),
                closures_pending=_total(closures),
                unsuccessful_visits=_total(unsuccessful),
            )
            .values(
                "referrals_waiting",
                "oldest_waiting",
                "waiting_list",
                "oldest_listed",
                "court_due",
                "court_due_cases",
                "interventions",
                "intervention_cases",
                "assigned_recently",
                "court_ordered",
                "closures_pending",
                "unsuccessful_visits",
            )
        )

    figures = _built(("panel figures", ctx.today, ctx.centre.pk), build_figures).get()
    return Panels(
        referrals_waiting=figures.pop("referrals_waiting"),
        oldest_referral_days=days_since(figures.pop("oldest_waiting"), ctx.today),
        waiting_list=figures.pop("waiting_list"),
        oldest_waiting_days=days_since(figures.pop("oldest_listed"), ctx.today),
        queue=queues[ReferralStatus.SUBMITTED],
        waiting_queue=queues[ReferralStatus.WAITLISTED],
        court_due_first=due_first,
        **figures,
    )


# --- the lists behind the figures -------------------------------------------------------------


@dataclass(frozen=True)
class TeamList:
    """A list behind a panel: cases or referrals, with the condition that selects them."""

    key: str
    label: StrOrPromise
    kind: str  # "cases" or "referrals"


TEAM_LISTS: dict[str, TeamList] = {
    t.key: t
    for t in [
        TeamList("referrals_waiting", _("Referrals waiting for a decision"), "referrals"),
        TeamList("waiting_list", _("The waiting list"), "referrals"),
        TeamList("court_due", _("Court requests due in the next 14 days or overdue"), "cases"),
        TeamList("assigned_recently", _("Cases assigned in the last 30 days"), "cases"),
        TeamList("interventions", _("Interventions in the last 30 days"), "cases"),
        TeamList("court_ordered", _("Families working under a court order today"), "cases"),
        TeamList("closures_pending", _("Closures waiting for approval"), "cases"),
        TeamList("unsuccessful_visits", _("Repeated unsuccessful visits"), "cases"),
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
    # Ordered by annotations (next_court_due, last_contact), which the type of a Case queryset
    # does not know.
    qs: QuerySet[Any] = annotated_cases(ctx).select_related("family", "assistant")
    if key in METRICS:
        metric = METRICS[key]
        return qs.filter(metric.condition(ctx)).order_by(*metric.ordering)
    if key == "court_due":
        due = CourtRequest.objects.due_by(ctx.court_horizon).filter(case=OuterRef("pk"))
        return qs.filter(Exists(due)).annotate(due_requests=_total(due)).order_by("next_court_due", "pk")
    if key == "assigned_recently":
        since = ctx.today - dt.timedelta(days=RECENT_DAYS)
        recent = Assignment.objects.filter(case=OuterRef("pk"), started_on__gte=since)
        latest = recent.order_by("-started_on", "-pk").values("started_on")[:1]
        return (
            qs.filter(Exists(recent))
            .annotate(assigned_on=Subquery(latest, output_field=models.DateField()))
            .order_by("-assigned_on", "pk")
        )
    if key == "court_ordered":
        return qs.filter(court_order_in_force(ctx.today, ctx.today)).order_by("family__name", "pk")
    if key == "closures_pending":
        pending = ClosureProposal.objects.filter(case=OuterRef("pk"), status=ClosureProposalStatus.PENDING)
        return qs.filter(Exists(pending), status__in=OPEN_STATUSES).order_by("pk")
    if key == "unsuccessful_visits":
        # `last_unsuccessful` is annotated by repeatedly_unsuccessful (the stubs cannot follow it).
        return repeatedly_unsuccessful(qs.filter(status__in=WORKING_STATUSES), ctx.today).order_by(
            "-last_unsuccessful",  # type: ignore[misc]
            "pk",
        )
    if key == "interventions":
        interventions = Intervention.objects.filter(case=OuterRef("pk"), date__gte=ctx.recent_since)
        return (
            qs.filter(Exists(interventions))
            .annotate(
                recent_interventions=_total(interventions),
                last_intervention=Subquery(interventions.order_by("-date").values("date")[:1]),
            )
            .order_by("-last_intervention", "pk")
        )
    raise KeyError(key)


def referrals_behind(key: str) -> QuerySet[Referral]:
    status = {"referrals_waiting": ReferralStatus.SUBMITTED, "waiting_list": ReferralStatus.WAITLISTED}[key]
    return Referral.objects.queue().filter(status=status).select_related("family", "social_worker")


def describe_cases(cases: Iterable[Any], ctx: Context) -> None:  # rows of `cases_behind`
    """Add what a list row shows to each case of a page: days since the last contact, when the
    assessment is due, whether it can be reassigned."""
    for case in cases:
        case.days_since_contact = (ctx.today - case.last_contact).days
        case.assessment_due = deadlines.assessment_due(case.assessment_base, ctx.months)
        case.reassignable = case.status in WORKING_STATUSES


def describe_referrals(referrals: Iterable[Referral], ctx: Context) -> None:
    for referral in referrals:
        referral.days_waiting = days_since(referral.submitted_at, ctx.today)


def total_of(key: str, cases: QuerySet[Case], counted: int | None = None) -> int | None:
    """The figure a list of cases adds up to: the number of cases (`counted`, if the caller has
    counted them already) or the sum of the metric."""
    if key in METRICS and not METRICS[key].totals:
        return None
    if key == "children":
        return FamilyMember.objects.filter(family__in=cases.values("family"), relation=Relation.CHILD).count()
    summed = METRICS[key].summed if key in METRICS else None
    if summed is None:
        return cases.count() if counted is None else counted
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
