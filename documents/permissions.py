"""Who may ask for printed documents (the case's assistant or a manager) and who may see one: the
visibility rule of `RenderedDocumentQuerySet.visible_to`, by the document's owner."""

import rules

from asystent.models import User
from asystent.permissions import is_manager
from cases.permissions import is_case_assistant

from .models import RenderedDocument

may_prepare_documents = is_case_assistant | is_manager


@rules.predicate
def may_view_document(user: User, document: RenderedDocument) -> bool:
    """The same rule as the lists: the document is among those `visible_to` the user."""
    return RenderedDocument.objects.visible_to(user).filter(pk=document.pk).exists()


rules.add_perm("documents.prepare_documents", may_prepare_documents)
rules.add_perm("documents.view_document", may_view_document)
