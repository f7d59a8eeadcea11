"""The assistant's time sheet and mileage log: the working-time norm (art. 130 of the Labour Code),
the hours filled in from visits, the month submitted, returned, corrected and approved (then
frozen), the rate per kilometre capped by the regulation, the claim, the printed documents read
back with pdftotext, and who sees what on the pages."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from asystent.enums import EmploymentForm
from asystent.errors import InvalidTransition
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from staff.models import Employment
from timesheets import services
from timesheets.enums import MonthStatus, Vehicle
from timesheets.models import MileageAllowance, Timesheet, TimesheetDay, Trip

from .factories import CaseFactory, VisitFactory

pytestmark = pytest.mark.django_db


def employ(assistant, fraction="1.00", start=dt.date(2025, 1, 1)):
    return Employment.objects.create(
        assistant=assistant,
        form=EmploymentForm.EMPLOYMENT_CONTRACT,
        working_time=Decimal(fraction),
        started_on=start,
    )


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        data = handle.read()
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


# --- the norm --------------------------------------------------------------------------------------


def test_norm_of_a_month_with_a_holiday_on_a_weekday():
    # November 2026: 4 weeks (160 h) + Monday 30th (8 h); 11 November is a Wednesday (−8 h);
    # 1 November is a Sunday and lowers nothing.
    assert services.full_time_norm(2026, 11) == Decimal(160)


def test_norm_of_a_month_with_a_holiday_on_a_saturday():
    # August 2026: 4 weeks (160 h) + Monday 31st (8 h); 15 August is a Saturday and still lowers it.
    assert services.full_time_norm(2026, 8) == Decimal(160)
    # February 2026: exactly 4 weeks and no holiday.
    assert services.full_time_norm(2026, 2) == Decimal(160)
    # December 2026: 4 weeks + 29–31 (Tue–Thu, 24 h) − 24, 25 (Thu, Fri) and 26 (Saturday) December.
    assert services.full_time_norm(2026, 12) == Decimal(160)


def test_norm_scaled_by_the_working_time_fraction(assistant):
    employ(assistant, "0.50")
    norm = services.norm_for(assistant, 2026, 11)
    assert (norm.full_time, norm.fraction, norm.hours) == (Decimal(160), Decimal("0.50"), Decimal("80.00"))


def test_no_norm_without_an_employment_contract(assistant):
    norm = services.norm_for(assistant, 2026, 11)
    assert norm.fraction is None and norm.hours is None


# --- the time sheet --------------------------------------------------------------------------------


@pytest.fixture
def sheet(assistant):
    employ(assistant)
    return services.open_timesheet(assistant=assistant, year=2026, month=11)


def test_a_month_is_opened_with_its_days_once(assistant, sheet):
    assert sheet.days.count() == 30
    again = services.open_timesheet(assistant=assistant, year=2026, month=11)
    assert again.pk == sheet.pk and TimesheetDay.objects.filter(timesheet=sheet).count() == 30


def test_hours_of_work_with_families_come_from_the_visits(assistant, sheet):
    case = CaseFactory(assistant=assistant)
    VisitFactory(case=case, date=dt.date(2026, 11, 3), start_time=dt.time(9, 0), end_time=dt.time(10, 30))
    VisitFactory(case=case, date=dt.date(2026, 11, 3), start_time=dt.time(12, 0), end_time=dt.time(12, 45))
    VisitFactory(case=case, date=dt.date(2026, 11, 4), draft=True)  # not evidence of the work
    VisitFactory(case=case, date=dt.date(2026, 12, 1))  # another month
    assert services.fill_from_visits(timesheet=sheet, by=assistant) == 1
    assert sheet.days.get(date=dt.date(2026, 11, 3)).family_work == Decimal("2.25")
    assert sheet.days.get(date=dt.date(2026, 11, 4)).family_work == 0


def test_a_day_has_at_most_24_hours(assistant, sheet):
    with pytest.raises(ValidationError):
        services.save_days(
            timesheet=sheet,
            by=assistant,
            hours={dt.date(2026, 11, 2): {"family_work": Decimal(20), "travel": Decimal(5)}},
        )
    day = sheet.days.get(date=dt.date(2026, 11, 2))
    day.family_work, day.travel = Decimal(20), Decimal(5)
    with pytest.raises(IntegrityError), transaction.atomic():
        day.save()


def test_a_returned_month_is_corrected_and_approved_then_frozen(assistant, manager, sheet):
    services.save_days(
        timesheet=sheet, by=assistant, hours={dt.date(2026, 11, 2): {"family_work": Decimal(6)}}
    )
    services.submit_timesheet(timesheet=sheet, by=assistant)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.revision) == (MonthStatus.SUBMITTED, 1)
    with pytest.raises(InvalidTransition):  # submitted: no edits until decided
        services.save_days(
            timesheet=sheet, by=assistant, hours={dt.date(2026, 11, 2): {"travel": Decimal(1)}}
        )
    with pytest.raises(ValidationError):
        services.return_month(record=sheet, by=manager, reason="  ")
    services.return_month(record=sheet, by=manager, reason="Brak godzin dokumentacji.")
    sheet.refresh_from_db()
    assert sheet.status == MonthStatus.RETURNED and sheet.return_reason == "Brak godzin dokumentacji."
    services.save_days(
        timesheet=sheet,
        by=assistant,
        hours={dt.date(2026, 11, 2): {"family_work": Decimal(6), "documentation": Decimal(2)}},
    )
    services.submit_timesheet(timesheet=sheet, by=assistant)
    services.approve(record=sheet, by=manager)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.revision, sheet.decided_by) == (MonthStatus.APPROVED, 2, manager)
    assert services.totals(sheet).total == Decimal(8)
    with pytest.raises(InvalidTransition):
        services.save_days(
            timesheet=sheet, by=assistant, hours={dt.date(2026, 11, 2): {"travel": Decimal(1)}}
        )
    with pytest.raises(InvalidTransition):
        services.fill_from_visits(timesheet=sheet, by=assistant)
    assert [e.to_status for e in sheet.transitions.order_by("at", "pk")] == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]


def test_an_empty_month_is_not_submitted(assistant, sheet):
    with pytest.raises(ValidationError):
        services.submit_timesheet(timesheet=sheet, by=assistant)


def test_nobody_decides_their_own_month_nor_another_assistants(assistant, other_assistant, sheet):
    services.save_days(timesheet=sheet, by=assistant, hours={dt.date(2026, 11, 2): {"training": Decimal(3)}})
    services.submit_timesheet(timesheet=sheet, by=assistant)
    with pytest.raises(PermissionDenied):
        services.approve(record=sheet, by=assistant)
    with pytest.raises(PermissionDenied):
        services.approve(record=sheet, by=other_assistant)


def test_the_approved_time_sheet_is_printed_once_per_submission(
    assistant, manager, sheet, django_capture_on_commit_callbacks
):
    services.save_days(
        timesheet=sheet,
        by=assistant,
        hours={dt.date(2026, 11, 2): {"family_work": Decimal(6), "supervision": Decimal("1.5")}},
    )
    services.submit_timesheet(timesheet=sheet, by=assistant)
    from documents.services import request_document

    with pytest.raises(InvalidTransition):  # not approved yet
        request_document(kind=DocumentKind.TIMESHEET, obj=sheet, version=1, by=assistant)
    services.approve(record=sheet, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        document = request_document(kind=DocumentKind.TIMESHEET, obj=sheet, version=1, by=assistant)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.family_id is None
    text = pdf_text(document)
    assert "Karta czasu pracy asystenta rodziny" in text
    assert "11.2026" in text and "160,00 godz." in text and "7,50" in text
    assert "Narodowe Święto Niepodległości" in text
    assert "Strona 1 z" in text
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = request_document(kind=DocumentKind.TIMESHEET, obj=sheet, version=1, by=manager)
    assert again.pk == document.pk and not callbacks  # frozen: the file is reused
    assert RenderedDocument.objects.filter(kind=DocumentKind.TIMESHEET).count() == 1


# --- the mileage log -------------------------------------------------------------------------------


def test_a_rate_above_the_legal_maximum_is_refused(assistant, manager):
    with pytest.raises(ValidationError) as refused:
        services.set_allowance(
            assistant=assistant,
            by=manager,
            vehicle=Vehicle.CAR_SMALL,
            rate_per_km=Decimal("0.90"),
            monthly_limit_km=300,
        )
    assert "rate_per_km" in refused.value.message_dict
    allowance = services.set_allowance(
        assistant=assistant,
        by=manager,
        vehicle=Vehicle.CAR_LARGE,
        rate_per_km=Decimal("1.15"),
        monthly_limit_km=300,
    )
    assert allowance.rate_per_km == Decimal("1.15")
    with pytest.raises(IntegrityError), transaction.atomic():
        MileageAllowance.objects.filter(pk=allowance.pk).update(rate_per_km=Decimal("1.16"))
    with pytest.raises(PermissionDenied):
        services.set_allowance(
            assistant=assistant,
            by=assistant,
            vehicle=Vehicle.MOPED,
            rate_per_km=Decimal("0.1"),
            monthly_limit_km=1,
        )


@pytest.fixture
def mileage(assistant, manager):
    services.set_allowance(
        assistant=assistant,
        by=manager,
        vehicle=Vehicle.CAR_LARGE,
        rate_per_km=Decimal("1.15"),
        monthly_limit_km=100,
    )
    return services.open_mileage_log(assistant=assistant, year=2026, month=11)


def test_trips_from_visits_then_the_claim_within_the_limit(assistant, manager, mileage):
    case = CaseFactory(assistant=assistant, family__name="Zielińscy")
    VisitFactory(case=case, date=dt.date(2026, 11, 3))
    VisitFactory(case=case, date=dt.date(2026, 11, 3))  # the same day and case: one trip
    VisitFactory(case=case, date=dt.date(2026, 11, 5))
    assert services.fill_trips_from_visits(log=mileage, by=assistant, origin="ul. Główna 1") == 2
    assert all("Zieliń" not in t.destination for t in mileage.trips.all())
    with pytest.raises(ValidationError):  # 0 km to complete
        services.submit_mileage_log(log=mileage, by=assistant)
    mileage.trips.update(km=Decimal("60.0"))
    with pytest.raises(ValidationError):
        services.add_trip(
            log=mileage, by=assistant, date=dt.date(2026, 12, 1), origin="A", destination="B", case=case, km=5
        )
    claim = services.claim(mileage)
    assert (claim.km, claim.counted_km, claim.amount, claim.over_limit) == (
        Decimal("120.0"),
        Decimal(100),
        Decimal("115.00"),
        True,
    )
    services.submit_mileage_log(log=mileage, by=assistant)
    services.return_month(record=mileage, by=manager, reason="Popraw kilometry z 5 listopada.")
    mileage.refresh_from_db()
    mileage.trips.filter(date=dt.date(2026, 11, 5)).update(km=Decimal("30.0"))
    services.submit_mileage_log(log=mileage, by=assistant)
    services.approve(record=mileage, by=manager)
    mileage.refresh_from_db()
    assert (mileage.status, mileage.rate_per_km, mileage.monthly_limit_km) == (
        MonthStatus.APPROVED,
        Decimal("1.15"),
        100,
    )
    # A later change of the rate does not change an approved month.
    services.set_allowance(
        assistant=assistant,
        by=manager,
        vehicle=Vehicle.CAR_SMALL,
        rate_per_km=Decimal("0.50"),
        monthly_limit_km=50,
    )
    assert services.claim(mileage).amount == Decimal("103.50")
    with pytest.raises(InvalidTransition):
        services.remove_trip(trip=mileage.trips.first(), by=assistant)


def test_a_trip_names_one_of_the_assistants_cases(assistant, other_assistant, mileage):
    other_case = CaseFactory(assistant=other_assistant)
    with pytest.raises(ValidationError):
        services.add_trip(
            log=mileage,
            by=assistant,
            date=dt.date(2026, 11, 2),
            origin="A",
            destination="B",
            case=other_case,
            km=5,
        )
    assert not Trip.objects.exists()


def test_the_approved_mileage_log_is_printed_with_case_numbers_only(
    assistant, manager, mileage, django_capture_on_commit_callbacks
):
    case = CaseFactory(assistant=assistant, family__name="Zielińscy")
    services.add_trip(
        log=mileage,
        by=assistant,
        date=dt.date(2026, 11, 2),
        origin="MOPS, ul. Główna 1",
        destination="ul. Polna 7",
        case=case,
        km=Decimal("12.5"),
    )
    services.submit_mileage_log(log=mileage, by=assistant)
    services.approve(record=mileage, by=manager)
    from documents.services import request_document

    with django_capture_on_commit_callbacks(execute=True):
        document = request_document(kind=DocumentKind.MILEAGE_LOG, obj=mileage, version=1, by=manager)
    document.refresh_from_db()
    text = pdf_text(document)
    assert "Ewidencja przebiegu pojazdu" in text
    assert f"sprawa nr {case.pk}" in text and "12,5" in text and "14,38 zł" in text
    assert "Zieliń" not in text


# --- the pages -------------------------------------------------------------------------------------


def test_the_assistant_fills_in_a_month_on_the_page(client, assistant):
    employ(assistant)
    client.force_login(assistant)
    response = client.post(reverse("timesheets:sheet-open"), {"month": "2026-11"})
    sheet = Timesheet.objects.get(assistant=assistant)
    assert response.url == sheet.get_absolute_url()
    page = client.get(sheet.get_absolute_url())
    assert page.status_code == 200 and 'name="family_work_11"' in page.content.decode()
    response = client.post(
        sheet.get_absolute_url(), {"family_work_02": "6", "travel_02": "1.5", "travel_03": "x"}
    )
    assert response.status_code == 200  # refused: the typed value stays
    assert 'value="6"' in response.content.decode()
    assert not sheet.days.filter(family_work__gt=0).exists()
    response = client.post(sheet.get_absolute_url(), {"family_work_02": "6", "travel_02": "1.5"})
    assert response.status_code == 302
    assert sheet.days.get(date=dt.date(2026, 11, 2)).total == Decimal("7.5")
    assert client.post(reverse("timesheets:sheet-open"), {"month": "2026-13"}).status_code == 302
    assert Timesheet.objects.count() == 1


def test_who_sees_and_decides_a_month(client, assistant, other_assistant, manager, social_worker, admin_user):
    sheet = services.open_timesheet(assistant=assistant, year=2026, month=11)
    services.save_days(timesheet=sheet, by=assistant, hours={dt.date(2026, 11, 2): {"meetings": Decimal(2)}})
    url = sheet.get_absolute_url()
    for outsider in (other_assistant, social_worker, admin_user):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404)
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    assert client.post(reverse("timesheets:sheet-submit", args=[sheet.pk])).status_code == 404
    client.force_login(assistant)
    assert client.post(reverse("timesheets:sheet-submit", args=[sheet.pk])).status_code == 302
    assert client.post(reverse("timesheets:sheet-approve", args=[sheet.pk])).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("timesheets:index")).content.decode()
    assert url in page
    assert client.post(url, {"meetings_02": "5"}).status_code == 403  # a manager does not edit it
    client.post(reverse("timesheets:sheet-return", args=[sheet.pk]), {"reason": ""})
    sheet.refresh_from_db()
    assert sheet.status == MonthStatus.SUBMITTED
    client.post(reverse("timesheets:sheet-return", args=[sheet.pk]), {"reason": "Uzupełnij dojazdy."})
    sheet.refresh_from_db()
    assert sheet.status == MonthStatus.RETURNED
    client.force_login(assistant)
    assert "Uzupełnij dojazdy." in client.get(url).content.decode()


def test_the_rate_form_refuses_a_rate_above_the_maximum_in_polish(client, manager, assistant):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    url = reverse("timesheets:allowance", args=[assistant.pk])
    response = client.post(
        url, {"vehicle": Vehicle.CAR_LARGE, "rate_per_km": "1.20", "monthly_limit_km": "300"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "powyżej maksymalnej stawki" in html and "1,15 zł" in html
    assert not MileageAllowance.objects.exists()
    response = client.post(
        url, {"vehicle": Vehicle.CAR_LARGE, "rate_per_km": "1.10", "monthly_limit_km": "300"}
    )
    assert response.status_code == 302 and MileageAllowance.objects.get().rate_per_km == Decimal("1.10")
    client.force_login(assistant)
    assert client.get(url).status_code == 403


def test_a_trip_added_on_the_page_shows_the_case_number_not_the_family(client, assistant, manager, mileage):
    case = CaseFactory(assistant=assistant, family__name="Zielińscy")
    client.force_login(assistant)
    page = client.get(mileage.get_absolute_url()).content.decode()
    assert f"nr {case.pk}" in page and "Zieliń" not in page
    response = client.post(
        mileage.get_absolute_url(),
        {"date": "2026-11-04", "origin": "Biuro", "destination": "ul. Polna 7", "case": case.pk, "km": "8.5"},
    )
    assert response.status_code == 302
    response = client.post(
        mileage.get_absolute_url(),
        {"date": "2026-10-04", "origin": "Biuro", "destination": "ul. Polna 7", "case": case.pk, "km": "8.5"},
    )
    assert response.status_code == 200 and Trip.objects.count() == 1


def test_the_demo_has_a_month_of_each(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    approved = Timesheet.objects.get(assistant__username="asystent1")
    assert approved.status == MonthStatus.APPROVED and services.totals(approved).total > 0
    assert Timesheet.objects.get(assistant__username="asystent2").status == MonthStatus.SUBMITTED
    log = services.open_mileage_log(assistant=approved.assistant, year=approved.year, month=approved.month)
    assert log.status == MonthStatus.APPROVED and log.trips.exists()
    assert MileageAllowance.objects.count() == 2
