"""Retention: which cases are past the period, the destruction protocol, and what erasing keeps."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from asystent.errors import InvalidTransition
from cases import retention
from cases.enums import CaseStatus
from cases.models import DestructionProtocol, Family, FamilyMember

from .factories import CaseFactory, ConsentFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2036, 6, 1, 12, 0, tzinfo=dt.UTC)


def _ended(on: dt.date, **kwargs):
    return CaseFactory(
        status=CaseStatus.ENDED,
        closed_on=on,
        ended_on=on,
        closure_reason="goals_achieved",
        opened_on=on - dt.timedelta(days=400),
        started_on=on - dt.timedelta(days=400),
        **kwargs,
    )


@time_machine.travel(TODAY, tick=False)
def test_period_counts_from_1_january_after_the_end():
    # Ended in 2025: kept until 1 January 2036 (10 years from 1.1.2026), so past on 1.6.2036.
    past = _ended(dt.date(2025, 12, 31))
    # Ended on 1 January 2026: kept until 1 January 2037.
    kept = _ended(dt.date(2026, 1, 1))
    ids = set(retention.cases_past_retention().values_list("pk", flat=True))
    assert past.pk in ids
    assert kept.pk not in ids


@time_machine.travel(TODAY, tick=False)
def test_a_family_with_a_newer_or_open_case_is_kept():
    old = _ended(dt.date(2020, 3, 1))
    CaseFactory(family=old.family)  # the family came back: active case
    assert not retention.cases_past_retention().exists()


@time_machine.travel(TODAY, tick=False)
def test_protocol_erases_personal_data_and_keeps_counts(manager):
    case = _ended(dt.date(2024, 5, 1))
    mother = FamilyMemberFactory(family=case.family, first_name="Żaneta", last_name="Wiśniewska")
    child = FamilyMemberFactory(family=case.family, child=True, birth_date=dt.date(2015, 9, 3))
    ConsentFactory(case=case, scope="Zakres współpracy")
    protocol = retention.prepare_protocol(by=manager)
    assert protocol.case_ids == [case.pk]
    with pytest.raises(InvalidTransition):
        retention.execute_protocol(protocol=protocol, by=case.assistant)
    retention.execute_protocol(protocol=protocol, by=manager)

    family = Family.objects.get(pk=case.family_id)
    assert family.anonymised_at is not None
    assert "Wiśniew" not in family.name
    mother.refresh_from_db()
    child.refresh_from_db()
    assert mother.first_name == "—" and mother.pesel == ""
    assert child.relation == "child" and child.birth_date == dt.date(2015, 1, 1)
    # No history row still holds the name.
    assert not FamilyMember.history.filter(first_name="Żaneta").exists()
    assert case.consents.get().scope == ""
    # What statistics need stays.
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED and case.closure_reason == "goals_achieved"
    assert case.family.members.filter(relation="child").count() == 1
    with pytest.raises(InvalidTransition):
        retention.execute_protocol(protocol=protocol, by=manager)
    assert not retention.cases_past_retention().exists()


@time_machine.travel(TODAY, tick=False)
def test_retention_pages_for_the_manager_only(client, manager, assistant):
    _ended(dt.date(2023, 2, 1))
    client.force_login(assistant)
    assert client.get(reverse("cases:retention")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("cases:retention"))
    assert page.status_code == 200 and page.context["total"] == 1
    response = client.post(reverse("cases:retention-prepare"))
    protocol = DestructionProtocol.objects.get()
    assert response["Location"] == protocol.get_absolute_url()
    # Without the confirmation nothing is erased.
    client.post(protocol.get_absolute_url(), {})
    protocol.refresh_from_db()
    assert protocol.executed_at is None
    client.post(protocol.get_absolute_url(), {"confirm": "yes"})
    protocol.refresh_from_db()
    assert protocol.executed_at is not None and protocol.approved_by == manager
    printable = client.get(protocol.get_absolute_url())
    assert protocol.number.encode() in printable.content
    assert client.get(reverse("cases:retention-prepare")).status_code == 405


@time_machine.travel(TODAY, tick=False)
def test_statistics_of_earlier_periods_do_not_change(manager):
    from reports.statistics import Period, semiannual_report

    for year in (2022, 2023, 2024):
        case = _ended(dt.date(year, 5, 10))
        FamilyMemberFactory(family=case.family, child=True)
    periods = [Period(year, part) for year in (2022, 2023, 2024) for part in ("H1", "H2", "Y")]
    before = {p.key: {f.key: f.value for f in semiannual_report(p)} for p in periods}
    protocol = retention.prepare_protocol(by=manager)
    retention.execute_protocol(protocol=protocol, by=manager)
    after = {p.key: {f.key: f.value for f in semiannual_report(p)} for p in periods}
    assert after == before
    assert any(value for figures in after.values() for value in figures.values())


@time_machine.travel(TODAY, tick=False)
def test_a_case_closed_before_it_was_opened_is_held_back_for_a_check(client, manager):
    past = _ended(dt.date(2024, 5, 1))
    # A new case whose closure was typed as 2001: by its end date it would be past retention.
    backdated = CaseFactory(
        status=CaseStatus.ENDED,
        opened_on=dt.date(2036, 3, 1),
        started_on=dt.date(2036, 3, 1),
        closed_on=dt.date(2001, 1, 1),
        ended_on=dt.date(2001, 1, 1),
        closure_reason="goals_achieved",
    )
    assert list(retention.held_back_cases()) == [backdated]
    assert set(retention.families_past_retention()) == {past.family}
    client.force_login(manager)
    page = client.get(reverse("cases:retention"))
    assert page.status_code == 200 and page.context["total"] == 1
    assert f'href="{backdated.get_absolute_url()}"' in page.content.decode()
    client.post(reverse("cases:retention-prepare"))
    protocol = DestructionProtocol.objects.get()
    assert protocol.case_ids == [past.pk] and protocol.held_case_ids == [backdated.pk]
    client.post(protocol.get_absolute_url(), {"confirm": "yes"})
    assert Family.objects.get(pk=backdated.family_id).anonymised_at is None
    assert str(backdated.pk) in client.get(protocol.get_absolute_url()).content.decode()


def test_events_of_a_case_cannot_precede_its_opening(client, assistant):
    from asystent.errors import InvalidTransition
    from cases.services import close_case, record_consent
    from cases.services.closure import close_with_monitoring

    case = CaseFactory(assistant=assistant, opened_on=dt.date(2026, 1, 10), started_on=dt.date(2026, 1, 10))
    for backdated in (dt.date(1, 1, 1), dt.date(2026, 1, 9)):
        with pytest.raises(InvalidTransition):
            close_case(case=case, reason="goals_achieved", on=backdated, by=assistant)
        with pytest.raises(InvalidTransition):
            close_with_monitoring(
                case=case, by=assistant, on=backdated, reason="goals_achieved", final_assessment="Ocena."
            )
        with pytest.raises(InvalidTransition):
            record_consent(
                case=case, decision="withdrawn", date=backdated, by=assistant, reason="Rezygnacja."
            )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.closed_on is None

    client.force_login(assistant)
    response = client.post(
        reverse("cases:case-close", args=[case.pk]),
        {"date": "2026-01-09", "reason": "goals_achieved", "final_assessment": "Ocena."},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Ta data nie może być wcześniejsza niż data założenia sprawy (10.01.2026)."
    ]
    response = client.post(
        reverse("cases:consent-create", args=[case.pk]),
        {"decision": "refused", "date": "2026-01-09", "reason": "Odmowa."},
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
