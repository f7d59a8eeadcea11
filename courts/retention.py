"""Erasing the court requests and opinions of families past retention (called by cases.retention).

The dates, statuses and versions' numbers stay for the statistics; the letter, its scan, the
court's details, the case number and every version's text (with their history) go, and so do the
facts of a court-ordered family's non-cooperation and the dispatch details of the notices that
reported them."""

from cases.retention import delete_files_on_commit, drop_history

from .models import (
    OPINION_SECTIONS,
    CourtNotice,
    CourtRequest,
    NonCooperation,
    OpinionTransition,
    OpinionVersion,
)

ERASED = "—"


def anonymise(family_ids: list[int]) -> None:
    requests = CourtRequest.objects.filter(case__family_id__in=family_ids)
    versions = OpinionVersion.objects.filter(opinion__request__in=requests)
    delete_files_on_commit(
        CourtRequest.scan.field.storage, requests.exclude(scan="").values_list("scan", flat=True)
    )
    drop_history(CourtRequest, requests.values_list("pk", flat=True))
    drop_history(OpinionVersion, versions.values_list("pk", flat=True))
    OpinionTransition.objects.filter(version__in=versions).update(comment="")
    versions.update(**dict.fromkeys(OPINION_SECTIONS, ""), sent_reference="")
    requests.update(
        court=ERASED,
        division=ERASED,
        court_address="",
        case_number=ERASED,
        request_text=ERASED,
        scan="",
    )
    requests.exclude(not_answered_reason="").update(not_answered_reason=ERASED)
    facts = NonCooperation.objects.filter(case__family_id__in=family_ids)
    notices = CourtNotice.objects.filter(case__family_id__in=family_ids)
    drop_history(NonCooperation, facts.values_list("pk", flat=True))
    drop_history(CourtNotice, notices.values_list("pk", flat=True))
    facts.update(description=ERASED)
    notices.update(sent_reference="")
