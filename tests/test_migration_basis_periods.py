"""The data migration that gives every case written before the periods of the legal basis one
period each (cases 0017), and links each court order to its case's period (referrals 0008)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import LegalBasisPeriod
from referrals.models import CourtOrder

from .factories import FamilyFactory, UserFactory

# The state just before the periods: cases and referrals without them (later apps follow along).
BEFORE = [("cases", "0015_transition_comment_limit"), ("referrals", "0006_transition_comment_limit")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _migrate(targets):  # noqa: ANN001, ANN202
    executor = _executor()
    plan = executor.migration_plan(targets)
    executor.migrate(targets, plan=plan)
    return executor.loader.project_state(targets).apps


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_every_existing_case_gets_one_period_and_each_order_names_its_own():
    family, other = FamilyFactory(), FamilyFactory()
    assistant = UserFactory(username="asystentka", assistant=True)
    try:
        old = _migrate(BEFORE)
        Case = old.get_model("cases", "Case")
        voluntary = Case.objects.create(
            family_id=family.pk,
            assistant_id=assistant.pk,
            legal_basis="voluntary",
            status="active",
            opened_on=dt.date(2025, 3, 1),
            started_on=dt.date(2025, 3, 4),
        )
        # Closed: its period ends with it. Its dates contradict each other (closed before it
        # opened, as some imported cases do): the period ends on its first day, not before.
        closed = Case.objects.create(
            family_id=other.pk,
            assistant_id=assistant.pk,
            legal_basis="court_order",
            status="closed",
            closure_reason="court_decision",
            opened_on=dt.date(2024, 5, 10),
            closed_on=dt.date(2024, 5, 1),
        )
        court = Case.objects.create(
            family_id=other.pk,
            assistant_id=assistant.pk,
            legal_basis="court_order",
            status="active",
            opened_on=dt.date(2025, 6, 2),
            started_on=dt.date(2025, 6, 2),
        )
        order = old.get_model("referrals", "CourtOrder").objects.create(
            family_id=other.pk,
            court="Sąd Rejonowy w Zielonej Dolinie",
            division="III Wydział Rodzinny i Nieletnich",
            case_number="III Nsm 5/25",
            order_date=dt.date(2025, 5, 20),
            received_on=dt.date(2025, 5, 28),
            registered_by_id=assistant.pk,
        )
        old.get_model("referrals", "Referral").objects.create(
            family_id=other.pk,
            court_order_id=order.pk,
            social_worker_id=assistant.pk,
            legal_basis="court_order",
            justification="Postanowienie sądu.",
            status="assigned",
            case_id=court.pk,
        )
    finally:
        _migrate(_executor().loader.graph.leaf_nodes())

    periods = {
        p.case_id: (p.basis, p.started_on, p.ended_on)
        for p in LegalBasisPeriod.objects.filter(case_id__in=[voluntary.pk, closed.pk, court.pk])
    }
    assert periods == {
        voluntary.pk: ("voluntary", dt.date(2025, 3, 1), None),
        closed.pk: ("court_order", dt.date(2024, 5, 10), dt.date(2024, 5, 10)),
        court.pk: ("court_order", dt.date(2025, 6, 2), None),
    }
    linked = CourtOrder.objects.get(pk=order.pk).basis_period
    assert linked.case_id == court.pk
    assert linked.source == "Sąd Rejonowy w Zielonej Dolinie, III Wydział Rodzinny i Nieletnich, III Nsm 5/25"
