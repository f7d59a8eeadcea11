"""Intake as the law has it: who reported a family and the interview's deadline in working days
(§ 3 of the regulation on the family community interview), "Za życiem" requests without an
interview (art. 8 of the "Za życiem" Act), the catalogue of available support and its handover,
the answer to the reporter, and each assistant's personal limit of families (art. 15 ust. 4)."""

import datetime as dt
import re
import subprocess

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from asystent.dates import add_working_days, is_working_day
from asystent.errors import CaseloadFull, InvalidTransition
from asystent.models import Centre
from cases.enums import CaseStatus, LegalBasis
from cases.services import reassign_case
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.reminders import send_reminders
from referrals.enums import Decision, ReferralStatus, ReportChannel, ReporterKind, ZaZyciemEligibility
from referrals.models import (
    INTERVIEW_WORKING_DAYS,
    URGENT_INTERVIEW_WORKING_DAYS,
    CatalogueHandover,
    FamilyReport,
    Referral,
    SupportCatalogueEntry,
    ZaZyciemRequest,
)
from referrals.services import (
    decide_referral,
    hand_over_catalogue,
    record_report,
    register_za_zyciem_request,
)

from .factories import CaseFactory, CommunityInterviewFactory, FamilyFactory, ReferralFactory, UserFactory

TODAY = timezone.localdate


def field_error(response, field: str, message: str) -> None:  # noqa: ANN001
    assert message in response.context["form"].errors[field]
    pattern = rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>{re.escape(escape(message))}</strong>'
    assert re.search(pattern, response.content.decode()), f"{message!r} is not shown next to {field}"


def pdf_text(document: RenderedDocument) -> str:
    with document.file.open("rb") as handle:
        data = handle.read()
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


@pytest.fixture
def family(social_worker):
    return FamilyFactory(registered_by=social_worker, name="Zgłoszeni")


@pytest.fixture
def catalogue(db):
    return [
        SupportCatalogueEntry.objects.create(
            title="Poradnia psychologiczna dla rodziców",
            description="Wsparcie psychologiczne po diagnozie prenatalnej.",
            institution="Poradnia Psychologiczno-Pedagogiczna w Zielonej Dolinie",
            contact="ul. Lipowa 3, tel. 11 222 33 44",
            order=1,
        ),
        SupportCatalogueEntry.objects.create(
            title="Hospicjum perinatalne",
            description="Opieka paliatywna nad dzieckiem i wsparcie rodziny.",
            institution="Hospicjum Zielona Dolina",
            contact="tel. 11 555 66 77",
            order=2,
        ),
        SupportCatalogueEntry.objects.create(
            title="Wpis wycofany", description="-", institution="-", contact="-", is_active=False
        ),
    ]


def za_zyciem_data(**overrides) -> dict:
    data = {
        "requested_on": TODAY() - dt.timedelta(days=1),
        "requested_by": "Anna Zgłoszona (matka)",
        "eligibility": ZaZyciemEligibility.PREGNANCY,
        "expected_birth_date": TODAY() + dt.timedelta(days=90),
        "certificate_date": None,
        "certificate_issuer": "",
        "authorisation_date": None,
        "authorisation_scope": "",
    }
    data.update(overrides)
    return data


def posted(data: dict) -> dict:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)) for k, v in data.items()
    }


# --- working days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (dt.date(2026, 4, 2), 2, dt.date(2026, 4, 7)),  # Good Friday works, Easter Monday does not
        (dt.date(2026, 12, 22), 2, dt.date(2026, 12, 28)),  # 24, 25, 26 December and a weekend
        (dt.date(2026, 10, 30), 2, dt.date(2026, 11, 3)),  # 1 November falls on a Sunday
        (dt.date(2026, 11, 9), 1, dt.date(2026, 11, 10)),
        (dt.date(2026, 11, 10), 1, dt.date(2026, 11, 12)),  # 11 November
        (dt.date(2026, 6, 1), 14, dt.date(2026, 6, 22)),  # Corpus Christi, 4 June 2026
    ],
)
def test_working_days_skip_weekends_and_polish_holidays(start, n, expected):
    assert add_working_days(start, n) == expected


def test_the_public_holidays_are_not_working_days():
    for day in (dt.date(2027, 1, 1), dt.date(2027, 1, 6), dt.date(2027, 5, 3), dt.date(2027, 11, 11)):
        assert not is_working_day(day), day
    assert is_working_day(dt.date(2027, 1, 4))


