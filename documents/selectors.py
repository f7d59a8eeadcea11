"""Scoped reads of the printed documents: 404 for what the user may not see (the family's
visibility decides)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asystent.models import User
from cases.models import Case

from .models import RenderedDocument


def get_document_for(user: User, pk: int) -> RenderedDocument:
    """The document if `user` sees it (`RenderedDocumentQuerySet.visible_to`: its owner and its
    kind's readers decide); 404 otherwise."""
    return get_object_or_404(
        RenderedDocument.objects.visible_to(user).select_related("case", "family", "worker"), pk=pk
    )


def documents_of_case(case: Case) -> QuerySet[RenderedDocument]:
    return case.rendered_documents.order_by("-updated_at", "-pk")
