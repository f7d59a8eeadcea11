"""Erasing intake data of families past retention (called by cases.retention)."""

from cases.retention import delete_files_on_commit, drop_history

from .models import (
    CommunityInterview,
    CourtOrder,
    FamilyReport,
    Referral,
    ReferralTransition,
    ZaZyciemRequest,
)

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
    # The log repeats the manager's reason (the decision note).
    ReferralTransition.objects.filter(referral__in=referrals).update(comment="")
    orders.update(case_number=ERASED, scan="")
    # Who reported the family and who asked for "Za życiem" support, the doctor, the authorisation.
    reports = FamilyReport.objects.filter(family_id__in=family_ids)
    requests = ZaZyciemRequest.objects.filter(family_id__in=family_ids)
    drop_history(FamilyReport, reports.values_list("pk", flat=True))
    drop_history(ZaZyciemRequest, requests.values_list("pk", flat=True))
    reports.update(reporter_name=ERASED, reporter_address="")
    # The constraints want a certificate issuer and an authorisation scope where they were given.
    requests.exclude(certificate_issuer="").update(certificate_issuer=ERASED)
    requests.exclude(authorisation_scope="").update(authorisation_scope=ERASED)
    requests.update(requested_by=ERASED)
