"""Intake and case services: every allowed transition works, every other one is refused."""

import datetime as dt
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from asystent.errors import InvalidTransition
from cases.enums import CaseStatus, ClosureReason, ConsentDecision, LegalBasis
from cases.models import Assignment, Case
from cases.services import close_case, record_consent
from referrals.enums import Decision, ReferralStatus
from referrals.models import CourtOrder, Referral
from referrals.services import decide_referral, register_court_order, submit_referral, withdraw_referral

from .factories import CaseFactory, ConsentFactory, FamilyFactory, ReferralFactory, UserFactory

TODAY = timezone.localdate


# --- referral transitions -----------------------------------------------------------------------


def referral_in(status: str, **kwargs) -> Referral:
    if status == ReferralStatus.ASSIGNED:
        case = CaseFactory(awaiting_consent=True)
        kwargs.setdefault("family", case.family)
        kwargs["case"] = case
    if status != ReferralStatus.DRAFT:
        kwargs.setdefault("submitted_at", timezone.now() - dt.timedelta(days=3))
    return ReferralFactory(status=status, **kwargs)


def move_referral(referral: Referral, target: str, manager, assistant) -> Referral:  # noqa: ANN001
    """Reach `target` through the service a person would use."""
    if target == ReferralStatus.SUBMITTED:
        return submit_referral(referral=referral, by=referral.social_worker)
    if target == ReferralStatus.WITHDRAWN:
        return withdraw_referral(referral=referral, by=referral.social_worker)
    decision = {
        ReferralStatus.ASSIGNED: Decision.ASSIGN,
        ReferralStatus.WAITLISTED: Decision.WAITLIST,
        ReferralStatus.REFERRED: Decision.REFER,
        ReferralStatus.REJECTED: Decision.REJECT,
    }[ReferralStatus(target)]
    return decide_referral(
        referral=referral, decision=decision, by=manager, assistant=assistant, note="Powód decyzji."
    )


TARGETS = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]


def reachable(model, statuses) -> dict[str, set[str]]:  # noqa: ANN001
    """The statuses each status may move to, read from the model's state machine."""
    table: dict[str, set[str]] = {status: set() for status in statuses}
    for move in model().get_all_status_transitions():
        table[move.source].add(move.target)
    return table


TRANSITIONS = reachable(Referral, ReferralStatus)
CASE_TRANSITIONS = reachable(Case, CaseStatus)


def test_nothing_goes_back_to_draft():
    assert all(ReferralStatus.DRAFT not in targets for targets in TRANSITIONS.values())
    assert set(TRANSITIONS) == set(ReferralStatus)


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), list(product(ReferralStatus, TARGETS)))
def test_referral_transitions_follow_the_table(current, target, manager, assistant):
    referral = referral_in(current)
    if target in TRANSITIONS[current]:
        moved = move_referral(referral, target, manager, assistant)
        referral.refresh_from_db()
        assert moved.status == referral.status == target
        assert referral.version == 2
    else:
        with pytest.raises(InvalidTransition):
            move_referral(referral, target, manager, assistant)
        referral.refresh_from_db()
        assert referral.status == current
        assert referral.version == 1


@pytest.mark.django_db
def test_submitting_stamps_the_time(social_worker):
    referral = ReferralFactory(social_worker=social_worker)
    before = timezone.now()
    referral = submit_referral(referral=referral, by=social_worker)
    assert referral.submitted_at >= before


@pytest.mark.django_db
def test_a_referral_without_an_interview_cannot_be_submitted(social_worker):
    # art. 11 ust. 1-3: the interview and the analysis come first.
    referral = ReferralFactory(social_worker=social_worker, interview=None)
    with pytest.raises(InvalidTransition) as caught:
        submit_referral(referral=referral, by=social_worker)
    assert caught.value.messages == [
        gettext("Record the community interview before submitting the referral.")
    ]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


