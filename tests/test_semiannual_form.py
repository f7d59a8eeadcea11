"""The semi-annual report as the form means it, on an adversarial data set for H1 2026: a consent
refused, a family awaiting consent, a court order that arrived in the middle of the work, a child
turning 18 in the period, an assistant moving from a contract for services to employment in the
period, a "Za życiem" family (accepted, and one not yet), closures on the day before, the last day
and the day after the period, an assistant with no families and one with no employment recorded,
and the costs of the months. Every row of the form is checked against the value worked out by hand
below, through the service, the page and the XLSX read back."""

import datetime as dt
import io
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from asystent.audit import AccessAction
from asystent.enums import EmploymentForm
from asystent.files import private_storage
from asystent.models import AccessLog, User
from cases import services as case_services
from cases.enums import CaseStatus, ClosureReason, LegalBasis
from cases.models import Assignment, Case, Family
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from documents.pdf import file_sha256
from documents.services import render_stored_document
from reports.models import AnnualReport, SentReport
from reports.semiannual import form, sending
from reports.snapshots import report_figures
from reports.statistics import Period, cost_figures, semiannual_report
from staff.enums import Employer, FundingSource
from staff.models import Cost, Employment

from .factories import CaseFactory, FamilyFactory, FamilyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
H1 = Period(2026, "H1")  # 1 January - 30 June 2026


def _employ(user: User, employment_form: str, start: dt.date, end: dt.date | None = None, **extra) -> None:  # noqa: ANN003
    working_time = Decimal("1.00") if employment_form == EmploymentForm.EMPLOYMENT_CONTRACT else None
    Employment.objects.create(
        assistant=user,
        form=employment_form,
        working_time=extra.pop("working_time", working_time),
        started_on=start,
        ended_on=end,
        **extra,
    )


def _family(name: str, *children: dt.date) -> Family:
    family = FamilyFactory(name=name)
    FamilyMemberFactory(family=family, no_pesel=True)  # a parent
    for born in children:
        FamilyMemberFactory(family=family, child=True, birth_date=born, no_pesel=True)
    return family


def _case(family, assistant, basis, opened, started, closed=None, reason="", status=None) -> Case:  # noqa: ANN001, PLR0913
    if status is None:
        status = (
            CaseStatus.CLOSED if closed else CaseStatus.ACTIVE if started else CaseStatus.AWAITING_CONSENT
        )
    case = CaseFactory(
        family=family,
        assistant=assistant,
        legal_basis=basis,
        opened_on=opened,
        started_on=started,
        closed_on=closed,
        closure_reason=reason,
        status=status,
    )
    if closed:
        Assignment.objects.filter(case=case).update(ended_on=closed)
    return case


