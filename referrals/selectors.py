"""Scoped reads of intake data."""

from django.shortcuts import get_object_or_404

from cases.models import Family

from .models import CommunityInterview, CourtOrder, Referral


def get_referral_for(user, pk: int) -> Referral:  # noqa: ANN001
    return get_object_or_404(
        Referral.objects.visible_to(user).select_related("family", "court_order", "interview"),
        pk=pk,
    )


def get_interview_for(user, pk: int) -> CommunityInterview:  # noqa: ANN001
    return get_object_or_404(
        CommunityInterview.objects.filter(family__in=Family.objects.visible_to(user)), pk=pk
    )


def get_court_order_for(user, pk: int) -> CourtOrder:  # noqa: ANN001
    return get_object_or_404(CourtOrder.objects.filter(family__in=Family.objects.visible_to(user)), pk=pk)
