"""Views of the assistant's case work: the work plan and its versions, periodic assessments,
closure with monitoring and its end, and the work panel shown on the case page.

Thin: each view reaches the case through `get_case_for` (404 when the user may not see it),
checks the person's part in the case (403), parses a form and calls a service of `casework`.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.models import Centre, User
from asystent.roles import role_required

from . import casework
from .agenda import PENDING_ACTION_STATUSES, assessment_due_on
from .enums import AssessmentStatus, CaseStatus
from .models import OPEN_STATUSES, Assessment, AssessmentArea, Case, PlanAction, WorkPlan
from .selectors import get_case_for
from .timeline import Records, timeline_page
from .work_forms import AssessmentForm, CloseForm, EndMonitoringForm, PlanEditor

# The case panel lists this many upcoming plan deadlines.
PANEL_DEADLINES = 5
# What the panel and the timeline show of the plans (a page reading them for itself reads these).
PANEL_PLAN_FIELDS = ("pk", "case_id", "version", "created_at", "social_worker_confirmed_at")


# --- access --------------------------------------------------------------------------------------


def _get_plan_for(user: User, pk: int) -> WorkPlan:
    return get_object_or_404(
        WorkPlan.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
            "case__family",
            "case__assistant",
            "case__social_worker",
            "created_by",
            "social_worker_confirmed_by",
        ),
        pk=pk,
    )


def _get_assessment_for(user: User, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
            "case__family", "author", "acknowledged_by"
        ),
        pk=pk,
    )


def _is_case_assistant(user: User, case: Case) -> bool:
    return user.is_assistant and case.assistant_id == user.pk


def _require_case_assistant(user: User, case: Case) -> None:
    """Only the family's own assistant writes its plan and assessments."""
    if not _is_case_assistant(user, case):
        raise PermissionDenied


def _may_close(user: User, case: Case) -> bool:
    return user.is_manager or _is_case_assistant(user, case)


def _refuse(request: HttpRequest, case: Case, error: InvalidTransition) -> HttpResponse:
    """The case's status does not allow the step: say why on the case page."""
    messages.error(request, " ".join(error.messages))
    return redirect(case)


def _log_view(request: HttpRequest, case: Case, obj: Any) -> None:
    log_access(request, family_id=case.family_id, obj=obj, action=AccessAction.VIEW)


# --- work plan -----------------------------------------------------------------------------------


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Write the first plan or, starting from the current version, the next one."""
    case = get_case_for(request.user, case_pk)
    _require_case_assistant(request.user, case)
    try:
        casework.ensure_in_progress(case)
    except InvalidTransition as error:
        return _refuse(request, case, error)
    previous = casework.current_plan(case)
    foster_children = [m for m in case.family.members.all() if m.in_foster_care]
    needs_foster = bool(foster_children)
    is_revision = previous is not None

    if request.method == "POST":
        # The form is checked as the page showed it: a first plan stays a first plan even if
        # another window saved one meanwhile (the service then refuses it as stale).
        based_on = request.POST.get("based_on", "")
        if based_on.isdigit():
            is_revision = int(based_on) > 0
        editor = PlanEditor(data=request.POST, needs_foster=needs_foster, is_revision=is_revision)
        row = PlanEditor.requested_row(request.POST)
        if row is not None:
            new_goal, new_action_for = row
            editor = editor.with_row(new_goal=new_goal, new_action_for=new_action_for)
            if request.htmx:
                return render(
                    request,
                    "cases/work/_plan_editor.html",
                    {"case": case, "editor": editor, "foster_children": foster_children},
                )
        elif editor.is_valid():
            data = editor.plan_form.cleaned_data
            try:
                plan = casework.save_plan_version(
                    case=case,
                    by=request.user,
                    main_goal=data["main_goal"],
                    goals=editor.goal_data(),
                    social_worker_consulted_on=data.get("social_worker_consulted_on"),
                    foster_coordinator_consulted_on=data.get("foster_coordinator_consulted_on"),
                    foster_coordinator_name=data.get("foster_coordinator_name", ""),
                    revision_reason=data.get("revision_reason", ""),
                    based_on=data.get("based_on"),
                )
            except ValidationError as error:
                editor.plan_form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Version %(version)d of the work plan has been saved.") % {"version": plan.version},
                )
                return redirect("cases:plan-detail", plan.pk)
    else:
        if previous is not None:
            editor = PlanEditor.from_plan(previous, needs_foster=needs_foster)
            _log_view(request, case, previous)
        else:
            coordinators = "; ".join(m.foster_coordinator for m in foster_children if m.foster_coordinator)
            editor = PlanEditor(
                plan_initial={"based_on": 0, "foster_coordinator_name": coordinators},
                needs_foster=needs_foster,
                is_revision=False,
            )
    return render(
        request,
        "cases/work/plan_form.html",
        {
            "case": case,
            "editor": editor,
            "previous": previous,
            "foster_children": foster_children,
        },
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of the plan; older versions stay readable, marked as archived."""
    plan = _get_plan_for(request.user, pk)
    case = plan.case
    versions = list(case.plans.only("pk", "version", "created_at", "case_id").order_by("-version"))
    goals = plan.goals.select_related("area").prefetch_related(
        Prefetch("actions", queryset=PlanAction.objects.order_by("deadline", "pk"))
    )
    is_current = versions[0].pk == plan.pk
    user = request.user
    _log_view(request, case, plan)
    return render(
        request,
        "cases/work/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "goals": goals,
            "versions": versions,
            "is_current": is_current,
            "can_revise": is_current and case.status in OPEN_STATUSES and _is_case_assistant(user, case),
            "can_confirm": (
                user.is_social_worker
                and case.social_worker_id == user.pk
                and plan.social_worker_confirmed_at is None
                and case.status in casework.WRITABLE_STATUSES
            ),
        },
    )