@pytest.fixture
def adversarial(db):
    a1 = UserFactory(username="a1_emp", is_assistant=True)
    _employ(a1, EmploymentForm.EMPLOYMENT_CONTRACT, D(2024, 1, 1))
    a2 = UserFactory(username="a2_switch", is_assistant=True)  # services contract, then employment
    _employ(a2, EmploymentForm.CIVIL_LAW_CONTRACT, D(2025, 6, 1), D(2026, 3, 31))
    _employ(a2, EmploymentForm.EMPLOYMENT_CONTRACT, D(2026, 4, 1), working_time=Decimal("0.50"))
    a3 = UserFactory(username="a3_idle", is_assistant=True)  # employed, no family yet
    _employ(a3, EmploymentForm.EMPLOYMENT_CONTRACT, D(2026, 2, 1))
    a4 = UserFactory(username="a4_ngo", is_assistant=True)  # employed by a contracted body
    _employ(
        a4,
        EmploymentForm.CIVIL_LAW_CONTRACT,
        D(2025, 1, 1),
        employer=Employer.CONTRACTED,
        employer_name="Fundacja",
    )
    a5 = UserFactory(username="a5_gone", is_assistant=True)  # left before the period
    _employ(a5, EmploymentForm.CIVIL_LAW_CONTRACT, D(2024, 1, 1), D(2025, 12, 31))
    a6 = UserFactory(username="a6_unrecorded", is_assistant=True)  # no employment recorded

    v, c, z, n, e = (
        LegalBasis.VOLUNTARY,
        LegalBasis.COURT_ORDER,
        LegalBasis.ZA_ZYCIEM,
        LegalBasis.MINOR_PARENT,
        ClosureReason,
    )
    # V1: consent given in 2025; one child of 16, one turning 18 on 15 March 2026 (not counted).
    _case(_family("V1 consent", D(2010, 1, 1), D(2008, 3, 15)), a1, v, D(2025, 11, 1), D(2025, 11, 10))
    # R: refused consent in the period: no work began, so counted nowhere.
    _case(
        _family("R refused", D(2015, 1, 1), D(2016, 1, 1)),
        a2,
        v,
        D(2026, 2, 1),
        None,
        D(2026, 2, 20),
        e.REFUSED,
    )
    # W: awaiting consent at the end of the period.
    _case(_family("W awaiting", D(2014, 5, 5)), a2, v, D(2026, 6, 10), None)
    # C1: voluntary work since October 2025; a court order arrived on 15 April 2026: court-ordered
    # in the period from that day. C2: voluntary all through the period; its court order arrived
    # on 10 July 2026, after it: a family of the period, but not a court-ordered one.
    clerk = UserFactory(username="kierownik_c", is_manager=True)
    c1 = _case(_family("C1 court order mid-period", D(2013, 2, 2)), a1, v, D(2025, 10, 1), D(2025, 10, 5))
    case_services.attach_court_order(case=c1, received_on=D(2026, 4, 15), source="SR III Nsm 1/26", by=clerk)
    c2 = _case(_family("C2 court order after the period"), a1, v, D(2025, 9, 1), D(2025, 9, 3))
    case_services.attach_court_order(case=c2, received_on=D(2026, 7, 10), source="SR III Nsm 2/26", by=clerk)
    # ZZ: a "Za życiem" request accepted in January; ZZ2: requested in June, not accepted yet.
    _case(_family("ZZ za zyciem"), a2, z, D(2026, 1, 20), D(2026, 1, 25))
    _case(_family("ZZ2 za zyciem waiting"), a2, z, D(2026, 6, 25), None)
    # D1: closed the day before the period (a5's family); D2: closed the day after.
    _case(
        _family("D1 closed the day before", D(2012, 1, 1)),
        a5,
        v,
        D(2025, 3, 1),
        D(2025, 3, 1),
        D(2025, 12, 31),
        e.GOALS_ACHIEVED,
    )
    _case(
        _family("D2 closed the day after", D(2012, 6, 1)),
        a4,
        v,
        D(2025, 2, 1),
        D(2025, 2, 1),
        D(2026, 7, 1),
        e.NO_EFFECTS,
    )
    # E1: opened in January 2024, work began 30 June 2024, closed on the last day: exactly two
    # years from the start (over two from the opening); its child came of age in 2025.
    _case(
        _family("E1 closed on the last day", D(2007, 7, 1)),
        a1,
        v,
        D(2024, 1, 10),
        D(2024, 6, 30),
        D(2026, 6, 30),
        e.WITHDREW,
    )
    # E2: a court-ordered family that refused after the work began: stopped cooperating.
    _case(_family("E2 court refused"), a1, c, D(2025, 12, 1), D(2025, 12, 1), D(2026, 3, 1), e.REFUSED)
    # E3: moved away.
    _case(_family("E3 moved away"), a4, v, D(2025, 6, 1), D(2025, 6, 1), D(2026, 2, 10), e.MOVED_AWAY)
    # M: a minor parent leaving an institution (a6, no employment recorded); a newborn.
    _case(_family("M minor parent", D(2026, 4, 1)), a6, n, D(2026, 5, 5), D(2026, 5, 5))

    # Costs: January-June count; December 2025 and July 2026 do not.
    for month, source, amount, covered in [
        (D(2025, 12, 1), FundingSource.PROGRAMME, "500.00", 9),
        (D(2026, 1, 1), FundingSource.OWN, "10000.00", 4),
        (D(2026, 2, 1), FundingSource.PROGRAMME, "3000.00", 2),
        (D(2026, 3, 1), FundingSource.PROGRAMME, "3000.00", 3),
        (D(2026, 7, 1), FundingSource.OWN, "999.00", 4),
    ]:
        Cost.objects.create(month=month, source=source, amount=Decimal(amount), assistants_covered=covered)


