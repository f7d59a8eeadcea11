"""The PDFs read back as text: letterhead, court block, case number, Polish letters, page numbers,
the signature; PDF/A; the URL fetcher's refusals; hostile text printed as text and never fetched."""

import base64
import datetime as dt
import io
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from PIL import Image

from asystent.models import Centre
from cases.models import Goal, PlanAction, ProblemArea, WorkPlan
from courts import services
from documents import services as document_services
from documents.enums import DocumentKind
from documents.kinds import assignment_version, build_html, month_version
from documents.models import RenderedDocument
from documents.pdf import LOGO_URL, InternalOnlyFetcher, URLRefused, html_to_pdf
from referrals.models import CourtOrder

from .factories import CourtRequestFactory, FamilyMemberFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    """Assertions read the English source strings: the Polish catalogue may reword them."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


HOSTILE = '<script>alert(1)</script> <img src=file:///etc/passwd> <link rel=stylesheet href="http://evil.example/x.css">'


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it, with runs of white space (line ends) made one space."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def pdf_run(tool: list[str], data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run([*tool, str(path)], capture_output=True, check=True).stdout.decode()


def png_logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (20, 80, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def centre():
    centre = Centre.load()
    centre.name = "Miejski Ośrodek Pomocy Społecznej w Łodzi"
    centre.street = "ul. Źródłowa 7"
    centre.postal_code = "90-001"
    centre.city = "Łódź"
    centre.save()
    return centre


@pytest.fixture
def court_request(centre, assistant, manager):
    assistant.first_name, assistant.last_name = "Żaneta", "Gęślak"
    assistant.save()
    request = CourtRequestFactory(
        case__assistant=assistant,
        case__family__name="Wiśniewscy",
        case__family__city="Łódź",
        case__family__street="ul. Żółkiewskiego 3",
        case_number="III Nsm 512/26",
    )
    FamilyMemberFactory(family=request.case.family, first_name="Łucja", last_name="Wiśniewska")
    return request


def approve(court_request, manager, **sections):
    assistant = court_request.case.assistant
    opinion = services.draft_opinion(request=court_request, by=assistant)
    base = {"attitude": "Rodzina współpracuje.", "conclusions": "Wnioskuję o dalszą pracę z rodziną."}
    version = services.save_opinion(opinion=opinion, by=assistant, sections=base | sections)
    services.submit_opinion(version=version, by=assistant)
    services.approve_opinion(version=version, by=manager)
    return RenderedDocument.objects.get(
        kind=DocumentKind.OPINION, object_id=opinion.pk, version=version.number
    )


def rendered(document: RenderedDocument) -> bytes:
    assert document_services.render_stored_document(document.pk) in {"rendered", "unchanged"}
    document.refresh_from_db()
    assert document.status == "ready", document.error
    with document.file.open("rb") as handle:
        return handle.read()


# --- the opinion ---------------------------------------------------------------------------------


def test_the_opinion_pdf_reads_back(court_request, manager, tmp_path):
    document = approve(court_request, manager)
    data = rendered(document)
    text = pdf_text(data)
    assert "Miejski Ośrodek Pomocy Społecznej w Łodzi" in text  # the letterhead
    assert "ul. Źródłowa 7, 90-001 Łódź" in text
    assert (
        "Sąd Rejonowy dla Łodzi-Śródmieścia w Łodzi" in text and "III Wydział Rodzinny i Nieletnich" in text
    )
    assert "Sygn. akt III Nsm 512/26" in text
    assert "Opinia o rodzinie i jej członkach" in text
    assert "Wiśniewscy" in text and "Łucja Wiśniewska" in text
    assert "Łódź, dnia" in text
    assert "Strona 1 z" in text
    assert "Żaneta Gęślak" in text and "asystent rodziny" in text  # the signature block
    assert "Wnioskuję o dalszą pracę z rodziną." in text
    assert data.startswith(b"%PDF-")
    assert 'pdfaid:part="3"' in pdf_run(["pdfinfo", "-meta"], data, tmp_path)
    assert "Page size:       595.276 x 841.89 pts (A4)" in pdf_run(["pdfinfo"], data, tmp_path)


def test_the_opinion_pdf_headings_are_the_form_labels_and_the_approver_signs_with_their_title(
    court_request, manager
):
    from django.utils.text import capfirst

    from courts.forms import OpinionForm

    manager.first_name, manager.last_name = "Katarzyna", "Kierownicka"
    manager.job_title = "Kierownik Działu Wsparcia Rodziny"
    manager.save()
    every_section = {
        "health": "Zdrowa.",
        "housing_and_finances": "Mieszkanie 2 pokoje.",
        "cooperation_with_institutions": "Szkoła.",
    }
    text = pdf_text(rendered(approve(court_request, manager, **every_section)))

    with translation.override("pl"):
        labels = [str(capfirst(field.label)) for field in OpinionForm().visible_fields()]
    assert "Zdrowie" in labels and "Wnioski końcowe" in labels
    for label in labels:
        assert label in text, label
    assert "Katarzyna Kierownicka" in text and "Kierownik Działu Wsparcia Rodziny" in text


def test_a_long_opinion_numbers_every_page(court_request, manager):
    long_text = "\n\n".join(f"Akapit {n}: zażółć gęślą jaźń. " * 12 for n in range(40))
    data = rendered(approve(court_request, manager, conclusions=long_text))
    text = pdf_text(data)
    pages = text.count("Strona ")
    assert pages >= 3
    assert f"Strona 1 z {pages}" in text and f"Strona {pages} z {pages}" in text
    assert text.count("Sygn. akt III Nsm 512/26") >= pages  # the footer repeats the case number


def test_hostile_text_is_printed_as_text_and_never_fetched(court_request, manager):
    document = approve(court_request, manager, attitude=HOSTILE, conclusions=HOSTILE)
    centre = Centre.load()
    html = build_html(document, centre)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    fetcher = InternalOnlyFetcher(centre)
    text = pdf_text(html_to_pdf(html, fetcher=fetcher))
    assert "<script>alert(1)</script>" in text
    assert "<img src=file:///etc/passwd>" in text
    assert not any("passwd" in url or "evil" in url for url in fetcher.requested)
    assert fetcher.refused == []  # nothing but our stylesheet was asked for
    assert fetcher.requested == ["https://asystent.invalid/static/css/pdf.css"]


def test_the_logo_comes_from_the_centre_file(court_request, manager, centre, tmp_path):
    centre.logo.save("logo.png", ContentFile(png_logo()))
    document = approve(court_request, manager)
    fetcher = InternalOnlyFetcher(centre)
    data = html_to_pdf(build_html(document, centre), fetcher=fetcher)
    assert LOGO_URL in fetcher.requested and fetcher.refused == []
    assert "image" in pdf_run(["pdfimages", "-list"], data, tmp_path)


# --- the URL fetcher -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/static/css/pdf.css",
        "file:///etc/passwd",
        "https://asystent.invalid/etc/passwd",
        "https://asystent.invalid/static/../asystent/settings.py",
        "https://asystent.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://asystent.invalid/static/css/pdf.css?x=1",
        "http://asystent.invalid/static/css/pdf.css",
        "data:image/png;base64," + base64.b64encode(b"\x89PNG").decode(),
        "ftp://asystent.invalid/static/css/pdf.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    fetcher = InternalOnlyFetcher(Centre.load())
    with pytest.raises(URLRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_our_static_files():
    response = InternalOnlyFetcher(Centre.load()).fetch("https://asystent.invalid/static/css/pdf.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_no_logo_is_refused_not_guessed():
    with pytest.raises(URLRefused):
        InternalOnlyFetcher(Centre.load()).fetch(LOGO_URL)


def test_a_refused_resource_does_not_stop_the_document():
    fetcher = InternalOnlyFetcher(Centre.load())
    html = '<html><body><p>Treść</p><img src="file:///etc/passwd"><img src="http://example.org/a.png"></body></html>'
    text = pdf_text(html_to_pdf(html, fetcher=fetcher))
    assert "Treść" in text
    assert fetcher.refused == ["file:///etc/passwd", "http://example.org/a.png"]


# --- the other documents -------------------------------------------------------------------------


def test_the_work_plan_for_signing(court_request, assistant, manager):
    case = court_request.case
    FamilyMemberFactory(family=case.family, first_name="Jarosław", last_name="Wiśniewski", sex="M")
    plan = WorkPlan.objects.create(
        case=case, version=1, main_goal="Samodzielność rodziny", created_by=assistant
    )
    goal = Goal.objects.create(
        plan=plan, area=ProblemArea.objects.first(), description="Dzieci codziennie w szkole"
    )
    PlanAction.objects.create(
        goal=goal,
        description="Budzik na 6:45",
        responsible="family_member",
        responsible_name="matka",
        deadline=dt.date(2027, 1, 15),
        expected_effect="Frekwencja ponad 90%",
    )
    document = document_services.request_document(
        kind=DocumentKind.WORK_PLAN, obj=case, version=1, by=assistant
    )
    text = pdf_text(rendered(document))
    assert "Plan pracy z rodziną" in text and "plan w wersji 1" in text
    assert "Dzieci codziennie w szkole" in text and "Budzik na 6:45" in text and "15.01.2027" in text
    assert "Frekwencja ponad 90%" in text
    assert "Łucja Wiśniewska" in text and "Jarosław Wiśniewski" in text  # the adults sign
    assert text.count("podpis członka rodziny") == 2
    assert "Strona 1 z 1" in text


def test_the_monthly_visit_log(court_request, assistant):
    case = court_request.case
    today = timezone.localdate()
    first = today.replace(day=1)
    VisitFactory(
        case=case, date=first, topics="Rozmowa o budżecie; zaległości za gaz.", signed_by_family=True
    )
    VisitFactory(case=case, draft=True, date=first)  # drafts are not in the log
    VisitFactory(case=case, date=first - dt.timedelta(days=1), topics="Poprzedni miesiąc")
    version = month_version(today.year, today.month)
    document = document_services.request_document(
        kind=DocumentKind.MONTHLY_VISITS, obj=case, version=version, by=assistant
    )
    text = pdf_text(rendered(document))
    assert "Dziennik wizyt i kontaktów z rodziną" in text and "Wiśniewscy" in text
    assert first.strftime("%d.%m.%Y") in text and "zaległości za gaz" in text
    assert "Poprzedni miesiąc" not in text
    assert "Liczba wpisów: 1." in text and "1 godz. 30 min" in text
    assert "Strona 1 z 1" in text


def test_the_assignment_letter(court_request, assistant, manager):
    case = court_request.case
    CourtOrder.objects.create(
        family=case.family,
        court="Sąd Rejonowy w Łodzi",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 77/26",
        order_date=case.opened_on - dt.timedelta(days=20),
        received_on=case.opened_on - dt.timedelta(days=15),
        registered_by=UserFactory(social_worker=True),
    )
    case.assignments.create(assistant=assistant, started_on=case.opened_on, assigned_by=manager)
    document = document_services.request_document(
        kind=DocumentKind.ASSIGNMENT_LETTER, obj=case, version=assignment_version(case), by=manager
    )
    text = pdf_text(rendered(document))
    assert "Pismo przydzielające asystenta rodziny" in text
    assert "Żaneta Gęślak" in text and "Wiśniewscy" in text and "ul. Żółkiewskiego 3" in text
    assert "art. 109 § 2 pkt 1" in text and "III Nsm 77/26" in text
    assert case.opened_on.strftime("%d.%m.%Y") in text
    assert manager.get_full_name() in text and "kierownik ośrodka" in text
