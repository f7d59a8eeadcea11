"""The staff records' pages: the assistants, each one's record (employment, qualifications,
trainings and supervision), the trainings of a period and the costs of the assistants.

For the manager and the administrator (no family data is shown here); the costs are the
manager's alone."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.http import AuthenticatedHttpRequest
from asystent.models import User
from asystent.roles import role_required

from . import forms, services
from .models import Employment

_keepers = role_required(Role.MANAGER, Role.ADMINISTRATOR)
_managers = role_required(Role.MANAGER)


def _assistants() -> QuerySet[User]:
    """Everyone who is or was a family assistant, or has a staff record."""
    return User.objects.filter(
        Q(is_assistant=True) | Q(employments__isnull=False) | Q(qualifications__isnull=False)
    ).distinct()


def _get_assistant(pk: int) -> User:
    return get_object_or_404(_assistants(), pk=pk)


def last_half_year(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The half-year that ended most recently."""
    today = today or timezone.localdate()
    if today.month >= 7:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)


@_keepers
def assistant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    people = list(
        _assistants()
        .annotate(n_qualifications=Count("qualifications", distinct=True))
        .order_by("-is_active", "last_name", "first_name", "pk")
    )
    current = {
        e.assistant_id: e
        for e in services.employments_during(today, today).filter(assistant__in=[p.pk for p in people])
    }
    for person in people:
        # An attribute for the template; the stubs know only the model's fields.
        person.current_employment = current.get(person.pk)  # type: ignore[attr-defined]
    return render(request, "staff/assistant_list.html", {"people": people})


@_keepers
def assistant_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assistant = _get_assistant(pk)
    developments = assistant.developments.all()
    log_access(request, family_id=None, obj=assistant, action=AccessAction.VIEW)
    return render(
        request,
        "staff/assistant_detail.html",
        {
            "assistant": assistant,
            "employments": assistant.employments.all(),
            "qualifications": assistant.qualifications.all(),
            "developments": developments,
            "hours": services.hours_of(developments),
        },
    )


def _add(request, assistant, form_class, service, title, template="staff/record_form.html"):  # noqa: ANN001, ANN202
    form = form_class(request.POST or None, assistant=assistant)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        service(assistant=assistant, by=request.user, **fields)
        messages.success(request, _("Saved."))
        return redirect("staff:assistant", pk=assistant.pk)
    log_access(request, family_id=None, obj=assistant, action=AccessAction.VIEW)
    return render(request, template, {"form": form, "assistant": assistant, "title": title})


@_keepers
def employment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _add(
        request,
        _get_assistant(pk),
        forms.EmploymentForm,
        services.record_employment,
        _("Add an employment period"),
    )


@_keepers
def employment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    employment = get_object_or_404(Employment, pk=pk)
    form = forms.EmploymentForm(request.POST or None, instance=employment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("staff:assistant", pk=employment.assistant_id)
    log_access(request, family_id=None, obj=employment, action=AccessAction.VIEW)
    return render(
        request,
        "staff/record_form.html",
        {"form": form, "assistant": employment.assistant, "title": _("Change an employment period")},
    )


@_keepers
def qualification_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _add(
        request,
        _get_assistant(pk),
        forms.QualificationForm,
        services.record_qualification,
        _("Record a qualification"),
    )


@_keepers
def development_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _add(
        request,
        _get_assistant(pk),
        forms.DevelopmentForm,
        services.record_development,
        _("Record a training or supervision"),
    )


@_keepers
def development_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The trainings and supervision of a range of days, per assistant and in total."""
    start, end = last_half_year()
    form = forms.RangeForm(request.GET or {"start": start, "end": end})
    rows, totals, items = [], {}, []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        items = list(services.developments_during(start, end).order_by("assistant__last_name", "date", "pk"))
        qs = services.developments_during(start, end)
        totals = services.hours_of(qs)
        by_person: dict[int, dict] = {}
        for item in items:
            row = by_person.setdefault(
                item.assistant_id, {"assistant": item.assistant, "items": [], "hours": 0}
            )
            row["items"].append(item)
            row["hours"] += item.hours
        rows = list(by_person.values())
    return render(
        request,
        "staff/development_list.html",
        {"form": form, "rows": rows, "totals": totals, "count": len(items)},
    )


@_managers
def cost_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.CostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        services.record_cost(by=request.user, **fields)
        messages.success(request, _("Saved."))
        return redirect("staff:costs")
    costs = services.costs_during(dt.date(2000, 1, 1), dt.date(2100, 12, 31))[:120]
    return render(request, "staff/cost_list.html", {"form": form, "costs": costs})
