"""Scoped reads of intake data."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from asystent.history import HistoricalChanges, HistorySource
from asystent.models import User
from cases.enums import LegalBasis
from cases.models import Family

from .models import CommunityInterview, CourtOrder, FamilyReport, Referral


def get_referral_for(user: User, pk: int) -> Referral:
    return get_object_or_404(
        Referral.objects.visible_to(user).select_related("family", "court_order", "interview"),
        pk=pk,
    )


def get_interview_for(user: User, pk: int) -> CommunityInterview:
    return get_object_or_404(
        CommunityInterview.objects.filter(family__in=Family.objects.visible_to(user)), pk=pk
    )


def get_court_order_for(user: User, pk: int) -> CourtOrder:
    return get_object_or_404(CourtOrder.objects.filter(family__in=Family.objects.visible_to(user)), pk=pk)


def referred_family_ids(user: User) -> list[QuerySet[Referral, Any]]:
    """A social worker sees the families they referred (a reason of `Family.objects.visible_to`)."""
    if not user.is_social_worker:
        return []
    return [Referral.objects.filter(social_worker=user).values("family_id")]


def referral_history(family: Family) -> list[HistorySource]:
    """The history of the family's referrals, on the family page."""

    def label(record: HistoricalChanges) -> str:
        basis: str = record.legal_basis
        return _("Referral: %(basis)s") % {"basis": LegalBasis(basis).label}

    return [HistorySource(Referral.history.filter(family_id=family.pk), label=label)]


def pending_interviews(user: User) -> list[FamilyReport]:
    """The reports assigned to this social worker whose family has had no interview since, the
    earliest deadline first (each with `interview_due`)."""
    later_interview = CommunityInterview.objects.filter(
        family=OuterRef("family"), date__gte=OuterRef("learned_on")
    )
    reports = list(
        FamilyReport.objects.filter(social_worker=user, family__in=Family.objects.visible_to(user))
        .exclude(Exists(later_interview))
        .select_related("family")
    )
    return sorted(reports, key=lambda report: (report.interview_due, report.pk))
