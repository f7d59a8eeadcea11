"""Erasing the printed documents of families past retention (called by cases.retention): every
rendering names the family, so its row and its file go (a download then answers 404)."""

from django.db.models import Q

from cases.retention import delete_files_on_commit

from .models import RenderedDocument


def anonymise(family_ids: list[int]) -> None:
    # A worker's document naming one of the families (a monthly report) goes too.
    documents = RenderedDocument.objects.filter(
        Q(family_id__in=family_ids) | Q(mentioned_families__in=family_ids)
    ).distinct()
    names = {name for name in documents.values_list("file", flat=True) if name}
    # A rendering still in progress writes its file under the deterministic name: delete that too.
    names |= {document.storage_name for document in documents.only("kind", "object_id", "version")}
    delete_files_on_commit(RenderedDocument.file.field.storage, sorted(names))
    RenderedDocument.objects.filter(pk__in=[document.pk for document in documents]).delete()
