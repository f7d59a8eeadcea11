"""Scoped reads of the printed documents: 404 for what the user may not see (the family's
visibility decides)."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from asystent.models import User
from cases.models import Case

from .kinds import may_view
from .models import RenderedDocument


def get_document_for(user: User, pk: int) -> RenderedDocument:
    """The document if `user` sees its case (or, without a case, its family) and its kind lets
    them see it; 404 otherwise."""
    document = get_object_or_404(
        RenderedDocument.objects.visible_to(user).select_related("case", "family"), pk=pk
    )
    if not may_view(user, document):
        raise Http404
    return document


def documents_of_case(case: Case) -> QuerySet[RenderedDocument]:
    return case.rendered_documents.order_by("-updated_at", "-pk")
