"""What referrals shows on the pages of `cases` (its panels, registered in ReferralsConfig.ready())."""

from typing import Any

from django.utils import timezone

from asystent.enums import Role
from cases.enums import LegalBasis

from .models import ZaZyciemRequest
from .selectors import pending_interviews
from .timeline import referral_of


def case_referral(*, case, **page) -> dict:  # noqa: ANN001, ANN003
    """The referral row of the case's summary."""
    return {"referral": referral_of(case)}


def family_actions(*, family, user, **page) -> dict:  # noqa: ANN001, ANN003
    """Buttons of the family page: a social worker refers the family (`can_edit`: the page's);
    a social worker or a manager records a report or a "Za życiem" request."""
    return {
        "can_refer": user.has_role(Role.SOCIAL_WORKER),
        "can_intake": user.has_role(Role.SOCIAL_WORKER, Role.MANAGER),
    }


def family_intake(*, family, **page) -> dict:  # noqa: ANN001, ANN003
    """The family's referrals, court orders and community interviews."""
    return {
        "interviews": family.interviews.select_related("social_worker").prefetch_related("problem_areas"),
        "referrals": family.referrals.select_related("social_worker").order_by("-created_at", "-pk"),
        "court_orders": family.court_orders.all(),
        "reports": report_rows(family.reports.select_related("social_worker"), family),
        "za_zyciem_requests": family.za_zyciem_requests.select_related("referral"),
        "today": timezone.localdate(),
    }


def report_rows(reports, family) -> list:  # noqa: ANN001
    """Each report with its interview deadline and the interview carried out since, if any."""
    interviews = list(family.interviews.order_by("date", "pk"))
    rows = list(reports)
    for report in rows:
        report.done_interview = next((i for i in interviews if i.date >= report.learned_on), None)
    return rows


def case_za_zyciem(*, case, user, **page) -> dict | None:  # noqa: ANN001, ANN003
    """The "Za życiem" section of the case page: the request, the authorisation, the catalogue."""
    if case.legal_basis != LegalBasis.ZA_ZYCIEM:
        return None
    return {
        "za_request": ZaZyciemRequest.objects.filter(referral__case=case).first(),
        "handovers": case.catalogue_handovers.select_related("handed_by"),
        "can_hand_over": user.has_perm("referrals.hand_over_catalogue", case),
    }


def home_deadlines(**page: Any) -> dict[str, Any] | None:
    """The social worker's home page: community interviews due after reports (§ 3 of the
    regulation on the family community interview); a block of the start page
    (asystent.navigation)."""
    user = getattr(page.get("request"), "user", None) or page.get("user")
    if user is None or not user.is_active or not user.has_role(Role.SOCIAL_WORKER):
        return None
    return {"interview_deadlines": pending_interviews(user), "today": timezone.localdate()}