# --- decisions ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (Decision.REJECT, "Give the reason for the rejection."),
        (Decision.REFER, "Name the unit or organisation the family is referred to."),
    ],
)
@pytest.mark.parametrize("note", ["", "   \n"])
def test_rejecting_or_referring_elsewhere_needs_a_note(decision, message, note, manager):
    referral = ReferralFactory(submitted=True)
    with pytest.raises(InvalidTransition) as caught:
        decide_referral(referral=referral, decision=decision, by=manager, note=note)
    assert caught.value.messages == [gettext(message)]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.decided_at is None


@pytest.mark.django_db
def test_the_waiting_list_needs_no_note_and_records_who_decided(manager):
    referral = decide_referral(
        referral=ReferralFactory(submitted=True), decision=Decision.WAITLIST, by=manager
    )
    assert referral.status == ReferralStatus.WAITLISTED
    assert referral.decided_by == manager
    assert referral.decided_at is not None


@pytest.mark.django_db
def test_assigning_needs_an_assistant(manager):
    referral = ReferralFactory(submitted=True)
    with pytest.raises(InvalidTransition) as caught:
        decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager)
    assert caught.value.messages == [gettext("Choose the assistant.")]
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.WAITLIST])
def test_a_minor_parent_cannot_be_rejected_or_waitlisted(decision, manager):
    referral = ReferralFactory(submitted=True, legal_basis=LegalBasis.MINOR_PARENT)
    with pytest.raises(InvalidTransition) as caught:
        decide_referral(referral=referral, decision=decision, by=manager, note="Brak miejsc.")
    assert "art. 11 ust. 1a" in caught.value.messages[0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("basis", "status", "started"),
    [
        (LegalBasis.VOLUNTARY, CaseStatus.AWAITING_CONSENT, False),
        (LegalBasis.ZA_ZYCIEM, CaseStatus.AWAITING_CONSENT, False),
        (LegalBasis.COURT_ORDER, CaseStatus.ACTIVE, True),
        (LegalBasis.MINOR_PARENT, CaseStatus.ACTIVE, True),
    ],
)
def test_assignment_opens_the_case(basis, status, started, manager, assistant, social_worker):
    family = FamilyFactory(registered_by=social_worker)
    if basis == LegalBasis.COURT_ORDER:
        referral = ReferralFactory(family=family, court_ordered=True)
    else:
        referral = ReferralFactory(family=family, submitted=True, legal_basis=basis)
    referral = decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager, assistant=assistant)
    case = referral.case
    assert referral.status == ReferralStatus.ASSIGNED
    assert case.status == status
    assert case.legal_basis == basis
    assert case.family == family
    assert case.assistant == assistant
    assert case.social_worker == social_worker
    assert case.started_on == (TODAY() if started else None)
    assignment = Assignment.objects.get(case=case)
    assert (assignment.assistant, assignment.assigned_by, assignment.ended_on) == (assistant, manager, None)


@pytest.mark.django_db
def test_a_family_with_a_case_in_progress_is_not_assigned_twice(manager, assistant, other_assistant):
    case = CaseFactory(assistant=assistant)
    referral = ReferralFactory(family=case.family, submitted=True)
    with pytest.raises(InvalidTransition):
        decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager, assistant=other_assistant)
    assert case.family.cases.count() == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_a_family_whose_case_closed_can_be_assigned_again(manager, assistant):
    case = CaseFactory(assistant=assistant, closed=True)
    referral = ReferralFactory(family=case.family, submitted=True)
    referral = decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager, assistant=assistant)
    assert referral.case != case
    assert referral.case.status == CaseStatus.AWAITING_CONSENT


@pytest.mark.django_db
def test_only_an_active_assistant_can_be_assigned(manager, social_worker):
    inactive = UserFactory(assistant=True, is_active=False)
    for person in (inactive, social_worker):
        referral = ReferralFactory(submitted=True)
        with pytest.raises(InvalidTransition):
            decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager, assistant=person)
    assert not Case.objects.exists()


