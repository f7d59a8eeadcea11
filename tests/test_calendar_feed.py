"""The calendar feed: a user's visits, next meetings and deadlines as iCalendar, in the centre's
time zone, naming a case by its number only, at a secret address that a new one ends."""

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from api import calendar, services
from api.models import CalendarFeed
from cases.enums import ActionStatus

from .factories import (
    AssessmentFactory,
    CaseFactory,
    CourtRequestFactory,
    FamilyFactory,
    FamilyMemberFactory,
    GoalFactory,
    PlanActionFactory,
    VisitFactory,
    WorkPlanFactory,
)

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


@pytest.fixture
def work(assistant, social_worker):
    today = timezone.localdate()
    family = FamilyFactory(name="Kowalscy", street="Różana 7", registered_by=social_worker)
    member = FamilyMemberFactory(family=family, last_name="Kowalska")
    case = CaseFactory(family=family, assistant=assistant, opened_on=today - dt.timedelta(days=30))
    visit = VisitFactory(
        case=case,
        author=assistant,
        date=today - dt.timedelta(days=1),
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        next_meeting=today + dt.timedelta(days=6),
    )
    plan = WorkPlanFactory(case=case, created_by=assistant)
    action = PlanActionFactory(goal=GoalFactory(plan=plan), deadline=today + dt.timedelta(days=10))
    PlanActionFactory(goal=action.goal, deadline=today + dt.timedelta(days=11), status=ActionStatus.DONE)
    court_request = CourtRequestFactory(
        case=case, registered_by=assistant, due_date=today + dt.timedelta(days=14)
    )
    # Another assistant's family: never in this feed.
    other = VisitFactory(case=CaseFactory(), date=today - dt.timedelta(days=1))
    return {
        "family": family,
        "member": member,
        "case": case,
        "visit": visit,
        "action": action,
        "court_request": court_request,
        "other": other,
    }


def _events(data: bytes) -> dict[str, Any]:
    parsed = Calendar.from_ical(data)
    return {str(event["uid"]).split("@")[0]: event for event in parsed.walk("VEVENT")}


@pytest.mark.django_db
def test_the_feed_holds_the_visits_meetings_and_deadlines(work, assistant):
    events = _events(calendar.feed(assistant))
    visit, case = work["visit"], work["case"]
    assert set(events) == {
        f"visit-{visit.pk}",
        f"meeting-{visit.pk}",
        f"assessment-{case.pk}",
        f"action-{work['action'].pk}",
        f"court-{work['court_request'].pk}",
    }
    start = events[f"visit-{visit.pk}"].decoded("dtstart")
    assert start == dt.datetime.combine(visit.date, dt.time(10, 0), tzinfo=WARSAW)
    assert str(start.tzinfo) == "Europe/Warsaw"
    assert events[f"visit-{visit.pk}"]["dtstart"].params["TZID"] == "Europe/Warsaw"
    assert events[f"visit-{visit.pk}"].decoded("dtend") - start == dt.timedelta(minutes=90)
    assert events[f"meeting-{visit.pk}"].decoded("dtstart") == visit.next_meeting
    assert events[f"court-{work['court_request'].pk}"].decoded("dtstart") == work["court_request"].due_date
    assert str(events[f"visit-{visit.pk}"]["summary"]) == f"Wizyta: sprawa nr {case.pk}"


@pytest.mark.django_db
def test_the_feed_declares_the_warsaw_time_zone(work, assistant):
    parsed = Calendar.from_ical(calendar.feed(assistant))
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Warsaw"]


@pytest.mark.django_db
def test_the_feed_names_no_family_address_or_pesel(work, assistant):
    text = calendar.feed(assistant).decode()
    for secret in ("Kowalsc", "Kowalska", "Różana", work["member"].pesel, work["member"].first_name):
        assert secret not in text


@pytest.mark.django_db
def test_the_feed_at_its_address_and_a_new_address_ends_the_old(client, work, assistant):
    first = services.new_feed_address(user=assistant)
    response = client.get(reverse("api:calendar-feed", args=[first]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"visit-{work['visit'].pk}@asystent" in response.content.decode()
    second = services.new_feed_address(user=assistant)
    assert client.get(reverse("api:calendar-feed", args=[first])).status_code == 404
    assert client.get(reverse("api:calendar-feed", args=[second])).status_code == 200
    assert CalendarFeed.objects.get(user=assistant).digest not in (first, second)  # stored hashed


@pytest.mark.django_db
def test_the_account_page_makes_a_new_address(client, work, assistant):
    client.force_login(assistant)
    first = services.new_feed_address(user=assistant)
    page = client.post(reverse("api:feed-regenerate"))
    assert page.status_code == 200
    url = page.context["feed_url"]
    assert client.get(url).status_code == 200
    assert client.get(reverse("api:calendar-feed", args=[first])).status_code == 404


@pytest.mark.django_db
def test_an_inactive_users_feed_stops(client, work, assistant):
    secret = services.new_feed_address(user=assistant)
    assistant.is_active = False
    assistant.save()
    assert client.get(reverse("api:calendar-feed", args=[secret])).status_code == 404


@pytest.mark.django_db
def test_a_submitted_assessment_moves_the_assessment_deadline(work, assistant):
    case = work["case"]
    before = _events(calendar.feed(assistant))[f"assessment-{case.pk}"].decoded("dtstart")
    AssessmentFactory(case=case, submitted=True, author=assistant, date=timezone.localdate())
    after = _events(calendar.feed(assistant))[f"assessment-{case.pk}"].decoded("dtstart")
    assert after > before
