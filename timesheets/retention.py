"""The eraser of the mileage logs (cases.retention): a trip's places may be a family's address,
so the trips of families past retention keep only their date, case and kilometres, and the printed
logs that showed those places are deleted (asked for again, they are printed from the erased trips)."""

from django.utils.translation import gettext as _

from cases.retention import delete_files_on_commit
from documents.enums import DocumentKind
from documents.models import RenderedDocument

from .models import Trip


def anonymise(family_ids: list[int]) -> None:
    trips = Trip.objects.filter(case__family_id__in=family_ids)
    logs = set(trips.values_list("log_id", flat=True))
    trips.update(origin=_("(erased)"), destination=_("(erased)"))
    documents = RenderedDocument.objects.filter(kind=DocumentKind.MILEAGE_LOG, object_id__in=logs)
    names = {name for name in documents.values_list("file", flat=True) if name}
    names |= {document.storage_name for document in documents.only("kind", "object_id", "version")}
    delete_files_on_commit(RenderedDocument.file.field.storage, sorted(names))
    documents.delete()
