"""A court-ordered family that does not cooperate: the assistant records the facts, the manager
prepares the notice to the court (a letter on the centre's letterhead with the court, division and
case number of the order, the facts and their dates, read back from the PDF), sets the date by
which it must go out, and the reminders run every day until its dispatch is recorded."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from asystent.errors import InvalidTransition
from asystent.models import Centre
from courts.enums import CourtNoticeStatus
from courts.models import CourtNotice, NonCooperation
from courts.notices import mark_court_notice_sent, prepare_court_notice, record_non_cooperation
from courts.reminders import notice_reminders
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.reminders import Sweep, send_reminders
from referrals.services import register_court_order

from .factories import CaseFactory, FamilyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def in_english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def court_case(assistant, social_worker):
    """Voluntary work since 60 days ago; a court order attached 20 days ago."""
    case = CaseFactory(
        family=FamilyFactory(registered_by=social_worker, name="Wiśniewscy"),
        assistant=assistant,
        opened_on=TODAY() - dt.timedelta(days=60),
    )
    register_court_order(
        family=case.family,
        court="Sąd Rejonowy w Zielonej Dolinie",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 77/26",
        order_date=TODAY() - dt.timedelta(days=25),
        received_on=TODAY() - dt.timedelta(days=20),
        by=social_worker,
    )
    case.refresh_from_db()
    return case


def fact(case, by, days_ago=3, text="Rodzina nie otworzyła drzwi podczas umówionej wizyty."):  # noqa: ANN001, ANN201
    day = TODAY() - dt.timedelta(days=days_ago)
    return record_non_cooperation(case=case, date=day, description=text, by=by)


def pdf_text(document: RenderedDocument) -> str:
    with document.file.open("rb") as handle:
        data = handle.read()
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


# --- the service ----------------------------------------------------------------------------------


def test_the_assistant_records_a_fact_of_non_cooperation(court_case, assistant):
    recorded = fact(court_case, assistant)
    assert recorded.notice is None and recorded.recorded_by == assistant
    court_case.refresh_from_db()
    assert court_case.court_notice_needed


def test_a_voluntary_family_has_no_notice_to_the_court(assistant):
    case = CaseFactory(assistant=assistant)
    with pytest.raises(InvalidTransition, match="not court-ordered"):
        fact(case, assistant)
    assert not NonCooperation.objects.exists()


def test_a_fact_needs_a_past_date_within_the_case(court_case, assistant):
    with pytest.raises(InvalidTransition, match="future"):
        fact(court_case, assistant, days_ago=-1)
    with pytest.raises(InvalidTransition, match="before the case was opened"):
        fact(court_case, assistant, days_ago=61)


def test_another_assistant_may_not_record_a_fact(court_case):
    with pytest.raises(PermissionDenied):
        fact(court_case, UserFactory(username="obca", assistant=True))


def test_the_notice_needs_facts_and_a_future_deadline(court_case, manager):
    with pytest.raises(InvalidTransition, match="Record at least one fact"):
        prepare_court_notice(case=court_case, due_date=TODAY() + dt.timedelta(days=7), by=manager)
    with pytest.raises(InvalidTransition, match="cannot be in the past"):
        prepare_court_notice(case=court_case, due_date=TODAY() - dt.timedelta(days=1), by=manager)
    assert not CourtNotice.objects.exists()


def test_only_a_manager_prepares_the_notice(court_case, assistant):
    fact(court_case, assistant)
    with pytest.raises(PermissionDenied):
        prepare_court_notice(case=court_case, due_date=TODAY() + dt.timedelta(days=7), by=assistant)


def test_the_notice_is_a_letter_to_the_court_with_the_facts_and_their_dates(
    court_case, assistant, manager, django_capture_on_commit_callbacks
):
    centre = Centre.load()
    centre.name = "MOPS w Zielonej Dolinie"
    centre.save()
    fact(court_case, assistant, days_ago=10, text="Rodzice wycofali zgodę na współpracę.")
    fact(court_case, assistant, days_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        notice = prepare_court_notice(case=court_case, due_date=TODAY() + dt.timedelta(days=7), by=manager)
    assert notice.facts.count() == 2 and notice.status == CourtNoticeStatus.PENDING
    document = RenderedDocument.objects.get(kind=DocumentKind.COURT_NOTICE, object_id=notice.pk)
    assert document.status == DocumentStatus.READY
    text = pdf_text(document)
    assert "MOPS w Zielonej Dolinie" in text  # the letterhead
    assert "Sąd Rejonowy w Zielonej Dolinie" in text
    assert "III Wydział Rodzinny i Nieletnich" in text
    assert "Sygn. akt III Nsm 77/26" in text
    assert "art. 109 § 2 pkt 1 Kodeksu rodzinnego i opiekuńczego" in text
    assert f"{TODAY() - dt.timedelta(days=10):%d.%m.%Y} r. Rodzice wycofali zgodę na współpracę." in text
    assert f"{TODAY() - dt.timedelta(days=3):%d.%m.%Y} r. Rodzina nie otworzyła drzwi" in text
    assert f"od dnia {TODAY() - dt.timedelta(days=20):%d.%m.%Y} r." in text  # court-ordered from
    # A second notice waits until the first is sent; facts already reported are not reported again.
    fact(court_case, assistant, days_ago=1)
    with pytest.raises(InvalidTransition, match="already waiting to be sent"):
        prepare_court_notice(case=court_case, due_date=TODAY() + dt.timedelta(days=7), by=manager)


def test_the_reminders_run_daily_until_the_notice_is_sent(court_case, assistant, manager):
    fact(court_case, assistant)
    notice = prepare_court_notice(case=court_case, due_date=TODAY() + dt.timedelta(days=2), by=manager)
    [reminder] = notice_reminders(Sweep.load(TODAY()))
    assert reminder.rule == NotificationKind.COURT_NOTICE_DUE
    assert reminder.recipients == frozenset([assistant.pk, manager.pk])
    [late] = notice_reminders(Sweep.load(TODAY() + dt.timedelta(days=3)))
    assert late.rule == NotificationKind.COURT_NOTICE_OVERDUE
    for day in range(4):
        send_reminders(today=TODAY() + dt.timedelta(days=day))
    kinds = (NotificationKind.COURT_NOTICE_DUE, NotificationKind.COURT_NOTICE_OVERDUE)
    reminded = Notification.objects.filter(recipient=manager, rule__in=kinds)
    assert reminded.count() == 4
    mark_court_notice_sent(notice=notice, by=manager, sent_on=TODAY(), method="post", reference="RR 1")
    assert notice_reminders(Sweep.load(TODAY() + dt.timedelta(days=5))) == []
    court_case.refresh_from_db()
    assert not court_case.court_notice_needed


def test_the_dispatch_needs_a_method_and_a_date_not_in_the_future(court_case, assistant, manager):
    fact(court_case, assistant)
    notice = prepare_court_notice(case=court_case, due_date=TODAY() + dt.timedelta(days=2), by=manager)
    with pytest.raises(InvalidTransition, match="Choose how"):
        mark_court_notice_sent(notice=notice, by=manager, sent_on=TODAY(), method="pigeon")
    with pytest.raises(InvalidTransition, match="future"):
        tomorrow = TODAY() + dt.timedelta(days=1)
        mark_court_notice_sent(notice=notice, by=manager, sent_on=tomorrow, method="post")
    mark_court_notice_sent(notice=notice, by=assistant, sent_on=TODAY(), method="epuap")
    with pytest.raises(InvalidTransition, match="already been recorded"):
        mark_court_notice_sent(notice=notice, by=manager, sent_on=TODAY(), method="post")


# --- the pages ------------------------------------------------------------------------------------


def test_the_assistant_records_a_fact_on_its_page(client, court_case, assistant):
    client.force_login(assistant)
    url = reverse("courts:non-cooperation-create", args=[court_case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "", "description": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"date", "description"}
    response = client.post(url, {"date": TODAY().isoformat(), "description": "Brak kontaktu od tygodnia."})
    assert response.status_code == 302 and response.url == court_case.get_absolute_url()
    page = client.get(court_case.get_absolute_url()).content.decode()
    assert "Brak kontaktu od tygodnia." in page
    assert "Non-cooperation and notices to the court" in page


def test_the_page_refuses_a_fact_for_a_voluntary_family(client, assistant):
    case = CaseFactory(assistant=assistant)
    client.force_login(assistant)
    response = client.post(
        reverse("courts:non-cooperation-create", args=[case.pk]),
        {"date": TODAY().isoformat(), "description": "Brak kontaktu."},
    )
    assert response.status_code == 200
    assert "not court-ordered" in response.content.decode()


def test_the_manager_prepares_the_notice_and_records_its_dispatch_on_the_pages(
    client, court_case, assistant, manager, django_capture_on_commit_callbacks
):
    fact(court_case, assistant)
    client.force_login(manager)
    url = reverse("courts:court-notice-create", args=[court_case.pk])
    page = client.get(url).content.decode()
    assert "Rodzina nie otworzyła drzwi" in page and "III Nsm 77/26" in page
    response = client.post(url, {"due_date": (TODAY() - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 200 and "due_date" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"due_date": (TODAY() + dt.timedelta(days=5)).isoformat()})
    notice = CourtNotice.objects.get()
    assert response.status_code == 302 and response.url == notice.get_absolute_url()
    detail = client.get(notice.get_absolute_url()).content.decode()
    assert "to be sent to the court" in detail and "Download the PDF" in detail
    sent_url = reverse("courts:court-notice-mark-sent", args=[notice.pk])
    response = client.post(sent_url, {"sent_on": TODAY().isoformat(), "method": "post", "reference": "RR 12"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.sent_reference) == (CourtNoticeStatus.SENT, "RR 12")
    # The assistant is told of the notice the manager prepared.
    assert Notification.objects.filter(recipient=assistant, rule=NotificationKind.COURT_NOTICE_DUE).exists()


def test_the_assistant_may_not_prepare_the_notice(client, court_case, assistant):
    client.force_login(assistant)
    assert client.get(reverse("courts:court-notice-create", args=[court_case.pk])).status_code == 403
