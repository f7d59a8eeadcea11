"""The documents of a family's file printed from the case data (issue 17): the consent with the
information clause of art. 13 GDPR, the periodic assessment, the family work card, the closure
report, the monitoring note, the referral as filed, and the assistant's monthly report across
their families. Each is read back with pdftotext for the facts it must hold; rendering twice for
the same version gives one file; the documents handed to the family are tagged PDFs in Polish."""

import datetime as dt
import os
import re
import subprocess
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from asystent.errors import InvalidTransition
from asystent.files import private_storage
from asystent.models import Centre
from cases.enums import ClosureProposalStatus, ClosureReason
from cases.models import ClosureProposal
from documents import services
from documents.enums import DocumentKind, DocumentStatus
from documents.file_documents import period_of, period_version
from documents.kinds import month_version
from documents.models import RenderedDocument
from documents.monthly_report import prepare_monthly_report
from notifications.models import Notification
from referrals.models import CatalogueHandover

from .factories import (
    AssessmentFactory,
    AssessmentRatingFactory,
    CaseFactory,
    FamilyMemberFactory,
    GoalFactory,
    InterventionFactory,
    PlanActionFactory,
    ProblemAreaFactory,
    ReferralFactory,
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def case(assistant, social_worker):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Wiśniewscy")
    FamilyMemberFactory(family=case.family, first_name="Łucja", last_name="Wiśniewska")
    return case


def render(kind, obj, version, by, capture):
    with capture(execute=True):
        document = services.request_document(kind=kind, obj=obj, version=version, by=by)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


def pdf_bytes(document):
    with document.file.open("rb") as handle:
        return handle.read()


def text_of(document):
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf_bytes(document), capture_output=True, check=True
    ).stdout.decode()
    return " ".join(out.split())


