"""The demo's monthly records: each demo assistant's rate per kilometre and monthly limit, and for
the last full month asystent1's time sheet and mileage log (filled in from the visits, approved by
the manager, both printed) and asystent2's time sheet waiting for the manager's decision; idempotent."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from asystent import dates
from asystent.models import User
from documents.enums import DocumentKind
from documents.models import RenderedDocument
from documents.services import render_stored_document, request_document

from . import services
from .enums import MonthStatus, Vehicle
from .models import MileageAllowance, MileageLog, Timesheet


def _last_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def _usual_hours(sheet: Timesheet) -> dict[dt.date, dict[str, Decimal]]:
    hours: dict[dt.date, dict[str, Decimal]] = {}
    for day in services.month_days(sheet.year, sheet.month):
        if not dates.is_working_day(day):
            continue
        hours[day] = {"documentation": Decimal("1.5"), "travel": Decimal(1)}
        if day.weekday() == 0:
            hours[day]["meetings"] = Decimal(2)
        if day.day == 15 or (day.day == 16 and day.weekday() == 0):
            hours[day]["supervision"] = Decimal(2)
    return hours


def seed(say: Callable[[str], None]) -> None:
    people = {
        u.username: u for u in User.objects.filter(username__in=["asystent1", "asystent2", "kierownik"])
    }
    if len(people) < 3:
        return
    manager = people["kierownik"]
    for username, vehicle, rate in (
        ("asystent1", Vehicle.CAR_LARGE, "1.15"),
        ("asystent2", Vehicle.CAR_SMALL, "0.89"),
    ):
        if not MileageAllowance.objects.filter(assistant=people[username]).exists():
            services.set_allowance(
                assistant=people[username],
                by=manager,
                vehicle=vehicle,
                rate_per_km=Decimal(rate),
                monthly_limit_km=300,
            )
    year, month = _last_month()
    for username, approve in (("asystent1", True), ("asystent2", False)):
        assistant = people[username]
        sheet = services.open_timesheet(assistant=assistant, year=year, month=month)
        if sheet.status != MonthStatus.DRAFT:
            continue
        services.save_days(timesheet=sheet, by=assistant, hours=_usual_hours(sheet))
        services.fill_from_visits(timesheet=sheet, by=assistant)
        services.submit_timesheet(timesheet=sheet, by=assistant)
        if approve:
            services.approve(record=sheet, by=manager)
    assistant = people["asystent1"]
    log = services.open_mileage_log(assistant=assistant, year=year, month=month)
    if log.status == MonthStatus.DRAFT:
        services.fill_trips_from_visits(log=log, by=assistant, origin="MOPS, ul. Słoneczna 1")
        if not log.trips.exists():
            return
        for number, trip in enumerate(log.trips.all()):
            trip.destination = f"Zielona Dolina, rejon {number % 4 + 1}"
            trip.km = Decimal("6.5") + number % 3 * 4
            trip.save()
        services.submit_mileage_log(log=log, by=assistant)
        services.approve(record=log, by=manager)
    # Read again: the services approved their own locked copies.
    _print_approved(
        services.open_timesheet(assistant=assistant, year=year, month=month),
        services.open_mileage_log(assistant=assistant, year=year, month=month),
        manager,
    )
    say(f"Time sheets and mileage logs of {month:02d}.{year}.")


def _print_approved(sheet: Timesheet, log: MileageLog, by: User) -> None:
    """The approved month's PDFs for the personnel file, as the manager prints them (once)."""
    for kind, record in ((DocumentKind.TIMESHEET, sheet), (DocumentKind.MILEAGE_LOG, log)):
        if not record.is_approved:
            continue
        if RenderedDocument.objects.filter(kind=kind, object_id=record.pk, version=record.revision).exists():
            continue
        document = request_document(kind=kind, obj=record, version=record.revision, by=by)
        render_stored_document(document.pk)
