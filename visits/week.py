"""The assistant's week, Monday to Sunday, with its visits: one implementation for the visits
app's "My week" page and the week on the assistant's home page (cases.agenda, registered in
VisitsConfig.ready()), and the visit figures of the home page's families."""

import datetime as dt
from collections.abc import Iterable
from typing import TypedDict

from django.db.models import OuterRef, QuerySet, Subquery

from asystent.models import User
from cases.agenda import AGENDA_STATUSES, WeekEntry
from cases.models import Case

from .enums import VisitStatus
from .models import Visit


class Day(TypedDict):
    date: dt.date
    is_today: bool
    visits: list[Visit]


def week_days(visits: QuerySet[Visit], monday: dt.date, today: dt.date) -> list[Day]:
    """The seven days from `monday`, each with its visits among `visits`, in order: one query."""
    dates = [monday + dt.timedelta(days=n) for n in range(7)]
    days = [Day(date=date, is_today=date == today, visits=[]) for date in dates]
    by_date = {day["date"]: day for day in days}
    in_week = (
        visits.filter(date__range=(monday, monday + dt.timedelta(days=6)))
        .select_related("case__family")
        .order_by("date", "start_time", "pk")
    )
    for visit in in_week:
        by_date[visit.date]["visits"].append(visit)
    return days


def agenda_week(user: User, monday: dt.date, today: dt.date) -> Iterable[tuple[dt.date, WeekEntry]]:
    """The visits of the week in the assistant's families on the home page (open or monitored)."""
    visits = Visit.objects.filter(case__assistant=user, case__status__in=AGENDA_STATUSES)
    for day in week_days(visits, monday, today):
        for visit in day["visits"]:
            entry = WeekEntry(
                case=visit.case,
                kind="visit",
                title=visit.get_kind_display(),
                start_time=visit.start_time,
                draft=visit.status == VisitStatus.DRAFT,
                url=visit.get_absolute_url(),
            )
            yield day["date"], entry


def with_visit_figures(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    """The cases with `last_visit` (the latest up to today) and `agreed_next` (the next meeting
    agreed at the latest visit: older agreements are superseded), in the same query. A draft is
    not a visit: neither its date nor its agreement counts until it is saved as final."""
    visits = Visit.objects.filter(case=OuterRef("pk"), status=VisitStatus.FINAL)
    return cases.annotate(
        # An unsuccessful visit met nobody: the last visit is the last one that did (as
        # `deadlines.with_last_contact` reads it for the dashboard and the no-contact reminder).
        last_visit=Subquery(
            Visit.objects.contacts()
            .filter(case=OuterRef("pk"), date__lte=today)
            .order_by("-date")
            .values("date")[:1]
        ),
        agreed_next=Subquery(visits.order_by("-date", "-pk").values("next_meeting")[:1]),
    )