# --- court orders -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_court_order_becomes_a_submitted_court_ordered_referral(social_worker):
    family = FamilyFactory(registered_by=social_worker)
    referral = register_court_order(
        family=family,
        court="Sąd Rejonowy w Zielonej Dolinie",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 123/26",
        order_date=TODAY() - dt.timedelta(days=10),
        received_on=TODAY() - dt.timedelta(days=3),
        by=social_worker,
    ).referral
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.legal_basis == LegalBasis.COURT_ORDER
    assert referral.submitted_at is not None
    assert referral.social_worker == social_worker
    assert referral.court_order.case_number == "III Nsm 123/26"
    assert "III Nsm 123/26" in referral.justification


@pytest.mark.django_db
def test_a_court_order_cannot_be_received_before_it_was_issued(social_worker):
    with pytest.raises(ValidationError):
        register_court_order(
            family=FamilyFactory(registered_by=social_worker),
            court="Sąd Rejonowy",
            division="III Wydział Rodzinny i Nieletnich",
            case_number="III Nsm 1/26",
            order_date=TODAY() - dt.timedelta(days=3),
            received_on=TODAY() - dt.timedelta(days=10),
            by=social_worker,
        )
    assert not CourtOrder.objects.exists()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_court_ordered_case_registered_by_the_manager_has_no_social_worker(manager, assistant):
    referral = register_court_order(
        family=FamilyFactory(),
        court="Sąd Rejonowy",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 2/26",
        order_date=TODAY() - dt.timedelta(days=3),
        received_on=TODAY(),
        by=manager,
    ).referral
    referral = decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager, assistant=assistant)
    assert referral.case.social_worker is None
    assert referral.case.status == CaseStatus.ACTIVE


# --- case transitions ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), list(product(CaseStatus, CaseStatus)))
def test_case_transitions_follow_the_table(current, target):
    # The moves of the case's state machine are the one gate every case service passes; the
    # services are tested below. No move leads back to "awaiting consent".
    closed = current in (CaseStatus.CLOSED, CaseStatus.MONITORING, CaseStatus.ENDED)
    case = CaseFactory(status=current, closure_reason=ClosureReason.OTHER if closed else "")
    moves = {
        CaseStatus.ACTIVE: lambda: case.start(on=TODAY(), by=None),
        CaseStatus.CLOSED: lambda: case.close(on=TODAY(), reason=ClosureReason.OTHER, by=None),
        CaseStatus.MONITORING: lambda: case.close_with_monitoring(
            on=TODAY(), reason=ClosureReason.OTHER, by=None
        ),
        CaseStatus.ENDED: lambda: case.end_monitoring(on=TODAY(), by=None),
    }
    if target in CASE_TRANSITIONS[current]:
        moves[target]()
        assert case.status == target
    else:
        assert target in moves or all(target not in targets for targets in CASE_TRANSITIONS.values())
        if target in moves:
            with pytest.raises(InvalidTransition):
                moves[target]()
        assert case.status == current


@pytest.mark.django_db
@pytest.mark.parametrize("monitoring", [False, True])
@pytest.mark.parametrize("current", [CaseStatus.ACTIVE, CaseStatus.AWAITING_CONSENT])
def test_closing_a_case_in_progress(current, monitoring, assistant):
    case = CaseFactory(status=current, assistant=assistant)
    closed_on = TODAY() - dt.timedelta(days=1)
    case = close_case(
        case=case, reason=ClosureReason.GOALS_ACHIEVED, on=closed_on, by=assistant, monitoring=monitoring
    )
    case.refresh_from_db()
    assert case.status == (CaseStatus.MONITORING if monitoring else CaseStatus.CLOSED)
    assert (case.closed_on, case.closure_reason) == (closed_on, ClosureReason.GOALS_ACHIEVED)
    assert case.assignments.get().ended_on == closed_on


@pytest.mark.django_db
@pytest.mark.parametrize("current", [CaseStatus.CLOSED, CaseStatus.ENDED])
def test_a_closed_or_ended_case_cannot_be_closed_again(current, assistant):
    case = CaseFactory(status=current, closure_reason=ClosureReason.OTHER, assistant=assistant)
    with pytest.raises(InvalidTransition):
        close_case(case=case, reason=ClosureReason.OTHER, on=TODAY(), by=assistant)
    case.refresh_from_db()
    assert case.status == current


