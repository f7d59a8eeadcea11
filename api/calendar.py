"""A user's calendar feed (iCalendar): their visits and the next meetings agreed at them, and the
deadlines of their cases (periodic assessments, court opinions, actions of the work plan).

The feed travels outside the application (a phone's calendar, a calendar provider), so an event
names its case by number only: never a family's name, address or PESEL, nor a visit's notes.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from asystent.models import Centre, User
from cases.enums import ActionStatus, CaseStatus
from cases.models import Case, PlanAction
from cases.services.assessments import next_assessment_due
from cases.services.plans import current_plan
from courts.models import CourtRequest
from visits.models import Visit

# How far back the feed reaches: calendars keep what they have already shown.
PAST_DAYS = 90
OPEN_CASES = (CaseStatus.AWAITING_CONSENT, CaseStatus.ACTIVE, CaseStatus.MONITORING)


def _event(
    uid: str, summary: str, start: dt.date | dt.datetime, end: dt.date | dt.datetime, stamp: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@asystent")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    return event


def _case(case_id: int) -> str:
    return _("case no. %(number)s") % {"number": case_id}


def _visit_events(user: User, since: dt.date, stamp: dt.datetime, zone: zoneinfo.ZoneInfo) -> Iterator[Event]:
    visits = Visit.objects.visible_to(user).filter(author=user, date__gte=since).order_by("date", "pk")
    for visit in visits.only(
        "pk", "case_id", "date", "start_time", "end_time", "duration_minutes", "next_meeting"
    ):
        summary = _("Visit: %(case)s") % {"case": _case(visit.case_id)}
        if visit.start_time:
            start = dt.datetime.combine(visit.date, visit.start_time, tzinfo=zone)
            if visit.end_time and visit.end_time > visit.start_time:
                end = dt.datetime.combine(visit.date, visit.end_time, tzinfo=zone)
            else:
                end = start + dt.timedelta(minutes=visit.duration_minutes or 60)
            yield _event(f"visit-{visit.pk}", summary, start, end, stamp)
        else:
            yield _event(f"visit-{visit.pk}", summary, visit.date, visit.date + dt.timedelta(days=1), stamp)
        if visit.next_meeting and visit.next_meeting >= since:
            day = visit.next_meeting
            meeting = _("Next meeting: %(case)s") % {"case": _case(visit.case_id)}
            yield _event(f"meeting-{visit.pk}", meeting, day, day + dt.timedelta(days=1), stamp)


def _deadline(uid: str, what: str, case_id: int, day: dt.date, stamp: dt.datetime) -> Event:
    return _event(uid, f"{what}: {_case(case_id)}", day, day + dt.timedelta(days=1), stamp)


def _deadline_events(user: User, since: dt.date, stamp: dt.datetime) -> Iterator[Event]:
    """Deadlines of the cases the user works on as their assistant."""
    cases = list(Case.objects.visible_to(user).filter(assistant=user, status__in=OPEN_CASES).order_by("pk"))
    centre = Centre.load()
    for case in cases:
        due = next_assessment_due(case, centre)
        if due and due >= since:
            yield _deadline(f"assessment-{case.pk}", _("Periodic assessment due"), case.pk, due, stamp)
        plan = current_plan(case)
        if plan is not None:
            actions = PlanAction.objects.filter(goal__plan=plan, deadline__gte=since).exclude(
                status__in=(ActionStatus.DONE, ActionStatus.NOT_DONE)
            )
            for action in actions.order_by("deadline", "pk").only("pk", "deadline"):
                yield _deadline(
                    f"action-{action.pk}", _("Work plan action due"), case.pk, action.deadline, stamp
                )
    requests = CourtRequest.objects.open().filter(case__in=[c.pk for c in cases], due_date__gte=since)
    for request in requests.order_by("due_date", "pk").only("pk", "case_id", "due_date"):
        yield _deadline(
            f"court-{request.pk}", _("Opinion for the court due"), request.case_id, request.due_date, stamp
        )


def feed(user: User) -> bytes:
    """The user's calendar as iCalendar text, its times in the centre's time zone."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now()
    since = timezone.localdate() - dt.timedelta(days=PAST_DAYS)
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Asystent//calendar feed//PL")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Asystent: visits and deadlines"))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE))
        for event in (*_visit_events(user, since, stamp, zone), *_deadline_events(user, since, stamp)):
            calendar.add_component(event)
    return calendar.to_ical()
