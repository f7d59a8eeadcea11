"""Erasing intake data of families past retention (called by cases.retention)."""

from .models import CommunityInterview, CourtOrder, Referral, ReferralTransition

ERASED = "—"


def anonymise(family_ids: list[int]) -> None:
    interviews = CommunityInterview.objects.filter(family_id__in=family_ids)
    referrals = Referral.objects.filter(family_id__in=family_ids)
    orders = CourtOrder.objects.filter(family_id__in=family_ids)
    for order in orders.exclude(scan=""):
        order.scan.delete(save=False)
    for model, rows in ((CommunityInterview, interviews), (Referral, referrals), (CourtOrder, orders)):
        model.history.model.objects.filter(id__in=list(rows.values_list("pk", flat=True))).delete()
    interviews.update(summary=ERASED)
    referrals.update(justification=ERASED, decision_note="")
    # The log repeats the manager's reason (the decision note).
    ReferralTransition.objects.filter(referral__in=referrals).update(comment="")
    orders.update(case_number=ERASED, scan="")
