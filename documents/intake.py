"""The documents of intake: the catalogue of available support handed to a "Za życiem" family and
the answer to whoever reported a family. Registered with the kinds in `DocumentsConfig.ready()`."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from referrals.models import CatalogueHandover, FamilyReport

from .enums import DocumentKind
from .kinds import KindSpec, register_kind
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


def case_taking_up(report: FamilyReport) -> Case | None:
    """The case the family was taken into the centre's care by, after the report (None: none yet)."""
    return report.family.cases.order_by("-opened_on", "-pk").first()


def _answer_context(document: RenderedDocument) -> dict:
    report = FamilyReport.objects.select_related("family").get(pk=document.object_id)
    return {"report": report, "family": report.family, "issued_on": timezone.localdate(document.created_at)}


def _answer_case(report: FamilyReport) -> Case:
    case = case_taking_up(report)
    if case is None:
        raise ValueError(_("The family has no case yet."))
    return case


def register() -> None:
    register_kind(
        DocumentKind.SUPPORT_CATALOGUE,
        KindSpec(
            "documents/pdf/support_catalogue.html",
            "katalog-wsparcia",
            True,
            _catalogue_context,
            case_of=_handover_case,
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
            case_of=_answer_case,
        ),
    )


def report_answers(*, family, request, **page) -> dict | None:  # noqa: ANN001, ANN003
    """The family page: the answer letters a manager may print, one per report, once the family
    has a case (the letter says that the centre took the family into its care)."""
    user = request.user
    reports = list(family.reports.all())
    if not reports:
        return None
    case = reports[0].family.cases.order_by("-opened_on", "-pk").first()
    if case is None or not user.has_perm("documents.prepare_documents", case):
        return None
    return {"answer_reports": reports}
