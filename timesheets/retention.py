"""The eraser of the mileage logs (cases.retention): a trip's places may be a family's address,
so the trips of families past retention keep only their date, case and kilometres."""

from django.utils.translation import gettext as _

from .models import Trip


def anonymise(family_ids: list[int]) -> None:
    Trip.objects.filter(case__family_id__in=family_ids).update(
        origin=_("(erased)"), destination=_("(erased)")
    )
