"""The stored figures of the semi-annual report (reports.snapshots): equal to the computed ones,
served in one query while the records behind them are unchanged, computed again after any change
that moves a figure (also a late correction of a finished period), left alone by changes that move
none and by the retention job; the page's queries stay few and constant however many families."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asystent.enums import EmploymentForm
from cases import retention, services
from cases.enums import CaseStatus, ClosureReason, LegalBasis, Relation
from cases.models import Assignment, Case, Family, FamilyMember
from reports import snapshots
from reports.models import ReportSnapshot
from reports.statistics import Period, semiannual_report
from staff import services as staff_services
from visits import services as visit_services

from . import test_semiannual_report as semiannual_report_tests
from .factories import CaseFactory, FamilyMemberFactory, UserFactory, VisitFactory
from .test_semiannual_report import EXPECTED, H1, _assistant, _case, _family

known_set = semiannual_report_tests.known_set  # the families of H1 2025 with the figures in EXPECTED

pytestmark = pytest.mark.django_db

D = dt.date
# 16 March 2026: the first half of 2026 is in progress, 2025 is finished.
NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC)
CURRENT = Period(2026, "H1")
YEAR = Period(2025, "Y")


def read(period: Period) -> tuple[dict[str, Any], int]:
    """The figures the pages get, and how many queries that took (1: served from the store)."""
    with CaptureQueriesContext(connection) as queries:
        report = snapshots.counted_figures(period)
    return {f.key: f.value for f in report.figures}, len(queries)


def computed(period: Period) -> dict[str, Any]:
    return {f.key: f.value for f in semiannual_report(period)}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in before if after[key] != before[key]}


def family_case(name: str) -> Case:
    return Case.objects.get(family__name=name)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_stored_figures_are_the_computed_ones_served_in_one_query(known_set, frozen):
    first, queries = read(H1)
    assert first == EXPECTED
    assert queries > 1
    assert ReportSnapshot.objects.get(period="2025-H1").figures == EXPECTED
    again, queries = read(H1)
    assert again == EXPECTED
    assert queries == 1


# Late corrections of H1 2025 (finished): each must reach the stored figures.


def _new_case(manager) -> None:  # noqa: ANN001
    _case(_family("Late entry", children=1), UserFactory(username="a_emp"), D(2025, 2, 1))


def _closed_late(manager) -> None:  # noqa: ANN001
    services.close_case(
        case=family_case("F01 opened on the last day"),
        reason=ClosureReason.MOVED_AWAY,
        on=D(2025, 6, 30),
        by=manager,
    )


def _basis_corrected(manager) -> None:  # noqa: ANN001
    case = family_case("F06 Za zyciem")
    case.legal_basis = LegalBasis.COURT_ORDER
    case.save()
    # The figure counts the days the order was in force: the period of the basis is corrected too.
    period = case.basis_periods.get()
    period.basis = LegalBasis.COURT_ORDER
    period.save()


def _closure_date_corrected(manager) -> None:  # noqa: ANN001
    case = family_case("F03 closed the day before")
    case.closed_on = D(2025, 1, 2)  # it was 31 December 2024
    case.save()


def _birth_date_corrected(manager) -> None:  # noqa: ANN001
    child = FamilyMember.objects.get(family__name="F05 court order", birth_date=D(2025, 8, 1))
    services.update_member(member=child, data={"birth_date": D(2025, 5, 1)}, by=manager)


def _child_removed(manager) -> None:  # noqa: ANN001
    child = FamilyMember.objects.filter(family__name="F01 opened on the last day", relation=Relation.CHILD)[0]
    assistant = family_case("F01 opened on the last day").assistant
    services.remove_member(member=child, by=assistant, reason="Wpisany przez pomyłkę.")


def _assignment_corrected(manager) -> None:  # noqa: ANN001
    assignment = Assignment.objects.get(assistant__username="a_late")
    assignment.started_on = D(2025, 6, 1)
    assignment.save()


def _employment_recorded(manager) -> None:  # noqa: ANN001
    staff_services.record_employment(
        assistant=UserFactory(username="a_none"),
        by=manager,
        form=EmploymentForm.EMPLOYMENT_CONTRACT,
        working_time=Decimal("0.50"),
        started_on=D(2025, 3, 1),
    )


def _case_deleted(manager) -> None:  # noqa: ANN001
    case = family_case("F01 opened on the last day")
    case.assignments.all().delete()
    case.basis_periods.all().delete()
    case.delete()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_new_case, {"families": 1, "children": 1}),
        (_closed_late, {"ended": 1, "ended-other": 1, "duration-up_to_1": 1}),
        (_basis_corrected, {"families-court": 1, "za-zyciem": -1}),
        (
            _closure_date_corrected,
            {"families": 1, "children": 2, "ended": 1, "ended-goals": 1, "duration-up_to_1": 1},
        ),
        (_birth_date_corrected, {"children": 1}),
        (_child_removed, {"children": -1}),
        # a_late is employed from July: assigned in June, the employment is not recorded for H1
        (_assignment_corrected, {"assistants": 1, "assistants-none": 1}),
        (_employment_recorded, {"assistants-none": -1, "assistants-employment": 1}),
        (_case_deleted, {"families": -1, "children": -2}),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:] or None,
)
def test_a_late_correction_reaches_the_stored_figures(known_set, frozen, manager, change, expected):
    assert read(H1)[0] == EXPECTED
    change(manager)
    after, queries = read(H1)
    assert queries > 1
    assert after == computed(H1)
    assert changed(EXPECTED, after) == expected
    assert read(H1) == (after, 1)


def test_changes_that_move_no_figure_of_a_period_leave_its_stored_figures(known_set, frozen, manager):
    read(H1)
    family = Family.objects.get(name="F05 court order")
    case = family_case("F05 court order")
    # Today's work: a new family, a visit logged and removed, an intervention, a reassignment.
    services.open_case(
        family=_family("New this year", children=2),
        assistant=UserFactory(username="a_emp"),
        social_worker=None,
        legal_basis=LegalBasis.COURT_ORDER,
        by=manager,
    )
    visit = VisitFactory(case=case, date=D(2026, 3, 10), author=case.assistant)
    visit_services.remove_visit(visit=visit, by=case.assistant, reason="Pomyłka.")
    services.reassign_case(case=case, assistant=UserFactory(username="a_civ"), by=manager, reason="Urlop.")
    # Details that no figure counts.
    services.update_member(member=family.members.first(), data={"first_name": "Aleksandra"}, by=manager)
    case.refresh_from_db()
    case.final_assessment = "Poprawa."
    case.save()
    manager.save(update_fields=["last_login"])
    assert read(H1) == (EXPECTED, 1)


def test_todays_work_reaches_the_current_period(known_set, frozen, manager):
    figures, _queries = read(CURRENT)
    case = services.open_case(
        family=_family("New this year", children=2),
        assistant=UserFactory(username="a_emp"),
        social_worker=None,
        legal_basis=LegalBasis.COURT_ORDER,  # the work begins at once
        by=manager,
    )
    after, _queries = read(CURRENT)
    assert changed(figures, after) == {"families": 1, "families-court": 1, "children": 2}
    services.reassign_case(case=case, assistant=_assistant("a_new", ""), by=manager, reason="Urlop.")
    after_reassignment, _queries = read(CURRENT)
    assert changed(after, after_reassignment) == {"assistants": 1, "assistants-none": 1}
    services.close_case(case=case, reason=ClosureReason.WITHDREW, on=D(2026, 3, 16), by=manager)
    closed, _queries = read(CURRENT)
    assert changed(after_reassignment, closed) == {
        "ended": 1,
        "ended-no_cooperation": 1,
        "duration-up_to_1": 1,
    }
    assert closed == computed(CURRENT)


def test_a_whole_year_follows_both_of_its_halves(known_set, frozen):
    year, _queries = read(YEAR)
    read(H1)
    # A family that worked only in the second half; and a child born in the second half into a
    # family that worked only in the first (counted for the year, not for either half).
    _case(_family("Autumn", children=1), UserFactory(username="a_emp"), D(2025, 9, 1))
    FamilyMemberFactory(
        family=Family.objects.get(name="F06 Za zyciem"), child=True, birth_date=D(2025, 9, 1), no_pesel=True
    )
    after, queries = read(YEAR)
    assert queries > 1
    assert changed(year, after) == {"families": 1, "children": 2}
    assert after == computed(YEAR)


def test_a_child_born_later_in_the_year_counts_for_the_year_only(known_set, frozen):
    year, _queries = read(YEAR)
    FamilyMemberFactory(
        family=Family.objects.get(name="F06 Za zyciem"), child=True, birth_date=D(2025, 9, 1), no_pesel=True
    )
    after, queries = read(YEAR)
    assert queries > 1
    assert changed(year, after) == {"children": 1}
    assert read(H1)[0] == EXPECTED


def test_a_period_in_progress_is_computed_again_after_a_while(known_set):
    with time_machine.travel(NOW, tick=False):
        read(CURRENT)
        read(H1)
        assert read(CURRENT)[1] == 1
    with time_machine.travel(NOW + snapshots.ONGOING_MAX_AGE + dt.timedelta(seconds=1), tick=False):
        assert read(CURRENT)[1] > 1
        assert read(CURRENT)[1] == 1
        assert read(H1)[1] == 1  # a finished period: kept until its data changes


def test_a_period_not_begun_is_computed_but_not_stored(known_set, frozen, client, manager):
    client.force_login(manager)
    assert client.get(reverse("reports:semiannual-csv"), {"period": "2027-H1"}).status_code == 200
    assert not ReportSnapshot.objects.filter(period="2027-H1").exists()


def test_loaders_that_bypass_save_forget_the_stored_figures(known_set, frozen):
    read(H1)
    user = UserFactory(username="a_emp")
    family = Family.objects.create(
        name="Bulk", street="ul. Długa 1", postal_code="00-001", city="Łódź", registered_by=user
    )
    Case.objects.bulk_create(
        [
            Case(
                family=family,
                assistant=user,
                legal_basis=LegalBasis.VOLUNTARY,
                opened_on=D(2025, 3, 1),
                started_on=D(2025, 3, 1),
            )
        ]
    )
    assert read(H1) == (EXPECTED, 1)  # no signal: the stored figures stay
    snapshots.forget_all()
    after, queries = read(H1)
    assert queries > 1
    assert changed(EXPECTED, after) == {"families": 1}


# --- retention ----------------------------------------------------------------------------------

RETENTION_DAY = dt.datetime(2036, 6, 1, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(RETENTION_DAY, tick=False)
def test_the_retention_job_leaves_the_stored_figures_of_earlier_periods(manager):
    for year in (2022, 2023, 2024):
        on = D(year, 5, 10)
        case = CaseFactory(
            status=CaseStatus.ENDED,
            closed_on=on,
            ended_on=on,
            closure_reason="goals_achieved",
            opened_on=on - dt.timedelta(days=400),
            started_on=on - dt.timedelta(days=400),
        )
        # Born late in the year: erasing truncates the date of birth to 1 January.
        FamilyMemberFactory(family=case.family, child=True, birth_date=D(year - 1, 11, 20), no_pesel=True)
    periods = [Period(year, part) for year in (2022, 2023, 2024) for part in ("H1", "H2", "Y")]
    before = {p.key: read(p)[0] for p in periods}
    # In 2023-H1 the families of the 2023 and 2024 cases worked; the child of the latter was born
    # in November 2023, after the period.
    assert before["2023-H1"]["children"] == 1
    protocol = retention.prepare_protocol(by=manager)
    retention.execute_protocol(protocol=protocol, by=manager)
    assert set(FamilyMember.objects.values_list("birth_date", flat=True)) == {
        D(2021, 1, 1),
        D(2022, 1, 1),
        D(2023, 1, 1),
    }
    assert computed(Period(2023, "H1"))["children"] == 2  # computed from the erased data: wrong
    after = {p.key: read(p) for p in periods}
    assert {key: figures for key, (figures, _queries) in after.items()} == before
    assert {queries for _figures, queries in after.values()} == {1}


# --- the page ------------------------------------------------------------------------------------


def _families(count: int, assistant, manager) -> None:  # noqa: ANN001
    """`count` families, each with a parent, a child and a case open since 2024 (bulk: no signals)."""
    families = Family.objects.bulk_create(
        Family(
            name=f"Rodzina {n}",
            street="ul. Długa 1",
            postal_code="00-001",
            city="Łódź",
            registered_by=manager,
        )
        for n in range(count)
    )
    FamilyMember.objects.bulk_create(
        FamilyMember(
            family=family, first_name="Jan", last_name="Nowak", relation=relation, birth_date=born, sex="M"
        )
        for family in families
        for relation, born in ((Relation.PARENT, D(1985, 1, 1)), (Relation.CHILD, D(2015, 1, 1)))
    )
    cases = Case.objects.bulk_create(
        Case(
            family=family,
            assistant=assistant,
            legal_basis=LegalBasis.VOLUNTARY,
            opened_on=D(2024, 1, 1),
            started_on=D(2024, 1, 1),
        )
        for family in families
    )
    Assignment.objects.bulk_create(
        Assignment(case=case, assistant=assistant, started_on=case.opened_on, assigned_by=manager)
        for case in cases
    )
    snapshots.forget_all()


def test_the_stored_page_takes_few_queries_whatever_the_number_of_families(
    client, manager, frozen, django_assert_max_num_queries
):
    assistant = _assistant("a_bulk", EmploymentForm.EMPLOYMENT_CONTRACT)
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url, params = reverse("reports:semiannual"), {"year": 2025, "part": "H1"}
    counts = []
    for count in (10, 490):  # 10 families, then 500
        _families(count, assistant, manager)
        first = client.get(url, params)  # computes and stores
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, params)
        assert page.context["figures"] == first.context["figures"]
        counts.append(len(queries))
        families = {f.key: f.value for f in page.context["figures"]}["families"]
        assert families == (10 if count == 10 else 500)
    assert counts[0] == counts[1]
    # the layout's (session, user, ...), one for the figures and one for the costs
    with django_assert_max_num_queries(9):
        assert client.get(url, params).status_code == 200
    assert "Figures computed on" in page.content.decode()