# Worked out by hand from the data set above.
EXPECTED = {
    # a1 (employment), a2 (employment since April: the last form in force), a3 (no families),
    # a4 (contracted body), a6 (assigned, no employment recorded); not a5 (left in December).
    "assistants": 5,
    "assistants-employment": 3,
    "assistants-civil_law": 0,
    "assistants-contracted": 1,
    "assistants-none": 1,
    # V1 C1 C2 ZZ D2 E1 E2 E3 M; not R (refused), W and ZZ2 (not begun), D1 (closed the day before).
    "families": 9,
    # C1 (from 15 April), E2; not C2, whose order came after the period although its case is
    # court-ordered today.
    "families-court": 2,
    "za-zyciem": 1,  # ZZ
    # V1 one (the other turned 18 on 15 March), C1, D2, M (the newborn); not E1's (18 in 2025).
    "children": 4,
    "ended": 3,  # E1, E2, E3; not R (refused before any work), D1, D2
    "ended-goals": 0,
    "ended-no_cooperation": 2,  # E1 withdrew, E2 refused after the work began
    "ended-no_effects": 0,
    "ended-other": 1,  # E3 moved away
    "duration-up_to_1": 2,  # E2 (3 months), E3 (8 months)
    "duration-1_to_2": 1,  # E1: exactly two years from the start of the work
    "duration-over_2": 0,
    "cost": Decimal("16000.00"),
    "cost-own": Decimal("10000.00"),
    "cost-programme": Decimal("6000.00"),
    "cost-eu": Decimal("0.00"),
    "cost-other": Decimal("0.00"),
    "covered-programme": 3,  # the most in a month of the period (March)
    "covered-eu": 0,
}


def test_the_hand_count_covers_every_row_of_the_form():
    assert set(EXPECTED) == {row.key for row in form.ROWS}


def test_every_row_matches_the_hand_count_through_the_service(adversarial):
    figures = {f.key: f.value for f in [*semiannual_report(H1), *cost_figures(H1)]}
    assert figures == EXPECTED
    stored = {f.key: f.value for f in report_figures(H1).figures}
    assert stored == EXPECTED


def test_the_rows_come_in_the_order_of_the_one_table(adversarial):
    assert [f.key for f in report_figures(H1).figures] == [row.key for row in form.ROWS]


def test_every_reason_for_closure_maps_onto_a_row_of_section_3():
    rows = {row.key for row in form.ROWS if row.key.startswith("ended-")}
    assert set(form.CLOSURE_ROWS.values()) == rows
    assert form.CLOSURE_ROWS[ClosureReason.REFUSED] == "ended-no_cooperation"


def test_unverified_rows_are_marked():
    assert all(not row.verified for row in form.ROWS)
    assert form.number_label(form.BY_KEY["families"]) == "2*"
    assert form.number_label(form.BY_KEY["assistants-none"]) == "—"


def test_the_child_age_rule_is_under_18_on_the_last_day():
    assert form.children_born_after(D(2026, 6, 30)) == D(2008, 6, 30)


