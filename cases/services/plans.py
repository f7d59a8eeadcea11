"""Services of the work plan (art. 15 ust. 1 pkt 1-2, ust. 3): its versions, goals and actions, and the
social worker's confirmation of the consultation."""

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asystent.errors import InvalidTransition
from asystent.models import User
from notifications.models import Notification
from notifications.services import notify

from ..models import (
    Case,
    Goal,
    PlanAction,
    ProblemArea,
    WorkPlan,
)
from . import ensure_in_progress


@dataclass
class ActionData:
    description: str
    responsible: str
    deadline: dt.date | None
    expected_effect: str
    responsible_name: str = ""
    status: str = "planned"


@dataclass
class GoalData:
    area: ProblemArea
    description: str
    actions: list[ActionData] = field(default_factory=list)


# art. 15 ust. 1 pkt 2 of the Act: where a child of the family is in foster care, the plan is made
# with the foster-care coordinator and coordinated with the child's help plan; the plan names
# that help plan (its date, the coordinator, the body that keeps it).
CHILD_HELP_PLAN_MISSING = gettext_lazy(
    "A child of the family is in foster care: name the child's help plan (its date, the "
    "foster-care coordinator and the body that keeps it; art. 15 ust. 1 pkt 2)."
)


def needs_child_help_plan(case: Case) -> bool:
    """Whether a child of the case's family has a foster-care placement."""
    return any(member.in_foster_care for member in case.family.members.all())


def current_plan(case: Case) -> WorkPlan | None:
    return case.plans.order_by("-version").first()


def save_plan_version(
    *,
    case: Case,
    by: User,
    main_goal: str,
    goals: list[GoalData],
    social_worker_consulted_on: dt.date | None = None,
    foster_coordinator_consulted_on: dt.date | None = None,
    foster_coordinator_name: str = "",
    child_help_plan_date: dt.date | None = None,
    child_help_plan_keeper: str = "",
    revision_reason: str = "",
    based_on: int | None = None,
) -> WorkPlan:
    """Write the next version of the plan; the earlier versions stay as they were.

    art. 15 ust. 3: the plan states the actions, their deadlines and their expected effects.
    `based_on` is the version the form started from (0: no plan yet); when another version was
    saved meanwhile (another window), the save is refused so that version is not silently
    replaced by one written without it.
    """
    if not main_goal.strip():
        raise InvalidTransition(_("State the main goal of the plan."))
    if not goals:
        raise InvalidTransition(_("The plan needs at least one specific goal."))
    for wanted in goals:
        if not wanted.actions:
            raise InvalidTransition(
                _("The goal “%(goal)s” needs at least one action.") % {"goal": wanted.description}
            )
        for action in wanted.actions:
            if action.deadline is None or not action.expected_effect.strip():
                raise InvalidTransition(
                    _("Every action needs a deadline and an expected effect (art. 15 ust. 3).")
                )
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("family", "social_worker")
            .get(pk=case.pk)
        )
        ensure_in_progress(case)
        if needs_child_help_plan(case) and not (
            child_help_plan_date and child_help_plan_keeper.strip() and foster_coordinator_name.strip()
        ):
            raise InvalidTransition(str(CHILD_HELP_PLAN_MISSING))
        previous = current_plan(case)
        if based_on is not None and based_on != (previous.version if previous else 0):
            raise ValidationError(
                _(
                    "The work plan was saved elsewhere after you opened this form (perhaps in "
                    "another window). Your plan has not been saved: copy what you typed, open the "
                    "plan again and make your changes there."
                ),
                code="stale_version",
            )
        if previous is not None and not revision_reason.strip():
            raise InvalidTransition(_("Give the reason for revising the plan."))
        plan = WorkPlan.objects.create(
            case=case,
            version=(previous.version + 1) if previous else 1,
            main_goal=main_goal,
            social_worker_consulted_on=social_worker_consulted_on,
            foster_coordinator_consulted_on=foster_coordinator_consulted_on,
            foster_coordinator_name=foster_coordinator_name,
            child_help_plan_date=child_help_plan_date,
            child_help_plan_keeper=child_help_plan_keeper,
            revision_reason=revision_reason,
            created_by=by,
        )
        for order, goal_data in enumerate(goals):
            goal = Goal.objects.create(
                plan=plan, area=goal_data.area, description=goal_data.description, order=order
            )
            PlanAction.objects.bulk_create(
                PlanAction(
                    goal=goal,
                    description=a.description,
                    responsible=a.responsible,
                    responsible_name=a.responsible_name,
                    deadline=cast(dt.date, a.deadline),  # checked above: every action has one
                    expected_effect=a.expected_effect,
                    status=a.status,
                )
                for a in goal_data.actions
            )
        _ask_for_consultation(plan, case)
    return plan


def _consultation_key(plan: WorkPlan) -> str:
    return f"plan-consultation:{plan.pk}"


def _ask_for_consultation(plan: WorkPlan, case: Case) -> None:
    """art. 15 ust. 1 pkt 1: the plan is made in consultation with the social worker, who is told
    of each version until they confirm it."""
    if case.social_worker_id is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "The work plan of the family %(family)s (version %(version)d) waits for your consultation."
        ) % {"family": case.family.label, "version": plan.version}
    if case.social_worker is None:
        return
    notify(
        [case.social_worker],
        rule="plan_consultation",
        key=_consultation_key(plan),
        message=message,
        url=reverse("cases:plan-detail", args=[plan.pk]),
        family_id=case.family_id,
    )


def confirm_consultation(*, plan: WorkPlan, by: User) -> WorkPlan:
    """The case's social worker confirms that the plan was consulted with them."""
    if plan.case.social_worker_id != by.pk:
        raise InvalidTransition(_("Only the social worker of the case can confirm the consultation."))
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.social_worker_confirmed_at is None:
            plan.social_worker_confirmed_at = timezone.now()
            plan.social_worker_confirmed_by = by
            if plan.social_worker_consulted_on is None:
                plan.social_worker_consulted_on = timezone.localdate()
            plan.save()
            # The request for the consultation is answered: it no longer waits among the unread.
            Notification.objects.filter(key=_consultation_key(plan), read_at__isnull=True).update(
                read_at=timezone.now()
            )
    return plan