def inflated(data: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, for a raw search."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"".join(parts)


def is_tagged_in_polish(document) -> bool:
    raw = inflated(pdf_bytes(document))
    return b"/StructTreeRoot" in raw and b"/Lang (pl)" in raw and b"/Marked true" in raw


def files_of(document):
    folder = os.path.dirname(private_storage.path(document.storage_name))
    return sorted(name for name in os.listdir(folder) if name.startswith(f"{document.object_id}-"))


def twice_one_file(kind, obj, version, by, capture):
    first = render(kind, obj, version, by, capture)
    with capture(execute=True):
        again = services.request_document(kind=kind, obj=obj, version=version, by=by)
    again.refresh_from_db()
    assert again.pk == first.pk and again.sha256 == first.sha256
    assert RenderedDocument.objects.filter(kind=kind, object_id=first.object_id, version=version).count() == 1
    assert files_of(first) == [os.path.basename(first.storage_name)]
    return first


# --- the consent with the information clause --------------------------------------------------------


def test_the_consent_holds_the_clause_of_art_13_gdpr_and_is_tagged(
    case, assistant, django_capture_on_commit_callbacks
):
    centre = Centre.load()
    centre.name = "Miejski Ośrodek Pomocy Społecznej w Zielonej Dolinie"
    centre.dpo_name = "Jan Inspektorski"
    centre.dpo_email = "iod@mops.example.pl"
    centre.retention_years = 10
    centre.save()
    document = twice_one_file(
        DocumentKind.CONSENT_FORM, case, 1, assistant, django_capture_on_commit_callbacks
    )
    text = text_of(document)
    for fact in (
        "Zgoda na pracę z asystentem rodziny",
        "Wiśniewscy",
        "Łucja Wiśniewska",
        "Administrator danych: Miejski Ośrodek Pomocy Społecznej w Zielonej Dolinie",
        "Inspektor ochrony danych: Jan Inspektorski, e-mail: iod@mops.example.pl",
        "Cele przetwarzania",
        "art. 6 ust. 1 lit. c RODO",
        "art. 9 ust. 2 lit. b RODO",
        "przez 10 lat",
        "sprostowania",
        "Prezesa Urzędu Ochrony Danych Osobowych",
        "Strona 1 z",
    ):
        assert fact in text, fact
    assert is_tagged_in_polish(document)
    assert b"pdfaid:part" in inflated(pdf_bytes(document))  # PDF/A


def test_the_family_facing_documents_are_tagged_and_the_others_not(
    case, assistant, manager, django_capture_on_commit_callbacks
):
    handover = CatalogueHandover.objects.create(
        case=case, handed_on=timezone.localdate(), handed_by=assistant, entries=[]
    )
    catalogue = render(
        DocumentKind.SUPPORT_CATALOGUE, handover, 1, assistant, django_capture_on_commit_callbacks
    )
    member = case.family.members.first()
    copy = render(DocumentKind.SUBJECT_ACCESS, member, 20260101, manager, django_capture_on_commit_callbacks)
    letter = render(DocumentKind.ASSIGNMENT_LETTER, case, 1, assistant, django_capture_on_commit_callbacks)
    assert is_tagged_in_polish(catalogue) and is_tagged_in_polish(copy)
    assert b"/StructTreeRoot" not in inflated(pdf_bytes(letter))


# --- the periodic assessment --------------------------------------------------------------------


def test_each_submitted_version_of_an_assessment_is_its_own_document(
    case, assistant, django_capture_on_commit_callbacks
):
    draft = AssessmentFactory(case=case, narrative="Szkic oceny")
    with pytest.raises(InvalidTransition):
        services.request_document(
            kind=DocumentKind.ASSESSMENT, obj=draft, version=draft.version, by=assistant
        )
    assessment = AssessmentFactory(case=case, submitted=True, narrative="Matka regularnie gotuje obiady.")
    AssessmentRatingFactory(assessment=assessment, rating=4, comment="Budżet pod kontrolą")
    first = twice_one_file(
        DocumentKind.ASSESSMENT, assessment, assessment.version, assistant, django_capture_on_commit_callbacks
    )
    text = text_of(first)
    for fact in (
        "Okresowa ocena sytuacji rodziny",
        "Wiśniewscy",
        "Matka regularnie gotuje obiady.",
        "Budżet pod kontrolą",
    ):
        assert fact in text, fact
    # Returned, corrected and submitted again: a new version, a new file; the first stays.
    assessment.narrative = "Matka gotuje obiady i robi zakupy."
    assessment.version += 1
    assessment.save()
    second = render(
        DocumentKind.ASSESSMENT, assessment, assessment.version, assistant, django_capture_on_commit_callbacks
    )
    assert second.pk != first.pk and "robi zakupy" in text_of(second)
    assert "regularnie gotuje" in text_of(first)


# --- the family work card ---------------------------------------------------------------------------


def test_the_work_card_holds_the_contacts_of_the_period_only(
    client, case, assistant, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    case.opened_on = today - dt.timedelta(days=60)
    case.save()
    area = ProblemAreaFactory(name="Gospodarowanie budżetem domowym")
    inside = VisitFactory(
        case=case, date=today - dt.timedelta(days=10), topics="Rozmowa o budżecie w okresie"
    )
    inside.areas.add(area)
    VisitFactory(case=case, date=today - dt.timedelta(days=40), topics="Wizyta sprzed okresu")
    VisitFactory(case=case, date=today - dt.timedelta(days=5), topics="Szkic wizyty", status="draft")
    client.force_login(assistant)
    url = reverse("documents:work-card", args=[case.pk])
    assert client.get(url).status_code == 200
    first, last = today - dt.timedelta(days=20), today
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"first": first.isoformat(), "last": last.isoformat()})
    document = RenderedDocument.objects.get(kind=DocumentKind.WORK_CARD)
    assert response.url == document.get_absolute_url()
    assert period_of(document.version) == (first, last)
    text = text_of(document)
    assert "Karta pracy z rodziną" in text and "Rozmowa o budżecie w okresie" in text
    assert "Gospodarowanie budżetem domowym" in text
    assert "Wizyta sprzed okresu" not in text and "Szkic wizyty" not in text
    assert f"{first:%d.%m.%Y} – {last:%d.%m.%Y}" in text
    twice_one_file(
        DocumentKind.WORK_CARD, case, document.version, assistant, django_capture_on_commit_callbacks
    )