# --- the report and the interview deadline --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("urgent", "days"), [(False, INTERVIEW_WORKING_DAYS), (True, URGENT_INTERVIEW_WORKING_DAYS)]
)
def test_the_interview_is_due_14_working_days_after_the_report_or_2_when_urgent(
    urgent, days, family, social_worker
):
    assert (INTERVIEW_WORKING_DAYS, URGENT_INTERVIEW_WORKING_DAYS) == (14, 2)
    learned = dt.date(2026, 11, 6)  # a Friday; 11 November falls in the 14 days
    report = record_report(
        family=family,
        data={
            "reporter_kind": ReporterKind.INSTITUTION,
            "reporter_name": "Szkoła Podstawowa nr 2",
            "channel": ReportChannel.LETTER,
            "learned_on": learned,
            "urgent": urgent,
        },
        by=social_worker,
    )
    assert report.social_worker == social_worker
    expected = {False: dt.date(2026, 11, 27), True: dt.date(2026, 11, 10)}[urgent]
    assert report.interview_due == expected == add_working_days(learned, days)


@pytest.mark.django_db
def test_a_report_names_a_social_worker_for_the_interview(family, manager):
    with pytest.raises(InvalidTransition):
        record_report(
            family=family,
            data={
                "reporter_kind": ReporterKind.PERSON,
                "reporter_name": "Sąsiadka",
                "channel": ReportChannel.PHONE,
                "learned_on": TODAY(),
            },
            by=manager,
        )
    assert not FamilyReport.objects.exists()


@pytest.mark.django_db
def test_the_social_worker_records_a_report_and_sees_the_deadline(client, social_worker, family):
    client.force_login(social_worker)
    learned = TODAY() - dt.timedelta(days=1)
    response = client.post(
        reverse("referrals:report-create", args=[family.pk]),
        {
            "reporter_kind": ReporterKind.INSTITUTION,
            "reporter_name": "Komenda Policji",
            "reporter_address": "ul. Długa 1\n00-001 Zielona Dolina",
            "channel": ReportChannel.EMAIL,
            "learned_on": learned.isoformat(),
            "social_worker": social_worker.pk,
        },
    )
    assert response.status_code == 302
    report = FamilyReport.objects.get(family=family)
    assert (report.reporter_name, report.channel, report.recorded_by) == (
        "Komenda Policji",
        ReportChannel.EMAIL,
        social_worker,
    )
    due = add_working_days(learned, 14).strftime("%d.%m.%Y")
    family_page = client.get(family.get_absolute_url()).content.decode()
    assert "Komenda Policji" in family_page and due in family_page
    home = client.get(reverse("home")).content.decode()
    assert family.name in home and due in home


@pytest.mark.django_db
def test_a_report_form_answers_bad_input_in_words(client, social_worker, family):
    client.force_login(social_worker)
    response = client.post(
        reverse("referrals:report-create", args=[family.pk]),
        {
            "reporter_kind": ReporterKind.PERSON,
            "reporter_name": "",
            "channel": ReportChannel.PHONE,
            "learned_on": (TODAY() + dt.timedelta(days=1)).isoformat(),
            "social_worker": social_worker.pk,
        },
    )
    assert response.status_code == 200
    field_error(response, "reporter_name", gettext("Name the institution or person who reported the family."))
    field_error(
        response, "learned_on", gettext("The day the centre learned of the family cannot be in the future.")
    )
    assert not FamilyReport.objects.exists()


@pytest.mark.django_db
def test_an_interview_clears_the_deadline_from_the_home_page(client, social_worker, family):
    record_report(
        family=family,
        data={
            "reporter_kind": ReporterKind.PERSON,
            "reporter_name": "Sąsiadka",
            "channel": ReportChannel.IN_PERSON,
            "learned_on": TODAY() - dt.timedelta(days=3),
        },
        by=social_worker,
    )
    client.force_login(social_worker)
    assert family.name in client.get(reverse("home")).content.decode()
    CommunityInterviewFactory(family=family, date=TODAY())
    home = client.get(reverse("home")).content.decode()
    assert family.name not in home
    assert gettext("No community interview is due after a report.") in home


