"""Every state change of the assistant's monthly records, and the figures computed from them: the
working-time norm of a month, the time sheet's totals, the mileage claim.

A month is opened by its assistant, filled in (the hours of work with families and the trips from
the assistant's visits), corrected, submitted to the managers, and approved or returned with a
reason; an approved month is frozen and printed for the personnel file.
"""

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from asystent import dates
from asystent.enums import EmploymentForm
from asystent.errors import InvalidTransition
from asystent.models import User
from cases.models import Case
from staff.models import Employment
from visits.enums import VisitStatus
from visits.models import Visit

from .enums import HourKind, MonthStatus
from .models import MileageAllowance, MileageLog, MonthlyRecord, Timesheet, TimesheetDay, Trip

HOURS_PER_WEEK = Decimal(40)
HOURS_PER_DAY = Decimal(8)
CENT = Decimal("0.01")


# --- the working-time norm ------------------------------------------------------------------------


def month_days(year: int, month: int) -> list[dt.date]:
    last = calendar.monthrange(year, month)[1]
    return [dt.date(year, month, day) for day in range(1, last + 1)]


def full_time_norm(year: int, month: int) -> Decimal:
    """The month's working time of a full-time employee, in hours.

    Art. 130 § 1 of the Labour Code: 40 hours times the number of weeks of the period, plus 8 hours
    times the number of the remaining days from Monday to Friday; § 2: each public holiday of the
    period that falls on a day other than Sunday lowers it by 8 hours. Holidays: asystent.dates.
    """
    days = month_days(year, month)
    weeks, remaining = divmod(len(days), 7)
    hours = HOURS_PER_WEEK * weeks
    hours += HOURS_PER_DAY * sum(1 for day in days[weeks * 7 :] if day.weekday() < 5)
    hours -= HOURS_PER_DAY * sum(1 for day in days if dates.is_public_holiday(day) and day.weekday() != 6)
    return hours


def working_time_fraction(assistant: User, year: int, month: int) -> Decimal | None:
    """The assistant's working-time fraction in the month (the employment contract in force on
    the month's last day it covers, from the staff records); None without an employment contract."""
    days = month_days(year, month)
    employment = (
        Employment.objects.filter(
            assistant=assistant,
            form=EmploymentForm.EMPLOYMENT_CONTRACT,
            started_on__lte=days[-1],
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=days[0]))
        .order_by("-started_on", "-pk")
        .first()
    )
    return employment.working_time if employment else None


@dataclass(frozen=True)
class Norm:
    full_time: Decimal
    fraction: Decimal | None
    hours: Decimal | None  # the assistant's norm (None: no employment contract)


def norm_for(assistant: User, year: int, month: int) -> Norm:
    """The month's norm scaled by the assistant's working-time fraction."""
    full = full_time_norm(year, month)
    fraction = working_time_fraction(assistant, year, month)
    hours = (full * fraction).quantize(CENT, ROUND_HALF_UP) if fraction is not None else None
    return Norm(full, fraction, hours)


# --- the time sheet -------------------------------------------------------------------------------


def _check_month(year: int, month: int) -> None:
    if not (1 <= month <= 12 and dates.RECORD_FLOOR.year <= year <= dates.CEILING.year):
        raise ValidationError(_("Choose a month between 2000 and 2100."))


def open_timesheet(*, assistant: User, year: int, month: int) -> Timesheet:
    """The assistant's time sheet of the month, made (with its days) on first use."""
    _check_month(year, month)
    with transaction.atomic():
        sheet, created = Timesheet.objects.get_or_create(assistant=assistant, year=year, month=month)
        if created:
            TimesheetDay.objects.bulk_create(
                TimesheetDay(timesheet=sheet, date=d) for d in month_days(year, month)
            )
    return sheet


R = TypeVar("R", bound=MonthlyRecord)


def _locked_editable(record: R, by: User) -> R:
    locked: R = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if not by.has_perm("timesheets.edit_month", locked):
        if locked.assistant_id != by.pk:
            raise PermissionDenied
        raise InvalidTransition(_("This month is submitted or approved: it can no longer be changed."))
    return locked


def visit_hours(assistant: User, year: int, month: int) -> dict[dt.date, Decimal]:
    """The hours of the assistant's saved visits of the month, by day (from their start and end)."""
    days = month_days(year, month)
    minutes: dict[dt.date, int] = defaultdict(int)
    visits = Visit.objects.filter(author=assistant, status=VisitStatus.FINAL, date__range=(days[0], days[-1]))
    for visit in visits.only("date", "start_time", "end_time", "duration_minutes"):
        minutes[visit.date] += visit.length_minutes or 0
    return {day: (Decimal(m) / 60).quantize(CENT, ROUND_HALF_UP) for day, m in minutes.items()}


