"""Erasing intake data of families past retention (called by cases.retention)."""

from cases.retention import delete_files_on_commit, drop_history

from .models import CommunityInterview, CourtOrder, Referral

ERASED = "—"


def anonymise(family_ids: list[int]) -> None:
    interviews = CommunityInterview.objects.filter(family_id__in=family_ids)
    referrals = Referral.objects.filter(family_id__in=family_ids)
    orders = CourtOrder.objects.filter(family_id__in=family_ids)
    delete_files_on_commit(
        CourtOrder.scan.field.storage, orders.exclude(scan="").values_list("scan", flat=True)
    )
    for model, rows in ((CommunityInterview, interviews), (Referral, referrals), (CourtOrder, orders)):
        drop_history(model, rows.values_list("pk", flat=True))
    interviews.update(summary=ERASED)
    referrals.update(justification=ERASED, decision_note="")
    orders.update(case_number=ERASED, scan="")
