"""The visit log: logging a visit from the phone, drafts, corrections, the rules of the case's
status, access per role, the case's list and the assistant's week."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from asystent.errors import InvalidTransition
from asystent.models import AccessLog
from cases.enums import CaseStatus
from cases.models import Case, Goal, ProblemArea, WorkPlan
from visits.enums import VisitKind, VisitStatus
from visits.forms import VisitForm
from visits.models import Visit
from visits.services import StaleVisit, save_visit

from .factories import CaseFactory, FamilyMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the English source texts; Polish rendering is tested elsewhere."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def case(assistant, social_worker):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Kowalscy")
    FamilyMemberFactory(family=case.family, first_name="Ewa", last_name="Kowalska")
    FamilyMemberFactory(family=case.family, child=True, first_name="Zosia", last_name="Kowalska")
    return case


@pytest.fixture
def plan_goal(case):
    plan = WorkPlan.objects.create(case=case, main_goal="Samodzielność rodziny", created_by=case.assistant)
    return Goal.objects.create(plan=plan, area=ProblemArea.objects.first(), description="Budżet domowy")


def visit_data(case, **overrides):
    """What the form posts for a complete home visit yesterday."""
    data = {
        "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "start_time": "10:00",
        "end_time": "11:30",
        "duration_minutes": "",
        "kind": VisitKind.HOME_VISIT,
        "place": "home",
        "place_description": "",
        "participants": [m.pk for m in case.family.members.all()],
        "other_participants": "",
        "areas": [ProblemArea.objects.first().pk],
        "topics": "Rozmowa o planie dnia dzieci i o zaległych rachunkach.",
        "tasks_done": "",
        "tasks_agreed": "Pani Ewa zadzwoni do szkoły.",
        "child_safety_notes": "Dzieci zadbane, bez niepokojących sygnałów.",
        "next_meeting": (timezone.localdate() + dt.timedelta(days=6)).isoformat(),
        "action": "final",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def service_data(case, **overrides):
    """What a form's cleaned_data holds, for calling the service directly."""
    data = {
        "date": timezone.localdate() - dt.timedelta(days=1),
        "start_time": dt.time(10, 0),
        "end_time": dt.time(11, 0),
        "duration_minutes": None,
        "kind": VisitKind.HOME_VISIT,
        "place": "home",
        "place_description": "",
        "participants": list(case.family.members.all()),
        "areas": [],
        "goals": [],
        "topics": "Rozmowa o planie dnia.",
    }
    data.update(overrides)
    return data


# Logging a visit from the field


