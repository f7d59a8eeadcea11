"""Visit kinds of art. 15 ust. 1 pkt 10, 11 and 13, and the unsuccessful visit: recorded with its
reason, an attempt and not a contact (the "no contact" reminder, the dashboard's last contact and
the court opinion's counts leave it out), and repeated attempts shown to the managers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case
from courts import drafting
from notifications.reminders import send_reminders
from visits.enums import UnsuccessfulReason, VisitKind
from visits.selectors import repeatedly_unsuccessful
from visits.services import save_visit

from .factories import CaseFactory, VisitFactory

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def attempt(case, **overrides):
    data = {
        "date": timezone.localdate() - dt.timedelta(days=1),
        "start_time": None,
        "end_time": None,
        "duration_minutes": 15,
        "kind": VisitKind.UNSUCCESSFUL,
        "unsuccessful_reason": UnsuccessfulReason.NOBODY_HOME,
        "place": "home",
        "place_description": "",
        "participants": [],
        "areas": [],
        "goals": [],
        "topics": "",
    }
    data.update(overrides)
    return data


def test_an_unsuccessful_visit_needs_its_reason_but_no_topics(assistant):
    case = CaseFactory(assistant=assistant)
    with pytest.raises(ValidationError) as caught:
        save_visit(case=case, data=attempt(case, unsuccessful_reason=""), by=assistant, final=True)
    assert "unsuccessful_reason" in caught.value.message_dict
    visit = save_visit(case=case, data=attempt(case), by=assistant, final=True)
    assert visit.kind == VisitKind.UNSUCCESSFUL and visit.topics == ""
    # A reason belongs only to an unsuccessful visit.
    with pytest.raises(ValidationError) as caught:
        save_visit(
            case=case,
            data=attempt(case, kind=VisitKind.HOME_VISIT, topics="Rozmowa"),
            by=assistant,
            final=True,
        )
    assert "unsuccessful_reason" in caught.value.message_dict


@pytest.mark.parametrize("kind", [VisitKind.CONSULTATION, VisitKind.GROUP_PARENTS, VisitKind.GROUP_CHILDREN])
def test_the_new_kinds_of_contact_are_logged(assistant, kind):
    case = CaseFactory(assistant=assistant)
    data = attempt(case, kind=kind, unsuccessful_reason="", topics="Konsultacja wychowawcza")
    assert save_visit(case=case, data=data, by=assistant, final=True).kind == kind


def test_the_assistant_logs_an_unsuccessful_visit_through_the_page(client, assistant):
    case = CaseFactory(assistant=assistant)
    client.force_login(assistant)
    url = reverse("visits:visit-create", args=[case.pk])
    form = client.get(url).text
    assert 'value="unsuccessful"' in form and 'value="consultation"' in form
    data = {
        "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "duration_minutes": "10",
        "kind": "unsuccessful",
        "unsuccessful_reason": "",
        "place": "home",
        "action": "final",
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Say why the visit did not take place." in page.text
    data["unsuccessful_reason"] = "entry_refused"
    response = client.post(url, data)
    assert response.status_code == 302
    visit = case.visits.get()
    assert visit.unsuccessful_reason == "entry_refused"
    detail = client.get(visit.get_absolute_url()).text
    assert "the family refused entry" in detail


def test_an_unsuccessful_visit_is_not_a_contact_for_the_reminder(assistant):
    with time_machine.travel(dt.datetime(2026, 3, 1, 7, tzinfo=WARSAW), tick=False):
        case = CaseFactory(assistant=assistant, opened_on=dt.date(2026, 1, 5), started_on=dt.date(2026, 1, 5))
        VisitFactory(case=case, date=dt.date(2026, 3, 1))
    with time_machine.travel(dt.datetime(2026, 3, 10, 7, tzinfo=WARSAW), tick=False):
        VisitFactory(case=case, date=dt.date(2026, 3, 10), unsuccessful=True)
    with time_machine.travel(dt.datetime(2026, 3, 15, 7, tzinfo=WARSAW), tick=False):
        assert send_reminders()["no_contact"] == 1  # 14 days since the last real contact


def test_the_court_opinion_counts_contacts_not_attempts(assistant):
    case = CaseFactory(assistant=assistant)
    VisitFactory(case=case, date=timezone.localdate() - dt.timedelta(days=3))
    VisitFactory(case=case, date=timezone.localdate() - dt.timedelta(days=2), unsuccessful=True)
    text = drafting.contacts(case, timezone.localdate())
    assert "1" in text and "unsuccessful" not in text


def test_repeated_attempts_in_a_row_or_within_30_days_are_flagged(assistant):
    today = timezone.localdate()
    in_a_row = CaseFactory(assistant=assistant)
    VisitFactory(case=in_a_row, date=today - dt.timedelta(days=60))
    VisitFactory(case=in_a_row, date=today - dt.timedelta(days=50), unsuccessful=True)
    VisitFactory(case=in_a_row, date=today - dt.timedelta(days=40), unsuccessful=True)
    recent = CaseFactory(assistant=assistant)
    VisitFactory(case=recent, date=today - dt.timedelta(days=20), unsuccessful=True)
    VisitFactory(case=recent, date=today - dt.timedelta(days=10))
    VisitFactory(case=recent, date=today - dt.timedelta(days=5), unsuccessful=True)
    once = CaseFactory(assistant=assistant)
    VisitFactory(case=once, date=today - dt.timedelta(days=5), unsuccessful=True)
    apart = CaseFactory(assistant=assistant)
    VisitFactory(case=apart, date=today - dt.timedelta(days=90), unsuccessful=True)
    VisitFactory(case=apart, date=today - dt.timedelta(days=80))
    VisitFactory(case=apart, date=today - dt.timedelta(days=45), unsuccessful=True)
    VisitFactory(case=apart, date=today - dt.timedelta(days=40))
    flagged = set(repeatedly_unsuccessful(Case.objects.all(), today).values_list("pk", flat=True))
    assert flagged == {in_a_row.pk, recent.pk}


def test_the_dashboard_shows_the_repeated_attempts(client, manager, assistant):
    case = CaseFactory(assistant=assistant, family__name="Nowakowie")
    VisitFactory(case=case, date=timezone.localdate() - dt.timedelta(days=3), unsuccessful=True)
    VisitFactory(case=case, date=timezone.localdate() - dt.timedelta(days=1), unsuccessful=True)
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard")).text
    assert 'id="unsuccessful-visits"' in page
    listed = client.get(reverse("reports:dashboard-drilldown"), {"metric": "unsuccessful_visits"}).text
    assert "Nowakowie" in listed
