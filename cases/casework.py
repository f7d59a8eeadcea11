"""Services of the assistant's case work: work plans, periodic assessments, closure, monitoring.

Split from services.py (intake, consent, assignment) to keep each file readable; the same rules
apply: keyword-only arguments, one transaction, allowed transitions checked, history recorded.
"""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.errors import InvalidTransition
from asystent.models import Centre, User

from .enums import AssessmentStatus, CaseStatus
from .models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentArea,
    AssessmentRating,
    Case,
    Goal,
    PlanAction,
    ProblemArea,
    WorkPlan,
)
from .services import close_case

WRITABLE_STATUSES = (*OPEN_STATUSES, CaseStatus.MONITORING)


def ensure_writable(case: Case) -> None:
    """No work is recorded on a closed or ended case."""
    if case.status not in WRITABLE_STATUSES:
        raise InvalidTransition(
            _("The case is %(status)s: nothing more can be recorded in it.")
            % {"status": case.get_status_display()}
        )


def ensure_in_progress(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise InvalidTransition(_("This can be done only while the work with the family is in progress."))


# --- work plan ---------------------------------------------------------------------------------


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
    for goal in goals:
        if not goal.actions:
            raise InvalidTransition(
                _("The goal “%(goal)s” needs at least one action.") % {"goal": goal.description}
            )
        for action in goal.actions:
            if action.deadline is None or not action.expected_effect.strip():
                raise InvalidTransition(
                    _("Every action needs a deadline and an expected effect (art. 15 ust. 3).")
                )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_in_progress(case)
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
                    deadline=a.deadline,
                    expected_effect=a.expected_effect,
                    status=a.status,
                )
                for a in goal_data.actions
            )
    return plan


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
    return plan


# --- periodic assessment -----------------------------------------------------------------------


def next_assessment_due(case: Case, centre: Centre | None = None) -> dt.date | None:
    """At most `assessment_interval_months` (6 by art. 15 ust. 1 pkt 15) after the work started
    or after the last submitted assessment; None when the case is not in progress."""
    if case.status not in OPEN_STATUSES:
        return None
    centre = centre or Centre.load()
    last = case.assessments.exclude(status=AssessmentStatus.DRAFT).order_by("-date").first()
    base = last.date if last else (case.started_on or case.opened_on)
    return base + relativedelta(months=centre.assessment_interval_months)


def save_assessment(
    *,
    case: Case,
    by: User,
    date: dt.date,
    narrative: str,
    recommendation: str,
    ratings: dict[int, tuple[int, str]],
    submit: bool,
    assessment: Assessment | None = None,
    version: int | None = None,
) -> Assessment:
    """Save (and optionally submit to the manager) an assessment with one rating per area.

    Changing a draft is refused when it was saved elsewhere (another window or device) after
    `version` was read, so the earlier save is kept; `version` defaults to the version of the
    `assessment` passed in."""
    scale = Centre.load().assessment_scale_max
    areas = {a.pk: a for a in AssessmentArea.objects.filter(is_active=True)}
    missing = set(areas) - set(ratings)
    if submit and missing:
        raise InvalidTransition(_("Rate every area before submitting the assessment."))
    for area_id, (value, _comment) in ratings.items():
        if area_id not in areas or not 1 <= value <= scale:
            raise InvalidTransition(_("Ratings are whole numbers from 1 to %(max)d.") % {"max": scale})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_in_progress(case)
        if assessment is None:
            assessment = Assessment(case=case, author=by)
        else:
            expected = assessment.version if version is None else version
            assessment = Assessment.objects.select_for_update().get(pk=assessment.pk, case=case)
            if assessment.status != AssessmentStatus.DRAFT:
                raise InvalidTransition(_("A submitted assessment cannot be changed."))
            if assessment.version != expected:
                raise ValidationError(
                    _(
                        "This assessment was changed elsewhere after you opened it (perhaps in another "
                        "window). Your changes have not been saved: copy what you typed, open the "
                        "assessment again and make your changes there."
                    ),
                    code="stale_version",
                )
            assessment.version += 1
        assessment.date = date
        assessment.narrative = narrative
        assessment.recommendation = recommendation
        if submit:
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = timezone.now()
        assessment.save()
        assessment.ratings.all().delete()
        AssessmentRating.objects.bulk_create(
            AssessmentRating(assessment=assessment, area_id=area_id, rating=value, comment=comment)
            for area_id, (value, comment) in ratings.items()
        )
    return assessment


def acknowledge_assessment(*, assessment: Assessment, by: User) -> Assessment:
    if not by.is_manager:
        raise InvalidTransition(_("Only a manager acknowledges assessments."))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.SUBMITTED:
            raise InvalidTransition(_("Only a submitted assessment can be acknowledged."))
        assessment.status = AssessmentStatus.ACKNOWLEDGED
        assessment.acknowledged_by = by
        assessment.acknowledged_at = timezone.now()
        assessment.version += 1
        assessment.save()
    return assessment


def rating_trends(assessment: Assessment) -> dict[int, int | None]:
    """Per area: the change against the previous submitted assessment of the case (None: none)."""
    previous = (
        Assessment.objects.filter(case=assessment.case, date__lt=assessment.date)
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by("-date")
        .first()
    )
    before = dict(previous.ratings.values_list("area_id", "rating")) if previous else {}
    return {
        r.area_id: (r.rating - before[r.area_id]) if r.area_id in before else None
        for r in assessment.ratings.all()
    }


# --- closure and monitoring --------------------------------------------------------------------


def close_with_monitoring(
    *,
    case: Case,
    by: User,
    on: dt.date,
    reason: str,
    final_assessment: str,
    recommendations: str = "",
) -> Case:
    """Close the work and start monitoring (art. 15 ust. 1 pkt 16) for the centre's period."""
    if not final_assessment.strip():
        raise InvalidTransition(_("Write the final assessment."))
    if on > timezone.localdate():
        raise InvalidTransition(_("The closure date cannot be in the future."))
    with transaction.atomic():
        case = close_case(case=case, reason=reason, on=on, by=by, monitoring=True)
        case.final_assessment = final_assessment
        case.recommendations = recommendations
        case.monitoring_until = on + relativedelta(months=Centre.load().monitoring_months)
        case.save()
    return case


def end_monitoring(*, case: Case, by: User | None, on: dt.date | None = None) -> Case:
    """End the monitoring; the case becomes read-only."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.MONITORING:
            raise InvalidTransition(_("Only a case in monitoring can end its monitoring."))
        case.status = CaseStatus.ENDED
        case.ended_on = on or timezone.localdate()
        case.version += 1
        case.save()
    return case


def end_due_monitoring(today: dt.date | None = None) -> int:
    """Monitoring ends on its date: end every case whose planned monitoring has passed."""
    today = today or timezone.localdate()
    due = Case.objects.filter(status=CaseStatus.MONITORING, monitoring_until__lt=today)
    count = 0
    for case in due.only("pk"):
        end_monitoring(case=case, by=None, on=today)
        count += 1
    return count
