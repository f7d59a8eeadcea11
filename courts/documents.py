"""The court opinion as a printed document: registered with the documents' kinds in
`CourtsConfig.ready()`. An approved version is frozen: its PDF is what the court gets."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from documents.enums import DocumentKind
from documents.kinds import KindSpec, register_kind
from documents.models import RenderedDocument

from .models import FROZEN_STATUSES, CourtOpinion, OpinionVersion


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


def register() -> None:
    register_kind(
        DocumentKind.OPINION,
        KindSpec(
            "courts/pdf/opinion.html",
            "opinia",
            True,
            _opinion_context,
            case_of=_case_of,
            refusal=_refusal,
            back_url=_back_url,
        ),
    )
