"""The three status machines (referral, case, opinion version): every (status, move) pair either
succeeds and is logged with who, when, from, to and the reason, or is refused with the model's
message and leaves no trace; the log is shown on the object's page. Also the optimistic-locking
helper that every versioned row shares."""

import datetime as dt
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from asystent.concurrency import bump_version
from asystent.errors import InvalidTransition
from cases.enums import CaseStatus, ClosureReason, ConsentDecision
from cases.services import close_case, record_consent
from courts import services as court_services
from courts.enums import OpinionStatus
from referrals.enums import ReferralStatus
from referrals.services import register_court_order, submit_referral

from .factories import CaseFactory, CourtRequestFactory, FamilyFactory, ReferralFactory

pytestmark = pytest.mark.django_db

REASON = "Powód zmiany."


@pytest.fixture(autouse=True)
def in_english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def assert_logged(record, obj, *, source, target, by, before) -> None:  # noqa: ANN001
    record.refresh_from_db()
    assert (record.from_status, record.to_status, record.by, record.comment) == (source, target, by, REASON)
    assert before <= record.at <= timezone.now()
    assert list(obj.transitions.all()) == [record]


# --- the referral -------------------------------------------------------------------------------

REFERRAL_MOVES = ["submit", "withdraw", "assign", "waitlist", "refer", "reject"]
REFERRAL_ALLOWED = {
    ("draft", "submit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    **{(source, "withdraw"): "withdrawn" for source in ("submitted", "waitlisted")},
    **{(source, "assign"): "assigned" for source in ("submitted", "waitlisted")},
    ("submitted", "waitlist"): "waitlisted",
    **{(source, "refer"): "referred" for source in ("submitted", "waitlisted")},
    **{(source, "reject"): "rejected" for source in ("submitted", "waitlisted")},
}


@pytest.mark.parametrize(("source", "move"), list(product(ReferralStatus.values, REFERRAL_MOVES)))
def test_every_referral_move(source, move, manager):
    extra: dict[str, object] = {}
    if source == ReferralStatus.ASSIGNED:
        case = CaseFactory(awaiting_consent=True)
        extra.update(case=case, family=case.family)
    referral = ReferralFactory(status=source, **extra)
    before = timezone.now()
    if (source, move) in REFERRAL_ALLOWED:
        record = getattr(referral, move)(by=manager, comment=REASON)
        target = REFERRAL_ALLOWED[(source, move)]
        assert (referral.status, referral.version) == (target, 2)
        assert_logged(record, referral, source=source, target=target, by=manager, before=before)
    else:
        with pytest.raises(InvalidTransition) as refused:
            getattr(referral, move)(by=manager, comment=REASON)
        assert refused.value.messages[0].startswith(
            f"A referral that is “{ReferralStatus(source).label}” cannot become"
        )
        assert (referral.status, referral.version) == (source, 1)
        assert not referral.transitions.exists()


def test_a_failed_condition_refuses_with_its_own_message(social_worker):
    referral = ReferralFactory(social_worker=social_worker, interview=None)
    with pytest.raises(InvalidTransition) as refused:
        referral.submit(by=social_worker)
    assert refused.value.messages == ["Record the community interview before submitting the referral."]
    assert referral.status == ReferralStatus.DRAFT
    assert not referral.transitions.exists()


def test_a_court_order_is_logged_as_submitted_by_whoever_registered_it(manager):
    today = timezone.localdate()
    referral = register_court_order(
        family=FamilyFactory(),
        court="Sąd Rejonowy",
        division="III Wydział Rodzinny",
        case_number="III Nsm 1/26",
        order_date=today,
        received_on=today,
        by=manager,
    ).referral
    record = referral.transitions.get()
    assert (record.from_status, record.to_status, record.by) == ("draft", "submitted", manager)


def test_the_referral_page_shows_its_log(client, social_worker):
    referral = ReferralFactory(social_worker=social_worker)
    submit_referral(referral=referral, by=social_worker)
    client.force_login(social_worker)

    html = client.get(reverse("referrals:referral-detail", args=[referral.pk])).content.decode()

    assert "Status history" in html
    assert f"{social_worker} · draft → submitted, awaiting decision" in html


# --- the case -----------------------------------------------------------------------------------

CASE_MOVES: dict[str, dict[str, object]] = {
    "start": {"on": dt.date(2026, 3, 2)},
    "close": {"on": dt.date(2026, 3, 2), "reason": ClosureReason.GOALS_ACHIEVED},
    "close_with_monitoring": {"on": dt.date(2026, 3, 2), "reason": ClosureReason.GOALS_ACHIEVED},
    "end_monitoring": {"on": dt.date(2026, 3, 2)},
}
CASE_ALLOWED = {
    ("awaiting_consent", "start"): "active",
    **{(source, "close"): "closed" for source in ("awaiting_consent", "active")},
    **{(source, "close_with_monitoring"): "monitoring" for source in ("awaiting_consent", "active")},
    ("monitoring", "end_monitoring"): "ended",
}


@pytest.mark.parametrize(("source", "move"), list(product(CaseStatus.values, CASE_MOVES)))
def test_every_case_move(source, move, manager):
    finished = source in (CaseStatus.CLOSED, CaseStatus.MONITORING, CaseStatus.ENDED)
    case = CaseFactory(status=source, closure_reason=ClosureReason.OTHER if finished else "")
    before = timezone.now()
    if (source, move) in CASE_ALLOWED:
        record = getattr(case, move)(by=manager, comment=REASON, **CASE_MOVES[move])
        target = CASE_ALLOWED[(source, move)]
        assert (case.status, case.version) == (target, 2)
        case.save()  # the database's own checks accept the moved case
        assert_logged(record, case, source=source, target=target, by=manager, before=before)
    else:
        with pytest.raises(InvalidTransition) as refused:
            getattr(case, move)(by=manager, comment=REASON, **CASE_MOVES[move])
        expected = (
            "Only a case in monitoring can end its monitoring."
            if move == "end_monitoring"
            else f"A case that is “{CaseStatus(source).label}” cannot become"
        )
        assert refused.value.messages[0].startswith(expected)
        assert (case.status, case.version) == (source, 1)
        assert not case.transitions.exists()


def test_a_refusal_of_consent_is_logged_with_its_reason(assistant):
    case = CaseFactory(awaiting_consent=True, assistant=assistant)
    record_consent(
        case=case, decision=ConsentDecision.REFUSED, date=timezone.localdate(), by=assistant, reason=REASON
    )
    record = case.transitions.get()
    assert (record.from_status, record.to_status, record.by, record.comment) == (
        "awaiting_consent",
        "closed",
        assistant,
        REASON,
    )


def test_the_case_page_shows_its_log(client, assistant):
    case = CaseFactory(assistant=assistant)
    close_case(case=case, reason=ClosureReason.GOALS_ACHIEVED, on=timezone.localdate(), by=assistant)
    client.force_login(assistant)

    html = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()

    assert "Status history" in html
    assert f"{assistant} · active → closed" in html


# --- the opinion version ------------------------------------------------------------------------

OPINION_MOVES = {
    "submit": {},
    "approve": {},
    "send_back": {},
    "mark_sent": {"sent_on": dt.date(2026, 3, 2), "sent_method": "post"},
}
OPINION_ALLOWED = {
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "send_back"): "draft",
    ("approved", "mark_sent"): "sent",
}


