"""Scoped reads of case data: one way to reach an object, 404 for what the user may not see."""

from django.shortcuts import get_object_or_404

from .models import Case, Family, FamilyMember


def get_family_for(user, pk: int) -> Family:  # noqa: ANN001
    return get_object_or_404(Family.objects.visible_to(user), pk=pk)


def get_case_for(user, pk: int) -> Case:  # noqa: ANN001
    # The case's pages name its assistant and social worker: fetched with it, not one query each.
    return get_object_or_404(
        Case.objects.visible_to(user).select_related("family", "assistant", "social_worker"), pk=pk
    )


def get_member_for(user, pk: int) -> FamilyMember:  # noqa: ANN001
    return get_object_or_404(
        FamilyMember.objects.filter(family__in=Family.objects.visible_to(user)).select_related("family"),
        pk=pk,
    )


def find_member_by_pesel(pesel: str) -> FamilyMember | None:
    """A member already on file with this PESEL, whoever may see the family (duplicate check)."""
    if not pesel:
        return None
    # One PESEL, one person: also a member removed from a family by mistake.
    return FamilyMember.all_objects.select_related("family").filter(pesel=pesel).first()