@pytest.mark.django_db
def test_the_social_worker_is_reminded_before_and_after_the_interview_deadline(family, social_worker):
    learned = dt.date(2026, 11, 2)  # a Monday: the interview is due on 23 November (11 November off)
    report = record_report(
        family=family,
        data={
            "reporter_kind": ReporterKind.INSTITUTION,
            "reporter_name": "Przedszkole nr 1",
            "channel": ReportChannel.LETTER,
            "learned_on": learned,
        },
        by=social_worker,
    )
    assert report.interview_due == dt.date(2026, 11, 23)
    zone = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime(2026, 11, 10, 6, tzinfo=zone), tick=False):
        send_reminders()
    assert not Notification.objects.filter(rule__startswith="interview").exists()
    with time_machine.travel(dt.datetime(2026, 11, 20, 6, tzinfo=zone), tick=False):
        send_reminders()
    due = Notification.objects.get(rule=NotificationKind.INTERVIEW_DUE)
    assert due.recipient == social_worker and "23.11.2026" in due.message
    with time_machine.travel(dt.datetime(2026, 11, 24, 6, tzinfo=zone), tick=False):
        send_reminders()
    overdue = Notification.objects.get(rule=NotificationKind.INTERVIEW_OVERDUE)
    assert overdue.recipient == social_worker
    CommunityInterviewFactory(family=family, date=dt.date(2026, 11, 25))
    with time_machine.travel(dt.datetime(2026, 11, 26, 6, tzinfo=zone), tick=False):
        send_reminders()
    assert Notification.objects.filter(rule__startswith="interview").count() == 2


# --- "Za życiem": the request, without an interview ------------------------------------------------


@pytest.mark.django_db
def test_a_za_zyciem_request_goes_to_the_manager_without_an_interview(family, social_worker):
    request = register_za_zyciem_request(family=family, data=za_zyciem_data(), by=social_worker)
    referral = request.referral
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.legal_basis == LegalBasis.ZA_ZYCIEM
    assert referral.interview is None
    assert not family.interviews.exists()
    assert referral in Referral.objects.queue()


@pytest.mark.django_db
def test_the_za_zyciem_work_starts_on_the_request_without_a_consent_step(
    family, social_worker, manager, assistant
):
    request = register_za_zyciem_request(family=family, data=za_zyciem_data(), by=social_worker)
    referral = decide_referral(
        referral=request.referral, decision=Decision.ASSIGN, by=manager, assistant=assistant
    )
    case = referral.case
    assert case.status == CaseStatus.ACTIVE
    assert case.started_on == TODAY()
    assert case.legal_basis == LegalBasis.ZA_ZYCIEM


@pytest.mark.django_db
def test_a_child_needs_the_medical_certificate_but_a_pregnancy_does_not(family, social_worker):
    data = za_zyciem_data(eligibility=ZaZyciemEligibility.CHILD_CERTIFICATE, expected_birth_date=None)
    with pytest.raises(Exception) as caught:
        register_za_zyciem_request(family=family, data=data, by=social_worker)
    assert "certificate" in str(caught.value).lower() or "zaświadczenia" in str(caught.value)
    assert not Referral.objects.exists()
    data.update(
        certificate_date=TODAY() - dt.timedelta(days=5), certificate_issuer="dr Jan Nowak, neonatologia"
    )
    assert register_za_zyciem_request(family=family, data=data, by=social_worker).certificate_date
    # A pregnant woman's request needs no certificate.
    assert register_za_zyciem_request(family=FamilyFactory(), data=za_zyciem_data(), by=social_worker).pk


