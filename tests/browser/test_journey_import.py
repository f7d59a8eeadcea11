"""Journey: a manager imports a spreadsheet of families. The first file names an assistant who is
not on file: the dry run shows the problem at its row and column and nothing is written; the
corrected file passes, the manager confirms, and the families are on the list."""

import csv
import datetime as dt
import io
import re

import pytest
from playwright.sync_api import expect

from cases.models import Family
from tests.factories import UserFactory, make_pesel
from transfer.services.importing import FAMILY_COLUMNS

from .helpers import axe_check, expect_message, field, heading, login, nav_link, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _csv(assistant: str) -> bytes:
    rows = [
        {
            "rodzina": "1",
            "nazwa_rodziny": "Nowakowie",
            "ulica": "ul. Lipowa 5",
            "kod_pocztowy": "00-001",
            "miejscowosc": "Zielona Dolina",
            "imie": "Ewa",
            "nazwisko": "Nowak",
            "pokrewienstwo": "rodzic",
            "pesel": make_pesel(dt.date(1985, 3, 9), "F"),
            "plec": "K",
            "asystent": assistant,
            "podstawa_prawna": "dobrowolna",
            "data_otwarcia": "2025-01-15",
        },
        {
            "rodzina": "1",
            "imie": "Kacper",
            "nazwisko": "Nowak",
            "pokrewienstwo": "dziecko",
            "data_urodzenia": "01.06.2015",
            "plec": "M",
        },
    ]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(FAMILY_COLUMNS)
    writer.writerows([[row.get(column, "") for column in FAMILY_COLUMNS] for row in rows])
    return text.getvalue().encode("utf-8-sig")


def _upload(page, data: bytes) -> None:
    field(page, "Plik (CSV lub XLSX)").set_input_files(
        files=[{"name": "rodziny.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Sprawdź plik").click()


def test_a_spreadsheet_is_checked_corrected_and_imported(page, base):
    UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")

    login(page, base, "kasia")
    nav = page.get_by_role("navigation", name="Nawigacja główna")
    nav.get_by_role("button", name="Zarządzanie").click()
    nav.get_by_role("link", name="Import", exact=True).click()
    expect(heading(page)).to_have_text("Import z arkusza")
    axe_check(page)

    _upload(page, _csv("ania"))
    expect(heading(page)).to_have_text("Wynik sprawdzenia")
    problems = page.get_by_role("table", name="Problemy według wierszy i kolumn")
    row = problems.get_by_role("row", name=re.compile("asystent"))
    expect(row).to_contain_text("2")
    expect(row).to_contain_text("Żaden aktywny asystent rodziny nie ma loginu „ania”.")
    expect(page.get_by_role("alert")).to_contain_text("Sprawdzenie wykazało 1 problem.")
    expect(page.get_by_role("button", name="Potwierdź import")).to_have_count(0)
    axe_check(page)
    shot(page, "import-dry-run-errors")
    assert not Family.objects.exists()

    page.get_by_role("link", name="Prześlij plik").click()
    _upload(page, _csv("anna"))
    expect(page.get_by_role("status")).to_contain_text("Wszystkie wiersze są poprawne (2 wiersze).")
    axe_check(page)
    assert not Family.objects.exists()
    page.get_by_role("button", name="Potwierdź import").click()
    expect_message(page, "Plik został zaimportowany.")
    expect(page.locator("#import-status")).to_have_text("zaimportowany")
    expect(page.get_by_role("main")).to_contain_text("1 rodzinę")
    expect(page.get_by_role("main")).to_contain_text("1 otwartą sprawę")
    shot(page, "import-confirmed")

    nav_link(page, "Rodziny").click()
    expect(page.get_by_role("link", name="Nowakowie")).to_be_visible()