@role_required(Role.SOCIAL_WORKER)
@require_POST
def plan_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's social worker confirms that the plan was consulted with them."""
    plan = _get_plan_for(request.user, pk)
    if plan.case.social_worker_id != request.user.pk:
        raise PermissionDenied
    try:
        casework.ensure_writable(plan.case)
        casework.confirm_consultation(plan=plan, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have confirmed the consultation of the work plan."))
    return redirect("cases:plan-detail", plan.pk)


# --- periodic assessment ------------------------------------------------------------------------


def _previous_assessment(case: Case, exclude: Assessment | None = None) -> Assessment | None:
    """The latest assessment handed to the manager: its ratings are shown beside the new ones."""
    previous = case.assessments.exclude(status=AssessmentStatus.DRAFT)
    if exclude is not None:
        previous = previous.exclude(pk=exclude.pk)
    return previous.order_by("-date", "-pk").prefetch_related("ratings").first()


def _assessment_form(request: HttpRequest, case: Case, assessment: Assessment | None) -> HttpResponse:
    centre = Centre.load()
    areas = list(AssessmentArea.objects.filter(is_active=True))
    previous = _previous_assessment(case, exclude=assessment)
    previous_ratings = {r.area_id: r.rating for r in previous.ratings.all()} if previous else {}
    submit = "submit" in request.POST
    kwargs = {"areas": areas, "scale_max": centre.assessment_scale_max}
    if assessment is not None:
        kwargs["version"] = assessment.version
    if request.method == "POST":
        form = AssessmentForm(request.POST, submit=submit, **kwargs)
        if form.is_valid():
            try:
                saved = casework.save_assessment(
                    case=case,
                    by=request.user,
                    date=form.cleaned_data["date"],
                    narrative=form.cleaned_data["narrative"],
                    recommendation=form.cleaned_data["recommendation"],
                    ratings=form.ratings(),
                    submit=submit,
                    assessment=assessment,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if submit:
                    messages.success(request, _("The assessment has been submitted to the manager."))
                else:
                    messages.success(request, _("The draft assessment has been saved."))
                return redirect("cases:assessment-detail", saved.pk)
    else:
        initial: dict[str, Any] = {"date": timezone.localdate()}
        if assessment is not None:
            initial = {
                "date": assessment.date,
                "narrative": assessment.narrative,
                "recommendation": assessment.recommendation,
            }
            for rating in assessment.ratings.all():
                initial[f"rating_{rating.area_id}"] = str(rating.rating)
                initial[f"comment_{rating.area_id}"] = rating.comment
        form = AssessmentForm(initial=initial, **kwargs)
        if previous is not None:
            _log_view(request, case, previous)
    rows = [
        {"area": area, "rating": rating, "comment": comment, "previous": previous_ratings.get(area.pk)}
        for area, rating, comment in form.area_rows()
    ]
    return render(
        request,
        "cases/work/assessment_form.html",
        {
            "case": case,
            "form": form,
            "rows": rows,
            "assessment": assessment,
            "previous": previous,
            "scale_max": centre.assessment_scale_max,
        },
    )


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for(request.user, case_pk)
    _require_case_assistant(request.user, case)
    try:
        casework.ensure_in_progress(case)
    except InvalidTransition as error:
        return _refuse(request, case, error)
    draft = case.assessments.filter(status=AssessmentStatus.DRAFT, author=request.user).first()
    if draft is not None and request.method == "GET":
        messages.info(request, _("You have a draft of this assessment: continue it here."))
        return redirect("cases:assessment-edit", draft.pk)
    return _assessment_form(request, case, None)


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Only a draft is edited, and only by its author."""
    assessment = _get_assessment_for(request.user, pk)
    case = assessment.case
    if assessment.author_id != request.user.pk:
        raise PermissionDenied
    if assessment.status != AssessmentStatus.DRAFT and request.method == "GET":
        messages.error(request, _("A submitted assessment cannot be changed."))
        return redirect("cases:assessment-detail", assessment.pk)
    # A form sent after the draft was submitted elsewhere is shown again with the refusal
    # (casework.save_assessment), so what was typed is not lost.
    try:
        casework.ensure_in_progress(case)
    except InvalidTransition as error:
        return _refuse(request, case, error)
    return _assessment_form(request, case, assessment)


@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for(request.user, pk)
    case = assessment.case
    trends = casework.rating_trends(assessment)
    ratings = []
    for rating in assessment.ratings.select_related("area").order_by("area__order", "area__name"):
        trend = trends.get(rating.area_id)
        ratings.append(
            {
                "rating": rating,
                "trend": trend,
                "change": abs(trend) if trend is not None else None,
                "previous": rating.rating - trend if trend is not None else None,
            }
        )
    user = request.user
    _log_view(request, case, assessment)
    return render(
        request,
        "cases/work/assessment_detail.html",
        {
            "case": case,
            "assessment": assessment,
            "ratings": ratings,
            "scale_max": Centre.load().assessment_scale_max,
            "can_acknowledge": user.is_manager and assessment.status == AssessmentStatus.SUBMITTED,
            "can_edit": (
                assessment.status == AssessmentStatus.DRAFT
                and assessment.author_id == user.pk
                and case.status in OPEN_STATUSES
            ),
        },
    )


@role_required(Role.MANAGER)
@require_POST
def assessment_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for(request.user, pk)
    try:
        casework.acknowledge_assessment(assessment=assessment, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have acknowledged the assessment."))
    return redirect("cases:assessment-detail", assessment.pk)


# --- closure and monitoring ---------------------------------------------------------------------


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Close the work with the family; monitoring starts for the centre's period."""
    case = get_case_for(request.user, case_pk)
    if not _may_close(request.user, case):
        raise PermissionDenied
    try:
        casework.ensure_in_progress(case)
    except InvalidTransition as error:
        return _refuse(request, case, error)
    centre = Centre.load()
    data = request.POST if request.method == "POST" else None
    form = CloseForm(data, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            case = casework.close_with_monitoring(
                case=case,
                by=request.user,
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                final_assessment=form.cleaned_data["final_assessment"],
                recommendations=form.cleaned_data["recommendations"],
            )
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The work with the family is closed. Monitoring continues until %(date)s.")
                % {"date": case.monitoring_until.strftime("%d.%m.%Y")},
            )
            return redirect(case)
    return render(
        request,
        "cases/work/close_form.html",
        {"case": case, "form": form, "monitoring_months": centre.monitoring_months},
    )


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def monitoring_end(request: HttpRequest, case_pk: int) -> HttpResponse:
    """End the monitoring after confirmation; the case becomes read-only."""
    case = get_case_for(request.user, case_pk)
    if not _may_close(request.user, case):
        raise PermissionDenied
    if case.status != CaseStatus.MONITORING:
        messages.error(request, _("Only a case in monitoring can end its monitoring."))
        return redirect(case)
    form = EndMonitoringForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            casework.end_monitoring(case=case, by=request.user, on=timezone.localdate())
        except InvalidTransition as error:
            return _refuse(request, case, error)
        messages.success(request, _("The monitoring has ended. The case is now read-only."))
        return redirect(case)
    return render(
        request,
        "cases/work/monitoring_end.html",
        {
            "case": case,
            "form": form,
            "early": case.monitoring_until and case.monitoring_until > timezone.localdate(),
        },
    )


# --- the case page's work panel -----------------------------------------------------------------


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
    plans = list(records["plans"])
    plan = plans[0] if plans else None
    assessments = list(case.assessments.select_related("author").order_by("-date", "-pk"))
    records["assessments"] = assessments
    in_progress = case.status in OPEN_STATUSES
    # casework.next_assessment_due, from the assessments read here.
    last = max((a.date for a in assessments if a.status != AssessmentStatus.DRAFT), default=None)
    due = assessment_due_on(case, last, centre) if in_progress else None
    deadlines = (
        list(
            PlanAction.objects.filter(goal__plan=plan, status__in=PENDING_ACTION_STATUSES).order_by(
                "deadline", "pk"
            )[:PANEL_DEADLINES]
        )
        if plan and in_progress
        else []
    )
    own = _is_case_assistant(user, case)
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
        "can_write_plan": own and in_progress,
        "can_assess": own and in_progress,
        "can_close": _may_close(user, case) and in_progress,
        "can_end_monitoring": _may_close(user, case) and case.status == CaseStatus.MONITORING,
        "monitoring_overdue": (
            case.status == CaseStatus.MONITORING
            and case.monitoring_until is not None
            and case.monitoring_until < today
        ),
        "timeline": timeline_page(case, timeline_number, cumulative=True, records=records),
    }
