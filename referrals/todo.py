"""The items `referrals` adds to the "Do zrobienia" list of the start page (asystent.todo): the
social worker's interviews due, unfinished and decided referrals and court-ordered families still
waiting; the manager's referrals awaiting a decision. One query each."""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.models import User
from asystent.todo import SHOWN_ITEMS, TodoItem, register_todo
from cases.enums import LegalBasis

from .enums import ReferralStatus
from .models import Referral
from .selectors import pending_interviews

# (practice) A decision on the social worker's referral stays on their list this many days.
DECIDED_DAYS = 7
DECIDED = (
    ReferralStatus.ASSIGNED,
    ReferralStatus.WAITLISTED,
    ReferralStatus.REFERRED,
    ReferralStatus.REJECTED,
)
WAITING = (ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED)


def interviews_due(user: User, today: dt.date) -> Iterable[TodoItem]:
    """§ 3 of the regulation on the family community interview: the interviews due after the
    reports assigned to the social worker."""
    for report in pending_interviews(user)[:SHOWN_ITEMS]:
        yield TodoItem(
            label=_("Carry out the community interview"),
            url=reverse("referrals:interview-create", args=[report.family_id]),
            subject=report.family.label,
            due=report.interview_due,
            rank=10,
        )


def referral_drafts(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The social worker's referrals saved as drafts, not yet submitted to the manager."""
    drafts = (
        Referral.objects.filter(social_worker=user, status=ReferralStatus.DRAFT)
        .select_related("family")
        .order_by("created_at", "pk")[:SHOWN_ITEMS]
    )
    for referral in drafts:
        yield TodoItem(
            label=_("Finish and submit the referral"),
            url=reverse("referrals:referral-edit", args=[referral.pk]),
            subject=referral.family.label,
            since=referral.created_at.date(),
            rank=50,
        )


def referrals_decided(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The manager's decisions on the social worker's referrals of the last week, to read and
    pass on to the family (a court-ordered family still waiting is listed by `court_ordered_waiting`)."""
    since = today - dt.timedelta(days=DECIDED_DAYS)
    decided = (
        Referral.objects.filter(social_worker=user, status__in=DECIDED, decided_at__date__gte=since)
        .exclude(legal_basis=LegalBasis.COURT_ORDER, status=ReferralStatus.WAITLISTED)
        .select_related("family")
        .order_by("decided_at", "pk")[:SHOWN_ITEMS]
    )
    for referral in decided:
        yield TodoItem(
            label=_("Decision on the referral: %(status)s") % {"status": referral.get_status_display()},
            url=referral.get_absolute_url(),
            subject=referral.family.label,
            since=referral.decided_at.date() if referral.decided_at else None,
            rank=60,
        )


def court_ordered_waiting(user: User, today: dt.date) -> Iterable[TodoItem]:
    """art. 109 § 2 pkt 1 KRO: the court-ordered families the social worker registered that still
    wait for an assistant."""
    waiting = (
        Referral.objects.filter(social_worker=user, legal_basis=LegalBasis.COURT_ORDER, status__in=WAITING)
        .select_related("family", "court_order")
        .order_by("submitted_at", "pk")[:SHOWN_ITEMS]
    )
    for referral in waiting:
        yield TodoItem(
            label=_("Court-ordered family waiting for an assistant"),
            url=referral.get_absolute_url(),
            subject=referral.family.label,
            since=referral.submitted_at.date() if referral.submitted_at else None,
            rank=5,
        )


def decisions(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The manager's queue: court orders first, then the longest waiting."""
    for referral in Referral.objects.queue().select_related("family")[:SHOWN_ITEMS]:
        court = referral.legal_basis == LegalBasis.COURT_ORDER
        yield TodoItem(
            label=_("Decide on the court-ordered family") if court else _("Decide on the referral"),
            url=reverse("referrals:referral-decide", args=[referral.pk]),
            subject=referral.family.label,
            since=referral.submitted_at.date() if referral.submitted_at else None,
            rank=0 if court else 10,
        )


def register() -> None:
    register_todo("referrals-interviews", roles=(Role.SOCIAL_WORKER,), items=interviews_due)
    register_todo("referrals-court-waiting", roles=(Role.SOCIAL_WORKER,), items=court_ordered_waiting)
    register_todo("referrals-decided", roles=(Role.SOCIAL_WORKER,), items=referrals_decided)
    register_todo("referrals-drafts", roles=(Role.SOCIAL_WORKER,), items=referral_drafts)
    register_todo("referrals-decisions", roles=(Role.MANAGER,), items=decisions)