def test_the_assistant_gets_a_phone_friendly_form(client, assistant, case, plan_goal):
    client.force_login(assistant)
    response = client.get(reverse("visits:visit-create", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="date"' in html and 'type="time"' in html
    assert "Ewa Kowalska" in html and "Zosia Kowalska" in html
    assert "Budżet domowy" in html  # a goal of the current plan
    assert html.count("<legend") >= 4  # place, participants, areas, goals
    assert 'value="draft"' in html and 'value="final"' in html
    assert "<script>" not in html and "style=" not in html
    assert 'class="table' not in html or "table-responsive" in html


def test_the_assistant_logs_a_visit(client, assistant, case, plan_goal):
    client.force_login(assistant)
    data = visit_data(case, goals=[plan_goal.pk])
    response = client.post(reverse("visits:visit-create", args=[case.pk]), data)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:visit-detail", args=[visit.pk])
    assert visit.status == VisitStatus.FINAL and visit.finalised_at is not None
    assert visit.author == assistant and visit.case == case
    assert visit.duration_minutes == 90  # follows from the times
    assert set(visit.participants.all()) == set(case.family.members.all())
    assert list(visit.goals.all()) == [plan_goal]
    assert visit.history.first().history_user == assistant


def test_a_phone_call_needs_no_place_and_can_give_only_the_duration(client, assistant, case):
    client.force_login(assistant)
    data = visit_data(case, kind=VisitKind.PHONE, place="", start_time="", end_time="", duration_minutes="15")
    response = client.post(reverse("visits:visit-create", args=[case.pk]), data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.length_minutes == 15 and visit.place == ""


def test_errors_are_shown_next_to_the_field_and_keep_what_was_typed(client, assistant, case):
    client.force_login(assistant)
    data = visit_data(case, start_time="12:00", end_time="11:00", topics="Zupełnie nowy temat rozmowy")
    response = client.post(reverse("visits:visit-create", args=[case.pk]), data)
    assert response.status_code == 200
    assert not Visit.objects.exists()
    html = response.content.decode()
    error_block = re.search(r'id="div_id_end_time".*?</div>\s*</div>', html, re.S).group(0)
    assert "The visit must end after it starts." in error_block
    assert "Zupełnie nowy temat rozmowy" in html
    assert 'value="12:00"' in html


def test_a_draft_is_saved_without_topics_and_finished_later(client, assistant, case):
    client.force_login(assistant)
    create = reverse("visits:visit-create", args=[case.pk])
    response = client.post(create, visit_data(case, topics="", start_time="", end_time="", action="draft"))
    draft = Visit.objects.get()
    assert response.status_code == 302 and draft.status == VisitStatus.DRAFT and draft.finalised_at is None

    edit = reverse("visits:visit-edit", args=[draft.pk])
    response = client.post(edit, visit_data(case, topics="", version=draft.version))
    assert response.status_code == 200
    assert "Describe the topics of the meeting." in response.content.decode()

    response = client.post(edit, visit_data(case, version=draft.version))
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == VisitStatus.FINAL and draft.version == 2


def test_a_final_visit_needs_its_time(assistant, case):
    with pytest.raises(ValidationError) as caught:
        save_visit(
            case=case,
            data=service_data(case, start_time=None, end_time=None),
            by=assistant,
            final=True,
        )
    assert "start_time" in caught.value.message_dict


def test_a_saved_visit_does_not_go_back_to_draft(assistant, case):
    visit = VisitFactory(case=case)
    with pytest.raises(InvalidTransition):
        save_visit(case=case, data=service_data(case), by=assistant, final=False, visit=visit)


def test_the_author_corrects_a_saved_visit_within_7_days(client, assistant, case):
    visit = VisitFactory(case=case, finalised_at=timezone.now() - dt.timedelta(days=6))
    client.force_login(assistant)
    edit = reverse("visits:visit-edit", args=[visit.pk])
    page = client.get(edit).content.decode()
    assert 'value="draft"' not in page  # no way back to a draft
    response = client.post(edit, visit_data(case, topics="Poprawiony opis", version=1))
    visit.refresh_from_db()
    assert response.status_code == 302
    assert visit.topics == "Poprawiony opis" and visit.version == 2


def test_a_visit_saved_more_than_7_days_ago_cannot_be_changed(client, assistant, case):
    visit = VisitFactory(case=case, finalised_at=timezone.now() - dt.timedelta(days=7, minutes=1))
    client.force_login(assistant)
    edit = reverse("visits:visit-edit", args=[visit.pk])
    response = client.post(edit, visit_data(case, topics="Zmiana po terminie", version=1))
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    visit.refresh_from_db()
    assert visit.topics != "Zmiana po terminie"
    with pytest.raises(InvalidTransition):
        save_visit(case=case, data=service_data(case), by=assistant, final=True, visit=visit)


def test_optimistic_locking_refuses_a_stale_form(client, assistant, case):
    visit = VisitFactory(case=case, draft=True)
    # The assistant opened the draft on the phone (version 1), then saved it from the office.
    save_visit(case=case, data={**service_data(case), "version": 1}, by=assistant, final=False, visit=visit)
    client.force_login(assistant)
    response = client.post(
        reverse("visits:visit-edit", args=[visit.pk]),
        visit_data(case, topics="Wpisane na telefonie", version=1),
    )
    assert response.status_code == 200
    assert "changed elsewhere after you opened it" in response.content.decode()
    assert "Wpisane na telefonie" in response.content.decode()  # kept to copy
    visit.refresh_from_db()
    assert visit.version == 2 and visit.topics == "Rozmowa o planie dnia."
    with pytest.raises(StaleVisit):
        save_visit(
            case=case, data={**service_data(case), "version": 1}, by=assistant, final=True, visit=visit
        )


# The rules of the case's status


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.ENDED])
def test_no_visits_on_a_closed_or_ended_case(client, assistant, status):
    case = CaseFactory(
        assistant=assistant, status=status, closed_on=timezone.localdate(), closure_reason="other"
    )
    with pytest.raises(InvalidTransition):
        save_visit(case=case, data=service_data(case), by=assistant, final=True)
    client.force_login(assistant)
    url = reverse("visits:visit-create", args=[case.pk])
    page = client.get(url).content.decode()
    assert 'name="topics"' not in page and "alert-warning" in page
    client.post(url, visit_data(case))
    assert not Visit.objects.exists()


def test_awaiting_consent_allows_only_the_first_meeting(client, assistant):
    case = CaseFactory(assistant=assistant, awaiting_consent=True)
    first = save_visit(case=case, data=service_data(case), by=assistant, final=False)
    # The first meeting itself can still be finished.
    save_visit(case=case, data={**service_data(case), "version": 1}, by=assistant, final=True, visit=first)
    with pytest.raises(InvalidTransition) as caught:
        save_visit(case=case, data=service_data(case), by=assistant, final=False)
    assert "consent" in caught.value.messages[0]
    client.force_login(assistant)
    page = client.get(reverse("visits:visit-create", args=[case.pk])).content.decode()
    assert "Record the family&#x27;s consent first." in page
    assert case.visits.count() == 1


def test_monitoring_allows_only_monitoring_contacts_after_closure(assistant):
    closed_on = timezone.localdate() - dt.timedelta(days=10)
    case = CaseFactory(
        assistant=assistant,
        status=CaseStatus.MONITORING,
        closed_on=closed_on,
        closure_reason="goals_achieved",
    )
    with pytest.raises(ValidationError) as caught:
        save_visit(case=case, data=service_data(case), by=assistant, final=True)
    assert "only monitoring contacts" in caught.value.message_dict["kind"][0]
    contact = save_visit(
        case=case, data=service_data(case, kind=VisitKind.MONITORING), by=assistant, final=True
    )
    assert contact.kind == VisitKind.MONITORING
    # A visit from before the closure is logged as what it was.
    earlier = service_data(case, date=closed_on - dt.timedelta(days=2))
    assert save_visit(case=case, data=earlier, by=assistant, final=True).kind == VisitKind.HOME_VISIT


def test_a_monitoring_contact_on_the_day_of_closure_is_accepted(assistant):
    """The monitoring starts on the day the work closed: a contact that day is monitoring, and a
    last visit of the work that day is still what it was."""
    closed_on = timezone.localdate() - dt.timedelta(days=3)
    case = CaseFactory(
        assistant=assistant,
        status=CaseStatus.MONITORING,
        closed_on=closed_on,
        closure_reason="goals_achieved",
    )
    contact = save_visit(
        case=case,
        data=service_data(case, kind=VisitKind.MONITORING, date=closed_on),
        by=assistant,
        final=True,
    )
    assert contact.kind == VisitKind.MONITORING
    last_visit = save_visit(case=case, data=service_data(case, date=closed_on), by=assistant, final=True)
    assert last_visit.kind == VisitKind.HOME_VISIT


def test_a_monitoring_contact_on_the_day_of_closure_is_accepted_by_the_page(client, assistant):
    closed_on = timezone.localdate() - dt.timedelta(days=3)
    case = CaseFactory(
        assistant=assistant,
        status=CaseStatus.MONITORING,
        closed_on=closed_on,
        closure_reason="goals_achieved",
    )
    client.force_login(assistant)
    response = client.post(
        reverse("visits:visit-create", args=[case.pk]),
        visit_data(case, kind=VisitKind.MONITORING, date=closed_on.isoformat(), next_meeting=None),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert case.visits.get().kind == VisitKind.MONITORING


def test_no_monitoring_contact_on_an_active_case(assistant, case):
    with pytest.raises(ValidationError) as caught:
        save_visit(case=case, data=service_data(case, kind=VisitKind.MONITORING), by=assistant, final=True)
    assert "kind" in caught.value.message_dict


def test_the_form_offers_monitoring_contacts_only_in_monitoring(client, assistant, case):
    client.force_login(assistant)
    page = client.get(reverse("visits:visit-create", args=[case.pk])).content.decode()
    assert 'value="monitoring"' not in page


def test_end_before_start_is_refused_by_the_service_and_the_database(assistant, case):
    with pytest.raises(ValidationError) as caught:
        save_visit(
            case=case,
            data=service_data(case, start_time=dt.time(12, 0), end_time=dt.time(11, 0)),
            by=assistant,
            final=True,
        )
    assert "end_time" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(case=case, start_time=dt.time(12, 0), end_time=dt.time(11, 0))


def test_the_database_refuses_a_final_visit_without_topics(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(case=case, topics="")


def test_no_visit_in_the_future_or_before_the_case_opened(assistant, case):
    for day in (timezone.localdate() + dt.timedelta(days=1), case.opened_on - dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            save_visit(case=case, data=service_data(case, date=day), by=assistant, final=True)
        assert "date" in caught.value.message_dict


def test_a_visit_starting_later_today_cannot_be_saved_as_done_but_can_be_drafted(client, assistant, case):
    now = dt.datetime(2026, 12, 7, 9, 30, tzinfo=WARSAW)
    Case.objects.filter(pk=case.pk).update(opened_on=dt.date(2026, 11, 1))
    url = reverse("visits:visit-create", args=[case.pk])
    client.force_login(assistant)
    later_today = {"date": "2026-12-07", "start_time": "10:00", "end_time": "11:00", "next_meeting": None}
    with time_machine.travel(now, tick=False):
        response = client.post(url, visit_data(case, **later_today))

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "10:00" in errors["start_time"][0]
        assert not Visit.all_objects.exists()

        # As a draft it is kept (to be finished after the meeting).
        response = client.post(url, visit_data(case, **later_today, action="draft"))
        assert Visit.objects.get().is_draft

    with time_machine.travel(now.replace(hour=10, minute=0), tick=False):
        visit = Visit.objects.get()
        data = service_data(case, date=dt.date(2026, 12, 7), start_time=dt.time(10), end_time=dt.time(11))
        done = save_visit(case=case, data=data, by=assistant, final=True, visit=visit)
        assert done.status == VisitStatus.FINAL


def test_a_visit_starting_later_today_is_refused_in_polish(client, assistant, case):
    Case.objects.filter(pk=case.pk).update(opened_on=dt.date(2026, 11, 1))
    client.force_login(assistant)
    data = visit_data(case, date="2026-12-07", start_time="15:00", end_time="16:00", next_meeting=None)
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 30, tzinfo=WARSAW), tick=False):
        response = client.post(
            reverse("visits:visit-create", args=[case.pk]), data, HTTP_ACCEPT_LANGUAGE="pl"
        )
    assert "nie może być zapisana jako odbyta przed godziną rozpoczęcia (15:00)" in response.content.decode()


def test_a_visit_before_the_case_opened_is_refused_by_the_service_with_the_opening_date(assistant, case):
    """The floor is the case's opening, not the application's absolute floor of 2000."""
    Case.objects.filter(pk=case.pk).update(opened_on=timezone.localdate() - dt.timedelta(days=30))
    case.refresh_from_db()
    day = case.opened_on - dt.timedelta(days=1)
    assert day > dt.date(2000, 1, 1)
    with pytest.raises(ValidationError) as caught:
        save_visit(case=case, data=service_data(case, date=day), by=assistant, final=True)
    assert case.opened_on.strftime("%d.%m.%Y") in caught.value.message_dict["date"][0]
    assert not Visit.all_objects.exists()
    on_the_day = save_visit(case=case, data=service_data(case, date=case.opened_on), by=assistant, final=True)
    assert on_the_day.date == case.opened_on


def test_the_visit_form_refuses_a_date_before_the_case_opened_at_its_field(client, assistant, case):
    Case.objects.filter(pk=case.pk).update(opened_on=timezone.localdate() - dt.timedelta(days=30))
    case.refresh_from_db()
    url = reverse("visits:visit-create", args=[case.pk])
    client.force_login(assistant)
    page = client.get(url).content.decode()
    assert re.search(
        rf'name="date"[^>]*min="{case.opened_on.isoformat()}"|min="{case.opened_on.isoformat()}"[^>]*name="date"',
        page,
    )

    form = VisitForm(
        data=visit_data(case, date=(case.opened_on - dt.timedelta(days=1)).isoformat()), case=case
    )
    assert not form.is_valid()
    assert case.opened_on.strftime("%d.%m.%Y") in form.errors["date"][0]

    before = (case.opened_on - dt.timedelta(days=1)).isoformat()
    response = client.post(url, visit_data(case, date=before))
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert 'id="error_1_id_date"' in response.content.decode()
    assert not Visit.all_objects.exists()
    assert client.post(url, visit_data(case, date=case.opened_on.isoformat())).status_code == 302


def test_participants_come_from_the_family(assistant, case):
    stranger = FamilyMemberFactory()
    with pytest.raises(ValidationError) as caught:
        save_visit(case=case, data=service_data(case, participants=[stranger]), by=assistant, final=True)
    assert "participants" in caught.value.message_dict


def test_only_the_cases_assistant_writes_visits(other_assistant, manager, case):
    for user in (other_assistant, manager):
        with pytest.raises(PermissionDenied):
            save_visit(case=case, data=service_data(case), by=user, final=True)
    assert not Visit.objects.exists()


# Access per role


def test_an_outsider_gets_404_everywhere(client, other_assistant, case):
    visit = VisitFactory(case=case)
    client.force_login(other_assistant)
    for url in [
        reverse("visits:visit-create", args=[case.pk]),
        reverse("visits:visit-detail", args=[visit.pk]),
        reverse("visits:visit-edit", args=[visit.pk]),
        reverse("visits:case-visits", args=[case.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("visits:visit-create", args=[case.pk]), visit_data(case)).status_code == 404
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("role", ["social_worker", "manager"])
def test_who_may_see_the_case_but_is_not_its_assistant_gets_403(client, role_users, case, role):
    visit = VisitFactory(case=case)
    client.force_login(role_users[role])
    assert client.get(reverse("visits:visit-create", args=[case.pk])).status_code == 403
    assert client.post(reverse("visits:visit-create", args=[case.pk]), visit_data(case)).status_code == 403
    assert client.get(reverse("visits:visit-edit", args=[visit.pk])).status_code == 403
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("role", ["assistant", "social_worker", "manager"])
def test_who_may_see_the_case_reads_the_visit_and_the_read_is_audited(client, role_users, case, role):
    visit = VisitFactory(case=case, child_safety_notes="Dzieci bezpieczne.")
    user = role_users[role]
    client.force_login(user)
    response = client.get(reverse("visits:visit-detail", args=[visit.pk]))
    assert response.status_code == 200
    assert "Dzieci bezpieczne." in response.content.decode()
    log = AccessLog.objects.get(user=user)
    assert (log.family_id, log.object_type, log.object_id, log.action) == (
        case.family_id,
        "visit",
        visit.pk,
        "view",
    )


def test_only_the_author_sees_the_edit_button(client, role_users, case):
    visit = VisitFactory(case=case)
    edit = reverse("visits:visit-edit", args=[visit.pk])
    client.force_login(role_users["assistant"])
    assert edit in client.get(visit.get_absolute_url()).content.decode()
    client.force_login(role_users["manager"])
    assert edit not in client.get(visit.get_absolute_url()).content.decode()


def test_the_administrator_sees_no_case_data(client, admin_user, case):
    visit = VisitFactory(case=case)
    client.force_login(admin_user)
    assert client.get(reverse("visits:visit-detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("visits:case-visits", args=[case.pk])).status_code == 404


def test_wrong_methods_get_405(client, assistant, case):
    visit = VisitFactory(case=case)
    client.force_login(assistant)
    assert client.put(reverse("visits:visit-create", args=[case.pk])).status_code == 405
    assert client.delete(reverse("visits:visit-edit", args=[visit.pk])).status_code == 405
    assert client.post(reverse("visits:visit-detail", args=[visit.pk])).status_code == 405
    assert client.post(reverse("visits:case-visits", args=[case.pk])).status_code == 405
    assert client.post(reverse("visits:my-week")).status_code == 405


# The case's visit log


def test_the_case_list_is_newest_first_with_drafts_marked(client, social_worker, case):
    today = timezone.localdate()
    VisitFactory(case=case, date=today - dt.timedelta(days=14), topics="Najstarsza wizyta")
    VisitFactory(case=case, date=today - dt.timedelta(days=1), draft=True, tasks_agreed="")
    VisitFactory(case=case, date=today - dt.timedelta(days=7), topics="Środkowa wizyta")
    client.force_login(social_worker)
    response = client.get(reverse("visits:case-visits", args=[case.pk]))
    html = response.content.decode()
    dates = re.findall(r"\d\d\.\d\d\.\d{4}", html)
    expected = [(today - dt.timedelta(days=d)).strftime("%d.%m.%Y") for d in (1, 7, 14)]
    assert [d for d in dates if d in expected] == expected
    assert html.count("badge text-bg-warning") == 1
    assert "Log a visit" not in html  # the social worker reads only
    assert AccessLog.objects.filter(user=social_worker, object_type="case", object_id=case.pk).exists()


def test_the_case_list_is_paginated_by_25(client, assistant, case):
    for days in range(30):
        VisitFactory(case=case, date=timezone.localdate() - dt.timedelta(days=days))
    client.force_login(assistant)
    url = reverse("visits:case-visits", args=[case.pk])
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def _count_queries(client, url):
    client.get(url)  # the first request of a session does one-off work (e.g. session update)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_list_runs_the_same_queries_for_3_and_30_visits(
    client, assistant, case, django_assert_max_num_queries
):
    client.force_login(assistant)
    url = reverse("visits:case-visits", args=[case.pk])
    VisitFactory.create_batch(3, case=case)
    few = _count_queries(client, url)
    VisitFactory.create_batch(27, case=case)
    with django_assert_max_num_queries(few):
        client.get(url)
    assert _count_queries(client, url) == few


# The assistant's week

THURSDAY_WEEK_48 = dt.datetime(2026, 11, 26, 10, 0, tzinfo=WARSAW)


@pytest.fixture
def week_case(assistant):
    with time_machine.travel(THURSDAY_WEEK_48, tick=False):
        return CaseFactory(assistant=assistant, family__name="Nowakowie")


def test_the_week_groups_own_visits_by_day_within_iso_week_boundaries(
    client, assistant, other_assistant, week_case
):
    with time_machine.travel(THURSDAY_WEEK_48, tick=False):
        sunday_before = VisitFactory(case=week_case, date=dt.date(2026, 11, 22))
        monday = VisitFactory(case=week_case, date=dt.date(2026, 11, 23))
        thursday_late = VisitFactory(
            case=week_case, date=dt.date(2026, 11, 26), start_time=dt.time(14, 0), end_time=dt.time(15, 0)
        )
        thursday_early = VisitFactory(
            case=week_case,
            date=dt.date(2026, 11, 26),
            phone=True,
            start_time=dt.time(8, 0),
            end_time=dt.time(8, 15),
        )
        sunday = VisitFactory(case=week_case, date=dt.date(2026, 11, 29), draft=True)
        next_monday = VisitFactory(case=week_case, date=dt.date(2026, 11, 30))
        VisitFactory(date=dt.date(2026, 11, 24), case=CaseFactory(assistant=other_assistant))
        client.force_login(assistant)
        response = client.get(reverse("visits:my-week"))
    assert response.status_code == 200
    days = response.context["days"]
    assert [day["date"] for day in days] == [dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(7)]
    by_day = {day["date"]: day["visits"] for day in days}
    assert by_day[dt.date(2026, 11, 23)] == [monday]
    assert by_day[dt.date(2026, 11, 24)] == []  # another assistant's visit is not shown
    assert by_day[dt.date(2026, 11, 26)] == [thursday_early, thursday_late]
    assert by_day[dt.date(2026, 11, 29)] == [sunday]
    shown = [visit for day in days for visit in day["visits"]]
    assert sunday_before not in shown and next_monday not in shown
    html = response.content.decode()
    assert "Nowakowie" in html
    assert "?week=2026-W47" in html and "?week=2026-W49" in html
    assert days[3]["is_today"]


def test_the_week_parameter_crosses_the_iso_year(client, assistant, week_case):
    with time_machine.travel(THURSDAY_WEEK_48, tick=False):
        last = VisitFactory(case=week_case, date=dt.date(2026, 11, 26))
        Visit.objects.filter(pk=last.pk).update(date=dt.date(2027, 1, 3))  # Sunday of 2026-W53
        client.force_login(assistant)
        response = client.get(reverse("visits:my-week"), {"week": "2026-W53"})
    assert response.context["monday"] == dt.date(2026, 12, 28)
    assert response.context["sunday"] == dt.date(2027, 1, 3)
    assert response.context["days"][6]["visits"][0].pk == last.pk
    assert response.context["next_week"] == "2027-W01"
    assert response.context["previous_week"] == "2026-W52"


@pytest.mark.parametrize("week", ["", "2026-W54", "nonsense", "2025-W00"])
def test_a_missing_or_invalid_week_shows_the_current_one(client, assistant, week):
    client.force_login(assistant)
    with time_machine.travel(THURSDAY_WEEK_48, tick=False):
        response = client.get(reverse("visits:my-week"), {"week": week})
    assert response.context["monday"] == dt.date(2026, 11, 23)


@pytest.mark.parametrize("role", ["social_worker", "manager", "administrator"])
def test_the_week_is_for_assistants(client, role_users, role):
    client.force_login(role_users[role])
    assert client.get(reverse("visits:my-week")).status_code == 403


def test_the_week_runs_the_same_queries_for_3_and_30_visits(client, assistant):
    cases = CaseFactory.create_batch(3, assistant=assistant)
    client.force_login(assistant)
    url = reverse("visits:my-week")
    today = timezone.localdate()
    for case in cases:
        VisitFactory(case=case, date=today)
    few = _count_queries(client, url)
    for index in range(27):
        VisitFactory(case=cases[index % 3], date=today)
    assert _count_queries(client, url) == few


def test_a_reassigned_assistant_no_longer_sees_the_family_in_the_week(
    client, assistant, other_assistant, case
):
    VisitFactory(case=case, date=timezone.localdate())
    case.assistant = other_assistant
    case.save()
    client.force_login(assistant)
    response = client.get(reverse("visits:my-week"))
    assert response.context["visit_count"] == 0


def test_an_inactive_assistant_cannot_log_visits(client, case):
    assistant = case.assistant
    assistant.is_active = False
    assistant.save()
    with pytest.raises(PermissionDenied):
        save_visit(case=case, data=service_data(case), by=assistant, final=True)
