"""The case page's panel of the family's file (`cases.panels`, slot "case-sections"): every printed
document of the case with what it is, and the buttons that prepare the documents of the file; the
family page's panel of the referrals as filed (slot "family-sections")."""

from typing import Any

from cases.enums import AssessmentStatus, ClosureProposalStatus
from referrals.models import Referral

from .enums import DocumentKind
from .kinds import describe, key_for, may_prepare
from .selectors import documents_of_case

LISTED = 20  # the newest documents listed on the case page


def file_documents(*, case: Any, user: Any = None, request: Any = None, **page: Any) -> dict | None:
    user = user or getattr(request, "user", None)
    if user is None:
        return None
    documents = list(documents_of_case(case)[:LISTED])
    return {
        "file_documents": [(document, describe(document)) for document in documents],
        "can_prepare": user.has_perm("documents.prepare_documents", case),
        "submitted_assessments": list(
            case.assessments.exclude(status=AssessmentStatus.DRAFT).order_by("-date", "-pk")
        ),
        "approved_closures": list(case.closure_proposals.filter(status=ClosureProposalStatus.APPROVED)),
    }


def referral_documents(*, family: Any, request: Any = None, **page: Any) -> dict | None:
    user = getattr(request, "user", None)
    if user is None:
        return None
    referrals = [
        referral
        for referral in Referral.objects.filter(family=family, submitted_at__isnull=False).order_by(
            "-submitted_at"
        )
        if may_prepare(user, key_for(kind=DocumentKind.REFERRAL, obj=referral, version=1))
    ]
    return {"filed_referrals": referrals} if referrals else None
