"""Closure proposed by the assistant and approved or returned by the head of the centre; monitoring
chosen by the closure reason's rule; an unanswered court request blocks the closure; the notices
of each step. Each rule through the service and through the page."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from asystent.errors import InvalidTransition
from cases.closure_blockers import closure_blockers
from cases.enums import CaseStatus, ClosureProposalStatus, ClosureReason, MonitoringRule
from cases.models import Case, ClosureProposal, ClosureReasonPolicy
from cases.services import closure
from courts import services as court_services
from courts.enums import CourtRequestStatus
from notifications.models import Notification

from .factories import CaseFactory, CourtRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def case(assistant, social_worker):
    return CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Kowalscy")


def propose(case, **overrides):
    data = {
        "case": case,
        "by": case.assistant,
        "on": dt.date(2026, 11, 27),
        "reason": ClosureReason.GOALS_ACHIEVED,
        "summary": "Rodzina samodzielnie organizuje opiekę nad dziećmi.",
        "recommendations": "Kontakt telefoniczny raz w miesiącu.",
    }
    data.update(overrides)
    return closure.propose_closure(**data)


def close_data(**overrides):
    data = {
        "date": "2026-11-27",
        "reason": ClosureReason.GOALS_ACHIEVED,
        "final_assessment": "Rodzina samodzielnie organizuje opiekę nad dziećmi.",
        "recommendations": "Kontakt telefoniczny raz w miesiącu.",
        "monitoring": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- the proposal and its approval, through the services ---------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_proposal_keeps_the_case_active_until_a_manager_approves(case, manager):
    proposal = propose(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.is_open
    assert proposal.status == ClosureProposalStatus.PENDING
    # The managers are told, in the same transaction.
    assert Notification.objects.filter(recipient=manager, rule="closure_proposed").count() == 1

    case = closure.approve_closure(proposal=proposal, by=manager)
    assert case.status == CaseStatus.MONITORING
    assert case.closed_on == dt.date(2026, 11, 27)
    assert case.final_assessment.startswith("Rodzina samodzielnie")
    assert case.monitoring_until == dt.date(2027, 5, 27)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ClosureProposalStatus.APPROVED, manager)
    assert [t.to_status for t in proposal.transitions.all()] == ["approved"]
    assert Notification.objects.filter(recipient=case.assistant, rule="closure_decided").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_returned_proposal_needs_a_comment_and_the_assistant_proposes_again(case, manager):
    proposal = propose(case)
    with pytest.raises(InvalidTransition, match="Say why"):
        closure.return_closure(proposal=proposal, by=manager, comment="  ")
    closure.return_closure(proposal=proposal, by=manager, comment="Brak oceny sytuacji dzieci.")
    proposal.refresh_from_db()
    assert proposal.status == ClosureProposalStatus.RETURNED
    assert proposal.decision_comment == "Brak oceny sytuacji dzieci."
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    notice = Notification.objects.get(recipient=case.assistant, rule="closure_decided")
    assert "Brak oceny sytuacji dzieci." in notice.message
    # A decided proposal is not decided again.
    with pytest.raises(PermissionDenied):
        closure.approve_closure(proposal=proposal, by=manager)
    again = propose(case)
    assert closure.approve_closure(proposal=again, by=manager).status == CaseStatus.MONITORING


@time_machine.travel(NOW, tick=False)
def test_one_pending_proposal_at_a_time_and_only_a_manager_decides(case, manager):
    proposal = propose(case)
    with pytest.raises(InvalidTransition, match="already waiting"):
        propose(case)
    with pytest.raises(PermissionDenied):
        closure.approve_closure(proposal=proposal, by=case.assistant)
    with pytest.raises(PermissionDenied):
        closure.return_closure(proposal=proposal, by=case.assistant, comment="Nie")


@time_machine.travel(NOW, tick=False)
def test_a_proposal_needs_a_summary_a_past_date_and_a_reason_other_than_refusal(case):
    with pytest.raises(InvalidTransition, match="final assessment"):
        propose(case, summary=" ")
    with pytest.raises(InvalidTransition, match="future"):
        propose(case, on=dt.date(2026, 12, 1))
    with pytest.raises(InvalidTransition, match="reason"):
        propose(case, reason=ClosureReason.REFUSED)
    with pytest.raises(InvalidTransition, match="opened"):
        propose(case, on=case.opened_on - dt.timedelta(days=1))
    assert not ClosureProposal.objects.exists()


def test_only_the_cases_assistant_or_a_manager_proposes(case, other_assistant, social_worker):
    for user in (other_assistant, social_worker):
        with pytest.raises(PermissionDenied):
            propose(case, by=user, on=dt.date.today())


# --- monitoring per reason ------------------------------------------------------------------------


def test_the_default_rules_come_from_the_closure_reasons():
    rules = dict(ClosureReasonPolicy.objects.values_list("reason", "monitoring"))
    assert set(rules) == set(ClosureReason.values)
    assert rules[ClosureReason.GOALS_ACHIEVED] == MonitoringRule.REQUIRED
    assert rules[ClosureReason.MOVED_AWAY] == MonitoringRule.NOT_OFFERED
    assert rules[ClosureReason.FOSTER_CARE] == MonitoringRule.NOT_OFFERED
    assert rules[ClosureReason.NO_EFFECTS] == MonitoringRule.OFFERED


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "reason,chosen,status",
    [
        (ClosureReason.GOALS_ACHIEVED, False, CaseStatus.MONITORING),  # required
        (ClosureReason.MOVED_AWAY, True, CaseStatus.CLOSED),  # not offered
        (ClosureReason.NO_EFFECTS, True, CaseStatus.MONITORING),  # offered, chosen
        (ClosureReason.NO_EFFECTS, False, CaseStatus.CLOSED),  # offered, declined
    ],
)
def test_monitoring_follows_the_reasons_rule(case, manager, reason, chosen, status):
    proposal = propose(case, reason=reason, monitoring=chosen)
    case = closure.approve_closure(proposal=proposal, by=manager)
    assert case.status == status
    assert (case.monitoring_until is not None) == (status == CaseStatus.MONITORING)


@time_machine.travel(NOW, tick=False)
def test_the_administrator_changes_a_reasons_rule(client, case, manager, admin_user):
    policy = ClosureReasonPolicy.objects.get(reason=ClosureReason.MOVED_AWAY)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:cases_closurereasonpolicy_change", args=[policy.pk]),
        {"monitoring": MonitoringRule.REQUIRED, "note": "Praktyka ośrodka"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:cases_closurereasonpolicy_delete", args=[policy.pk])).status_code == 403
    case = closure.approve_closure(
        proposal=propose(case, reason=ClosureReason.MOVED_AWAY, monitoring=False), by=manager
    )
    assert case.status == CaseStatus.MONITORING


# --- an unanswered court request blocks the closure ----------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_unanswered_court_request_blocks_the_closure_until_a_manager_records_why(manager):
    request = CourtRequestFactory()
    case = request.case
    assert len(closure_blockers(case)) == 1
    with pytest.raises(InvalidTransition, match=request.case_number):
        propose(case)
    with pytest.raises(InvalidTransition, match="Say why"):
        court_services.record_no_answer(request=request, by=manager, reason=" ")
    with pytest.raises(PermissionDenied):
        court_services.record_no_answer(request=request, by=case.assistant, reason="Sąd cofnął wniosek.")
    court_services.record_no_answer(request=request, by=manager, reason="Sąd cofnął wniosek.")
    request.refresh_from_db()
    assert request.status == CourtRequestStatus.NOT_ANSWERED and request.not_answered_by == manager
    assert closure_blockers(case) == []
    assert closure.approve_closure(proposal=propose(case), by=manager).status == CaseStatus.MONITORING


@time_machine.travel(NOW, tick=False)
def test_a_court_request_arriving_after_the_proposal_blocks_the_approval(case, manager):
    proposal = propose(case)
    CourtRequestFactory(case=case)
    with pytest.raises(InvalidTransition, match="not answered"):
        closure.approve_closure(proposal=proposal, by=manager)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE


@time_machine.travel(NOW, tick=False)
def test_an_answered_court_request_does_not_block(case):
    CourtRequestFactory(case=case, answered=True)
    assert closure_blockers(case) == []


# --- through the pages ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_assistant_proposes_and_the_case_page_shows_it_pending(client, case, manager):
    client.force_login(case.assistant)
    url = reverse("cases:case-close", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "moved away: not offered" in page.text
    response = client.post(url, close_data(), follow=True)
    proposal = ClosureProposal.objects.get(case=case)
    assert response.redirect_chain[-1][0] == proposal.get_absolute_url()
    assert "The work goes on until the head of the centre approves it." in response.text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    case_page = client.get(case.get_absolute_url()).text
    assert 'id="closure-pending"' in case_page
    assert url not in case_page  # no second proposal while one waits
    # Opening the form again leads to the waiting proposal.
    assert client.get(url).url == proposal.get_absolute_url()
    # The assistant sees no approval forms.
    assert (
        reverse("cases:closure-approve", args=[proposal.pk])
        not in client.get(proposal.get_absolute_url()).text
    )
    assert client.post(reverse("cases:closure-approve", args=[proposal.pk])).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_manager_returns_with_a_comment_then_approves_through_the_pages(client, case, manager):
    proposal = propose(case)
    client.force_login(manager)
    detail = client.get(proposal.get_absolute_url())
    assert reverse("cases:closure-approve", args=[proposal.pk]) in detail.text
    response = client.post(reverse("cases:closure-return", args=[proposal.pk]), {"comment": ""})
    assert response.status_code == 400
    assert "Say why the closure is returned." in response.text
    response = client.post(
        reverse("cases:closure-return", args=[proposal.pk]), {"comment": "Uzupełnij ocenę."}, follow=True
    )
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert 'id="closure-returned"' in response.text and "Uzupełnij ocenę." in response.text

    again = propose(case)
    response = client.post(reverse("cases:closure-approve", args=[again.pk]), {"comment": ""}, follow=True)
    assert "Monitoring continues until 27.05.2027." in response.text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MONITORING
    # Deciding it again is refused with a message, not an error page.
    response = client.post(reverse("cases:closure-approve", args=[again.pk]), follow=True)
    assert "already been decided" in response.text


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_counts_the_closures_waiting_and_lists_them(client, case, manager):
    propose(case)
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    assert 'id="closures-pending"' in page.text
    listed = client.get(reverse("reports:dashboard-drilldown"), {"metric": "closures_pending"})
    assert listed.status_code == 200
    assert "Kowalscy" in listed.text


@time_machine.travel(NOW, tick=False)
def test_the_proposal_page_shows_the_court_blocker_and_approval_is_refused(client, manager):
    request = CourtRequestFactory()
    case = request.case
    proposal = ClosureProposal.objects.create(
        case=case,
        closing_on=dt.date(2026, 11, 27),
        reason=ClosureReason.OTHER,
        summary="Podsumowanie",
        proposed_by=case.assistant,
    )
    client.force_login(manager)
    page = client.get(proposal.get_absolute_url())
    assert request.case_number in page.text
    response = client.post(reverse("cases:closure-approve", args=[proposal.pk]), follow=True)
    assert request.case_number in response.text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    # The manager records why the request will not be answered, on the request's page.
    response = client.post(
        reverse("courts:court-request-no-answer", args=[request.pk]),
        {"reason": "Postępowanie umorzone."},
        follow=True,
    )
    assert "Postępowanie umorzone." in response.text
    client.post(reverse("cases:closure-approve", args=[proposal.pk]))
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MONITORING


def test_the_court_no_answer_form_is_for_managers(client, assistant):
    request = CourtRequestFactory(case__assistant=assistant)
    url = reverse("courts:court-request-no-answer", args=[request.pk])
    client.force_login(assistant)
    assert "no-answer" not in client.get(request.get_absolute_url()).text
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert client.get(url).status_code in (403, 405)


def test_a_proposal_is_hidden_from_an_outsider(client, case, other_assistant):
    proposal = ClosureProposal.objects.create(
        case=case,
        closing_on=dt.date.today(),
        reason=ClosureReason.OTHER,
        summary="Podsumowanie",
        proposed_by=case.assistant,
    )
    client.force_login(other_assistant)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    other_manager = UserFactory(manager=True)
    client.force_login(other_manager)
    assert client.get(reverse("cases:closure-return", args=[proposal.pk])).status_code == 405