def test_the_page_shows_every_row_as_the_form_does(client, manager, adversarial):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual"), {"year": 2026, "part": "H1"})
    assert response.status_code == 200
    html = response.content.decode()
    for row in form.ROWS:
        cell = html.split(f'id="figure-{row.key}"')[1].split("</tr>")[0]
        assert f">{form.number_label(row)}<" in cell, row.key
        value = EXPECTED[row.key]
        shown = cell.split('class="figure-value">')[1].split("<")[0]
        assert shown.replace("\xa0", "").replace(",", ".") == str(value), row.key
    assert "Dz. U. 2019 poz. 1195" in html
    assert 'id="report-unverified"' in html


def test_the_lists_behind_the_rows_hold_what_they_count(client, manager, adversarial):
    client.force_login(manager)
    url = reverse("reports:semiannual-drilldown")
    families = client.get(url, {"figure": "families", "period": H1.key})
    assert {f.name for f in families.context["page"]} == {
        "V1 consent",
        "C1 court order mid-period",
        "C2 court order after the period",
        "ZZ za zyciem",
        "D2 closed the day after",
        "E1 closed on the last day",
        "E2 court refused",
        "E3 moved away",
        "M minor parent",
    }
    assistants = client.get(url, {"figure": "assistants-employment", "period": H1.key})
    assert {a.username for a in assistants.context["page"]} == {"a1_emp", "a2_switch", "a3_idle"}
    idle = next(a for a in assistants.context["page"] if a.username == "a3_idle")
    assert idle.families == 0
    costs = client.get(url, {"figure": "cost-programme", "period": H1.key})
    assert costs.status_code == 200 and costs.context["total"] == 2
    children = client.get(url, {"figure": "children", "period": H1.key})
    assert children.context["total"] == 4


