"""Erasing the visit log and interventions of families past retention (called by cases.retention)."""

from .models import Intervention, Visit

ERASED = "—"


def anonymise(family_ids: list[int]) -> None:
    visits = Visit.all_objects.filter(case__family_id__in=family_ids)  # also those removed by mistake
    interventions = Intervention.objects.filter(case__family_id__in=family_ids)
    for model, rows in ((Visit, visits), (Intervention, interventions)):
        model.history.model.objects.filter(id__in=list(rows.values_list("pk", flat=True))).delete()
    Visit.participants.through.objects.filter(visit__in=visits).delete()
    visits.update(
        place_description="",
        other_participants="",
        topics=ERASED,
        tasks_agreed="",
        tasks_done="",
        child_safety_notes="",
    )
    interventions.update(description=ERASED, other_informed=ERASED, reference_numbers="")
    visits.exclude(removal_reason="").update(removal_reason=ERASED)
