"""Scoped reads of intake data."""

from django.shortcuts import get_object_or_404

from asystent.models import User
from cases.models import Family

from .models import CommunityInterview, CourtOrder, Referral


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
