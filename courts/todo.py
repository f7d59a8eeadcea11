"""The items `courts` adds to the "Do zrobienia" list of the start page (asystent.todo): the
assistant's court opinions due (to write, finish or send), the opinions waiting for a manager's
approval and the notices to the court still to send. One query each."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.models import User
from asystent.todo import SHOWN_ITEMS, TodoItem, register_todo

from .enums import CourtNoticeStatus, CourtRequestStatus, OpinionStatus
from .models import CourtNotice, CourtRequest, OpinionVersion

# (practice) Open court requests due within this many days are listed (overdue ones always are).
OPINION_HORIZON_DAYS = 14


def _court(request: CourtRequest) -> str:
    return f"{request.case.family.label}, {request.court}, {request.case_number}"


def opinions_due(user: User, today: dt.date) -> Iterable[TodoItem]:
    """art. 15 ust. 1 pkt 17: the open requests of the assistant's cases due within two weeks or
    overdue: the opinion to write, to finish (or revise after its return) or to send."""
    latest = OpinionVersion.objects.filter(opinion__request=OuterRef("pk")).order_by("-number")
    requests = (
        CourtRequest.objects.filter(case__assistant=user, status=CourtRequestStatus.OPEN)
        .filter(due_date__lte=today + dt.timedelta(days=OPINION_HORIZON_DAYS))
        .annotate(
            opinion_status=Subquery(latest.values("status")[:1]),
            opinion_pk=Subquery(latest.values("opinion")[:1]),
        )
        # (NULL: no opinion begun; `exclude` alone would drop those rows)
        .filter(Q(opinion_status__isnull=True) | ~Q(opinion_status=OpinionStatus.SUBMITTED))
        .select_related("case__family")
        .order_by("due_date", "pk")[:SHOWN_ITEMS]
    )
    for request in requests:
        if request.opinion_status == OpinionStatus.DRAFT:
            label, url = (
                _("Finish the court opinion"),
                reverse("courts:opinion-edit", args=[request.opinion_pk]),
            )
        elif request.opinion_status == OpinionStatus.APPROVED:
            label, url = _("Send the approved opinion to the court"), request.get_absolute_url()
        else:
            label, url = _("Write the court opinion"), request.get_absolute_url()
        yield TodoItem(label=label, url=url, subject=_court(request), due=request.due_date, rank=10)


def opinions_to_approve(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The opinions submitted for approval (a manager never approves their own text)."""
    versions = (
        OpinionVersion.objects.filter(status=OpinionStatus.SUBMITTED)
        .exclude(author=user)
        .select_related("opinion__request__case__family")
        .order_by("opinion__request__due_date", "pk")[:SHOWN_ITEMS]
    )
    for version in versions:
        request = version.opinion.request
        yield TodoItem(
            label=_("Approve or return the court opinion"),
            url=version.get_absolute_url(),
            subject=_court(request),
            due=request.due_date,
            rank=10,
        )


def notices_to_send(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The notices to the court about a family's non-cooperation not yet sent."""
    notices = (
        CourtNotice.objects.filter(status=CourtNoticeStatus.PENDING)
        .select_related("case__family", "court_order")
        .order_by("due_date", "pk")[:SHOWN_ITEMS]
    )
    for notice in notices:
        yield TodoItem(
            label=_("Send the notice to the court"),
            url=notice.get_absolute_url(),
            subject=f"{notice.case.family.label}, {notice.court_order}",
            due=notice.due_date,
            rank=10,
        )


def register() -> None:
    register_todo("courts-opinions-due", roles=(Role.ASSISTANT,), items=opinions_due)
    register_todo("courts-opinions-to-approve", roles=(Role.MANAGER,), items=opinions_to_approve)
    register_todo("courts-notices-to-send", roles=(Role.MANAGER,), items=notices_to_send)
