"""The work panel of the case page: the plan, assessments, deadlines, closure, monitoring and the
timeline, in a number of queries that does not grow with the case."""

import datetime as dt
from typing import Any, cast

from django.utils import timezone

from asystent.models import Centre, User

from ..deadlines import assessment_base, assessment_due, monitoring_over
from ..enums import AssessmentStatus, CaseStatus
from ..models import OPEN_STATUSES, Case, PlanAction, WorkPlan
from ..timeline import Records, timeline_page

# The case panel lists this many upcoming plan deadlines.
PANEL_DEADLINES = 5
# What the panel and the timeline show of the plans (a page reading them for itself reads these).
PANEL_PLAN_FIELDS = ("pk", "case_id", "version", "created_at", "social_worker_confirmed_at")


def case_panel_context(
    case: Case,
    user: User,
    today: dt.date | None = None,
    *,
    centre: Centre | None = None,
    timeline_number: int = 1,
    records: Records | None = None,
) -> dict[str, Any]:
    """What `cases/work/_case_panel.html` shows on the case page: the plan, the assessments with
    the next due date, upcoming plan deadlines, closure and monitoring, and the timeline (its
    pages up to `timeline_number`).

    The case was reached through `get_case_for`; the number of queries does not depend on the
    number of plans, assessments or visits. `records`: the case's plans (newest version first),
    assignments or consents the page has already read; the timeline reuses them and the
    assessments read here."""
    today = today or timezone.localdate()
    centre = centre or Centre.load()
    records = dict(records or {})
    if records.get("plans") is None:
        records["plans"] = list(case.plans.only(*PANEL_PLAN_FIELDS).order_by("-version"))
    plans = cast(list[WorkPlan], list(records["plans"]))
    plan = plans[0] if plans else None
    assessments = list(case.assessments.select_related("author").order_by("-date", "-pk"))
    records["assessments"] = assessments
    in_progress = case.status in OPEN_STATUSES
    # The rule of cases.deadlines, from the assessments read here.
    last = max((a.date for a in assessments if a.status != AssessmentStatus.DRAFT), default=None)
    due = (
        assessment_due(assessment_base(case, last), centre.assessment_interval_months)
        if in_progress
        else None
    )
    deadlines = (
        list(
            PlanAction.objects.filter(goal__plan=plan).pending().order_by("deadline", "pk")[:PANEL_DEADLINES]
        )
        if plan and in_progress
        else []
    )
    may_close = user.has_perm("cases.close_case", case)
    # The latest closure proposal: a pending one keeps the work going; a returned one says why.
    proposal = (
        case.closure_proposals.only(
            "pk", "case_id", "status", "closing_on", "decision_comment", "proposed_at"
        )
        .order_by("-proposed_at", "-pk")
        .first()
        if in_progress
        else None
    )
    draft = next(
        (a for a in assessments if a.status == AssessmentStatus.DRAFT and a.author_id == user.pk), None
    )
    return {
        "case": case,
        "today": today,
        "plan": plan,
        "plan_versions": len(plans),
        "assessment_due": due,
        "assessment_overdue": due is not None and due < today,
        "assessments": assessments,
        "draft_assessment": draft if in_progress else None,
        "deadlines": deadlines,
        "can_write_plan": user.has_perm("cases.edit_plan", case) and in_progress,
        "can_assess": user.has_perm("cases.write_assessment", case) and in_progress,
        "can_close": may_close and in_progress and not (proposal and proposal.is_pending),
        "closure_proposal": proposal,
        "can_end_monitoring": may_close and case.status == CaseStatus.MONITORING,
        "monitoring_overdue": (
            case.status == CaseStatus.MONITORING and monitoring_over(case.monitoring_until, today)
        ),
        "timeline": timeline_page(case, timeline_number, cumulative=True, records=records),
    }
