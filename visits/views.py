"""Views of the visits app: the visit log from the field, the assistant's week, interventions, and
visits removed as logged by mistake (removed by their author or the case's assistant, restored
by a manager from the page of removed records).

Objects are reached through the scoped selectors (404 when not visible); writing is for the
case's own assistant (403 for others who may see the case).
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent import told
from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.pagination import paginate
from asystent.roles import role_required
from cases.forms.removal import RemovalForm
from cases.models import Case
from cases.selectors import get_case_for

from .forms import InterventionForm, VisitForm
from .models import Visit
from .selectors import (
    get_intervention_for,
    get_visit_for,
    interventions_of_case,
    iso_week_label,
    my_visits,
    visits_by_point,
    visits_of_case,
    week_start,
)
from .services import (
    intervention_blocker,
    record_intervention,
    remove_visit,
    restore_visit,
    save_visit,
    visit_blocker,
)
from .week import week_days

VISITS_PER_PAGE = 25


def _case_for_work(request: AuthenticatedHttpRequest, case_pk: int, perm: str) -> Case:
    """The case, if the user may see it (else 404) and holds `perm` on it (else 403)."""
    case = get_case_for(request.user, case_pk)
    if not request.user.has_perm(perm, case):
        raise PermissionDenied
    return case


def _wants_final(request: AuthenticatedHttpRequest) -> bool:
    return request.POST.get("action") == "final"


def _saved_message(request: AuthenticatedHttpRequest, visit: Visit) -> None:
    if visit.is_draft:
        messages.success(request, _("The draft has been saved. You can finish it later."))
    else:
        messages.success(request, _("The visit has been saved."))


@require_http_methods(["GET", "POST"])
def visit_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = _case_for_work(request, case_pk, "visits.log_visit")
    blocker = visit_blocker(case)
    final = _wants_final(request)
    form = VisitForm(request.POST or None, case=case, final=final)
    if request.method == "POST" and blocker is None and form.is_valid():
        try:
            visit = save_visit(case=case, data=form.cleaned_data, by=request.user, final=final)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _saved_message(request, visit)
            return redirect(visit)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(request, "visits/visit_form.html", {"case": case, "form": form, "blocker": blocker})


@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    case = visit.case
    if not request.user.has_perm("visits.edit_visit", visit):
        raise PermissionDenied
    if not visit.is_editable():
        messages.error(
            request, _("A saved visit can be corrected only for 7 days; this one can no longer be changed.")
        )
        return redirect(visit)
    blocker = visit_blocker(case, visit=visit)
    was_draft = visit.is_draft
    final = _wants_final(request)
    form = VisitForm(request.POST or None, case=case, final=final, instance=visit)
    if request.method == "POST" and blocker is None and form.is_valid():
        try:
            saved = save_visit(case=case, data=form.cleaned_data, by=request.user, final=final, visit=visit)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _saved_message(request, saved)
            return redirect(saved)
    if request.method == "GET":
        log_access(request, family_id=case.family_id, obj=visit, action=AccessAction.VIEW)
    context = {"case": case, "form": form, "blocker": blocker, "visit": visit, "was_draft": was_draft}
    return render(request, "visits/visit_form.html", context)


@require_GET
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    log_access(request, family_id=visit.case.family_id, obj=visit, action=AccessAction.VIEW)
    can_edit = (
        request.user.has_perm("visits.edit_visit", visit)
        and visit.is_editable()
        and visit_blocker(visit.case, visit=visit) is None
    )
    context = {
        "visit": visit,
        "case": visit.case,
        "participants": visit.participants.all(),
        "areas": visit.areas.all(),
        "goals": visit.goals.select_related("area"),
        "can_edit": can_edit,
    }
    return render(request, "visits/visit_detail.html", context)


@require_GET
def case_visits(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for(request.user, case_pk)
    page = paginate(request, visits_of_case(case), VISITS_PER_PAGE)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)

    context = {
        "case": case,
        "page": page,
        "interventions": interventions_of_case(case),
        "points": visits_by_point(case),
        "can_log_visit": request.user.has_perm("visits.log_visit", case) and visit_blocker(case) is None,
        "can_record_intervention": (
            request.user.has_perm("visits.record_intervention", case) and intervention_blocker(case) is None
        ),
    }
    return render(request, "visits/case_visits.html", context)


@role_required(Role.ASSISTANT)
@require_GET
def my_week(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The assistant's own visits of one ISO week (?week=2026-W48), day by day."""
    today = timezone.localdate()
    monday = week_start(request.GET.get("week"), today)
    days = week_days(my_visits(request.user), monday, today)
    visits = [visit for day in days for visit in day["visits"]]
    minutes = sum(visit.length_minutes or 0 for visit in visits)
    context = {
        "days": days,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "week_number": monday.isocalendar()[1],
        "previous_week": iso_week_label(monday - dt.timedelta(days=7)),
        "next_week": iso_week_label(monday + dt.timedelta(days=7)),
        "is_current_week": monday <= today <= monday + dt.timedelta(days=6),
        "visit_count": len(visits),
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }
    return render(request, "visits/my_week.html", context)


@require_http_methods(["GET", "POST"])
def intervention_create(request: AuthenticatedHttpRequest, case_pk: int) -> HttpResponse:
    case = _case_for_work(request, case_pk, "visits.record_intervention")
    blocker = intervention_blocker(case)
    form = InterventionForm(request.POST or None)
    if request.method == "POST" and blocker is None and form.is_valid():
        try:
            intervention = record_intervention(case=case, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            told.success(request, _("The intervention has been recorded."))
            return redirect(intervention)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(request, "visits/intervention_form.html", {"case": case, "form": form, "blocker": blocker})


@require_GET
def intervention_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    intervention = get_intervention_for(request.user, pk)
    log_access(request, family_id=intervention.case.family_id, obj=intervention, action=AccessAction.VIEW)
    return render(
        request, "visits/intervention_detail.html", {"intervention": intervention, "case": intervention.case}
    )


# --- no hard delete: visits logged by mistake ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def visit_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    if not request.user.has_perm("visits.remove_visit", visit):
        raise PermissionDenied
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remove_visit(visit=visit, by=request.user, reason=form.cleaned_data["reason"])
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The visit has been removed from the log. A manager can restore it."))
            return redirect("visits:case-visits", visit.case_id)
    log_access(request, family_id=visit.case.family_id, obj=visit, action=AccessAction.VIEW)
    return render(request, "visits/visit_remove.html", {"form": form, "visit": visit, "case": visit.case})


@role_required(Role.MANAGER)
@require_POST
def visit_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit.all_objects.visible_to(request.user).removed(), pk=pk)
    try:
        restore_visit(visit=visit, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit is back in the log."))
    return redirect("cases:removed-records")
