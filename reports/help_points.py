"""The work done in a period by point of art. 15 ust. 1 of the Act (pkt 3-13, the forms of help):
how many visits and how many actions of the work plans belong to each point, through the areas of
help (`cases.ProblemArea.task`), with the list behind each number.

- **Visits**: saved visits (not drafts, not removed) dated within the period, except unsuccessful
  ones (an attempt, not a contact). A visit counts once for each point its areas belong to: a
  visit about housing (pkt 3) and school (pkt 6) counts under both, and once under each however
  many of its areas share a point.
- **Plan actions**: the actions whose deadline falls within the period, of the version of the
  case's work plan in force at the end of the period (the highest made on or before that day),
  so that an action carried from one version to the next is not counted twice; each under the
  point of its goal's area.
- Areas without a point (added by the administrator without one) are counted on a row of their
  own, shown only when it is not empty.
"""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from cases.enums import StatutoryTask
from cases.models import PlanAction, WorkPlan
from visits.enums import VisitKind, VisitStatus
from visits.models import Visit

from .statistics import Period

NO_POINT = "none"  # the `point` parameter of the row of areas without a point


@dataclass(frozen=True)
class PointRow:
    point: int | None
    label: str
    visits: int
    actions: int

    @property
    def parameter(self) -> str:
        return str(self.point) if self.point is not None else NO_POINT


def visits_in(period: Period) -> QuerySet[Visit]:
    return Visit.objects.filter(status=VisitStatus.FINAL, date__range=(period.start, period.end)).exclude(
        kind=VisitKind.UNSUCCESSFUL
    )


def actions_in(period: Period) -> QuerySet[PlanAction]:
    in_force = (
        WorkPlan.objects.filter(case=OuterRef("goal__plan__case"), created_at__date__lte=period.end)
        .order_by("-version")
        .values("version")[:1]
    )
    return PlanAction.objects.filter(
        deadline__range=(period.start, period.end), goal__plan__version=Subquery(in_force)
    )


def point_visits(period: Period, point: int | None) -> QuerySet[Visit]:
    """The visits behind a row (each once)."""
    ids = (
        visits_in(period).filter(areas__task=point)
        if point
        else visits_in(period).filter(areas__isnull=False, areas__task__isnull=True)
    )
    return Visit.objects.filter(pk__in=ids.values("pk"))


def point_actions(period: Period, point: int | None) -> QuerySet[PlanAction]:
    if point:
        return actions_in(period).filter(goal__area__task=point)
    return actions_in(period).filter(goal__area__task__isnull=True)


def by_point(period: Period) -> list[PointRow]:
    """One row per point of art. 15 ust. 1 pkt 3-13 (zeros included), in the order of the Act;
    two aggregate queries."""
    visits = dict(
        visits_in(period)
        .filter(areas__isnull=False)
        .values("areas__task")
        .annotate(count=Count("pk", distinct=True))
        .values_list("areas__task", "count")
    )
    actions = dict(
        actions_in(period)
        .values("goal__area__task")
        .annotate(count=Count("pk"))
        .values_list("goal__area__task", "count")
    )
    rows = [
        PointRow(task.value, str(task.label), visits.get(task.value, 0), actions.get(task.value, 0))
        for task in StatutoryTask
    ]
    if visits.get(None) or actions.get(None):
        rows.append(
            PointRow(None, _("areas without a point of the Act"), visits.get(None, 0), actions.get(None, 0))
        )
    return rows


def parse_point(value: str) -> int | None:
    """The `point` parameter: a point of the Act, or NO_POINT; ValueError otherwise."""
    if value == NO_POINT:
        return None
    if not value.isdigit() or int(value) not in StatutoryTask.values:
        raise ValueError(value)
    return int(value)
