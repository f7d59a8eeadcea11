"""Views of cooperation: the register of institutions, the family's correspondence, and the
"Niebieska Karta" procedure.

The procedure is reached only through `selectors.get_procedure_for` and friends: 404 for anybody
outside its circle (the family's assistant, the managers, the social workers in the group). Every
page of it and of the correspondence records the read in the access log, as the family's file does.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.files import private_file_response
from asystent.http import AuthenticatedHttpRequest
from asystent.pagination import paginate
from asystent.roles import role_required
from cases.models import Family
from cases.selectors import get_plan_for
from visits.selectors import get_visit_for

from . import deadlines, selectors, services
from .enums import MeetingKind
from .forms import (
    CardFormForm,
    DoneOnForm,
    GroupMeetingForm,
    GroupMemberForm,
    InstitutionForm,
    InstitutionsForm,
    LetterForm,
    MeetingTaskForm,
    ProcedureEndForm,
    ProcedureForm,
    ProcedureStepsForm,
)
from .models import Institution, Procedure, ProcedureTerms, Task

STAFF = (Role.ASSISTANT, Role.SOCIAL_WORKER, Role.MANAGER, Role.ADMINISTRATOR)

# --- institutions --------------------------------------------------------------------------------


@role_required(*STAFF)
@require_GET
def institution_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.search_institutions(query), 25)
    context = {
        "page": page,
        "query": query,
        "can_edit": request.user.has_perm("cooperation.keep_institutions"),
    }
    return render(request, "cooperation/institution_list.html", context)


@require_http_methods(["GET", "POST"])
def institution_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if not request.user.has_perm("cooperation.keep_institutions"):
        raise PermissionDenied
    institution = get_object_or_404(Institution, pk=pk) if pk else None
    form = InstitutionForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The institution has been saved."))
        return redirect("cooperation:institution-list")
    return render(request, "cooperation/institution_form.html", {"form": form, "institution": institution})


# --- correspondence ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def letter_list(request: AuthenticatedHttpRequest, family_pk: int) -> HttpResponse:
    """The family's correspondence, with the form to log a letter."""
    family = selectors.get_family_for_letters(request.user, family_pk)
    can_log = request.user.has_perm("cooperation.log_letters")
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_log:
            raise PermissionDenied
        if form.is_valid():
            services.record_letter(letter=form.save(commit=False), family=family, by=request.user)
            messages.success(request, _("The letter has been logged."))
            return redirect("cooperation:letter-list", family.pk)
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    context = {
        "family": family,
        "letters": list(selectors.letters_of(family)),
        "form": form,
        "can_log": can_log,
        "today": timezone.localdate(),
    }
    return render(request, "cooperation/letter_list.html", context)


