"""Pages of the assistant's monthly records: the list of months, the time sheet, the mileage log,
the managers' decisions, the printed documents, and the centre's rate and limit per assistant.

A month is reached through `_record_for` (404 unless it is the user's own or the user is a
manager); who may act is checked next (403), and the services check it again.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asystent import dates
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre, User
from asystent.roles import role_required
from asystent.transitions import log_entries
from documents.enums import DocumentKind
from documents.services import request_document

from . import forms, services
from .enums import HourKind, MonthStatus
from .models import MileageAllowance, MileageLog, MonthlyRecord, Timesheet, Trip

MODELS: dict[str, type[MonthlyRecord]] = {"sheet": Timesheet, "log": MileageLog}
DOCUMENT_KINDS = {"sheet": DocumentKind.TIMESHEET, "log": DocumentKind.MILEAGE_LOG}

_users = role_required(Role.ASSISTANT, Role.MANAGER)
_assistants = role_required(Role.ASSISTANT)
_managers = role_required(Role.MANAGER)


def _record_for(user: User, kind: str, pk: int) -> MonthlyRecord:
    record = get_object_or_404(MODELS[kind].objects.select_related("assistant"), pk=pk)  # type: ignore[attr-defined]
    if not user.has_perm("timesheets.view_month", record):
        raise Http404
    return record


def _errors(request: AuthenticatedHttpRequest, error: ValidationError | InvalidTransition) -> None:
    for message in error.messages:
        messages.error(request, message)


@_users
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The assistant's months (and a form to open one); for managers, the months to decide."""
    user = request.user
    today = timezone.localdate()
    context: dict = {"month_form": forms.MonthForm(initial={"month": f"{today:%Y-%m}"})}
    if user.is_assistant:
        context["own_sheets"] = Timesheet.objects.filter(assistant=user)[:24]
        context["own_logs"] = MileageLog.objects.filter(assistant=user)[:24]
        context["allowance"] = MileageAllowance.objects.filter(assistant=user).first()
    if user.is_manager:
        context["pending_sheets"] = Timesheet.objects.filter(status=MonthStatus.SUBMITTED).select_related(
            "assistant"
        )
        context["pending_logs"] = MileageLog.objects.filter(status=MonthStatus.SUBMITTED).select_related(
            "assistant"
        )
        context["recent_sheets"] = Timesheet.objects.exclude(status=MonthStatus.SUBMITTED).select_related(
            "assistant"
        )[:30]
        context["recent_logs"] = MileageLog.objects.exclude(status=MonthStatus.SUBMITTED).select_related(
            "assistant"
        )[:30]
        assistants = User.objects.filter(is_assistant=True, is_active=True).order_by(
            "last_name", "first_name"
        )
        allowances = {a.assistant_id: a for a in MileageAllowance.objects.all()}
        context["assistants"] = [(a, allowances.get(a.pk)) for a in assistants]
    return render(request, "timesheets/index.html", context)


