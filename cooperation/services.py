"""Every change to the correspondence and the "Niebieska Karta" procedure, each in one
transaction; a task given to a user tells them at once (notifications)."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.enums import Role
from asystent.models import User
from cases.agenda import AGENDA_STATUSES
from cases.models import Case, Family, WorkPlan
from documents.enums import DocumentKind
from documents.models import RenderedDocument
from notifications.enums import NotificationKind
from notifications.services import notify
from visits.models import Visit

from .enums import LetterDirection, LetterSource
from .models import (
    CardForm,
    GroupMember,
    Institution,
    Letter,
    Meeting,
    PlanInstitution,
    Procedure,
    Task,
    VisitInstitution,
)

# The letters the application prints to someone outside the centre, logged as sent.
PRINTED_LETTERS = {
    DocumentKind.COURT_NOTICE: LetterDirection.SENT,
    DocumentKind.REPORT_ANSWER: LetterDirection.SENT,
}


@transaction.atomic
def record_letter(*, letter: Letter, family: Family, by: User) -> Letter:
    """Log a letter or e-mail of the family, received or sent."""
    letter.family = family
    letter.recorded_by = by
    letter.source = LetterSource.RECORDED
    letter.full_clean()
    letter.save()
    return letter


@transaction.atomic
def mark_replied(*, letter: Letter, on: dt.date, by: User) -> Letter:
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.replied_on is None:
        letter.replied_on = on
        letter.save(update_fields=["replied_on"])
    return letter


def log_printed_letter(document: RenderedDocument) -> Letter | None:
    """A letter the application printed (the notice to the court, the answer to whoever reported
    the family) joins the family's correspondence once per rendering."""
    direction = (
        PRINTED_LETTERS.get(DocumentKind(document.kind)) if document.kind in DocumentKind.values else None
    )
    if direction is None or document.family_id is None:
        return None
    letter, _created = Letter.objects.get_or_create(
        document=document,
        defaults={
            "family_id": document.family_id,
            "direction": direction,
            "date": timezone.localdate(),
            "subject": str(DocumentKind(document.kind).label),
            "source": LetterSource.PRINTED,
            "recorded_by_id": document.requested_by_id,
        },
    )
    return letter


def _family_assistants(family_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Case.objects.filter(family_id=family_id, status__in=AGENDA_STATUSES).values(
                "assistant_id"
            ),
        )
    )


@transaction.atomic
def start_procedure(*, procedure: Procedure, family: Family, by: User) -> Procedure:
    """Record the start of a procedure (the NK-A form); the family's assistant, and whoever
    recorded it if they work with families, are members of its group from the start."""
    procedure.family = family
    procedure.created_by = by
    procedure.full_clean()
    procedure.save()
    people = _family_assistants(family.pk)
    if by.has_role(Role.ASSISTANT, Role.SOCIAL_WORKER) and by not in people:
        people.append(by)
    for person in people:
        GroupMember.objects.get_or_create(procedure=procedure, user=person)
    return procedure


@transaction.atomic
def update_procedure(*, procedure: Procedure, by: User) -> Procedure:
    """The steps of the procedure recorded on its page (the team's receipt, the group formed)."""
    procedure.full_clean()
    procedure.save()
    return procedure


@transaction.atomic
def add_member(*, member: GroupMember, procedure: Procedure, by: User) -> GroupMember:
    member.procedure = procedure
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def record_meeting(*, meeting: Meeting, procedure: Procedure, by: User) -> Meeting:
    meeting.procedure = procedure
    meeting.recorded_by = by
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def give_task(*, task: Task, meeting: Meeting, by: User) -> Task:
    """A task given at a meeting; the person it is given to is told at once."""
    task.meeting = meeting
    task.full_clean()
    task.save()
    notify(
        [task.assignee],
        rule=NotificationKind.BLUE_CARD_TASK,
        key=f"{NotificationKind.BLUE_CARD_TASK}:{task.pk}:given",
        message=_("A task from a meeting of the Niebieska Karta procedure, due on %(date)s.")
        % {"date": f"{task.due_on:%d.%m.%Y}"},
        url=reverse("cooperation:procedure-detail", args=[meeting.procedure_id]),
        family_id=meeting.procedure.family_id,
    )
    return task


@transaction.atomic
def complete_task(*, task: Task, on: dt.date, by: User) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_on is None:
        task.done_on = on
        task.full_clean()
        task.save(update_fields=["done_on"])
    return task


@transaction.atomic
def end_procedure(*, procedure: Procedure, by: User) -> Procedure:
    """The end of the procedure (date and reason, given on the form)."""
    procedure.full_clean()
    procedure.save()
    return procedure


@transaction.atomic
def record_card_form(*, card_form: CardForm, procedure: Procedure, by: User) -> CardForm:
    """A "Niebieska Karta" form prepared within the procedure (kind, date, scan)."""
    card_form.procedure = procedure
    card_form.recorded_by = by
    card_form.full_clean()
    card_form.save()
    return card_form


@transaction.atomic
def set_visit_institutions(*, visit: Visit, institutions: list[Institution], by: User) -> None:
    """The institutions taking part in the visit: exactly those given."""
    VisitInstitution.objects.filter(visit=visit).exclude(institution__in=institutions).delete()
    for institution in institutions:
        VisitInstitution.objects.get_or_create(visit=visit, institution=institution)


@transaction.atomic
def set_plan_institutions(*, plan: WorkPlan, institutions: list[Institution], by: User) -> None:
    """The institutions taking part in the work plan: exactly those given."""
    PlanInstitution.objects.filter(plan=plan).exclude(institution__in=institutions).delete()
    for institution in institutions:
        PlanInstitution.objects.get_or_create(plan=plan, institution=institution)
