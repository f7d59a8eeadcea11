"""The section of the family page (`cases`' slot "family-sections"): the correspondence, and the
"Niebieska Karta" procedure only for those who may see it (for anybody else, no trace). And the
institutions taking part in a visit and in a work plan, on their pages (slots "visit-sections" and
"plan-sections"; the page has reached its object through its scoped selector and recorded the read)."""

from typing import Any

from asystent.audit import AccessAction, log_accesses
from cases.models import Family

from . import selectors


def family_panel(**page: Any) -> dict[str, Any] | None:
    family: Family | None = page.get("family")
    request = page.get("request")
    if family is None or request is None:
        return None
    user = request.user
    procedures = selectors.family_procedures(user, family)
    if procedures:
        log_accesses(request, [(family.pk, procedure) for procedure in procedures], action=AccessAction.VIEW)
    return {
        "blue_card_procedures": procedures,
        "letters_awaiting": family.letters.filter(reply_by__isnull=False, replied_on__isnull=True).count(),
        "can_start_procedure": user.has_perm("cooperation.start_procedure"),
    }


def visit_panel(**page: Any) -> dict[str, Any] | None:
    visit, user = page.get("visit"), page.get("user")
    if visit is None or user is None:
        return None
    return {
        "institutions": selectors.visit_institutions(visit.pk),
        "can_change": user.has_perm("visits.log_visit", visit.case),
    }


def plan_panel(**page: Any) -> dict[str, Any] | None:
    plan, user = page.get("plan"), page.get("user")
    if plan is None or user is None:
        return None
    return {
        "institutions": selectors.plan_institutions(plan.pk),
        "can_change": user.has_perm("cases.edit_plan", plan.case),
    }
