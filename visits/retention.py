"""Erasing the visit log and interventions of families past retention (called by cases.retention)."""

from django.db.models import Case as When_
from django.db.models import Value, When

from cases.retention import drop_history

from .enums import VisitPlace
from .models import Intervention, Visit

ERASED = "—"


def anonymise(family_ids: list[int]) -> None:
    visits = Visit.all_objects.filter(case__family_id__in=family_ids)  # also those removed by mistake
    interventions = Intervention.objects.filter(case__family_id__in=family_ids)
    for model, rows in ((Visit, visits), (Intervention, interventions)):
        drop_history(model, rows.values_list("pk", flat=True))
    Visit.participants.through.objects.filter(visit__in=visits).delete()
    visits.update(
        # A meeting at "another place" must say where (visit_other_place_described): a placeholder.
        place_description=When_(When(place=VisitPlace.OTHER, then=Value(ERASED)), default=Value("")),
        other_participants="",
        topics=ERASED,
        tasks_agreed="",
        tasks_done="",
        child_safety_notes="",
    )
    interventions.update(description=ERASED, other_informed=ERASED, reference_numbers="")
    visits.exclude(removal_reason="").update(removal_reason=ERASED)
