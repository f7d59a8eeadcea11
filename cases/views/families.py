"""Views of the cases app: the family list and file, members, the case page, consent, reassignment.

Views parse input with a form and call cases.services; every object is reached through the
user's scoped querysets (cases.selectors), so what the user may not see answers 404.
"""

import copy
import functools
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from asystent import told
from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import CaseloadFull
from asystent.files import private_file_response
from asystent.history import HistorySource, history_rows
from asystent.http import AuthenticatedHttpRequest
from asystent.meta import concrete_field
from asystent.models import Centre, User
from asystent.rate_limits import within_limit
from asystent.roles import role_required
from asystent.transitions import log_entries

from .. import services
from ..enums import CaseStatus, ConsentDecision, LegalBasis, Sex
from ..filters import PESEL_SUFFIX_MIN, FamilyFilter, family_page
from ..forms.families import (
    FAMILY_FIELDS,
    MEMBER_FIELDS,
    ConsentForm,
    FamilyEditForm,
    FamilyForm,
    MemberForm,
    MemberFormSet,
    PeselField,
    ReassignForm,
    on_file_message,
)
from ..models import (
    OPEN_STATUSES,
    Assignment,
    Case,
    Consent,
    Family,
    FamilyMember,
    LegalBasisPeriod,
    WorkPlan,
)
from ..pesel import decode
from ..selectors import (
    families_for_list,
    fill_family_rows,
    find_member_by_pesel,
    get_case_for,
    get_family_for,
    get_member_for,
    registered_family_history,
)
from ..timeline import page_number, timeline_page
from .work_panel import PANEL_PLAN_FIELDS, case_panel_context

# Roles that work with families; the administrator manages the system, not case files.
CASE_ROLES = (Role.SOCIAL_WORKER, Role.ASSISTANT, Role.MANAGER)
# Who registers families and corrects their details.
REGISTRAR_ROLES = (Role.SOCIAL_WORKER, Role.MANAGER)
FAMILIES_PER_PAGE = 25
HISTORY_ROWS = 50


def _searches_a_pesel(query: str) -> bool:
    digits = query.replace(" ", "")
    return digits.isdigit() and len(digits) >= PESEL_SUFFIX_MIN


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def family_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search form posts, so that a PESEL (or its last digits) never goes into a URL, where
    access logs and the browser's history would keep it. Any other search is sent on to the same
    page by GET, which can be bookmarked and shared."""
    data: QueryDict = request.GET
    if request.method == "POST":
        data = request.POST.copy()
        data.pop("csrfmiddlewaretoken", None)
        if not _searches_a_pesel(data.get("q", "")):
            query = urlencode([(name, value) for name, values in data.lists() for value in values if value])
            return redirect(
                f"{reverse('cases:family-list')}?{query}" if query else reverse("cases:family-list")
            )
    filterset = FamilyFilter(
        data or None, queryset=families_for_list(request.user), user=request.user, request=request
    )
    page = family_page(filterset, data.get("page"), FAMILIES_PER_PAGE)
    page.object_list = list(page.object_list)
    fill_family_rows(page.object_list)
    context = {"filter": filterset, "page": page, "can_register": request.user.has_role(*REGISTRAR_ROLES)}
    return render(request, "cases/family_list.html", context)


@role_required(*REGISTRAR_ROLES)
@require_http_methods(["GET", "POST"])
def family_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = FamilyForm()
        formset = MemberFormSet(form_kwargs={"user": request.user})
    elif "add_member" in request.POST:
        # Without JavaScript a new row comes from the server; what was typed is shown again.
        form = FamilyForm(initial={name: request.POST.get(name, "") for name in FAMILY_FIELDS})
        formset = MemberFormSet.with_rows(request.POST, user=request.user)
    else:
        form = FamilyForm(request.POST)
        formset = MemberFormSet(request.POST, form_kwargs={"user": request.user})
        if form.is_valid() and formset.is_valid():
            try:
                family = services.register_family(
                    family_data=form.cleaned_data, members=formset.members_data(), by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The family has been registered."))
                return redirect(family)
    return render(request, "cases/family_create.html", {"form": form, "formset": formset})


PESEL_CHECK_WINDOW_SECONDS = 60 * 60


@role_required(*REGISTRAR_ROLES)
@require_POST
def pesel_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The htmx fragment under a PESEL input: what the number encodes, or what is wrong with it.

    POST, not GET: a PESEL number in the query string would be kept in access logs and history."""
    raw = request.POST.get("pesel") or next(
        (value for name, value in request.POST.items() if name.endswith("-pesel")), ""
    )
    context: dict = {}
    try:
        pesel = PeselField(required=False).clean(raw)
    except ValidationError as error:
        context["error"] = error.messages[0]
    else:
        if pesel:
            # Each look-up in the register is limited per person and recorded (never the number).
            if not within_limit(
                "pesel-check",
                request.user.pk,
                limit=settings.PESEL_CHECK_LIMIT,
                window_seconds=PESEL_CHECK_WINDOW_SECONDS,
            ):
                context["error"] = _(
                    "The limit of PESEL checks has been exceeded. Please try again in an hour; "
                    "the number will also be checked when the form is saved."
                )
                return render(request, "cases/_pesel_check.html", context)
            info = decode(pesel)
            context["info"] = info
            context["sex_label"] = Sex(info.sex).label
            on_file = find_member_by_pesel(pesel)
            log_access(
                request,
                family_id=on_file.family_id if on_file else None,
                obj=on_file or request.user,
                action=AccessAction.PESEL_CHECK,
            )
            if on_file is not None and str(on_file.pk) != request.POST.get("member"):
                context["on_file"] = on_file_message(on_file, request.user)
    return render(request, "cases/_pesel_check.html", context)


