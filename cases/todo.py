"""The items `cases` adds to the "Do zrobienia" list of the start page (asystent.todo): plan
consultations for the social worker; overdue assessments, plan actions due and unfinished
assessments for the assistant; assessments and closures waiting for a manager. One query each."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.models import Centre, User
from asystent.todo import SHOWN_ITEMS, TodoItem, register_todo

from . import deadlines
from .enums import AssessmentStatus, ClosureProposalStatus
from .models import OPEN_STATUSES, Assessment, Case, ClosureProposal, PlanAction, WorkPlan

# (practice) Plan actions due within this many days are listed (overdue ones always are).
ACTION_HORIZON_DAYS = 7


def plan_consultations(user: User, today: dt.date) -> Iterable[TodoItem]:
    """art. 15 ust. 1 pkt 1: the current version of each plan of the social worker's cases in
    progress, not yet confirmed as consulted with them."""
    newer = WorkPlan.objects.filter(case=OuterRef("case"), version__gt=OuterRef("version"))
    plans = (
        WorkPlan.objects.filter(
            case__social_worker=user, case__status__in=OPEN_STATUSES, social_worker_confirmed_at__isnull=True
        )
        .exclude(Exists(newer))
        .select_related("case__family")
        .order_by("created_at", "pk")[:SHOWN_ITEMS]
    )
    for plan in plans:
        yield TodoItem(
            label=_("Confirm the consultation of the work plan"),
            url=reverse("cases:plan-detail", args=[plan.pk]),
            subject=plan.case.family.label,
            since=plan.created_at.date(),
            rank=30,
        )


def overdue_assessments(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The periodic assessments of the assistant's cases past their date (cases/deadlines.py)
    with no draft begun (a draft is listed by `assessment_drafts`)."""
    months = Centre.load().assessment_interval_months
    drafts = Assessment.objects.filter(case=OuterRef("pk"), status=AssessmentStatus.DRAFT)
    # Ordered by an annotation, which the type of a Case queryset does not know.
    cases: QuerySet[Any] = (
        Case.objects.filter(assistant=user)
        .assessment_due_by(today - dt.timedelta(days=1), months)
        .exclude(Exists(drafts))
        .select_related("family")
    )
    for case in cases.order_by("assessment_base", "pk")[:SHOWN_ITEMS]:
        yield TodoItem(
            label=_("Write the periodic assessment"),
            url=reverse("cases:assessment-create", args=[case.pk]),
            subject=case.family.label,
            due=deadlines.assessment_due(case.assessment_base, months),
            rank=20,
        )


def plan_actions_due(user: User, today: dt.date) -> Iterable[TodoItem]:
    """art. 15 ust. 3: the pending actions of the assistant's current plans due within a week or
    overdue."""
    actions = (
        PlanAction.objects.in_current_plan()
        .due_by(today + dt.timedelta(days=ACTION_HORIZON_DAYS))
        .filter(goal__plan__case__assistant=user)
        .select_related("goal__plan__case__family")
        .order_by("deadline", "pk")[:SHOWN_ITEMS]
    )
    for action in actions:
        what = Truncator(action.description.rstrip(" .")).chars(60)
        yield TodoItem(
            label=_("Plan action: %(action)s") % {"action": what},
            url=reverse("cases:plan-detail", args=[action.goal.plan_id]),
            subject=action.goal.plan.case.family.label,
            due=action.deadline,
            rank=40,
        )


def assessment_drafts(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The draft assessment of each of the assistant's cases in progress, not yet submitted; with
    the assessment's date when it is past."""
    months = Centre.load().assessment_interval_months
    drafts = Assessment.objects.filter(case=OuterRef("pk"), status=AssessmentStatus.DRAFT).order_by("-pk")
    cases: QuerySet[Any] = (
        Case.objects.filter(assistant=user, status__in=OPEN_STATUSES)
        .with_assessment_base()
        .annotate(draft_pk=Subquery(drafts.values("pk")[:1]), draft_date=Subquery(drafts.values("date")[:1]))
        .filter(draft_pk__isnull=False)
        .select_related("family")
    )
    for case in cases.order_by("assessment_base", "pk")[:SHOWN_ITEMS]:
        due = deadlines.assessment_due(case.assessment_base, months)
        yield TodoItem(
            label=_("Finish the draft assessment"),
            url=reverse("cases:assessment-edit", args=[case.draft_pk]),
            subject=case.family.label,
            due=due if due < today else None,
            since=case.draft_date,
            rank=20,
        )


def assessments_to_acknowledge(user: User, today: dt.date) -> Iterable[TodoItem]:
    """Submitted assessments waiting for a manager (never their own: cases.services.assessments)."""
    submitted = (
        Assessment.objects.filter(status=AssessmentStatus.SUBMITTED)
        .exclude(author=user)
        .select_related("case__family")
        .order_by("submitted_at", "pk")[:SHOWN_ITEMS]
    )
    for assessment in submitted:
        yield TodoItem(
            label=_("Acknowledge the periodic assessment"),
            url=reverse("cases:assessment-detail", args=[assessment.pk]),
            subject=assessment.case.family.label,
            since=assessment.submitted_at.date() if assessment.submitted_at else None,
            rank=30,
        )


def closures_to_approve(user: User, today: dt.date) -> Iterable[TodoItem]:
    """Closures proposed by the assistants, waiting for a manager's approval."""
    proposals = (
        ClosureProposal.objects.filter(status=ClosureProposalStatus.PENDING)
        .select_related("case__family")
        .order_by("proposed_at", "pk")[:SHOWN_ITEMS]
    )
    for proposal in proposals:
        yield TodoItem(
            label=_("Approve or return the closure of the work"),
            url=reverse("cases:closure-proposal", args=[proposal.pk]),
            subject=proposal.case.family.label,
            since=proposal.proposed_at.date(),
            rank=30,
        )


def register() -> None:
    register_todo("cases-plan-consultations", roles=(Role.SOCIAL_WORKER,), items=plan_consultations)
    register_todo("cases-overdue-assessments", roles=(Role.ASSISTANT,), items=overdue_assessments)
    register_todo("cases-plan-actions", roles=(Role.ASSISTANT,), items=plan_actions_due)
    register_todo("cases-assessment-drafts", roles=(Role.ASSISTANT,), items=assessment_drafts)
    register_todo("cases-assessments-to-acknowledge", roles=(Role.MANAGER,), items=assessments_to_acknowledge)
    register_todo("cases-closures-to-approve", roles=(Role.MANAGER,), items=closures_to_approve)
