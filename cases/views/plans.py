"""Views of the work plan: writing a version (the first or the next), reading it, and the social
worker's confirmation of the consultation.

Thin: each view reaches the case through `get_case_for` (404 when the user may not see it),
checks the person's part in the case (403), parses a form and calls cases.services.plans.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent import told
from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.roles import role_required

from .. import services
from ..enums import StatutoryTask
from ..forms.plans import PlanEditor
from ..models import OPEN_STATUSES, PlanAction
from ..selectors import get_case_for, get_plan_for
from ..services import plans
from .access import refuse, require_perm


@role_required(Role.ASSISTANT)
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    """Write the first plan or, starting from the current version, the next one."""
    case = get_case_for(request.user, case_pk)
    require_perm(request.user, "cases.edit_plan", case)
    try:
        services.ensure_in_progress(case)
    except InvalidTransition as error:
        return refuse(request, case, error)
    previous = plans.current_plan(case)
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
                plan = plans.save_plan_version(
                    case=case,
                    by=request.user,
                    main_goal=data["main_goal"],
                    goals=editor.goal_data(),
                    social_worker_consulted_on=data.get("social_worker_consulted_on"),
                    foster_coordinator_consulted_on=data.get("foster_coordinator_consulted_on"),
                    foster_coordinator_name=data.get("foster_coordinator_name", ""),
                    child_help_plan_date=data.get("child_help_plan_date"),
                    child_help_plan_keeper=data.get("child_help_plan_keeper", ""),
                    revision_reason=data.get("revision_reason", ""),
                    based_on=data.get("based_on"),
                )
            except ValidationError as error:
                editor.plan_form.add_error(None, error)
            else:
                told.success(
                    request,
                    _("Version %(version)d of the work plan has been saved.") % {"version": plan.version},
                )
                return redirect("cases:plan-detail", plan.pk)
    else:
        if previous is not None:
            editor = PlanEditor.from_plan(previous, needs_foster=needs_foster)
            log_access(request, family_id=case.family_id, obj=previous, action=AccessAction.VIEW)
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


def goals_by_task(goals: list) -> list[tuple[str, list]]:
    """The plan's goals grouped by the point of art. 15 ust. 1 their area belongs to (pkt 3-13),
    in the order of the points; areas without a point last."""
    groups: dict[int | None, list] = {}
    for goal in goals:
        groups.setdefault(goal.area.task, []).append(goal)
    return [
        (str(StatutoryTask(task).label) if task else _("areas without a point of the Act"), members)
        for task, members in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0))
    ]


@require_GET
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One version of the plan; older versions stay readable, marked as archived."""
    plan = get_plan_for(request.user, pk)
    case = plan.case
    versions = list(case.plans.only("pk", "version", "created_at", "case_id").order_by("-version"))
    goals = list(
        plan.goals.select_related("area").prefetch_related(
            Prefetch("actions", queryset=PlanAction.objects.order_by("deadline", "pk"))
        )
    )
    is_current = versions[0].pk == plan.pk
    user = request.user
    log_access(request, family_id=case.family_id, obj=plan, action=AccessAction.VIEW)
    return render(
        request,
        "cases/work/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "goals": goals,
            "by_task": goals_by_task(goals),
            "versions": versions,
            "is_current": is_current,
            "can_revise": (
                is_current and case.status in OPEN_STATUSES and user.has_perm("cases.edit_plan", case)
            ),
            "can_confirm": (
                user.is_social_worker
                and case.social_worker_id == user.pk
                and plan.social_worker_confirmed_at is None
                and case.status in services.WRITABLE_STATUSES
            ),
        },
    )


@role_required(Role.SOCIAL_WORKER)
@require_POST
def plan_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The case's social worker confirms that the plan was consulted with them."""
    plan = get_plan_for(request.user, pk)
    if plan.case.social_worker_id != request.user.pk:
        raise PermissionDenied
    try:
        services.ensure_writable(plan.case)
        plans.confirm_consultation(plan=plan, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have confirmed the consultation of the work plan."))
    return redirect("cases:plan-detail", plan.pk)