@pytest.mark.parametrize(("source", "move"), list(product(OpinionStatus.values, OPINION_MOVES)))
def test_every_opinion_move(source, move, assistant, manager):
    opinion = court_services.draft_opinion(
        request=CourtRequestFactory(case__assistant=assistant), by=assistant
    )
    version = opinion.current_version()
    version.status = source  # a fixture's shortcut to the status under test
    version.approved_by, version.approved_at = manager, timezone.now()
    version.sent_on, version.sent_method = timezone.localdate(), "post"
    version.save()
    before = timezone.now()
    if (source, move) in OPINION_ALLOWED:
        record = getattr(version, move)(by=manager, comment=REASON, **OPINION_MOVES[move])
        target = OPINION_ALLOWED[(source, move)]
        assert version.status == target
        version.save()
        assert_logged(record, version, source=source, target=target, by=manager, before=before)
    else:
        with pytest.raises(InvalidTransition) as refused:
            getattr(version, move)(by=manager, comment=REASON, **OPINION_MOVES[move])
        assert refused.value.messages == [
            f"The opinion is {OpinionStatus(source).label}: this step is not possible now."
        ]
        assert version.status == source
        assert not version.transitions.exists()


def test_the_opinion_version_page_shows_its_log(client, assistant):
    opinion = court_services.draft_opinion(
        request=CourtRequestFactory(case__assistant=assistant), by=assistant
    )
    version = court_services.save_opinion(
        opinion=opinion, by=assistant, sections={"attitude": "Współpraca.", "conclusions": "Wnioski."}
    )
    court_services.submit_opinion(version=version, by=assistant)
    client.force_login(assistant)

    html = client.get(reverse("courts:opinion-version", args=[version.pk])).content.decode()

    assert f"{assistant} · draft → submitted to the manager" in html


# --- optimistic locking -------------------------------------------------------------------------


def test_bump_version_counts_a_change_and_refuses_a_stale_one():
    case = CaseFactory()
    bump_version(case, expected=1)
    assert case.version == 2
    with pytest.raises(ValidationError) as stale:
        bump_version(case, expected=1, message="Changed meanwhile.")
    assert (stale.value.messages, stale.value.code) == (["Changed meanwhile."], "stale_version")
    assert case.version == 2
