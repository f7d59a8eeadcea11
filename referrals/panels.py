"""What referrals shows on the pages of `cases` (its panels, registered in ReferralsConfig.ready())."""

from asystent.enums import Role

from .timeline import referral_of


def case_referral(*, case, **page) -> dict:  # noqa: ANN001, ANN003
    """The referral row of the case's summary."""
    return {"referral": referral_of(case)}


def family_actions(*, family, user, **page) -> dict:  # noqa: ANN001, ANN003
    """Buttons of the family page: a social worker refers the family (`can_edit`: the page's)."""
    return {"can_refer": user.has_role(Role.SOCIAL_WORKER)}


def family_intake(*, family, **page) -> dict:  # noqa: ANN001, ANN003
    """The family's referrals, court orders and community interviews."""
    return {
        "interviews": family.interviews.select_related("social_worker").prefetch_related("problem_areas"),
        "referrals": family.referrals.select_related("social_worker").order_by("-created_at", "-pk"),
        "court_orders": family.court_orders.all(),
    }