def _open(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("timesheets:index")
    year, month = form.cleaned_data["month"]
    if kind == "sheet":
        record: MonthlyRecord = services.open_timesheet(assistant=request.user, year=year, month=month)
    else:
        record = services.open_mileage_log(assistant=request.user, year=year, month=month)
    return redirect(record)


@require_POST
@_assistants
def sheet_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _open(request, "sheet")


@require_POST
@_assistants
def log_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _open(request, "log")


def _page_context(request: AuthenticatedHttpRequest, kind: str, record: MonthlyRecord) -> dict:
    user = request.user
    return {
        "record": record,
        "kind": kind,
        "can_edit": user.has_perm("timesheets.edit_month", record),
        "can_decide": user.has_perm("timesheets.decide_month", record)
        and record.status == MonthStatus.SUBMITTED,
        "return_form": forms.ReturnForm(),
        "log_entries": log_entries(record),
    }


@require_http_methods(["GET", "POST"])
@_users
def sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The time sheet: the days' hours by kind (saved by its assistant while editable)."""
    timesheet = _record_for(request.user, "sheet", pk)
    assert isinstance(timesheet, Timesheet)
    days = list(timesheet.days.order_by("date"))
    context = _page_context(request, "sheet", timesheet)
    if request.method == "POST":
        if not context["can_edit"]:
            raise PermissionDenied
        form = forms.SheetForm(request.POST, days=days)
        if form.is_valid():
            try:
                services.save_days(timesheet=timesheet, by=request.user, hours=form.hours())
            except (ValidationError, InvalidTransition) as error:
                _errors(request, error)
                return redirect(timesheet)
            messages.success(request, _("The time sheet is saved."))
            return redirect(timesheet)
    else:
        form = forms.SheetForm(days=days)
    totals = services.totals(timesheet, days)
    rows = [
        (day, fields, not dates.is_working_day(day.date), dates.holiday_name(day.date))
        for day, fields in form.rows()
    ]
    context |= {
        "form": form,
        "rows": rows,
        "kinds": HourKind.choices,
        "totals": totals,
        "kind_totals": [totals.by_kind[k] for k in HourKind.values],
    }
    return render(request, "timesheets/sheet.html", context)


@require_POST
@_assistants
def sheet_fill(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    timesheet = _record_for(request.user, "sheet", pk)
    assert isinstance(timesheet, Timesheet)
    try:
        count = services.fill_from_visits(timesheet=timesheet, by=request.user)
    except (ValidationError, InvalidTransition) as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Hours of work with families filled in from your visits (days with visits: %(n)s).")
            % {"n": count},
        )
    return redirect(timesheet)


@require_POST
@_users
def submit(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    record = _record_for(request.user, kind, pk)
    try:
        if isinstance(record, Timesheet):
            services.submit_timesheet(timesheet=record, by=request.user)
        else:
            assert isinstance(record, MileageLog)
            services.submit_mileage_log(log=record, by=request.user)
    except (ValidationError, InvalidTransition) as error:
        _errors(request, error)
    else:
        messages.success(request, _("The month is submitted to the manager."))
    return redirect(record)


@require_POST
@_managers
def approve(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    record = _record_for(request.user, kind, pk)
    try:
        services.approve(record=record, by=request.user)
    except InvalidTransition as error:
        _errors(request, error)
    else:
        messages.success(request, _("The month is approved."))
    return redirect(record)


@require_POST
@_managers
def return_month(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    record = _record_for(request.user, kind, pk)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(record)
    try:
        services.return_month(record=record, by=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, InvalidTransition) as error:
        _errors(request, error)
    else:
        messages.success(request, _("The month is returned to the assistant for correction."))
    return redirect(record)


@require_POST
@_users
def pdf(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    record = _record_for(request.user, kind, pk)
    try:
        document = request_document(
            kind=DOCUMENT_KINDS[kind], obj=record, version=record.revision, by=request.user
        )
    except InvalidTransition as error:
        _errors(request, error)
        return redirect(record)
    return redirect(document)


@require_http_methods(["GET", "POST"])
@_users
def log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The mileage log: its trips, a form to add one, the claim."""
    mileage = _record_for(request.user, "log", pk)
    assert isinstance(mileage, MileageLog)
    context = _page_context(request, "log", mileage)
    cases = services.cases_for_trips(mileage.assistant)
    if request.method == "POST":
        if not context["can_edit"]:
            raise PermissionDenied
        form = forms.TripForm(request.POST, cases=cases)
        if form.is_valid():
            try:
                services.add_trip(log=mileage, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        for message in errors:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    form.add_error(None, error)
            except InvalidTransition as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The trip is added."))
                return redirect(mileage)
    else:
        day = mileage.first_day
        form = forms.TripForm(cases=cases, initial={"date": day})
    trips = list(mileage.trips.order_by("date", "pk"))
    centre = Centre.load()
    context |= {
        "form": form,
        "trips": trips,
        "claim": services.claim(mileage, trips),
        "fill_form": forms.FillTripsForm(initial={"origin": centre.address_line}),
    }
    return render(request, "timesheets/log.html", context)


@require_POST
@_assistants
def log_fill(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mileage = _record_for(request.user, "log", pk)
    assert isinstance(mileage, MileageLog)
    form = forms.FillTripsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say where the trips start from."))
        return redirect(mileage)
    try:
        count = services.fill_trips_from_visits(
            log=mileage, by=request.user, origin=form.cleaned_data["origin"]
        )
    except (ValidationError, InvalidTransition) as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("Trips added from your visits: %(n)s. Give the kilometres of each.") % {"n": count}
        )
    return redirect(mileage)


@require_POST
@_assistants
def trip_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trip = get_object_or_404(Trip.objects.select_related("log"), pk=pk)
    if not request.user.has_perm("timesheets.view_month", trip.log):
        raise Http404
    try:
        services.remove_trip(trip=trip, by=request.user)
    except InvalidTransition as error:
        _errors(request, error)
    else:
        messages.success(request, _("The trip is removed."))
    return redirect(trip.log)


@require_http_methods(["GET", "POST"])
@_managers
def allowance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The centre's rate per kilometre and monthly limit of one assistant."""
    assistant = get_object_or_404(User.objects.filter(is_assistant=True), pk=pk)
    instance = MileageAllowance.objects.filter(assistant=assistant).first()
    form = forms.AllowanceForm(request.POST or None, instance=instance, assistant=assistant)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_allowance(
                assistant=assistant,
                by=request.user,
                vehicle=form.cleaned_data["vehicle"],
                rate_per_km=Decimal(form.cleaned_data["rate_per_km"]),
                monthly_limit_km=form.cleaned_data["monthly_limit_km"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The rate and the limit are saved."))
            return redirect("timesheets:index")
    return render(request, "timesheets/allowance.html", {"form": form, "assistant": assistant})