def test_the_xlsx_cells_match_the_form_rows(client, manager, adversarial):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual-xlsx"), {"period": H1.key})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(min_row=7, values_only=True)]
    assert [row[1] for row in rows] == [form.number_label(row) for row in form.ROWS]
    for cells, row in zip(rows, form.ROWS, strict=True):
        assert cells[0] == row.section and cells[2] == row.wording
        assert Decimal(str(cells[4])) == Decimal(str(EXPECTED[row.key])), row.key
    text_cells = [cell for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" for cell in text_cells)


# --- the PDF, the sent version, the annual report ----------------------------------------------


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _refuse_weasyprint(monkeypatch) -> None:  # noqa: ANN001
    """WeasyPrint (the library, not our code) fails loudly if anything calls it."""

    def refused(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("WeasyPrint was called in the web request")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", refused)


def _pdf_files() -> list[str]:
    root = private_storage.path("documents")
    return sorted(str(path) for path in Path(root).rglob("*.pdf")) if os.path.isdir(root) else []


def ask_for_pdf(client, url: str, data: dict, capture, monkeypatch) -> RenderedDocument:  # noqa: ANN001
    """Post the request for a PDF and prove that the request itself rendered nothing: the
    rendering was queued after the commit, the document waits, and no file exists (or, asked again
    after a change, the previous file is untouched); then run what was queued (the worker's task,
    in-process) and return the ready document."""
    files_before = {path: file_sha256(path) for path in _pdf_files()}
    with monkeypatch.context() as patched:
        _refuse_weasyprint(patched)
        with capture(execute=False) as queued:
            response = client.post(url, data)
        assert response.status_code == 302, response
        document = RenderedDocument.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        assert response.url == document.get_absolute_url()
        assert document.status == DocumentStatus.PENDING
        assert {path: file_sha256(path) for path in _pdf_files()} == files_before
        if not document.sha256:  # never rendered before
            assert not os.path.exists(private_storage.path(document.storage_name))
        waiting = client.get(document.get_absolute_url())
        assert "Oczekiwanie na przygotowanie pliku PDF" in waiting.content.decode()
        assert len(queued) == 1
    for callback in queued:
        callback()  # the worker's task (always eager in the tests)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


def downloaded(client, document: RenderedDocument) -> str:  # noqa: ANN001
    page = client.get(document.get_absolute_url()).content.decode()
    assert reverse("documents:download", args=[document.pk]) in page
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return pdf_text(b"".join(response.streaming_content))


def _assert_rows(text: str, values: dict) -> None:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for row in form.ROWS:
        number = form.number_label(row)
        line = next(line for line in lines if line.startswith(f"{number} ") and row.wording[:25] in line)
        shown = str(values[row.key]).replace(".", ",")  # Polish decimal comma
        assert line.endswith(f" {shown}"), (row.key, line)


def test_the_pdf_is_rendered_by_the_worker_and_reads_back_as_the_page(
    client, manager, adversarial, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(manager)
    page = client.get(reverse("reports:semiannual"), {"year": 2026, "part": "H1"})
    page_values = {f.key: f.value for f in page.context["figures"]}
    assert page_values == EXPECTED
    url = reverse("reports:semiannual-pdf") + f"?period={H1.key}"
    document = ask_for_pdf(client, url, {"version": "0"}, django_capture_on_commit_callbacks, monkeypatch)
    assert (document.kind, document.case, document.family) == (DocumentKind.SEMIANNUAL_REPORT, None, None)
    text = downloaded(client, document)
    assert "Dz. U. 2019 poz. 1195" in text and "Strona 1 z 2" in " ".join(text.split())
    _assert_rows(text, page_values)
    assert AccessLog.objects.filter(user=manager, action=AccessAction.EXPORT).count() == 1
    pdf = private_storage.path(document.storage_name)
    meta = subprocess.run(["pdfinfo", "-meta", pdf], capture_output=True, check=True).stdout.decode()
    assert 'pdfaid:part="3"' in meta  # PDF/A-3b, as every printed document

    # Asked again with the same figures: the same document and file, nothing queued or rendered.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        again = client.post(url, {"version": "0"})
    assert again.url == document.get_absolute_url() and queued == []
    folder = os.path.dirname(pdf)
    assert os.listdir(folder) == [os.path.basename(pdf)]
    # Rendering twice (a message delivered twice) still leaves one file.
    assert render_stored_document(document.pk) == "unchanged"
    RenderedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.PENDING)
    assert render_stored_document(document.pk) == "rendered"
    assert os.listdir(folder) == [os.path.basename(pdf)]
    assert RenderedDocument.objects.filter(kind=DocumentKind.SEMIANNUAL_REPORT).count() == 1


def test_the_sent_version_prints_as_sent_and_the_current_figures_follow_the_data(
    client, manager, adversarial, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(manager)
    client.post(reverse("reports:semiannual-send") + f"?period={H1.key}")
    sent = SentReport.objects.get()
    url = reverse("reports:semiannual-pdf") + f"?period={H1.key}"
    page = client.get(reverse("reports:semiannual"), {"year": 2026, "part": "H1"}).content.decode()
    assert f'name="version" value="{sent.pk}"' in page
    frozen = ask_for_pdf(
        client, url, {"version": str(sent.pk)}, django_capture_on_commit_callbacks, monkeypatch
    )
    frozen_text = downloaded(client, frozen)
    assert "wysłana" in frozen_text
    _assert_rows(frozen_text, EXPECTED)
    Cost.objects.create(
        month=D(2026, 6, 1), source=FundingSource.EU, amount=Decimal("100.00"), assistants_covered=1
    )
    changed = {
        **EXPECTED,
        "cost": Decimal("16100.00"),  # 16,000 + 100
        "cost-eu": Decimal("100.00"),
        "covered-eu": 1,
    }
    # The sent version is frozen: asking again renders nothing, and it still reads as sent.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(url, {"version": str(sent.pk)})
    assert queued == []
    _assert_rows(downloaded(client, frozen), EXPECTED)
    current = ask_for_pdf(client, url, {"version": "0"}, django_capture_on_commit_callbacks, monkeypatch)
    assert current.pk != frozen.pk
    _assert_rows(downloaded(client, current), changed)
    # The current figures changed again: asking again renders the same document's file anew.
    Cost.objects.create(
        month=D(2026, 5, 1), source=FundingSource.EU, amount=Decimal("1.00"), assistants_covered=1
    )
    again = ask_for_pdf(client, url, {"version": "0"}, django_capture_on_commit_callbacks, monkeypatch)
    assert again.pk == current.pk
    assert sorted(os.listdir(os.path.dirname(private_storage.path(current.storage_name)))) == sorted(
        [f"{frozen.object_id}-v{frozen.version}.pdf", f"{current.object_id}-v0.pdf"]
    )


def test_a_version_not_sent_for_the_period_is_refused_in_polish(client, manager, adversarial, settings):
    settings.LANGUAGE_CODE = "pl"
    client.force_login(manager)
    url = reverse("reports:semiannual-pdf") + f"?period={H1.key}"
    response = client.post(url, {"version": "999"}, follow=True, headers={"accept-language": "pl"})
    assert "Ta wersja sprawozdania nie została wysłana za ten okres." in response.content.decode()
    assert not RenderedDocument.objects.exists()
    assert client.post(url, {"version": "x"}).status_code == 404
    assert client.get(url).status_code == 405


def test_a_failed_rendering_says_why_in_polish(
    client, manager, adversarial, django_capture_on_commit_callbacks, settings
):
    """The sent version's figures are gone by the time the worker renders it (a real failure of
    the rendering, not of the request): the page says so in Polish, without the exception."""
    settings.LANGUAGE_CODE = "pl"
    client.force_login(manager)
    client.post(reverse("reports:semiannual-send") + f"?period={H1.key}")
    sent = SentReport.objects.get()
    url = reverse("reports:semiannual-pdf") + f"?period={H1.key}"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, {"version": str(sent.pk)})
    SentReport.objects.all().delete()
    for callback in queued:
        callback()
    document = RenderedDocument.objects.get()
    assert document.status == DocumentStatus.FAILED
    page = client.get(response.url, headers={"accept-language": "pl"}).content.decode()
    assert "Nie udało się przygotować dokumentu z powodu błędu w systemie" in page
    assert "DoesNotExist" not in page and "Traceback" not in page


def test_who_asks_for_and_sees_the_reports_pdfs(
    client, manager, admin_user, assistant, social_worker, adversarial, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        semi = client.post(reverse("reports:semiannual-pdf") + f"?period={H1.key}", {"version": "0"})
        annual = client.post(reverse("reports:annual-pdf") + "?year=2026")
    semi_doc = RenderedDocument.objects.get(kind=DocumentKind.SEMIANNUAL_REPORT)
    annual_doc = RenderedDocument.objects.get(kind=DocumentKind.ANNUAL_REPORT)
    assert (semi.url, annual.url) == (semi_doc.get_absolute_url(), annual_doc.get_absolute_url())
    # The administrator reads the figures (the semi-annual report), not the manager's annual text.
    client.force_login(admin_user)
    assert client.get(semi_doc.get_absolute_url()).status_code == 200
    assert client.get(reverse("documents:download", args=[semi_doc.pk])).status_code == 200
    assert client.get(annual_doc.get_absolute_url()).status_code == 404
    assert client.post(reverse("reports:annual-pdf") + "?year=2026").status_code == 403
    for person in (assistant, social_worker):
        client.force_login(person)
        for document in (semi_doc, annual_doc):
            assert client.get(document.get_absolute_url()).status_code == 404
            assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
            assert client.post(reverse("documents:retry", args=[document.pk])).status_code == 404
        assert client.post(reverse("reports:semiannual-pdf") + f"?period={H1.key}").status_code == 403


def test_a_sent_version_is_frozen_and_later_changes_show_the_difference(client, manager, adversarial):
    client.force_login(manager)
    assert client.post(reverse("reports:semiannual-send") + f"?period={H1.key}").status_code == 302
    sent = SentReport.objects.get()
    assert (sent.sent_by, sent.figures["families"], sent.figures["cost"]) == (manager, 9, "16000.00")
    # After sending: a family's work found to have begun in the period, and a late cost entry.
    case = Case.objects.get(family__name="W awaiting")
    case.started_on = D(2026, 6, 20)
    case.status = CaseStatus.ACTIVE
    case.save()
    Cost.objects.create(
        month=D(2026, 6, 1), source=FundingSource.EU, amount=Decimal("100.00"), assistants_covered=1
    )
    page = client.get(reverse("reports:semiannual"), {"year": 2026, "part": "H1"})
    rows = {row["figure"].key: row for row in page.context["rows"]}
    assert (rows["families"]["sent"], rows["families"]["figure"].value, rows["families"]["difference"]) == (
        9,
        10,
        1,
    )
    assert rows["children"]["difference"] == 1
    assert rows["cost-eu"]["difference"] == Decimal("100.00")
    assert rows["ended"]["difference"] is None
    html = page.content.decode()
    assert 'id="report-sent"' in html
    families = html.split('id="figure-families"')[1].split("</tr>")[0]
    assert "figure-difference" in families and "+1" in families
    SentReport.objects.update(figures={**sent.figures, "families": 0})  # what was sent stays as sent
    sent.refresh_from_db()
    assert sent.figures["families"] == 0


def test_a_period_in_progress_cannot_be_sent(client, manager):
    client.force_login(manager)
    current = Period.last_complete_half()
    ongoing = Period(current.year + 1, "H1") if current.part == "H2" else Period(current.year, "H2")
    response = client.post(reverse("reports:semiannual-send") + f"?period={ongoing.key}", follow=True)
    assert response.status_code == 200
    assert not SentReport.objects.exists()
    with pytest.raises(ValidationError):
        sending.send_report(period=ongoing, by=manager)


def test_the_annual_report_keeps_the_managers_text_and_prints_it_with_the_year(
    client, manager, adversarial, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(manager)
    url = reverse("reports:annual")
    page = client.get(url, {"year": 2026})
    assert page.status_code == 200
    year_figures_list = page.context["figures"]
    year_figures = {f.key: f.value for f in year_figures_list}
    assert year_figures == {f.key: f.value for f in report_figures(Period(2026, "Y")).figures}
    response = client.post(
        f"{url}?year=2026",
        {
            "summary": "Rok stabilnej pracy.",
            "needs": "Trzeci asystent rodziny.",
            "plans": "Superwizja co miesiąc.",
        },
    )
    assert response.status_code == 302
    assert AnnualReport.objects.get(year=2026).updated_by == manager
    pdf_url = reverse("reports:annual-pdf") + "?year=2026"
    document = ask_for_pdf(client, pdf_url, {}, django_capture_on_commit_callbacks, monkeypatch)
    text = downloaded(client, document)
    assert "Trzeci asystent rodziny." in text and "Superwizja co miesiąc." in text
    assert "2026" in text and "Strona 1 z" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    with translation.override("pl"):
        for figure in year_figures_list:
            label, shown = capfirst(figure.label), str(figure.value).replace(".", ",")
            assert any(line.startswith(label[:30]) and line.endswith(f" {shown}") for line in lines), label
    # The text changed: asking again renders the same document's one file anew.
    client.post(f"{url}?year=2026", {"summary": "", "needs": "Czwarty asystent.", "plans": ""})
    again = ask_for_pdf(client, pdf_url, {}, django_capture_on_commit_callbacks, monkeypatch)
    assert again.pk == document.pk and "Czwarty asystent." in downloaded(client, again)
    assert os.listdir(os.path.dirname(private_storage.path(document.storage_name))) == ["2026-v0.pdf"]
    too_long = client.post(f"{url}?year=2026", {"summary": "x" * 10_001, "needs": "", "plans": ""})
    assert too_long.status_code == 200 and too_long.context["form"].errors
    assert client.get(url, {"year": 3000}).status_code == 404
