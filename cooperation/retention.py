"""Erasing the correspondence and the "Niebieska Karta" procedures of families past retention
(called by cases.retention): no statistic counts them, so their rows and scans go entirely."""

from cases.retention import delete_files_on_commit

from .models import CardForm, GroupMember, Letter, Meeting, Procedure, Task


def anonymise(family_ids: list[int]) -> None:
    letters = Letter.objects.filter(family_id__in=family_ids)
    delete_files_on_commit(Letter.scan.field.storage, letters.exclude(scan="").values_list("scan", flat=True))
    letters.delete()
    procedures = Procedure.objects.filter(family_id__in=family_ids)
    card_forms = CardForm.objects.filter(procedure__in=procedures)
    delete_files_on_commit(
        CardForm.scan.field.storage, card_forms.exclude(scan="").values_list("scan", flat=True)
    )
    card_forms.delete()
    Task.objects.filter(meeting__procedure__in=procedures).delete()
    Meeting.objects.filter(procedure__in=procedures).delete()
    GroupMember.objects.filter(procedure__in=procedures).delete()
    procedures.delete()