@functools.cache
def _history_of(model: type[models.Model]) -> models.Manager:
    """`model.history`, kept: simple_history builds a new manager class at each access."""
    return model.history  # type: ignore[attr-defined]


def _history_sources(family: Family, case_ids: list[int]) -> list[HistorySource]:
    """The family's own records, what the apps above add (`register_family_history`), its cases."""

    def basis(record: Any) -> str:  # a historical Case record
        return str(LegalBasis(record.legal_basis).label)

    return [
        HistorySource(
            _history_of(Family).filter(id=family.pk),
            label=lambda r: _("Family %(name)s") % {"name": r.name},
        ),
        HistorySource(
            _history_of(FamilyMember).filter(family_id=family.pk),
            label=lambda r: _("Member %(name)s") % {"name": f"{r.first_name} {r.last_name}"},
            # The family page shows every member's PESEL masked, so does its history.
            display={"pesel": lambda pesel: FamilyMember(pesel=pesel).masked_pesel},
        ),
        *registered_family_history(family),
        HistorySource(
            _history_of(Case).filter(family_id=family.pk),
            label=lambda r: _("Case: %(basis)s") % {"basis": basis(r)},
        ),
        HistorySource(
            _history_of(Consent).filter(case_id__in=case_ids),
            label=lambda r: _("Consent of %(date)s") % {"date": r.date.strftime("%d.%m.%Y")},
        ),
    ]


@role_required(*CASE_ROLES)
@require_GET
def family_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    family = get_family_for(request.user, pk, related=["registered_by"])
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    consents = Consent.objects.prefetch_related("signed_by").order_by("date", "pk")
    cases = list(
        family.cases.select_related("assistant", "social_worker").prefetch_related(
            Prefetch("consents", queryset=consents)
        )
    )
    user = request.user
    context = {
        "family": family,
        "members": family.members.order_by("birth_date", "pk"),
        "cases": cases,
        "history": history_rows(_history_sources(family, [c.pk for c in cases]), limit=HISTORY_ROWS),
        "can_edit": user.has_role(*REGISTRAR_ROLES),
    }
    return render(request, "cases/family_detail.html", context)