@pytest.mark.django_db
def test_the_request_page_records_it_and_answers_gaps(client, social_worker, family):
    client.force_login(social_worker)
    url = reverse("referrals:za-zyciem-create", args=[family.pk])
    bad = posted(
        za_zyciem_data(
            eligibility=ZaZyciemEligibility.CHILD_CERTIFICATE,
            authorisation_date=TODAY() - dt.timedelta(days=1),
        )
    )
    response = client.post(url, bad)
    assert response.status_code == 200
    field_error(response, "certificate_date", gettext("Give the date of the medical certificate."))
    field_error(response, "certificate_issuer", gettext("Give the doctor who issued the certificate."))
    field_error(response, "authorisation_scope", gettext("Give the scope of the written authorisation."))
    assert not ZaZyciemRequest.objects.exists()

    good = posted(
        za_zyciem_data(
            authorisation_date=TODAY() - dt.timedelta(days=1),
            authorisation_scope="Sprawy w ZUS i w poradni rehabilitacyjnej",
        )
    )
    response = client.post(url, good)
    request = ZaZyciemRequest.objects.get(family=family)
    assert response.status_code == 302 and response["Location"] == request.referral.get_absolute_url()
    assert request.authorisation_scope == "Sprawy w ZUS i w poradni rehabilitacyjnej"
    assert request.referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_the_referral_form_no_longer_offers_za_zyciem(client, social_worker, family):
    client.force_login(social_worker)
    html = client.get(reverse("referrals:referral-create", args=[family.pk])).content.decode()
    assert f'value="{LegalBasis.ZA_ZYCIEM}"' not in html
    assert (
        reverse("referrals:za-zyciem-create", args=[family.pk])
        in client.get(family.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_za_zyciem_families_count_within_the_same_limit(manager, assistant, social_worker):
    centre = Centre.load()
    centre.caseload_limit = 3
    centre.save()
    CaseFactory.create_batch(2, assistant=assistant)
    CaseFactory(assistant=assistant, legal_basis=LegalBasis.ZA_ZYCIEM)
    request = register_za_zyciem_request(family=FamilyFactory(), data=za_zyciem_data(), by=social_worker)
    with pytest.raises(CaseloadFull):
        decide_referral(referral=request.referral, decision=Decision.ASSIGN, by=manager, assistant=assistant)
    # A "Za życiem" case takes a place like any other: a voluntary referral is refused too.
    with pytest.raises(CaseloadFull):
        decide_referral(
            referral=ReferralFactory(submitted=True),
            decision=Decision.ASSIGN,
            by=manager,
            assistant=assistant,
        )


# --- the catalogue of available support ---------------------------------------------------------


@pytest.fixture
def za_case(family, social_worker, manager, assistant):
    request = register_za_zyciem_request(family=family, data=za_zyciem_data(), by=social_worker)
    return decide_referral(
        referral=request.referral, decision=Decision.ASSIGN, by=manager, assistant=assistant
    ).case


@pytest.mark.django_db
def test_the_handover_keeps_the_active_entries_as_handed_over(za_case, assistant, catalogue):
    handover = hand_over_catalogue(case=za_case, on=TODAY(), by=assistant)
    assert [e["title"] for e in handover.entries] == [
        "Poradnia psychologiczna dla rodziców",
        "Hospicjum perinatalne",
    ]
    catalogue[0].title = "Zmieniony tytuł"
    catalogue[0].save()
    handover.refresh_from_db()
    assert handover.entries[0]["title"] == "Poradnia psychologiczna dla rodziców"
    assert (handover.handed_on, handover.handed_by) == (TODAY(), assistant)


@pytest.mark.django_db
def test_the_catalogue_is_for_za_zyciem_cases_and_their_own_assistant(
    za_case, assistant, other_assistant, catalogue
):
    with pytest.raises(InvalidTransition):
        hand_over_catalogue(case=CaseFactory(assistant=assistant), on=TODAY(), by=assistant)
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied
        hand_over_catalogue(case=za_case, on=TODAY(), by=other_assistant)
    assert not CatalogueHandover.objects.exists()


@pytest.mark.django_db
def test_an_empty_catalogue_cannot_be_handed_over(za_case, assistant):
    with pytest.raises(InvalidTransition) as caught:
        hand_over_catalogue(case=za_case, on=TODAY(), by=assistant)
    assert caught.value.messages == [
        gettext("The support catalogue is empty: ask the administrator to add its entries first.")
    ]


@pytest.mark.django_db
def test_the_assistant_hands_over_the_catalogue_and_prints_it(
    client, za_case, assistant, catalogue, django_capture_on_commit_callbacks
):
    client.force_login(assistant)
    page = client.get(za_case.get_absolute_url()).content.decode()
    assert reverse("referrals:catalogue-handover", args=[za_case.pk]) in page
    response = client.post(
        reverse("referrals:catalogue-handover", args=[za_case.pk]),
        {"handed_on": (TODAY() + dt.timedelta(days=1)).isoformat()},
    )
    field_error(response, "handed_on", gettext("The date of the handover cannot be in the future."))
    response = client.post(
        reverse("referrals:catalogue-handover", args=[za_case.pk]), {"handed_on": TODAY().isoformat()}
    )
    assert response.status_code == 302
    handover = CatalogueHandover.objects.get(case=za_case)
    page = client.get(za_case.get_absolute_url()).content.decode()
    assert TODAY().strftime("%d.%m.%Y") in page and str(assistant) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:support-catalogue-pdf", args=[handover.pk]))
    document = RenderedDocument.objects.get(kind=DocumentKind.SUPPORT_CATALOGUE, object_id=handover.pk)
    assert response["Location"] == document.get_absolute_url()
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    text = pdf_text(document)
    assert "Katalog możliwego do uzyskania wsparcia" in text
    assert "Hospicjum perinatalne" in text and "Poradnia psychologiczna dla rodziców" in text
    assert "Wpis wycofany" not in text
    assert za_case.family.name in text


@pytest.mark.django_db
def test_the_assistant_records_the_written_authorisation(client, za_case, assistant):
    client.force_login(assistant)
    url = reverse("referrals:authorisation-edit", args=[za_case.pk])
    response = client.post(url, {"authorisation_date": TODAY().isoformat(), "authorisation_scope": ""})
    field_error(response, "authorisation_scope", gettext("Give the scope of the written authorisation."))
    response = client.post(
        url, {"authorisation_date": TODAY().isoformat(), "authorisation_scope": "Sprawy w MOPS"}
    )
    assert response.status_code == 302
    request = ZaZyciemRequest.objects.get(referral__case=za_case)
    assert (request.authorisation_date, request.authorisation_scope) == (TODAY(), "Sprawy w MOPS")


# --- the answer to the reporter -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_answer_to_the_reporter_says_only_that_the_report_was_taken_up(
    client, family, social_worker, manager, assistant, django_capture_on_commit_callbacks
):
    report = record_report(
        family=family,
        data={
            "reporter_kind": ReporterKind.INSTITUTION,
            "reporter_name": "Szkoła Podstawowa nr 2",
            "reporter_address": "ul. Szkolna 2",
            "channel": ReportChannel.LETTER,
            "learned_on": TODAY() - dt.timedelta(days=20),
        },
        by=social_worker,
    )
    url = reverse("documents:report-answer-pdf", args=[report.pk])
    # No case yet: the family registered from the school's report already has its answer, a
    # document of the family (no case), printed by a manager; not by the social worker.
    assert not family.cases.exists()
    client.force_login(social_worker)
    assert url not in client.get(family.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(manager)
    assert url in client.get(family.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    document = RenderedDocument.objects.get(kind=DocumentKind.REPORT_ANSWER, object_id=report.pk)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.case is None and document.family == family
    text = pdf_text(document)
    assert "Szkoła Podstawowa nr 2" in text and "ul. Szkolna 2" in text
    assert "zostało przyjęte" in text and "objęta wsparciem" in text and "Strona 1 z 1" in text
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200

    # Once the family has a case, its assistant may print it too: the same (frozen) letter.
    referral = ReferralFactory(family=family, submitted=True, justification="Uzależnienie ojca od alkoholu.")
    decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager, assistant=assistant)
    client.force_login(assistant)
    assert url in client.get(family.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert RenderedDocument.objects.get(kind=DocumentKind.REPORT_ANSWER, object_id=report.pk) == document
    text = pdf_text(document)
    assert "alkohol" not in text.lower()
    assert str(assistant) not in text


# --- the personal limit of families ---------------------------------------------------------------


@pytest.mark.django_db
def test_assignment_respects_the_lower_personal_limit(manager, assistant):
    assistant.personal_caseload_limit = 2
    assistant.save()
    CaseFactory.create_batch(2, assistant=assistant)
    with pytest.raises(CaseloadFull) as caught:
        decide_referral(
            referral=ReferralFactory(submitted=True),
            decision=Decision.ASSIGN,
            by=manager,
            assistant=assistant,
        )
    assert caught.value.messages == [
        gettext(
            "%(assistant)s already works with %(load)d families; their personal limit is "
            "%(limit)d. Choose another assistant."
        )
        % {"assistant": assistant, "load": 2, "limit": 2}
    ]


@pytest.mark.django_db
def test_the_centre_limit_applies_when_it_is_lower_than_the_personal_one(manager, assistant):
    centre = Centre.load()
    centre.caseload_limit = 2
    centre.save()
    assistant.personal_caseload_limit = 10
    assistant.save()
    CaseFactory.create_batch(2, assistant=assistant)
    with pytest.raises(CaseloadFull) as caught:
        decide_referral(
            referral=ReferralFactory(submitted=True),
            decision=Decision.ASSIGN,
            by=manager,
            assistant=assistant,
        )
    assert "art. 15 ust. 4" in caught.value.messages[0]


@pytest.mark.django_db
def test_reassignment_respects_the_personal_limit(manager, assistant, other_assistant):
    other_assistant.personal_caseload_limit = 1
    other_assistant.save()
    CaseFactory(assistant=other_assistant)
    case = CaseFactory(assistant=assistant)
    with pytest.raises(CaseloadFull):
        reassign_case(case=case, assistant=other_assistant, by=manager, reason="Urlop")
    case.refresh_from_db()
    assert case.assistant == assistant


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_a_manager_or_the_administrator_sets_the_personal_limit(client, request, who, assistant):
    client.force_login(request.getfixturevalue(who))
    url = reverse("assistant-limit", args=[assistant.pk])
    response = client.post(url, {"personal_caseload_limit": "16"})
    assert response.status_code == 200
    field_error(response, "personal_caseload_limit", gettext("Give a number of families from 1 to 15."))
    response = client.post(url, {"personal_caseload_limit": "8"})
    assert response.status_code == 302
    assistant.refresh_from_db()
    assert assistant.personal_caseload_limit == 8
    client.post(url, {"personal_caseload_limit": ""})
    assistant.refresh_from_db()
    assert assistant.personal_caseload_limit is None


@pytest.mark.django_db
def test_only_assistants_have_a_personal_limit_page(client, manager, social_worker):
    client.force_login(manager)
    assert client.get(reverse("assistant-limit", args=[social_worker.pk])).status_code == 404


@pytest.mark.django_db
def test_the_dashboard_and_the_decision_show_each_assistant_against_their_own_limit(
    client, manager, assistant
):
    assistant.personal_caseload_limit = 8
    assistant.save()
    CaseFactory.create_batch(3, assistant=assistant)
    client.force_login(manager)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert gettext("own limit %(n)s") % {"n": 8} in html
    assert reverse("assistant-limit", args=[assistant.pk]) in html
    referral = ReferralFactory(submitted=True)
    decide = client.get(reverse("referrals:referral-decide", args=[referral.pk])).content.decode()
    assert f"{assistant} — 3 / 8" in decide


@pytest.mark.django_db
def test_the_database_refuses_a_personal_limit_above_15(assistant):
    from django.db import IntegrityError, transaction

    from asystent.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=assistant.pk).update(personal_caseload_limit=16)


@pytest.mark.django_db
def test_other_roles_cannot_set_a_personal_limit(client, social_worker, assistant):
    for user in (social_worker, assistant, UserFactory(assistant=True)):
        client.force_login(user)
        assert (
            client.post(
                reverse("assistant-limit", args=[assistant.pk]), {"personal_caseload_limit": "3"}
            ).status_code
            == 403
        )
    assistant.refresh_from_db()
    assert assistant.personal_caseload_limit is None


@pytest.mark.django_db
def test_erasure_reaches_the_reports_and_the_za_zyciem_requests(family, social_worker):
    from referrals.retention import anonymise

    report = record_report(
        family=family,
        data={
            "reporter_kind": ReporterKind.PERSON,
            "reporter_name": "Jan Sąsiad",
            "reporter_address": "ul. Obok 1",
            "channel": ReportChannel.PHONE,
            "learned_on": TODAY(),
        },
        by=social_worker,
    )
    data = za_zyciem_data(
        eligibility=ZaZyciemEligibility.CHILD_CERTIFICATE,
        certificate_date=TODAY(),
        certificate_issuer="dr Jan Nowak",
        authorisation_date=TODAY(),
        authorisation_scope="Sprawy w ZUS",
    )
    request = register_za_zyciem_request(family=family, data=data, by=social_worker)
    anonymise([family.pk])
    report.refresh_from_db()
    request.refresh_from_db()
    assert (report.reporter_name, report.reporter_address) == ("—", "")
    assert (request.requested_by, request.certificate_issuer, request.authorisation_scope) == ("—", "—", "—")
    assert not FamilyReport.history.filter(id=report.pk).exists()
    assert not ZaZyciemRequest.history.filter(id=request.pk).exists()
