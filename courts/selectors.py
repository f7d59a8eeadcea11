"""Scoped reads of court requests and opinions: one way to reach each, 404 for what
the user may not see (the family's visibility decides)."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from asystent.enums import Role
from asystent.models import User
from cases.models import Case
from documents.enums import DocumentKind
from documents.models import RenderedDocument

from .models import CourtNotice, CourtOpinion, CourtRequest, OpinionVersion


def get_court_request_for(user: User, pk: int) -> CourtRequest:
    return get_object_or_404(
        CourtRequest.objects.visible_to(user).select_related(
            "case__family", "case__assistant", "registered_by"
        ),
        pk=pk,
    )


def get_opinion_for(user: User, pk: int) -> CourtOpinion:
    return get_object_or_404(
        CourtOpinion.objects.filter(request__in=CourtRequest.objects.visible_to(user)).select_related(
            "request__case__family", "request__case__assistant"
        ),
        pk=pk,
    )


def get_opinion_version_for(user: User, pk: int) -> OpinionVersion:
    return get_object_or_404(
        OpinionVersion.objects.filter(
            opinion__request__in=CourtRequest.objects.visible_to(user)
        ).select_related(
            "opinion__request__case__family", "opinion__request__case__assistant", "author", "approved_by"
        ),
        pk=pk,
    )


def open_court_requests(user: User) -> QuerySet[CourtRequest]:
    """Open requests by due date: a manager sees all, an assistant those of their own cases."""
    requests = CourtRequest.objects.open()
    if not user.has_role(Role.MANAGER):
        if not user.has_role(Role.ASSISTANT):
            return requests.none()
        requests = requests.filter(case__assistant=user)
    latest = OpinionVersion.objects.filter(opinion__request=OuterRef("pk")).order_by("-number")
    return (
        requests.select_related("case__family", "case__assistant")
        .annotate(opinion_status=Subquery(latest.values("status")[:1]))
        .order_by("due_date", "pk")
    )


def court_requests_of_case(case: Case) -> QuerySet[CourtRequest]:
    latest = OpinionVersion.objects.filter(opinion__request=OuterRef("pk")).order_by("-number")
    return case.court_requests.annotate(opinion_status=Subquery(latest.values("status")[:1])).order_by(
        "-received_on", "-pk"
    )


def versions_of(opinion: CourtOpinion) -> QuerySet[OpinionVersion]:
    return opinion.versions.select_related("author", "approved_by").order_by("-number")


def opinion_documents(opinion: CourtOpinion) -> dict[int, RenderedDocument]:
    """The renderings of the opinion's versions, by version number."""
    documents = RenderedDocument.objects.filter(kind=DocumentKind.OPINION, object_id=opinion.pk)
    return {d.version: d for d in documents}


def get_court_notice_for(user: User, pk: int) -> CourtNotice:
    return get_object_or_404(
        CourtNotice.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
            "case__family", "case__assistant", "court_order", "prepared_by"
        ),
        pk=pk,
    )


def notice_document(notice: CourtNotice) -> RenderedDocument | None:
    return RenderedDocument.objects.filter(kind=DocumentKind.COURT_NOTICE, object_id=notice.pk).first()
