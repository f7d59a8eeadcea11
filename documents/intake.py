"""The documents of intake: the catalogue of available support handed to a "Za życiem" family, the
family's written authorisation for its assistant (for signing), and the answer to whoever reported
a family. Registered with the kinds in `DocumentsConfig.ready()`."""

from typing import cast

from django.utils import timezone

from asystent.models import User
from asystent.permissions import is_manager
from cases.enums import LegalBasis, Relation
from cases.models import Case, Family
from referrals.models import CatalogueHandover, FamilyReport, ZaZyciemRequest

from .enums import DocumentKind, Owner
from .kinds import Key, KindSpec, register_kind
from .models import RenderedDocument


def _catalogue_context(document: RenderedDocument) -> dict:
    handover = CatalogueHandover.objects.select_related("case__family", "handed_by").get(
        pk=document.object_id
    )
    return {
        "handover": handover,
        "case": handover.case,
        "family": handover.case.family,
        "entries": handover.entries,
        "issued_on": handover.handed_on,
    }


def _handover_case(handover: CatalogueHandover) -> Case:
    return handover.case


def _authorisation_context(document: RenderedDocument) -> dict:
    za_request = ZaZyciemRequest.objects.select_related("referral__case__assistant", "family").get(
        pk=document.object_id
    )
    case = za_request.referral.case
    assert case is not None
    adults = [m for m in case.family.members.order_by("birth_date", "pk") if m.relation != Relation.CHILD]
    return {
        "za_request": za_request,
        "case": case,
        "family": case.family,
        "assistant": case.assistant,
        "adults": adults,
        # A form recorded as signed carries its date; a blank one the day it was first printed.
        "issued_on": za_request.authorisation_date or timezone.localdate(document.created_at),
    }


def _request_case(za_request: ZaZyciemRequest) -> Case:
    case = za_request.referral.case
    assert case is not None, "a request is printed from its case"
    return case


def za_zyciem_documents(*, case: Case, user: User, **page: object) -> dict | None:
    """The case page's "Za życiem" documents: the printed catalogues and the authorisation form."""
    if case.legal_basis != LegalBasis.ZA_ZYCIEM or not user.has_perm("documents.prepare_documents", case):
        return None
    return {
        "handovers": list(case.catalogue_handovers.order_by("-handed_on", "-pk")),
        "za_request": ZaZyciemRequest.objects.filter(referral__case=case).first(),
    }


def case_taking_up(report: FamilyReport) -> Case | None:
    """The case the family was taken into the centre's care by, after the report (None: none yet)."""
    return report.family.cases.order_by("-opened_on", "-pk").first()


def _answer_context(document: RenderedDocument) -> dict:
    report = FamilyReport.objects.select_related("family").get(pk=document.object_id)
    return {"report": report, "family": report.family, "issued_on": timezone.localdate(document.created_at)}


def _answer_family(report: object) -> Family:
    # The answer belongs to the family, with or without a case: the centre answers a report it
    # registered before any case is opened (the family was taken into its care by the report).
    return cast(FamilyReport, report).family


def may_answer(user: User, report: FamilyReport) -> bool:
    """A manager answers any report of a family they see; once the family has a case, its
    assistant may print the answer too."""
    if is_manager(user):
        return True
    case = case_taking_up(report)
    return case is not None and user.has_perm("documents.prepare_documents", case)


def _may_prepare_answer(user: User, key: Key) -> bool:
    report = FamilyReport.objects.select_related("family").filter(pk=key.object_id).first()
    return report is not None and may_answer(user, report)


def register() -> None:
    register_kind(
        DocumentKind.SUPPORT_CATALOGUE,
        KindSpec(
            "documents/pdf/support_catalogue.html",
            "katalog-wsparcia",
            True,
            _catalogue_context,
            owner_of=_handover_case,
            tagged=True,  # handed to the family: read by a screen reader in order
        ),
    )
    register_kind(
        DocumentKind.ZA_ZYCIEM_AUTHORISATION,
        KindSpec(
            "documents/pdf/za_zyciem_authorisation.html",
            "upowaznienie-za-zyciem",
            # Live: printed blank for signing, then with the date and scope once recorded.
            False,
            _authorisation_context,
            owner_of=_request_case,
            tagged=True,  # handed to the family: read by a screen reader in order
        ),
    )
    register_kind(
        DocumentKind.REPORT_ANSWER,
        KindSpec(
            "documents/pdf/report_answer.html",
            "odpowiedz-na-zgloszenie",
            True,
            _answer_context,
            owner=Owner.FAMILY,
            owner_of=_answer_family,
            may_prepare=_may_prepare_answer,
        ),
    )


def report_answers(*, family, request, **page) -> dict | None:  # noqa: ANN001, ANN003
    """The family page: the answer letters the user may print, one per report, with or without a
    case (the letter says only that the centre took the family into its care)."""
    reports = [report for report in family.reports.all() if may_answer(request.user, report)]
    return {"answer_reports": reports} if reports else None