def fill_from_visits(*, timesheet: Timesheet, by: User) -> int:
    """Set each day's hours of work with families from the assistant's visits; returns the number
    of days that have visits. The other kinds are left as the assistant typed them."""
    with transaction.atomic():
        sheet = _locked_editable(timesheet, by)
        hours = visit_hours(sheet.assistant, sheet.year, sheet.month)
        days = list(TimesheetDay.objects.filter(timesheet=sheet))
        for day in days:
            day.family_work = min(
                hours.get(day.date, Decimal(0)), Decimal(24) - (day.total - day.family_work)
            )
        TimesheetDay.objects.bulk_update(days, ["family_work"])
        return len(hours)


def save_days(*, timesheet: Timesheet, by: User, hours: Mapping[dt.date, Mapping[str, Decimal]]) -> None:
    """Store the hours the assistant typed: {day: {kind: hours}}."""
    with transaction.atomic():
        sheet = _locked_editable(timesheet, by)
        days = list(TimesheetDay.objects.filter(timesheet=sheet, date__in=list(hours)))
        for day in days:
            for kind, value in hours[day.date].items():
                setattr(day, kind, value)
            if day.total > 24:
                raise ValidationError(
                    _("%(day)s: a day has at most 24 hours.") % {"day": day.date.strftime("%d.%m.%Y")}
                )
        TimesheetDay.objects.bulk_update(days, HourKind.values)


@dataclass(frozen=True)
class SheetTotals:
    by_kind: dict[str, Decimal]
    total: Decimal
    norm: Norm
    difference: Decimal | None  # total − norm


def totals(timesheet: Timesheet, days: Iterable[TimesheetDay] | None = None) -> SheetTotals:
    rows = list(days) if days is not None else list(timesheet.days.all())
    by_kind = {kind: sum((getattr(d, kind) for d in rows), Decimal(0)) for kind in HourKind.values}
    total = sum(by_kind.values(), Decimal(0))
    norm = norm_for(timesheet.assistant, timesheet.year, timesheet.month)
    return SheetTotals(by_kind, total, norm, total - norm.hours if norm.hours is not None else None)


def _submit(record: MonthlyRecord, by: User) -> MonthlyRecord:
    record.submit(by=by)
    record.save()
    return record


def submit_timesheet(*, timesheet: Timesheet, by: User) -> Timesheet:
    with transaction.atomic():
        sheet = _locked_editable(timesheet, by)
        if not any(d.total for d in sheet.days.all()):
            raise ValidationError(_("The time sheet has no hours: fill in the month before submitting it."))
        _submit(sheet, by)
        return sheet


def _locked_for_decision(record: R, by: User) -> R:
    locked: R = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if not by.has_perm("timesheets.decide_month", locked):
        raise PermissionDenied
    return locked


def approve(*, record: MonthlyRecord, by: User) -> MonthlyRecord:
    """Approve a submitted month: from now on it is frozen."""
    with transaction.atomic():
        locked = _locked_for_decision(record, by)
        locked.approve(by=by)
        locked.save()
        return locked


def return_month(*, record: MonthlyRecord, by: User, reason: str) -> MonthlyRecord:
    """Return a submitted month to its assistant for correction, saying why."""
    if not reason.strip():
        raise ValidationError(_("Say why the month is returned."))
    with transaction.atomic():
        locked = _locked_for_decision(record, by)
        locked.return_for_correction(by=by, comment=reason.strip())
        locked.save()
        return locked


# --- the mileage log ------------------------------------------------------------------------------


def set_allowance(
    *, assistant: User, by: User, vehicle: str, rate_per_km: Decimal, monthly_limit_km: int
) -> MileageAllowance:
    """The rate per kilometre and monthly limit of `assistant`; a rate above the regulation's
    maximum for the vehicle is refused (MileageAllowance.clean)."""
    if not by.has_perm("timesheets.set_allowance"):
        raise PermissionDenied
    with transaction.atomic():
        allowance = MileageAllowance.objects.select_for_update().filter(assistant=assistant).first()
        allowance = allowance or MileageAllowance(assistant=assistant)
        allowance.vehicle = vehicle
        allowance.rate_per_km = rate_per_km
        allowance.monthly_limit_km = monthly_limit_km
        allowance.set_by = by
        allowance.full_clean()
        allowance.save()
        return allowance


