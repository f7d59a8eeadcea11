"""Journey: the assistant's time sheet of November 2026 (11 November, a Wednesday, lowers the norm
to 160 hours): hours filled in from a visit and completed, submitted; the manager returns it with
a reason, the assistant corrects it and submits again, the manager approves and prints it; the PDF
is downloaded and read back. On a phone the pages do not scroll sideways."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from asystent.enums import EmploymentForm
from staff.models import Employment
from tests.factories import CaseFactory, UserFactory, VisitFactory
from timesheets.enums import MonthStatus
from timesheets.models import Timesheet

from .helpers import axe_check, expect_message, heading, login, nav_link, no_horizontal_scroll, pdf_text, shot
from .test_journey_manager_reports import _management

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def test_a_month_with_a_holiday_submitted_returned_corrected_and_approved(page, base, tmp_path, audit_trail):
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    Employment.objects.create(
        assistant=anna,
        form=EmploymentForm.EMPLOYMENT_CONTRACT,
        working_time=Decimal(1),
        started_on=dt.date(2025, 1, 1),
    )
    case = CaseFactory(assistant=anna)
    VisitFactory(case=case, date=dt.date(2026, 11, 3), start_time=dt.time(10, 0), end_time=dt.time(11, 30))

    # The assistant opens November on a phone and fills it in.
    login(page, base, "anna")
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Pokaż menu").click()
    nav_link(page, "Karta czasu pracy i kilometrówka").click()
    expect(heading(page)).to_have_text("Karty czasu pracy i ewidencje przebiegu")
    page.locator("#sheet-month").fill("2026-11")
    page.get_by_role("button", name="Karta czasu pracy").click()
    expect(heading(page)).to_contain_text("Karta czasu pracy 11.2026")
    expect(page.locator("#norm-full")).to_have_text("160,00")
    expect(page.locator("#days")).to_contain_text("Narodowe Święto Niepodległości")
    width, viewport = no_horizontal_scroll(page)
    assert width <= viewport
    axe_check(page)
    shot(page, "timesheet-phone")
    page.get_by_role("button", name="Uzupełnij godziny pracy z rodzinami z moich wizyt").click()
    expect_message(page, "dni z wizytami: 1")
    expect(page.locator("#id_family_work_03")).to_have_value("1.50")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#id_documentation_03").fill("2")
    page.locator("#id_travel_04").fill("25")  # more than a day has
    page.get_by_role("button", name="Zapisz kartę czasu pracy").click()
    expect(page.locator("#days")).to_contain_text("mniejsza lub równa 24")
    expect(page.locator("#id_documentation_03")).to_have_value("2")  # nothing typed is lost
    page.locator("#id_travel_04").fill("1")
    page.get_by_role("button", name="Zapisz kartę czasu pracy").click()
    expect_message(page, "Zapisano kartę czasu pracy.")
    expect(page.locator("#hours-total")).to_have_text("4,50")
    shot(page, "timesheet-desktop")
    page.get_by_role("button", name="Przekaż kierownikowi").click()
    expect_message(page, "Miesiąc został złożony kierownikowi.")
    expect(page.locator("#id_documentation_03")).to_have_count(0)  # no edits while submitted

    # The manager returns it: not without a reason.
    login(page, base, "kasia")
    _management(page, "Karty czasu pracy i ewidencje przebiegu")
    page.locator("#pending").get_by_role("link").first.click()
    expect(heading(page)).to_contain_text("Anna Wspierająca")
    axe_check(page)
    page.get_by_role("button", name="Zwróć do poprawy").click()
    expect(page.locator("main .messages")).to_contain_text("Podaj powód zwrotu miesiąca.")
    page.get_by_label("Powód zwrotu").fill("Brak godzin superwizji z 16 listopada.")
    page.get_by_role("button", name="Zwróć do poprawy").click()
    expect_message(page, "Miesiąc zwrócono asystentowi do poprawy.")

    # The assistant reads the reason, corrects the month and submits it again.
    login(page, base, "anna")
    nav_link(page, "Karta czasu pracy i kilometrówka").click()
    page.locator("#own-sheets").get_by_role("link", name="11.2026").click()
    expect(page.locator("#return-reason")).to_contain_text("Brak godzin superwizji z 16 listopada.")
    page.locator("#id_supervision_16").fill("2")
    page.get_by_role("button", name="Zapisz kartę czasu pracy").click()
    expect(page.locator("#hours-total")).to_have_text("6,50")
    page.get_by_role("button", name="Przekaż kierownikowi").click()
    expect_message(page, "Miesiąc został złożony kierownikowi.")

    # The manager approves and prints it for the personnel file.
    login(page, base, "kasia")
    _management(page, "Karty czasu pracy i ewidencje przebiegu")
    page.locator("#pending").get_by_role("link").first.click()
    page.get_by_role("button", name="Zatwierdź").click()
    expect_message(page, "Miesiąc został zatwierdzony.")
    expect(page.locator("#month-status")).to_have_text("zatwierdzony przez kierownika")
    sheet = Timesheet.objects.get(assistant=anna)
    assert (sheet.status, sheet.revision) == (MonthStatus.APPROVED, 2)
    page.get_by_role("button", name="Drukuj (PDF)").click()
    download_link = page.get_by_role("link", name="Pobierz plik PDF")
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        download_link.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    text = pdf_text(saved)
    assert "Karta czasu pracy asystenta rodziny" in text
    assert "160,00 godz." in text and "6,50 godz." in text
    assert "Brak godzin" not in text
