"""The caseload limit (art. 15 ust. 4: at most 15 families per assistant), also under concurrency."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext

from asystent.errors import CaseloadFull
from asystent.models import STATUTORY_CASELOAD_LIMIT, Centre
from cases.enums import CaseStatus
from cases.models import Case
from cases.services import caseloads, open_case, reassign_case
from referrals.enums import Decision, ReferralStatus
from referrals.models import Referral
from referrals.services import decide_referral

from .conftest import require_service
from .factories import CaseFactory, FamilyFactory, ReferralFactory, UserFactory


def set_limit(limit: int, *, count_monitoring: bool = False) -> Centre:
    centre = Centre.load()
    centre.caseload_limit = limit
    centre.count_monitoring_in_caseload = count_monitoring
    centre.save()
    return centre


def full_message(assistant, load: int, limit: int) -> str:  # noqa: ANN001
    return gettext(
        "%(assistant)s already works with %(load)d families; the limit is %(limit)d "
        "(art. 15 ust. 4 of the Act). Choose another assistant."
    ) % {"assistant": assistant, "load": load, "limit": limit}


def assign(referral: Referral, assistant, manager) -> Referral:  # noqa: ANN001
    return decide_referral(referral=referral, decision=Decision.ASSIGN, by=manager, assistant=assistant)


@pytest.mark.django_db
def test_the_default_limit_is_the_statutory_15():
    assert STATUTORY_CASELOAD_LIMIT == 15
    assert Centre.load().caseload_limit == 15


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [0, 16, 20])
def test_validation_refuses_a_limit_outside_1_to_15(limit):
    centre = Centre.load()
    centre.caseload_limit = limit
    with pytest.raises(ValidationError) as caught:
        centre.full_clean()
    assert "caseload_limit" in caught.value.message_dict


@pytest.mark.django_db
def test_the_database_refuses_a_limit_above_15():
    centre = Centre.load()
    with pytest.raises(IntegrityError), transaction.atomic():
        Centre.objects.filter(pk=centre.pk).update(caseload_limit=16)
    centre.refresh_from_db()
    assert centre.caseload_limit == 15


@pytest.mark.django_db
def test_the_16th_family_is_refused_at_the_statutory_limit(manager, assistant, other_assistant):
    CaseFactory.create_batch(15, assistant=assistant)
    referral = ReferralFactory(submitted=True)
    with pytest.raises(CaseloadFull) as caught:
        assign(referral, assistant, manager)
    assert caught.value.messages == [full_message(assistant, 15, 15)]
    assert "art. 15 ust. 4" in caught.value.messages[0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.case is None
    assert Case.objects.filter(assistant=assistant).count() == 15

    assign(referral, other_assistant, manager)
    referral.refresh_from_db()
    # refresh_from_db() gave the referral its case; mypy still holds the None asserted above.
    assert referral.case.assistant == other_assistant  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_lower_centre_limit_is_respected(manager, assistant):
    set_limit(3)
    CaseFactory.create_batch(2, assistant=assistant)
    assign(ReferralFactory(submitted=True), assistant, manager)  # the third place
    with pytest.raises(CaseloadFull) as caught:
        assign(ReferralFactory(submitted=True), assistant, manager)
    assert caught.value.messages == [full_message(assistant, 3, 3)]
    assert caseloads()[assistant.pk] == 3


@pytest.mark.django_db
def test_families_awaiting_consent_count_and_closed_ones_do_not(manager, assistant):
    set_limit(2)
    CaseFactory(assistant=assistant, awaiting_consent=True)
    CaseFactory.create_batch(3, assistant=assistant, closed=True)
    assert caseloads()[assistant.pk] == 1
    assign(ReferralFactory(submitted=True), assistant, manager)
    with pytest.raises(CaseloadFull):
        assign(ReferralFactory(submitted=True), assistant, manager)


@pytest.mark.django_db
@pytest.mark.parametrize("count_monitoring", [False, True])
def test_monitored_families_count_only_when_the_centre_says_so(count_monitoring, manager, assistant):
    set_limit(2, count_monitoring=count_monitoring)
    CaseFactory(assistant=assistant)
    CaseFactory(assistant=assistant, status=CaseStatus.MONITORING, closure_reason="goals_achieved")
    assert caseloads()[assistant.pk] == (2 if count_monitoring else 1)
    referral = ReferralFactory(submitted=True)
    if count_monitoring:
        with pytest.raises(CaseloadFull):
            assign(referral, assistant, manager)
    else:
        assert assign(referral, assistant, manager).case.assistant == assistant


@pytest.mark.django_db
def test_caseloads_lists_every_active_assistant_in_one_query(django_assert_num_queries, assistant):
    idle = UserFactory(assistant=True)
    gone = UserFactory(assistant=True, is_active=False)
    CaseFactory.create_batch(2, assistant=assistant)
    Centre.load()
    with django_assert_num_queries(2):  # the centre's settings, then the counts
        loads = caseloads()
    assert loads[assistant.pk] == 2
    assert loads[idle.pk] == 0
    assert gone.pk not in loads


@pytest.mark.django_db
def test_reassignment_respects_the_limit(manager, assistant, other_assistant):
    set_limit(1)
    CaseFactory(assistant=other_assistant)
    case = CaseFactory(assistant=assistant)
    with pytest.raises(CaseloadFull):
        reassign_case(case=case, assistant=other_assistant, by=manager, reason="Urlop.")
    case.refresh_from_db()
    assert case.assistant == assistant


@pytest.mark.django_db
def test_open_case_is_refused_at_the_limit_whatever_the_legal_basis(manager, assistant):
    set_limit(1)
    CaseFactory(assistant=assistant)
    with pytest.raises(CaseloadFull):
        open_case(
            family=FamilyFactory(),
            assistant=assistant,
            social_worker=None,
            legal_basis="court_order",
            by=manager,
        )


# --- two managers, one last place (PostgreSQL row locks) ---------------------------------------------


@pytest.mark.postgresql("row locks (select_for_update) between two connections")
@pytest.mark.django_db(transaction=True)
def test_two_managers_cannot_both_give_away_the_last_place():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    limit = 3
    set_limit(limit)
    assistant = UserFactory(username="ostatnie-miejsce", assistant=True)
    CaseFactory.create_batch(limit - 1, assistant=assistant)
    managers = [UserFactory(manager=True) for _ in range(2)]
    referrals = [ReferralFactory(submitted=True) for _ in range(2)]
    barrier = threading.Barrier(2, timeout=15)
    outcomes: list[object] = [None, None]

    def decide(index: int) -> None:
        try:
            with transaction.atomic():
                # Both transactions are open and have read the old load before either assigns.
                assert Case.objects.filter(assistant=assistant).count() == limit - 1
                barrier.wait()
                assign(referrals[index], assistant, managers[index])
            outcomes[index] = "assigned"
        except CaseloadFull:
            outcomes[index] = "full"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, outcomes)) == ["assigned", "full"], outcomes
    assert Case.objects.filter(assistant=assistant).count() == limit
    assert caseloads()[assistant.pk] == limit
    statuses = sorted(
        Referral.objects.filter(pk__in=[r.pk for r in referrals]).values_list("status", flat=True)
    )
    assert statuses == [ReferralStatus.ASSIGNED, ReferralStatus.SUBMITTED]
