"""Scoped reads of the correspondence and of the "Niebieska Karta" procedure.

The procedure is seen by the family's assistant (of a case in progress or monitored), the
managers and the social workers who are members of its group; anybody else gets a 404, as if it
did not exist, and no page they see names it."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from asystent.enums import Role
from asystent.models import User
from cases.agenda import AGENDA_STATUSES
from cases.models import Case, Family

from .models import CardForm, Institution, Letter, Meeting, PlanInstitution, Procedure, Task, VisitInstitution


def procedures_visible_to(user: User) -> QuerySet[Procedure]:
    """The procedures `user` may see (a manager: all)."""
    if not user.is_authenticated or not user.is_active:
        return Procedure.objects.none()
    if user.has_role(Role.MANAGER):
        return Procedure.objects.all()
    condition = Q(pk__in=[])
    if user.has_role(Role.ASSISTANT):
        families = Case.objects.filter(assistant=user, status__in=AGENDA_STATUSES).values("family_id")
        condition |= Q(family_id__in=families)
    if user.has_role(Role.SOCIAL_WORKER):
        condition |= Q(pk__in=Procedure.objects.filter(members__user=user).values("pk"))
    return Procedure.objects.filter(condition)


def may_see_procedure(user: User, procedure: Procedure) -> bool:
    return procedures_visible_to(user).filter(pk=procedure.pk).exists()


def get_procedure_for(user: User, pk: int) -> Procedure:
    return get_object_or_404(procedures_visible_to(user).select_related("family"), pk=pk)


def get_meeting_for(user: User, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(procedure__in=procedures_visible_to(user)).select_related("procedure__family"),
        pk=pk,
    )


def get_task_for(user: User, pk: int) -> Task:
    return get_object_or_404(
        Task.objects.filter(meeting__procedure__in=procedures_visible_to(user)).select_related(
            "meeting__procedure__family"
        ),
        pk=pk,
    )


def family_procedures(user: User, family: Family) -> list[Procedure]:
    """The family's procedures `user` may see (none, for anybody else)."""
    return list(procedures_visible_to(user).filter(family=family).order_by("-started_on", "-pk"))


def get_family_for_letters(user: User, pk: int) -> Family:
    """The correspondence follows the family's visibility."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    return get_object_or_404(Family.objects.visible_to(user), pk=pk)


def get_letter_for(user: User, pk: int) -> Letter:
    return get_object_or_404(
        Letter.objects.filter(family__in=Family.objects.visible_to(user)).select_related("family"), pk=pk
    )


def letters_of(family: Family) -> QuerySet[Letter]:
    return family.letters.select_related("institution", "recorded_by").order_by("-date", "-pk")


def search_institutions(query: str) -> QuerySet[Institution]:
    institutions = Institution.objects.all()
    if query:
        institutions = institutions.filter(
            Q(name__icontains=query) | Q(contact_person__icontains=query) | Q(address__icontains=query)
        )
    return institutions.order_by("-is_active", "name", "pk")


def tasks_of_week(user: User, monday: dt.date) -> list[Task]:
    """The tasks given to `user` at meetings, due in the week from `monday`, of the procedures
    they may still see."""
    return list(
        Task.objects.filter(
            assignee=user,
            due_on__range=(monday, monday + dt.timedelta(days=6)),
            meeting__procedure__in=procedures_visible_to(user),
        )
        .select_related("meeting__procedure__family")
        .order_by("due_on", "pk")
    )


def get_card_form_for(user: User, pk: int) -> CardForm:
    """A form of a procedure `user` may see (else 404, as for the procedure)."""
    return get_object_or_404(
        CardForm.objects.filter(procedure__in=procedures_visible_to(user)).select_related(
            "procedure__family"
        ),
        pk=pk,
    )


def visit_institutions(visit_id: int) -> list[Institution]:
    """The institutions taking part in a visit (the caller has reached the visit through its
    scoped selector: who may not see the visit never gets here)."""
    links = VisitInstitution.objects.filter(visit_id=visit_id).values("institution_id")
    return list(Institution.objects.filter(pk__in=links).order_by("name", "pk"))


def plan_institutions(plan_id: int) -> list[Institution]:
    """The institutions taking part in a work plan (reached through the plan's scoped selector)."""
    links = PlanInstitution.objects.filter(plan_id=plan_id).values("institution_id")
    return list(Institution.objects.filter(pk__in=links).order_by("name", "pk"))
