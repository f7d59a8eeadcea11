"""Scoped reads of visits and interventions: 404 for what the user may not see."""

import datetime as dt
import re

from django.db.models import Count, DateField, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from asystent.models import User
from cases.enums import StatutoryTask
from cases.models import Case, Goal
from cases.services.plans import current_plan

from .enums import VisitKind, VisitStatus
from .models import UNSUCCESSFUL_REPEATED, UNSUCCESSFUL_WINDOW, Intervention, Visit
from .week import week_days

ISO_WEEK = re.compile(r"^(?P<year>\d{4})-W(?P<week>\d{1,2})$")


def get_visit_for(user: User, pk: int) -> Visit:
    return get_object_or_404(Visit.objects.visible_to(user).select_related("case__family", "author"), pk=pk)


def get_intervention_for(user: User, pk: int) -> Intervention:
    return get_object_or_404(
        Intervention.objects.visible_to(user).select_related("case__family", "author"), pk=pk
    )


def visits_of_case(case: Case) -> QuerySet[Visit]:
    """The case's visit log, newest first; the case was reached through `get_case_for`."""
    return case.visits.select_related("author").order_by("-date", "-start_time", "-pk")


def visits_by_point(case: Case) -> list[tuple[str, int]]:
    """The case's saved visits (not drafts, not unsuccessful attempts) by point of art. 15 ust. 1
    of the Act their areas of help belong to (pkt 3-13): a visit counts once under each point of
    its areas; areas without a point last. One aggregate query."""
    rows = (
        Visit.objects.filter(case=case, status=VisitStatus.FINAL, areas__isnull=False)
        .exclude(kind=VisitKind.UNSUCCESSFUL)
        .values("areas__task")
        .annotate(count=Count("pk", distinct=True))
        .order_by(F("areas__task").asc(nulls_last=True))
    )
    return [
        (
            str(StatutoryTask(row["areas__task"]).label)
            if row["areas__task"]
            else gettext("areas without a point of the Act"),
            row["count"],
        )
        for row in rows
    ]


def interventions_of_case(case: Case) -> QuerySet[Intervention]:
    return case.interventions.select_related("author").order_by("-date", "-pk")


def goals_of_current_plan(case: Case) -> QuerySet[Goal]:
    plan = current_plan(case)
    if plan is None:
        return Goal.objects.none()
    return plan.goals.select_related("area").order_by("order", "pk")


def week_start(value: str | None, today: dt.date) -> dt.date:
    """The Monday of the ISO week `value` ("2026-W48"); the current week if it is missing or invalid."""
    match = ISO_WEEK.match(value or "")
    if match:
        try:
            return dt.date.fromisocalendar(int(match["year"]), int(match["week"]), 1)
        except ValueError:
            pass
    return today - dt.timedelta(days=today.weekday())


def iso_week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def my_visits(user: User) -> QuerySet[Visit]:
    """The user's own visits, in the families they may still see (their week: visits.week)."""
    return Visit.objects.visible_to(user).filter(author=user)


def my_visits_in_week(user: User, monday: dt.date) -> list[Visit]:
    """The user's own visits from Monday to Sunday, in order, in the families they may still see."""
    return [visit for day in week_days(my_visits(user), monday, monday) for visit in day["visits"]]


def repeatedly_unsuccessful(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """The cases whose assistant found nobody (or was refused) UNSUCCESSFUL_REPEATED times in a
    row, with no contact between, or that many times within UNSUCCESSFUL_WINDOW: the managers
    see them on the dashboard. Annotated with `last_unsuccessful`."""
    attempts = Visit.objects.unsuccessful().filter(case=OuterRef("pk")).order_by("-date", "-pk")
    nth = Subquery(
        attempts.values("date")[UNSUCCESSFUL_REPEATED - 1 : UNSUCCESSFUL_REPEATED], output_field=DateField()
    )
    last_contact = Subquery(
        Visit.objects.contacts().filter(case=OuterRef("pk")).order_by("-date").values("date")[:1],
        output_field=DateField(),
    )
    return (
        cases.annotate(
            nth_unsuccessful=nth,
            last_unsuccessful=Subquery(attempts.values("date")[:1], output_field=DateField()),
            last_contact_on=last_contact,
        )
        .filter(nth_unsuccessful__isnull=False)
        .filter(
            Q(nth_unsuccessful__gte=today - UNSUCCESSFUL_WINDOW)
            | Q(last_contact_on__isnull=True)
            | Q(last_contact_on__lt=F("nth_unsuccessful"))
        )
    )