@role_required(*REGISTRAR_ROLES)
@require_http_methods(["GET", "POST"])
def family_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    family = get_family_for(request.user, pk)
    # The form edits a copy: the page keeps showing the family as it is on file.
    form = FamilyEditForm(
        request.POST or None, instance=copy.copy(family), initial={"version": family.version}
    )
    changed_meanwhile = []
    if request.method == "POST" and form.is_valid():
        try:
            family = services.update_family(
                family=family, data=form.family_data(), version=form.cleaned_data["version"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            if error.code == "stale_version":
                # Show what is on file now next to what the user typed; their input stays in the form.
                current = get_family_for(request.user, pk)
                changed_meanwhile = _changes_on_file(current, FAMILY_FIELDS, form.cleaned_data)
        else:
            messages.success(request, _("The family's details have been saved."))
            return redirect(family)
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(
        request,
        "cases/family_edit.html",
        {"form": form, "family": family, "changed_meanwhile": changed_meanwhile},
    )


@role_required(*REGISTRAR_ROLES)
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    family = get_family_for(request.user, pk)
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(family=family, data=form.member_data(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The family member has been added."))
            return redirect(family)
    log_access(request, family_id=family.pk, obj=family, action=AccessAction.VIEW)
    return render(request, "cases/member_form.html", {"form": form, "family": family, "member": None})


@role_required(*REGISTRAR_ROLES)
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_member_for(request.user, pk)
    family = member.family
    # The form edits a copy: the page keeps showing the person as they are on file.
    form = MemberForm(request.POST or None, instance=copy.copy(member), user=request.user)
    changed_meanwhile = []
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(
                member=member, data=form.member_data(), version=form.cleaned_data["version"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            if error.code == "stale_version":
                # What is on file now, next to what the user typed (which stays in the form).
                current = get_member_for(request.user, pk)
                changed_meanwhile = _changes_on_file(current, MEMBER_FIELDS, form.cleaned_data)
        else:
            messages.success(request, _("The family member's details have been saved."))
            return redirect(family)
    log_access(request, family_id=family.pk, obj=member, action=AccessAction.VIEW)
    return render(
        request,
        "cases/member_form.html",
        {"form": form, "family": family, "member": member, "changed_meanwhile": changed_meanwhile},
    )


def _changes_on_file(
    current: Family | FamilyMember, names: list[str], typed: dict[str, Any]
) -> list[tuple[StrOrPromise, object]]:
    """(label, value on file) of the record's fields that differ from what the user typed."""
    changes = []
    for name in names:
        value = getattr(current, name)
        if value == typed.get(name):
            continue
        field = concrete_field(current, name)
        shown = getattr(current, f"get_{name}_display")() if field.choices else value
        changes.append((field.verbose_name, shown))
    return changes


def _may_record_consent(user: User, case: Case) -> bool:
    return user.is_manager or (user.is_assistant and case.assistant_id == user.pk)


@role_required(*CASE_ROLES)
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    number = page_number(request.GET.get("timeline"))
    if request.htmx and "timeline" in request.GET:
        # "Show earlier entries": that page of the timeline alone, added under the ones shown.
        response = render(request, "cases/_timeline_page.html", {"timeline": timeline_page(case, number)})
    else:
        response = render(request, "cases/case_detail.html", _case_page_context(case, request.user, number))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _case_page_context(case: Case, user: User, timeline_number: int) -> dict:
    centre = Centre.load()
    # Read once for the tables of the page, the work panel and the timeline; the plans also for
    # the documents' section (`case.plans.exists`). The case was read for this request alone.
    prefetch_related_objects(
        [case],
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("assistant", "assigned_by").order_by(
                "started_on", "pk"
            ),
        ),
        Prefetch(
            "consents",
            queryset=Consent.objects.select_related("recorded_by")
            .prefetch_related("signed_by")
            .order_by("date", "pk"),
        ),
        Prefetch("plans", queryset=WorkPlan.objects.only(*PANEL_PLAN_FIELDS).order_by("-version")),
        Prefetch("basis_periods", queryset=LegalBasisPeriod.objects.order_by("started_on", "pk")),
    )
    names = ("assignments", "consents", "plans", "basis_periods")
    records = {name: list(getattr(case, name).all()) for name in names}
    return {
        "case": case,
        "family": case.family,
        "assignments": records["assignments"],
        "consents": records["consents"],
        "basis_periods": records["basis_periods"],
        "can_record_consent": case.is_open and _may_record_consent(user, case),
        # The family's latest decision: once it consented, the page offers the withdrawal instead.
        "current_consent": records["consents"][-1] if records["consents"] else None,
        "can_reassign": user.is_manager and case.status in (*OPEN_STATUSES, CaseStatus.MONITORING),
        "transitions": log_entries(case),
        "work_panel": case_panel_context(
            case, user, centre=centre, timeline_number=timeline_number, records=records
        ),
        # The layout's centre (the context processor's) is the one already read.
        "centre": centre,
    }


@role_required(Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def consent_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    if not _may_record_consent(request.user, case):
        raise PermissionDenied
    form = ConsentForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent = services.record_consent(
                case=case,
                decision=data["decision"],
                date=data["date"],
                by=request.user,
                signed_by=list(data["signed_by"]),
                scope=data["scope"],
                reason=data["reason"],
                scan=data["scan"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done: dict[str, str] = {
                ConsentDecision.GIVEN: _("The family's consent has been recorded."),
                ConsentDecision.REFUSED: _("The family's refusal has been recorded."),
                ConsentDecision.WITHDRAWN: _("The withdrawal of consent has been recorded."),
            }
            told.success(request, done[consent.decision])
            return redirect(case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(request, "cases/consent_form.html", {"form": form, "case": case, "family": case.family})


@role_required(*CASE_ROLES)
@require_GET
def consent_scan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    consent = get_object_or_404(
        Consent.objects.filter(case__in=Case.objects.visible_to(request.user)).select_related("case"), pk=pk
    )
    return private_file_response(request, consent.scan, family_id=consent.case.family_id, obj=consent)


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def case_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    form = ReassignForm(
        request.POST or None,
        case=case,
        loads=services.caseloads(),
        limit=Centre.load().caseload_limit,
        limits=services.caseload_limits(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign_case(
                case=case,
                assistant=form.cleaned_data["assistant"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                seen_assistant_id=form.cleaned_data["seen_assistant"],
            )
        except CaseloadFull as error:
            form.add_error("assistant", error)
        except ValidationError as error:
            if error.code == "stale_version":
                # Shown again over the case as it is now: sending it again is a deliberate choice.
                data = request.POST.copy()
                data["seen_assistant"] = str(Case.objects.get(pk=case.pk).assistant_id)
                form.data = data
            form.add_error(None, error)
        else:
            told.success(request, _("The case has been handed to another family assistant."))
            return redirect(_safe_next(request) or case)
    log_access(request, family_id=case.family_id, obj=case, action=AccessAction.VIEW)
    return render(
        request,
        "cases/case_reassign.html",
        {"form": form, "case": case, "family": case.family, "next": _safe_next(request)},
    )


def _safe_next(request: AuthenticatedHttpRequest) -> str:
    """Where to return after a form opened from another page (the dashboard's lists); local only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""