def open_mileage_log(*, assistant: User, year: int, month: int) -> MileageLog:
    _check_month(year, month)
    log, _created = MileageLog.objects.get_or_create(assistant=assistant, year=year, month=month)
    return log


def cases_for_trips(assistant: User) -> "list[Case]":
    """The cases a trip may name: those the assistant works on or worked on."""
    return list(
        Case.objects.filter(Q(assistant=assistant) | Q(visits__author=assistant)).distinct().order_by("pk")
    )


def add_trip(*, log: MileageLog, by: User, **fields: object) -> Trip:
    with transaction.atomic():
        locked = _locked_editable(log, by)
        trip = Trip(log=locked, **fields)
        day = trip.date
        if day and (day.year, day.month) != (locked.year, locked.month):
            raise ValidationError({"date": _("The trip must be in the month of the log.")})
        if trip.case_id not in {c.pk for c in cases_for_trips(locked.assistant)}:
            raise ValidationError({"case": _("Choose one of your cases.")})
        trip.full_clean()
        trip.save()
        return trip


def remove_trip(*, trip: Trip, by: User) -> None:
    with transaction.atomic():
        _locked_editable(trip.log, by)
        trip.delete()


def fill_trips_from_visits(*, log: MileageLog, by: User, origin: str) -> int:
    """Add a trip for each of the assistant's saved visits of the month that has none yet (same
    day and case); the kilometres are left for the assistant to type. Returns how many were added."""
    with transaction.atomic():
        locked = _locked_editable(log, by)
        days = month_days(locked.year, locked.month)
        visits = Visit.objects.filter(
            author=locked.assistant, status=VisitStatus.FINAL, date__range=(days[0], days[-1])
        ).order_by("date", "start_time", "pk")
        have = set(Trip.objects.filter(log=locked).values_list("date", "case_id"))
        added = []
        for visit in visits:
            if (visit.date, visit.case_id) in have:
                continue
            have.add((visit.date, visit.case_id))
            added.append(
                Trip(
                    log=locked,
                    date=visit.date,
                    origin=origin[:200],
                    destination=_("place of the visit (case no. %(number)s)") % {"number": visit.case_id},
                    case_id=visit.case_id,
                    km=Decimal(0),
                )
            )
        Trip.objects.bulk_create(added)
        return len(added)


@dataclass(frozen=True)
class Claim:
    km: Decimal
    counted_km: Decimal  # within the monthly limit
    rate: Decimal | None
    limit_km: int | None
    amount: Decimal | None
    over_limit: bool


def claim(log: MileageLog, trips: Iterable[Trip] | None = None) -> Claim:
    """The month's claim: the kilometres within the limit times the rate (the log's own once
    submitted, the current allowance before)."""
    rows = list(trips) if trips is not None else list(log.trips.all())
    km = sum((t.km for t in rows), Decimal(0))
    rate, limit = log.rate_per_km, log.monthly_limit_km
    if log.status in (MonthStatus.DRAFT, MonthStatus.RETURNED):
        allowance = MileageAllowance.objects.filter(assistant_id=log.assistant_id).first()
        rate = allowance.rate_per_km if allowance else None
        limit = allowance.monthly_limit_km if allowance else None
    counted = min(km, Decimal(limit)) if limit is not None else km
    amount = (counted * rate).quantize(CENT, ROUND_HALF_UP) if rate is not None else None
    return Claim(km, counted, rate, limit, amount, limit is not None and km > limit)


def submit_mileage_log(*, log: MileageLog, by: User) -> MileageLog:
    with transaction.atomic():
        locked = _locked_editable(log, by)
        allowance = MileageAllowance.objects.filter(assistant_id=locked.assistant_id).first()
        if allowance is None:
            raise ValidationError(
                _("The centre has not set your rate per kilometre and monthly limit yet: ask a manager.")
            )
        trips = list(locked.trips.all())
        if not trips:
            raise ValidationError(_("The log has no trips."))
        if any(t.km <= 0 for t in trips):
            raise ValidationError(_("Give the kilometres of every trip (some have 0 km)."))
        locked.vehicle = allowance.vehicle
        locked.rate_per_km = allowance.rate_per_km
        locked.monthly_limit_km = allowance.monthly_limit_km
        _submit(locked, by)
        return locked
