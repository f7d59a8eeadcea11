"""Closing the work with a family, the monitoring that follows and its end: the case becomes
read-only. Access per role; the scheduled task that ends monitoring on its date."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from asystent.models import Centre
from cases.enums import CaseStatus, ClosureReason
from cases.models import Case, ClosureProposal
from cases.tasks import end_due_monitoring

from .factories import CaseFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def case(assistant, social_worker):
    return CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Kowalscy")


def close_data(**overrides):
    data = {
        "date": "2026-11-27",
        "reason": ClosureReason.GOALS_ACHIEVED,
        "final_assessment": "Rodzina samodzielnie organizuje opiekę nad dziećmi.",
        "recommendations": "Kontakt telefoniczny raz w miesiącu.",
    }
    data.update(overrides)
    return data


def in_monitoring(case, until=dt.date(2027, 5, 27)):
    case.status = CaseStatus.MONITORING
    case.closed_on = dt.date(2026, 11, 27)
    case.closure_reason = ClosureReason.GOALS_ACHIEVED
    case.monitoring_until = until
    case.save()
    return case


@time_machine.travel(NOW, tick=False)
def test_the_assistant_proposes_the_manager_approves_and_monitoring_starts_for_the_centres_period(
    client, case, manager
):
    centre = Centre.load()
    centre.monitoring_months = 3
    centre.save()
    client.force_login(case.assistant)
    url = reverse("cases:case-close", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "for 3 months" in page.text
    # A refusal of consent is recorded with the consent, not here.
    assert 'value="refused"' not in page.text

    client.post(url, close_data())
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    proposal = ClosureProposal.objects.get(case=case)
    client.force_login(manager)
    response = client.post(reverse("cases:closure-approve", args=[proposal.pk]), follow=True)
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "Monitoring continues until 27.02.2027." in response.text
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORING
    assert case.closed_on == dt.date(2026, 11, 27)
    assert case.closure_reason == ClosureReason.GOALS_ACHIEVED
    assert case.monitoring_until == dt.date(2027, 2, 27)
    assert case.final_assessment.startswith("Rodzina samodzielnie")
    assert case.recommendations == "Kontakt telefoniczny raz w miesiącu."


@time_machine.travel(NOW, tick=False)
def test_a_family_that_moved_away_is_closed_without_monitoring(client, case, manager):
    client.force_login(manager)
    response = client.post(
        reverse("cases:case-close", args=[case.pk]), close_data(reason=ClosureReason.MOVED_AWAY)
    )
    assert response.status_code == 302
    proposal = ClosureProposal.objects.get(case=case)
    assert proposal.monitoring is False
    response = client.post(reverse("cases:closure-approve", args=[proposal.pk]), follow=True)
    assert "closed, without monitoring" in response.text
    case.refresh_from_db()
    assert (case.status, case.monitoring_until) == (CaseStatus.CLOSED, None)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"reason": "refused"}, "reason", "Select a valid choice."),
        ({"final_assessment": ""}, "final_assessment", "Write the final assessment."),
        ({"date": "2026-12-01"}, "date", "This date cannot be in the future."),
    ],
)
def test_closure_errors_next_to_the_field(client, case, overrides, field, message):
    client.force_login(case.assistant)
    response = client.post(reverse("cases:case-close", args=[case.pk]), close_data(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert f'id="error_1_id_{field}"' in response.text
    assert "Kontakt telefoniczny raz w miesiącu." in response.text
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_closure_access(client, case, other_assistant, admin_user):
    url = reverse("cases:case-close", args=[case.pk])
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    for user in (case.social_worker, admin_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, close_data()).status_code == 403
    client.force_login(case.assistant)
    assert client.delete(url).status_code == 405
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_an_assistant_who_sees_the_family_but_not_this_case_may_not_close_it(client, case, other_assistant):
    CaseFactory(family=case.family, assistant=other_assistant, closed=True)
    client.force_login(other_assistant)
    assert client.get(reverse("cases:case-close", args=[case.pk])).status_code == 403


def test_a_case_in_monitoring_is_not_closed_again(client, case):
    in_monitoring(case)
    client.force_login(case.assistant)
    response = client.post(reverse("cases:case-close", args=[case.pk]), close_data(), follow=True)
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "This can be done only while the work with the family is in progress." in response.text
    assert Case.objects.get(pk=case.pk).closed_on == dt.date(2026, 11, 27)


@time_machine.travel(NOW, tick=False)
def test_ending_the_monitoring_asks_for_confirmation_then_the_case_is_read_only(client, case):
    in_monitoring(case)
    client.force_login(case.assistant)
    url = reverse("cases:monitoring-end", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "27.05.2027" in page.text
    assert "ending it early" in page.text

    response = client.post(url, {})
    assert response.status_code == 200
    assert "Tick the box to confirm." in response.text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MONITORING

    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "The monitoring has ended. The case is now read-only." in response.text
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED
    assert case.ended_on == dt.date(2026, 11, 29)

    # No more work on an ended case: refused with a message, never an error page.
    for name in ("plan-create", "assessment-create", "case-close", "monitoring-end"):
        response = client.get(reverse(f"cases:{name}", args=[case.pk]), follow=True)
        assert response.status_code == 200, name
        assert response.redirect_chain[-1][0] == case.get_absolute_url(), name
        assert 'class="alert alert-danger"' in response.text, name


def test_ending_monitoring_access(client, case, manager, other_assistant):
    in_monitoring(case)
    url = reverse("cases:monitoring-end", args=[case.pk])
    client.force_login(other_assistant)
    assert client.post(url, {"confirm": "on"}).status_code == 404
    client.force_login(case.social_worker)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(manager)
    assert client.put(url).status_code == 405
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ENDED


def test_only_a_case_in_monitoring_ends_its_monitoring(client, case):
    client.force_login(case.assistant)
    response = client.post(reverse("cases:monitoring-end", args=[case.pk]), {"confirm": "on"}, follow=True)
    assert "Only a case in monitoring can end its monitoring." in response.text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE


def test_the_scheduled_task_ends_monitoring_on_its_date(case):
    in_monitoring(case, until=dt.date(2027, 5, 27))
    with time_machine.travel(dt.datetime(2027, 5, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        assert end_due_monitoring.delay().get() == 0
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MONITORING
    with time_machine.travel(dt.datetime(2027, 5, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        assert end_due_monitoring.delay().get() == 1
        assert end_due_monitoring.delay().get() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED
    assert case.ended_on == dt.date(2027, 5, 28)


def test_the_task_is_registered_under_the_name_the_schedule_uses():
    from asystent.schedules import DEFAULT_SCHEDULES

    assert end_due_monitoring.name in {task for _, task, _ in DEFAULT_SCHEDULES}
