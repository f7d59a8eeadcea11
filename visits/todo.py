"""The items `visits` adds to the assistant's "Do zrobienia" list (asystent.todo): the meetings
agreed for today and the visits saved as drafts. One query each."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.models import User
from asystent.todo import SHOWN_ITEMS, TodoItem, register_todo
from cases.agenda import AGENDA_STATUSES
from cases.models import Case

from .enums import VisitStatus
from .models import Visit


def visits_today(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The families with whom the latest visit agreed to meet today (`week.with_visit_figures`),
    and no visit logged for today yet."""
    visits = Visit.objects.filter(case=OuterRef("pk"))
    cases = (
        Case.objects.filter(assistant=user, status__in=AGENDA_STATUSES)
        .annotate(agreed_next=Subquery(visits.order_by("-date", "-pk").values("next_meeting")[:1]))
        .filter(agreed_next=today)
        .exclude(Exists(visits.filter(date=today)))
        .select_related("family")
        .order_by("family__name", "pk")[:SHOWN_ITEMS]
    )
    for case in cases:
        yield TodoItem(
            label=_("Today's visit: log it"),
            url=reverse("visits:visit-create", args=[case.pk]),
            subject=case.family.label,
            due=today,
            rank=0,
        )


def visit_drafts(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The visits of the assistant's families saved as drafts."""
    drafts = (
        Visit.objects.filter(case__assistant=user, status=VisitStatus.DRAFT, case__status__in=AGENDA_STATUSES)
        .select_related("case__family")
        .order_by("date", "pk")[:SHOWN_ITEMS]
    )
    for visit in drafts:
        yield TodoItem(
            label=_("Finish the draft visit"),
            url=reverse("visits:visit-edit", args=[visit.pk]),
            subject=visit.case.family.label,
            since=visit.date,
            rank=50,
        )


def register() -> None:
    register_todo("visits-today", roles=(Role.ASSISTANT,), items=visits_today)
    register_todo("visits-drafts", roles=(Role.ASSISTANT,), items=visit_drafts)