@require_POST
def letter_replied(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    letter = selectors.get_letter_for(request.user, pk)
    if not request.user.has_perm("cooperation.log_letters"):
        raise PermissionDenied
    form = DoneOnForm(request.POST)
    if form.is_valid():
        services.mark_replied(letter=letter, on=form.cleaned_data["on"], by=request.user)
        messages.success(request, _("The reply has been recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("cooperation:letter-list", letter.family_id)


@require_GET
def letter_scan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    letter = selectors.get_letter_for(request.user, pk)
    return private_file_response(request, letter.scan or None, family_id=letter.family_id, obj=letter)


# --- the "Niebieska Karta" procedure -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def procedure_create(request: AuthenticatedHttpRequest, family_pk: int) -> HttpResponse:
    family = selectors.get_family_for_letters(request.user, family_pk)
    if not request.user.has_perm("cooperation.start_procedure"):
        raise PermissionDenied
    form = ProcedureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        procedure = services.start_procedure(
            procedure=form.save(commit=False), family=family, by=request.user
        )
        messages.success(request, _("The Niebieska Karta procedure has been recorded."))
        return redirect(procedure)
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(request, "cooperation/procedure_form.html", {"family": family, "form": form})


@require_GET
def procedure_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    procedure = selectors.get_procedure_for(request.user, pk)
    log_access(request, family_id=procedure.family_id, obj=procedure, action=AccessAction.VIEW)
    meetings = list(
        procedure.meetings.select_related("recorded_by").prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("assignee").order_by("due_on", "pk"))
        )
    )
    group_meetings = [m.date for m in meetings if m.kind == MeetingKind.GROUP]
    today = timezone.localdate()
    context = {
        "procedure": procedure,
        "family": procedure.family,
        "members": list(procedure.members.select_related("user", "institution")),
        "meetings": meetings,
        "deadlines": deadlines.procedure_deadlines(
            procedure, ProcedureTerms.load(), min(group_meetings) if group_meetings else None
        ),
        "today": today,
        "card_forms": list(procedure.card_forms.select_related("recorded_by")),
        "can_record": request.user.has_perm("cooperation.record_procedure", procedure),
    }
    return render(request, "cooperation/procedure_detail.html", context)


def _procedure_to_record(request: AuthenticatedHttpRequest, pk: int) -> Procedure:
    procedure = selectors.get_procedure_for(request.user, pk)
    if not request.user.has_perm("cooperation.record_procedure", procedure):
        raise PermissionDenied
    log_access(request, family_id=procedure.family_id, obj=procedure, action=AccessAction.VIEW)
    return procedure


def _procedure_form_page(
    request: AuthenticatedHttpRequest, procedure: Procedure, form: object, title: str, button: str
) -> HttpResponse:
    context = {
        "procedure": procedure,
        "family": procedure.family,
        "form": form,
        "title": title,
        "button": button,
    }
    return render(request, "cooperation/procedure_step_form.html", context)


@require_http_methods(["GET", "POST"])
def procedure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure_to_record(request, pk)
    form = ProcedureStepsForm(request.POST or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        services.update_procedure(procedure=form.save(commit=False), by=request.user)
        messages.success(request, _("The procedure's steps have been saved."))
        return redirect(procedure)
    return _procedure_form_page(request, procedure, form, _("The procedure's steps"), _("Save"))


@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure_to_record(request, pk)
    form = GroupMemberForm(request.POST or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        services.add_member(member=form.save(commit=False), procedure=procedure, by=request.user)
        messages.success(request, _("The member has been added to the group."))
        return redirect(procedure)
    return _procedure_form_page(request, procedure, form, _("A member of the group"), _("Add to the group"))


@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure_to_record(request, pk)
    form = GroupMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_meeting(meeting=form.save(commit=False), procedure=procedure, by=request.user)
        messages.success(request, _("The meeting has been recorded."))
        return redirect(procedure)
    return _procedure_form_page(request, procedure, form, _("A meeting"), _("Record the meeting"))


@require_http_methods(["GET", "POST"])
def task_create(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_pk)
    procedure = _procedure_to_record(request, meeting.procedure_id)
    form = MeetingTaskForm(request.POST or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        services.give_task(task=form.save(commit=False), meeting=meeting, by=request.user)
        messages.success(request, _("The task has been recorded."))
        return redirect(procedure)
    title = _("A task from the meeting of %(date)s") % {"date": f"{meeting.date:%d.%m.%Y}"}
    return _procedure_form_page(request, procedure, form, title, _("Give the task"))


@require_POST
def task_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for(request.user, pk)
    if not request.user.has_perm("cooperation.complete_task", task):
        raise PermissionDenied
    form = DoneOnForm(request.POST)
    if form.is_valid():
        services.complete_task(task=task, on=form.cleaned_data["on"], by=request.user)
        messages.success(request, _("The task is marked as done."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("cooperation:procedure-detail", task.meeting.procedure_id)


@require_http_methods(["GET", "POST"])
def procedure_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure_to_record(request, pk)
    form = ProcedureEndForm(request.POST or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        services.end_procedure(procedure=form.save(commit=False), by=request.user)
        messages.success(request, _("The end of the procedure has been recorded."))
        return redirect(procedure)
    return _procedure_form_page(request, procedure, form, _("The end of the procedure"), _("Record the end"))


@require_http_methods(["GET", "POST"])
def card_form_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a "Niebieska Karta" form prepared within the procedure, with its scan."""
    procedure = _procedure_to_record(request, pk)
    form = CardFormForm(request.POST or None, request.FILES or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        services.record_card_form(card_form=form.save(commit=False), procedure=procedure, by=request.user)
        messages.success(request, _("The form has been recorded."))
        return redirect(procedure)
    return _procedure_form_page(
        request, procedure, form, _("A form prepared within the procedure"), _("Record the form")
    )


@require_GET
def card_form_scan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The scan of a form, to the procedure's circle only (404 for anybody else); recorded."""
    card_form = selectors.get_card_form_for(request.user, pk)
    return private_file_response(
        request, card_form.scan or None, family_id=card_form.procedure.family_id, obj=card_form
    )


# --- institutions taking part in a visit or a work plan ----------------------------------------


def _institutions_page(
    request: AuthenticatedHttpRequest,
    *,
    record: Model,
    family: Family,
    chosen: list[int],
    save: Callable[[list[Institution]], None],
    title: StrOrPromise,
    back: str,
) -> HttpResponse:
    """The page that chooses the institutions taking part in `record` (a visit or a work plan)."""
    form = InstitutionsForm(request.POST or None, chosen=chosen)
    if request.method == "POST" and form.is_valid():
        save(list(form.cleaned_data["institutions"]))
        messages.success(request, _("The institutions taking part have been saved."))
        return redirect(back)
    log_access(request, family_id=family.pk, obj=record, action=AccessAction.VIEW)
    context = {"form": form, "title": title, "back": back, "family": family}
    return render(request, "cooperation/institutions_form.html", context)


@require_http_methods(["GET", "POST"])
def visit_institutions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The institutions taking part in a visit: for the case's assistant (404 if the visit is
    not seen, 403 for others who see it)."""
    visit = get_visit_for(request.user, pk)
    if not request.user.has_perm("visits.log_visit", visit.case):
        raise PermissionDenied
    return _institutions_page(
        request,
        record=visit,
        family=visit.case.family,
        chosen=[institution.pk for institution in selectors.visit_institutions(visit.pk)],
        save=lambda chosen: services.set_visit_institutions(
            visit=visit, institutions=chosen, by=request.user
        ),
        title=_("Institutions taking part in the visit"),
        back=visit.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def plan_institutions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The institutions taking part in a work plan: for the case's assistant."""
    plan = get_plan_for(request.user, pk)
    if not request.user.has_perm("cases.edit_plan", plan.case):
        raise PermissionDenied
    return _institutions_page(
        request,
        record=plan,
        family=plan.case.family,
        chosen=[institution.pk for institution in selectors.plan_institutions(plan.pk)],
        save=lambda chosen: services.set_plan_institutions(plan=plan, institutions=chosen, by=request.user),
        title=_("Institutions taking part in the work plan"),
        back=reverse("cases:plan-detail", args=[plan.pk]),
    )