def test_the_work_card_form_refuses_a_wrong_period_with_a_reason(client, case, assistant):
    client.force_login(assistant)
    url = reverse("documents:work-card", args=[case.pk])
    today = timezone.localdate()
    case.opened_on = today - dt.timedelta(days=400)
    case.save()
    for first, last, field in (
        (today - dt.timedelta(days=3), today - dt.timedelta(days=5), "last"),  # ends before it starts
        (today - dt.timedelta(days=399), today, "last"),  # longer than a year
        (today, today + dt.timedelta(days=3), "last"),  # the future
        (case.opened_on - dt.timedelta(days=1), today, "first"),  # before the case
        ("", today, "first"),
    ):
        data = {"first": str(first), "last": str(last)}
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors.get(field), (first, last)
    assert not RenderedDocument.objects.exists()


def test_the_period_version_fits_an_integer_column():
    first, last = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
    assert period_of(period_version(first, last)) == (first, last)
    assert period_version(last, last) < 2**31 - 1


# --- the closure report and the monitoring note -------------------------------------------------------


def test_the_closure_report_and_the_monitoring_note(
    case, assistant, manager, django_capture_on_commit_callbacks
):
    plan = WorkPlanFactory(case=case)
    PlanActionFactory(goal=GoalFactory(plan=plan, description="Dzieci chodzą do szkoły"), status="done")
    PlanActionFactory(goal=GoalFactory(plan=plan, description="Praca dla ojca"), status="not_done")
    today = timezone.localdate()
    proposal = ClosureProposal.objects.create(
        case=case,
        closing_on=today - dt.timedelta(days=20),
        reason=ClosureReason.GOALS_ACHIEVED,
        summary="Rodzina samodzielnie prowadzi gospodarstwo.",
        proposed_by=assistant,
    )
    with pytest.raises(InvalidTransition):
        services.request_document(kind=DocumentKind.CLOSURE_REPORT, obj=proposal, version=1, by=assistant)
    with pytest.raises(InvalidTransition):
        services.request_document(kind=DocumentKind.MONITORING_NOTE, obj=case, version=1, by=assistant)
    ClosureProposal.objects.filter(pk=proposal.pk).update(
        status=ClosureProposalStatus.APPROVED, decided_by=manager, decided_at=timezone.now()
    )
    case.closed_on = proposal.closing_on
    case.monitoring_until = today + dt.timedelta(days=100)
    case.closure_reason = ClosureReason.GOALS_ACHIEVED
    case.save()
    VisitFactory(
        case=case, date=today - dt.timedelta(days=2), kind="monitoring", topics="Rodzina radzi sobie dobrze"
    )
    report = twice_one_file(
        DocumentKind.CLOSURE_REPORT, proposal, 1, assistant, django_capture_on_commit_callbacks
    )
    text = text_of(report)
    for fact in (
        "Sprawozdanie z zakończenia pracy z rodziną",
        "Rodzina samodzielnie prowadzi gospodarstwo.",
        "Dzieci chodzą do szkoły",
        "wykonanych 1",
        "niewykonanych 1",
    ):
        assert fact in text, fact
    note = twice_one_file(
        DocumentKind.MONITORING_NOTE, case, 1, assistant, django_capture_on_commit_callbacks
    )
    text = text_of(note)
    assert "Notatka z monitorowania" in text and "Rodzina radzi sobie dobrze" in text
    assert f"do {case.monitoring_until:%d.%m.%Y}" in text


# --- the referral as filed ---------------------------------------------------------------------------


