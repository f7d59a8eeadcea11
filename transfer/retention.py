"""Erasure reaches the exports (called by cases.retention): an export, or an import's file waiting
for confirmation, holds every family of the centre, so when a family is erased past retention
the files made before are deleted (after the protocol's transaction commits) rather than keep it."""

from django.db import transaction
from django.utils import timezone

from .models import CentreExport, ExportStatus, ImportBatch, ImportStatus


def anonymise(family_ids: list[int]) -> None:
    if not family_ids:
        return
    exports = list(CentreExport.objects.exclude(file="").select_for_update())
    batches = list(ImportBatch.objects.exclude(file="").select_for_update())
    names = [(e.file.storage, e.file.name) for e in exports] + [
        (b.file.storage, b.file.name) for b in batches
    ]
    CentreExport.objects.filter(pk__in=[e.pk for e in exports]).update(
        status=ExportStatus.EXPIRED, file="", size=0
    )
    ImportBatch.objects.filter(pk__in=[b.pk for b in batches], status=ImportStatus.CHECKED).update(
        status=ImportStatus.DISCARDED, finished_at=timezone.now()
    )
    ImportBatch.objects.filter(pk__in=[b.pk for b in batches]).update(file="")

    def delete() -> None:
        for storage, name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)
