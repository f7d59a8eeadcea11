"""Journey 5: the manager reads the caseload dashboard, drills down from a figure to the families
behind it, and downloads the semi-annual report as XLSX (opened with openpyxl)."""

import io
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from asystent.models import Centre
from reports.semiannual import form
from tests.factories import CaseFactory, FamilyFactory, FamilyMemberFactory, UserFactory

from .helpers import axe_check, heading, login, shot

pytestmark = pytest.mark.django_db(transaction=True)

FAMILIES = ["Głowaccy", "Śliwińscy", "Żądłowie"]


def _management(page, item: str) -> None:
    """Open the navigation's Management menu and choose `item`."""
    nav = page.get_by_role("navigation", name="Nawigacja główna")
    nav.get_by_role("button", name="Zarządzanie").click()
    nav.get_by_role("link", name=item).click()


def test_dashboard_drill_down_and_semiannual_xlsx(page, base, audit_trail):
    kasia = UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    for name in FAMILIES:
        family = FamilyFactory(name=name)
        FamilyMemberFactory(family=family)
        FamilyMemberFactory(family=family, child=True)
        CaseFactory(family=family, assistant=anna)

    login(page, base, "kasia")
    _management(page, "Pulpit obciążenia asystentów")
    expect(heading(page)).to_have_text("Obciążenie asystentów")
    axe_check(page)
    shot(page, "5-manager-dashboard")
    row = page.get_by_role("table", name="Dane według asystentów rodziny").get_by_role(
        "row", name="Anna Wspierająca"
    )
    row.get_by_role("link", name="3 / 15").click()

    expect(heading(page)).to_have_text("Rodziny objęte wsparciem")
    families = page.get_by_role("table", name="Rodziny objęte wsparciem")
    for name in FAMILIES:
        # Each family with its street ({{ family|family_label }}).
        expect(families.get_by_role("link", name=re.compile(rf"^{name} \("))).to_be_visible()
    expect(families.get_by_role("row")).to_have_count(1 + len(FAMILIES))
    axe_check(page)
    shot(page, "5-manager-drill-down")

    _management(page, "Sprawozdanie półroczne")
    expect(heading(page)).to_have_text("Sprawozdanie półroczne z pracy asystentów rodziny")
    axe_check(page)
    today = timezone.localdate()
    period = page.get_by_role("form", name="Okres sprawozdawczy")
    period.get_by_label("Rok").select_option(str(today.year))
    half = "pierwsze półrocze (styczeń–czerwiec)" if today.month <= 6 else "drugie półrocze (lipiec–grudzień)"
    period.get_by_label("Okres").select_option(label=half)
    period.get_by_role("button", name="Pokaż").click()
    report = page.get_by_role("table", name="Dane sprawozdania")
    families_row = report.get_by_role("row", name="Rodziny, z którymi pracował asystent")
    # The row number of the form, then the figure (a link to the families behind it).
    expect(families_row.locator("td.text-end")).to_have_text("3")
    axe_check(page)
    shot(page, "5-manager-semiannual")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pobierz XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.active
    # The cells follow the form's rows: section, row number, the form's wording, ..., the figure.
    wording = {row.key: row.wording for row in form.ROWS}
    rows = {row[2]: row[4] for row in sheet.iter_rows(min_row=7, values_only=True) if row[2]}
    assert sheet["A1"].value.startswith("Sprawozdanie")
    assert rows[wording["families"]] == 3
    audit_trail.assert_audited(user=kasia, obj=Centre.load(), action="export")
