"""The semi-annual report's CSV and XLSX exports: read back, they hold exactly the report's figures;
every download is audited; only managers and administrators may download."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from asystent.audit import AccessAction
from asystent.enums import EmploymentForm
from asystent.models import AccessLog, Centre
from cases.enums import ClosureReason, LegalBasis
from cases.models import Assignment
from reports import exports
from reports.snapshots import report_figures
from reports.statistics import Period, semiannual_report
from staff.enums import FundingSource
from staff.models import Cost, Employment

from .factories import CaseFactory, FamilyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

H2 = Period(2025, "H2")


@pytest.fixture
def cases():
    civil = UserFactory(username="zlecenie", is_assistant=True)
    Employment.objects.create(
        assistant=civil, form=EmploymentForm.CIVIL_LAW_CONTRACT, started_on=dt.date(2024, 1, 1)
    )
    court = CaseFactory(
        assistant=civil,
        legal_basis=LegalBasis.COURT_ORDER,
        opened_on=dt.date(2025, 3, 1),
        started_on=dt.date(2025, 3, 1),
    )
    FamilyMemberFactory(family=court.family, child=True, no_pesel=True)
    FamilyMemberFactory(family=court.family, child=True, no_pesel=True)
    ended = CaseFactory(
        opened_on=dt.date(2024, 1, 1),
        started_on=dt.date(2024, 1, 1),
        closed_on=dt.date(2025, 9, 30),
        status="closed",
        closure_reason=ClosureReason.GOALS_ACHIEVED,
    )
    Assignment.objects.filter(case=ended).update(ended_on=ended.closed_on)
    Cost.objects.create(
        month=dt.date(2025, 7, 1),
        source=FundingSource.PROGRAMME,
        amount=Decimal("4321.50"),
        assistants_covered=1,
    )


def expected_rows() -> list[list]:
    with translation.override("pl"):
        return [
            [f.section, f.number, ("    " if f.indent else "") + f.wording, f.label, f.value]
            for f in report_figures(H2).figures
        ]


def test_the_figures_used_by_the_exports(cases):
    values = {f.key: f.value for f in semiannual_report(H2)}
    assert values["assistants"] == 2
    assert values["assistants-civil_law"] == 1
    assert values["families"] == 2
    assert values["families-court"] == 1
    assert values["children"] == 2
    assert values["ended-goals"] == 1
    assert values["duration-1_to_2"] == 1


def test_the_csv_reads_back_as_the_report(client, manager, cases):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual-csv"), {"period": H2.key})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="sprawozdanie-asystent-2025-H2.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    with translation.override("pl"):
        assert rows[0] == exports.headers()
    with translation.override("pl"):
        assert rows[-1] == [exports.unverified_note()]
    body = [[a, b, c, d, Decimal(value) if "." in value else int(value)] for a, b, c, d, value in rows[1:-1]]
    assert body == expected_rows()


def test_the_xlsx_reads_back_as_the_report(client, manager, cases):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual-xlsx"), {"period": H2.key})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert 'filename="sprawozdanie-asystent-2025-H2.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == Centre.load().name
    assert "2025" in sheet["A3"].value
    assert "Dz. U. 2019 poz. 1195" in sheet["A4"].value
    cells = [list(row) for row in sheet.iter_rows(min_row=6, values_only=True)]
    with translation.override("pl"):
        assert cells[0] == exports.headers()
    expected = [[a, b, wording.strip(), d, value] for a, b, wording, d, value in expected_rows()]
    assert [
        row[:4] + [Decimal(str(row[4])) if isinstance(row[4], float) else row[4]] for row in cells[1:]
    ] == [row[:4] + [Decimal(row[4]) if isinstance(row[4], Decimal) else row[4]] for row in expected]
    by_number = {row[1]: row[4] for row in cells[1:]}
    assert by_number["6.2*"] == 4321.5 and by_number["7*"] == 1 and by_number["2.1*"] == 1
    assert all(isinstance(row[4], int | float) for row in cells[1:])
    assert sheet.freeze_panes == "A7"


def test_a_centre_name_like_a_formula_stays_text_in_the_xlsx(client, manager, cases):
    centre = Centre.load()
    centre.name = '=HYPERLINK("http://evil.example","Kliknij")'
    centre.save()
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual-xlsx"), {"period": H2.key})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == centre.name
    text_cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert text_cells and all(cell.data_type == "s" for cell in text_cells)


def test_every_export_is_audited(client, manager, cases):
    client.force_login(manager)
    client.get(reverse("reports:semiannual-csv"), {"period": H2.key})
    client.get(reverse("reports:semiannual-xlsx"), {"period": H2.key})
    logs = list(AccessLog.objects.filter(user=manager).order_by("pk"))
    assert [log.action for log in logs] == [AccessAction.EXPORT, AccessAction.EXPORT]
    assert {(log.object_type, log.object_id, log.family_id) for log in logs} == {
        ("centre", Centre.load().pk, None)
    }


def test_the_administrator_may_export(client, admin_user, cases):
    client.force_login(admin_user)
    assert client.get(reverse("reports:semiannual-xlsx"), {"period": H2.key}).status_code == 200


@pytest.mark.parametrize("name", ["reports:semiannual-csv", "reports:semiannual-xlsx"])
@pytest.mark.parametrize("role", ["assistant", "social_worker"])
def test_other_roles_cannot_export_and_nothing_is_logged(client, role_users, name, role):
    client.force_login(role_users[role])
    assert client.get(reverse(name), {"period": H2.key}).status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("name", ["reports:semiannual-csv", "reports:semiannual-xlsx"])
def test_exports_need_a_valid_period_and_refuse_post(client, manager, name):
    client.force_login(manager)
    assert client.get(reverse(name), {"period": "2025-H3"}).status_code == 404
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name), {"period": H2.key}).status_code == 405
    client.logout()
    assert client.get(reverse(name), {"period": H2.key}).status_code == 302
