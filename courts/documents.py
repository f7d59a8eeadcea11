"""The court opinion and the notice to the court as printed documents: registered with the
documents' kinds in `CourtsConfig.ready()`. An approved opinion version is frozen: its PDF is what
the court gets; so is a notice, whose facts are fixed when it is prepared."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from documents.enums import DocumentKind
from documents.kinds import KindSpec, register_kind
from documents.models import RenderedDocument

from .models import FROZEN_STATUSES, REQUIRED_SECTIONS, CourtNotice, CourtOpinion, OpinionVersion


def _opinion_context(document: RenderedDocument) -> dict:
    version = OpinionVersion.objects.select_related(
        "opinion__request__case__family", "author", "approved_by"
    ).get(opinion_id=document.object_id, number=document.version)
    request = version.opinion.request
    issued = version.approved_at or version.updated_at
    return {
        "version": version,
        "request": request,
        "case": request.case,
        "family": request.case.family,
        "issued_on": timezone.localdate(issued),
        "reference": request.case_number,
        "required_sections": REQUIRED_SECTIONS,
    }


def _case_of(opinion: CourtOpinion) -> Case:
    return opinion.request.case


def _refusal(opinion_id: int, number: int) -> str | None:
    approved = OpinionVersion.objects.filter(opinion_id=opinion_id, number=number, status__in=FROZEN_STATUSES)
    if approved.exists():
        return None
    # The court gets only what a manager approved; a draft is read on its page.
    return _("Only an approved opinion is printed.")


def _back_url(document: RenderedDocument) -> str | None:
    version = OpinionVersion.objects.filter(opinion_id=document.object_id, number=document.version).first()
    return version.get_absolute_url() if version is not None else None


def _notice_context(document: RenderedDocument) -> dict:
    notice = CourtNotice.objects.select_related(
        "case__family", "case__assistant", "court_order__basis_period", "prepared_by"
    ).get(pk=document.object_id)
    period = notice.court_order.basis_period
    return {
        "notice": notice,
        "order": notice.court_order,
        "case": notice.case,
        "family": notice.case.family,
        "facts": list(notice.facts.order_by("date", "pk")),
        "ordered_from": period.started_on if period else notice.case.started_on or notice.case.opened_on,
        "issued_on": timezone.localdate(notice.created_at),
        "reference": notice.court_order.case_number,
    }


def _notice_case(notice: CourtNotice):  # noqa: ANN202
    return notice.case


def _notice_back_url(document: RenderedDocument) -> str | None:
    notice = CourtNotice.objects.filter(pk=document.object_id).first()
    return notice.get_absolute_url() if notice is not None else None


def register() -> None:
    register_kind(
        DocumentKind.COURT_NOTICE,
        KindSpec(
            "courts/pdf/court_notice.html",
            "zawiadomienie-sad",
            True,
            _notice_context,
            owner_of=_notice_case,
            back_url=_notice_back_url,
            sealed=True,
        ),
    )
    register_kind(
        DocumentKind.OPINION,
        KindSpec(
            "courts/pdf/opinion.html",
            "opinia",
            True,
            _opinion_context,
            owner_of=_case_of,
            refusal=_refusal,
            back_url=_back_url,
            sealed=True,
        ),
    )