def test_the_referral_is_printed_as_filed(
    client, social_worker, assistant, django_capture_on_commit_callbacks
):
    draft = ReferralFactory(family__registered_by=social_worker, family__name="Zielińscy")
    client.force_login(social_worker)
    response = client.post(reverse("documents:referral-pdf", args=[draft.pk]))
    assert response.status_code == 302 and not RenderedDocument.objects.exists()
    referral = ReferralFactory(
        family=draft.family, submitted=True, justification="Matka prosi o pomoc w opiece nad bliźniętami."
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:referral-pdf", args=[referral.pk]))
    document = RenderedDocument.objects.get(kind=DocumentKind.REFERRAL)
    assert response.url == document.get_absolute_url() and document.case is None
    text = text_of(document)
    assert "Wniosek o przydzielenie asystenta rodziny" in text
    assert "Matka prosi o pomoc w opiece nad bliźniętami." in text and "Zielińscy" in text
    twice_one_file(DocumentKind.REFERRAL, referral, 1, social_worker, django_capture_on_commit_callbacks)
    # The family page offers it to its social worker; an assistant may not print it.
    page = client.get(referral.family.get_absolute_url()).content.decode()
    assert reverse("documents:referral-pdf", args=[referral.pk]) in page
    client.force_login(assistant)
    assert client.post(reverse("documents:referral-pdf", args=[referral.pk])).status_code in (403, 404)


# --- the assistant's monthly report -------------------------------------------------------------------


def test_the_monthly_report_covers_every_family_and_reaches_the_manager(
    client, assistant, manager, other_assistant, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    first_day = today.replace(day=1)
    one = CaseFactory(
        assistant=assistant, family__name="Pierwsi", opened_on=first_day - dt.timedelta(days=90)
    )
    two = CaseFactory(assistant=assistant, family__name="Drudzy", opened_on=first_day - dt.timedelta(days=90))
    CaseFactory(assistant=other_assistant, family__name="Obcy")
    area = ProblemAreaFactory(name="Opieka nad dziećmi", task=5)
    visit = VisitFactory(case=one, date=first_day, kind="home_visit")
    visit.areas.add(area)
    VisitFactory(case=one, date=first_day, kind="phone")
    VisitFactory(case=two, date=first_day, kind="consultation")
    InterventionFactory(
        case=two,
        date=timezone.make_aware(dt.datetime.combine(first_day, dt.time(9))),
        description="Wezwano pogotowie do dziecka",
    )
    WorkPlanFactory(case=one)
    client.force_login(assistant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:monthly-reports"), {"month": today.strftime("%Y-%m")})
    document = RenderedDocument.objects.get(kind=DocumentKind.MONTHLY_REPORT)
    assert response.url == document.get_absolute_url()
    assert document.family is None and document.case is None and document.worker == assistant
    assert set(document.mentioned_families.all()) == {one.family, two.family}
    text = text_of(document)
    for fact in (
        "Sprawozdanie miesięczne asystenta rodziny",
        "Pierwsi",
        "Drudzy",
        "Opieka nad dziećmi",
        "art. 15 ust. 1 pkt 5",
        "Wezwano pogotowie do dziecka",
        "Plan pracy w wersji 1",
    ):
        assert fact in text, fact
    assert "Obcy" not in text
    # The managers are told, once; the list shows it to them; another assistant does not see it.
    assert (
        Notification.objects.filter(
            recipient=manager, rule="monthly_report", url=document.get_absolute_url()
        ).count()
        == 1
    )
    prepare_monthly_report(assistant=assistant, year=today.year, month=today.month, by=assistant)
    assert Notification.objects.filter(recipient=manager, rule="monthly_report").count() == 1
    client.force_login(manager)
    page = client.get(reverse("documents:monthly-reports")).content.decode()
    assert document.get_absolute_url() in page
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200
    client.force_login(other_assistant)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert (
        document.get_absolute_url() not in client.get(reverse("documents:monthly-reports")).content.decode()
    )
    twice_one_file(
        DocumentKind.MONTHLY_REPORT,
        assistant,
        month_version(today.year, today.month),
        assistant,
        django_capture_on_commit_callbacks,
    )


def test_a_future_month_is_refused(client, assistant):
    client.force_login(assistant)
    next_month = timezone.localdate().replace(day=1) + dt.timedelta(days=32)
    response = client.post(
        reverse("documents:monthly-reports"), {"month": next_month.strftime("%Y-%m")}, follow=True
    )
    assert "has not started yet" in response.content.decode()
    assert not RenderedDocument.objects.exists()


# --- the case page offers them ----------------------------------------------------------------------


def test_the_case_page_lists_the_documents_and_offers_them(
    client, case, assistant, social_worker, django_capture_on_commit_callbacks
):
    assessment = AssessmentFactory(case=case, submitted=True)
    document = render(DocumentKind.CONSENT_FORM, case, 1, assistant, django_capture_on_commit_callbacks)
    client.force_login(assistant)
    page = client.get(case.get_absolute_url()).content.decode()
    for url in (
        reverse("documents:consent-form-pdf", args=[case.pk]),
        reverse("documents:work-card", args=[case.pk]),
        reverse("documents:assessment-pdf", args=[assessment.pk]),
        document.get_absolute_url(),
    ):
        assert url in page, url
    client.force_login(social_worker)
    page = client.get(case.get_absolute_url()).content.decode()
    assert document.get_absolute_url() in page
    assert reverse("documents:consent-form-pdf", args=[case.pk]) not in page
