"""Import of families (with members and open cases) and users from CSV or XLSX: the dry run's
outcome per row and column, nothing written before the manager confirms, then all or nothing
through the services (history, assignment, notification, audit), and the file deleted."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from asystent.models import AccessLog, RoleChangeRequest, User
from cases.enums import CaseStatus, LegalBasis
from cases.models import Assignment, Case, Family, FamilyMember, LegalBasisPeriod
from notifications.models import Notification
from transfer.models import ImportBatch, ImportStatus
from transfer.services.importing import FAMILY_COLUMNS, USER_COLUMNS

from .factories import CaseFactory, FamilyMemberFactory, UserFactory, make_pesel

pytestmark = pytest.mark.django_db


def _row(**cells) -> list[str]:
    return [cells.get(column, "") for column in FAMILY_COLUMNS]


def family_rows(
    assistant: str = "anna", *, key: str = "R1", name: str = "Nowakowie", **changes
) -> list[list[Any]]:
    """A family of a mother and a child, with a voluntary case of `assistant`."""
    mother = {
        "rodzina": key,
        "nazwa_rodziny": name,
        "ulica": "ul. Lipowa 5",
        "kod_pocztowy": "00-001",
        "miejscowosc": "Zielona Dolina",
        "imie": "Ewa",
        "nazwisko": name,
        "pokrewienstwo": "rodzic",
        "pesel": make_pesel(dt.date(1985, 3, 9), "F"),
        "data_urodzenia": "1985-03-09",
        "plec": "K",
        "asystent": assistant,
        "podstawa_prawna": "dobrowolna",
        "data_otwarcia": "2025-01-15",
    }
    mother.update(changes)
    child = {
        "rodzina": key,
        "imie": "Kacper",
        "nazwisko": name,
        "pokrewienstwo": "dziecko",
        "data_urodzenia": "09.05.2015",
        "plec": "M",
    }
    return [_row(**mother), _row(**child)]


def csv_file(rows: list[list[str]], *, columns=FAMILY_COLUMNS, delimiter=";", bom=True) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8-sig" if bom else "utf-8")
    return SimpleUploadedFile("rodziny.csv", data, content_type="text/csv")


def xlsx_file(rows: list[list[Any]], *, columns=FAMILY_COLUMNS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile("rodziny.xlsx", data.getvalue())


def upload(client, file, kind="families"):
    response = client.post(reverse("transfer:import"), {"kind": kind, "file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def problems_at(batch: ImportBatch) -> dict[tuple[int, str], str]:
    return {(p["row"], p["column"]): p["message"] for p in batch.problems}


def test_the_dry_run_names_each_problem_at_its_row_and_column_and_writes_nothing(client, manager, assistant):
    client.force_login(manager)
    on_file = FamilyMemberFactory()
    full = UserFactory(username="zofia", assistant=True, personal_caseload_limit=1)
    CaseFactory(assistant=full)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    rows = [
        *family_rows(key="R1", pesel="85030912345"),  # rows 2-3: a wrong check digit
        *family_rows(
            key="R2",
            pesel=on_file.pesel,
            data_urodzenia=on_file.birth_date.isoformat(),
            plec="K" if on_file.sex == "F" else "M",
        ),
        *family_rows("nieznany", key="R3"),  # rows 6-7
        *family_rows("zofia", key="R4"),  # rows 8-9: her one place is taken
        *family_rows(key="R5", data_otwarcia=future),  # rows 10-11
    ]
    families_before = Family.objects.count()
    batch = upload(client, csv_file(rows))

    found = problems_at(batch)
    assert (
        found[(2, "pesel")]
        == "Ten numer PESEL ma nieprawidłową cyfrę kontrolną. Sprawdź, czy nie ma w nim literówki."
    )
    assert found[(4, "pesel")] == "Osoba z tym numerem PESEL jest już zarejestrowana."
    assert found[(6, "asystent")] == "Żaden aktywny asystent rodziny nie ma loginu „nieznany”."
    assert "art. 15 ust. 4 ustawy" in found[(8, "asystent")]
    assert "wyniosłaby 2; limit wynosi 1" in found[(8, "asystent")]
    assert found[(10, "data_otwarcia")] == "Data nie może być datą przyszłą. Popraw datę."
    assert len(batch.problems) == 5
    assert batch.status == ImportStatus.CHECKED and batch.rows == 10 and not batch.can_confirm
    assert Family.objects.count() == families_before

    page = client.get(reverse("transfer:import-batch", args=[batch.pk])).content.decode()
    assert "Sprawdzenie wykazało 5 problemów." in page
    assert "Żaden aktywny asystent rodziny nie ma loginu „nieznany”." in page
    assert "Potwierdź import" not in page
    assert client.post(reverse("transfer:import-confirm", args=[batch.pk])).status_code == 302
    assert Family.objects.count() == families_before


def test_a_correct_file_is_written_only_on_confirmation_through_the_services(client, manager, assistant):
    client.force_login(manager)
    rows = family_rows() + family_rows(
        key="R2", name="Zielińscy", podstawa_prawna="postanowienie sądu", sygnatura_akt="III Nsm 12/25"
    )
    batch = upload(client, csv_file(rows))
    assert batch.problems == [] and batch.can_confirm
    assert batch.file.storage.exists(batch.file.name)
    stored = batch.file.name
    page = client.get(reverse("transfer:import-batch", args=[batch.pk])).content.decode()
    assert "Wszystkie wiersze są poprawne (4 wiersze)." in page
    assert not Family.objects.filter(name="Nowakowie").exists()

    response = client.post(reverse("transfer:import-confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    assert batch.summary == {"families": 2, "members": 4, "cases": 2}
    assert not batch.file and not batch.file.storage.exists(stored)

    family = Family.objects.get(name="Nowakowie")
    assert family.registered_by == manager
    assert family.history.count() == 1
    assert sorted(m.first_name for m in family.members.all()) == ["Ewa", "Kacper"]
    case = Case.objects.get(family=family)
    assert case.assistant == assistant and case.opened_on == dt.date(2025, 1, 15)
    assert case.status == CaseStatus.AWAITING_CONSENT
    assert Assignment.objects.get(case=case).assigned_by == manager
    court = Case.objects.get(family__name="Zielińscy")
    assert court.status == CaseStatus.ACTIVE
    assert LegalBasisPeriod.objects.get(case=court).basis == LegalBasis.COURT_ORDER
    assert LegalBasisPeriod.objects.get(case=court).source == "III Nsm 12/25"
    assert Notification.objects.filter(recipient=assistant).count() == 2
    audit = AccessLog.objects.get(action="import")
    assert audit.user == manager and audit.object_type == "importbatch" and audit.object_id == batch.pk

    page = client.get(response.url).content.decode()
    assert "Zaimportowano:" in page and "2 rodziny" in page and "4 członków rodzin" in page
    # Confirmed once: a second confirmation is refused and writes nothing.
    client.post(reverse("transfer:import-confirm", args=[batch.pk]))
    assert Family.objects.filter(name="Nowakowie").count() == 1


def test_all_or_nothing_when_the_register_changed_after_the_dry_run(client, manager, assistant):
    client.force_login(manager)
    batch = upload(client, csv_file(family_rows() + family_rows(key="R2", name="Zielińscy")))
    assert batch.can_confirm
    # Meanwhile the assistant's personal limit was lowered to one family.
    User.objects.filter(pk=assistant.pk).update(personal_caseload_limit=1)
    client.post(reverse("transfer:import-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "art. 15 ust. 4 ustawy" in batch.problems[0]["message"]
    assert not Family.objects.filter(name__in=["Nowakowie", "Zielińscy"]).exists()
    assert not FamilyMember.objects.filter(first_name="Kacper").exists()
    assert not AccessLog.objects.filter(action="import").exists()


def test_comma_separated_utf8_without_bom_is_read(client, manager, assistant):
    client.force_login(manager)
    batch = upload(client, csv_file(family_rows(name="Żółkiewscy"), delimiter=",", bom=False))
    assert batch.problems == [] and batch.rows == 2


def test_a_file_not_in_utf8_is_refused_with_the_reason(client, manager):
    client.force_login(manager)
    data = ";".join(FAMILY_COLUMNS).encode() + "\nR1;Żółkiewscy\n".encode("cp1250")
    batch = upload(client, SimpleUploadedFile("rodziny.csv", data))
    assert batch.status == ImportStatus.FAILED
    assert "nie jest w kodowaniu UTF-8" in batch.problems[0]["message"]
    assert not batch.file


def test_missing_columns_are_named(client, manager):
    client.force_login(manager)
    batch = upload(client, csv_file([["R1", "Nowakowie"]], columns=["rodzina", "nazwa_rodziny"]))
    assert "W pliku brakuje kolumn: ulica, kod_pocztowy" in batch.problems[0]["message"]


def test_xlsx_dates_and_numeric_pesel_are_read_and_formulas_refused(client, manager, assistant):
    client.force_login(manager)
    pesel = make_pesel(dt.date(2003, 2, 1), "F")  # a 2000s PESEL: stored as a number it loses its zero
    rows = family_rows()
    rows[0][FAMILY_COLUMNS.index("pesel")] = int(pesel)
    rows[0][FAMILY_COLUMNS.index("data_urodzenia")] = dt.datetime(2003, 2, 1)
    rows[1][FAMILY_COLUMNS.index("data_urodzenia")] = dt.date(2015, 5, 9)
    batch = upload(client, xlsx_file(rows))
    assert batch.problems == [] and batch.file_format == "xlsx"
    client.post(reverse("transfer:import-confirm", args=[batch.pk]))
    assert FamilyMember.objects.get(first_name="Ewa", family__name="Nowakowie").pesel == pesel

    rows = family_rows(key="R9", name="Formułowie")
    rows[1][FAMILY_COLUMNS.index("data_urodzenia")] = "=DATE(2015,5,9)"
    batch = upload(client, xlsx_file(rows))
    assert problems_at(batch)[(3, "data_urodzenia")].startswith("Komórka zawiera formułę")
    assert not batch.can_confirm


def test_a_file_too_large_is_refused_at_the_field(client, manager, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(manager)
    response = client.post(reverse("transfer:import"), {"kind": "families", "file": csv_file(family_rows())})
    assert response.status_code == 200
    assert "Plik jest za duży" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_discarded_import_deletes_its_file_and_writes_nothing(client, manager, assistant):
    client.force_login(manager)
    batch = upload(client, csv_file(family_rows()))
    stored = batch.file.name
    client.post(reverse("transfer:import-discard", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED and not batch.file
    assert not batch.file.storage.exists(stored)
    assert not Family.objects.filter(name="Nowakowie").exists()


def test_the_templates_download_with_their_columns(client, manager, admin_user):
    client.force_login(manager)
    response = client.get(reverse("transfer:import-template", args=["families", "csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and text[1:].splitlines()[0] == ";".join(FAMILY_COLUMNS)
    response = client.get(reverse("transfer:import-template", args=["families", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == FAMILY_COLUMNS
    assert client.get(reverse("transfer:import-template", args=["users", "csv"])).status_code == 403
    client.force_login(admin_user)
    text = client.get(reverse("transfer:import-template", args=["users", "csv"])).content.decode()
    assert text[1:].splitlines()[0] == ";".join(USER_COLUMNS)


def test_users_are_imported_by_the_administrator_with_roles_awaiting_confirmation(
    client, admin_user, manager
):
    client.force_login(admin_user)
    rows = [
        ["jan.nowy", "Jan", "Nowy", "jan@mops.example", "", "asystent"],
        ["ola.nowa", "Ola", "Nowa", "", "", "pracownik socjalny, asystent"],
        ["kasia", "Kasia", "Dubel", "", "", "kierownik"],
    ]
    batch = upload(client, csv_file(rows, columns=USER_COLUMNS), kind="users")
    found = problems_at(batch)
    assert "nie może być jednocześnie pracownikiem socjalnym i asystentem" in found[(3, "role")]
    assert found[(4, "login")] == "Użytkownik o tym loginie już istnieje."

    batch = upload(client, csv_file(rows[:1], columns=USER_COLUMNS), kind="users")
    client.post(reverse("transfer:import-confirm", args=[batch.pk]))
    user = User.objects.get(username="jan.nowy")
    assert not user.has_usable_password() and user.must_change_password
    assert not user.is_assistant  # four eyes: the role waits for a manager
    assert RoleChangeRequest.objects.get(user=user).is_assistant
    batch.refresh_from_db()
    assert batch.summary == {"users": 1, "role_requests": 1}


def test_who_may_import(client, manager, admin_user, assistant, social_worker):
    for outsider in (assistant, social_worker):
        client.force_login(outsider)
        assert client.get(reverse("transfer:import")).status_code == 403
    client.force_login(manager)
    batch = upload(client, csv_file(family_rows()))
    page = client.get(reverse("transfer:import")).content.decode()
    assert 'value="users"' not in page and 'value="families"' in page
    # A manager may not import users (the form offers no such choice).
    response = client.post(
        reverse("transfer:import"), {"kind": "users", "file": csv_file([], columns=USER_COLUMNS)}
    )
    assert response.status_code == 200 and ImportBatch.objects.count() == 1
    other = UserFactory(username="marek", manager=True)
    client.force_login(other)
    assert client.get(reverse("transfer:import-batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("transfer:import-confirm", args=[batch.pk])).status_code == 404
    assert client.get(reverse("transfer:import")).status_code == 200
    assert client.put(reverse("transfer:import")).status_code == 405