@pytest.mark.django_db
@pytest.mark.parametrize("monitoring", [False, True])
def test_a_case_is_not_closed_without_a_reason(monitoring, assistant):
    case = CaseFactory(assistant=assistant)
    with pytest.raises(InvalidTransition) as caught:
        close_case(case=case, reason="", on=TODAY(), by=assistant, monitoring=monitoring)
    assert caught.value.messages == [gettext("Give the reason for closing the case.")]
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


# --- consent ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("basis", [LegalBasis.VOLUNTARY, LegalBasis.ZA_ZYCIEM])
def test_consent_starts_voluntary_work(basis, assistant):
    case = CaseFactory(awaiting_consent=True, legal_basis=basis, assistant=assistant)
    signed = TODAY() - dt.timedelta(days=2)
    record_consent(case=case, decision=ConsentDecision.GIVEN, date=signed, by=assistant, scope="Plan pracy")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.started_on == signed


@pytest.mark.django_db
def test_consent_cannot_be_given_twice_to_voluntary_work(assistant):
    case = CaseFactory(assistant=assistant)
    ConsentFactory(case=case)
    with pytest.raises(InvalidTransition):
        record_consent(case=case, decision=ConsentDecision.GIVEN, date=TODAY(), by=assistant)
    assert case.consents.count() == 1


@pytest.mark.django_db
def test_refusal_closes_a_voluntary_case(assistant):
    case = CaseFactory(awaiting_consent=True, assistant=assistant)
    record_consent(
        case=case, decision=ConsentDecision.REFUSED, date=TODAY(), by=assistant, reason="Rodzina odmawia."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == ClosureReason.REFUSED
    assert case.closed_on == TODAY()
    assert case.assignments.get().ended_on == TODAY()


@pytest.mark.django_db
def test_withdrawal_closes_a_voluntary_case(assistant):
    case = CaseFactory(assistant=assistant)
    ConsentFactory(case=case)
    record_consent(
        case=case, decision=ConsentDecision.WITHDRAWN, date=TODAY(), by=assistant, reason="Przeprowadzka."
    )
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, ClosureReason.WITHDREW)


@pytest.mark.django_db
def test_consent_never_given_cannot_be_withdrawn(assistant):
    case = CaseFactory(awaiting_consent=True, assistant=assistant)
    with pytest.raises(InvalidTransition):
        record_consent(case=case, decision=ConsentDecision.WITHDRAWN, date=TODAY(), by=assistant, reason="x")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONSENT


@pytest.mark.django_db
@pytest.mark.parametrize("decision", [ConsentDecision.REFUSED, ConsentDecision.WITHDRAWN])
def test_refusal_or_withdrawal_needs_a_reason(decision, assistant):
    case = CaseFactory(assistant=assistant)
    ConsentFactory(case=case)
    with pytest.raises(InvalidTransition) as caught:
        record_consent(case=case, decision=decision, date=TODAY(), by=assistant, reason=" ")
    assert caught.value.messages == [gettext("Give the reason for the refusal or withdrawal.")]


@pytest.mark.django_db
def test_a_court_ordered_refusal_is_flagged_for_the_court_not_closed(assistant):
    case = CaseFactory(court_ordered=True, assistant=assistant)
    record_consent(
        case=case, decision=ConsentDecision.REFUSED, date=TODAY(), by=assistant, reason="Odmowa współpracy."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.court_notice_needed is True


@pytest.mark.django_db
@pytest.mark.parametrize("current", [CaseStatus.CLOSED, CaseStatus.MONITORING, CaseStatus.ENDED])
def test_no_consent_is_recorded_on_a_case_no_longer_in_progress(current, assistant):
    case = CaseFactory(status=current, closure_reason=ClosureReason.OTHER, assistant=assistant)
    with pytest.raises(InvalidTransition):
        record_consent(case=case, decision=ConsentDecision.GIVEN, date=TODAY(), by=assistant)
    assert not case.consents.exists()
