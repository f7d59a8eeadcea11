"""The semi-annual report: every figure against a known set of cases counted by hand, the period's
boundaries, the lists behind the figures, the access and query counts (the exports are in test_exports.py)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from asystent.enums import EmploymentForm
from asystent.models import Centre, User
from cases.enums import CaseStatus, ClosureReason, LegalBasis
from cases.models import Assignment, Family
from reports.statistics import (
    COUNTED,
    FIGURES,
    Period,
    duration_band,
    figure_assistants,
    figure_cases,
    figure_families,
    semiannual_report,
)
from staff.models import Employment

from .factories import CaseFactory, FamilyFactory, FamilyMemberFactory, UserFactory

H1 = Period(2025, "H1")  # 1 January - 30 June 2025
D = dt.date


ALWAYS = (dt.date(2020, 1, 1), None)


def _assistant(username: str, form: str, employed=ALWAYS) -> User:  # noqa: ANN001
    """An assistant employed under `form` for the days `employed` (no record when `form` is "")."""
    user = UserFactory(username=username, is_assistant=True)
    if form:
        Employment.objects.create(
            assistant=user,
            form=form,
            working_time=Decimal("1.00") if form == EmploymentForm.EMPLOYMENT_CONTRACT else None,
            started_on=employed[0],
            ended_on=employed[1],
        )
    return user


def _family(name: str, children: int = 0, late_child: bool = False) -> Family:
    family = FamilyFactory(name=name)
    FamilyMemberFactory(family=family, no_pesel=True)  # a parent: never counted as a child
    for _ in range(children):
        FamilyMemberFactory(family=family, child=True, no_pesel=True)
    if late_child:
        FamilyMemberFactory(family=family, child=True, birth_date=D(2025, 8, 1), no_pesel=True)
    return family


def _case(
    family,
    assistant,
    opened,
    *,
    closed=None,
    reason="",
    basis=LegalBasis.VOLUNTARY,
    started="same",
    status=None,
):  # noqa: ANN001, ANN202, E501
    if status is None:
        status = CaseStatus.ACTIVE if closed is None else CaseStatus.CLOSED
    case = CaseFactory(
        family=family,
        assistant=assistant,
        opened_on=opened,
        started_on=opened if started == "same" else started,
        closed_on=closed,
        closure_reason=reason,
        legal_basis=basis,
        status=status,
    )
    if closed:
        Assignment.objects.filter(case=case).update(ended_on=closed)
    return case


def _handover(case, old, new, on) -> None:  # noqa: ANN001
    """The case was `old`'s until `on`, then `new`'s (a reassignment on that day)."""
    Assignment.objects.filter(case=case).update(assistant=old, ended_on=on)
    Assignment.objects.create(
        case=case, assistant=new, started_on=on, ended_on=case.closed_on, assigned_by=new
    )


@pytest.fixture
def known_set(db):
    """The families of H1 2025 with the figures counted by hand in EXPECTED."""
    a_emp = _assistant("a_emp", EmploymentForm.EMPLOYMENT_CONTRACT)
    a_civ = _assistant("a_civ", EmploymentForm.CIVIL_LAW_CONTRACT)
    a_none = _assistant("a_none", "")
    a_old = _assistant("a_old", EmploymentForm.CIVIL_LAW_CONTRACT)  # handed over on the first day
    # last worked the day before
    a_out = _assistant("a_out", EmploymentForm.EMPLOYMENT_CONTRACT, (D(2020, 1, 1), D(2024, 12, 31)))
    # first worked the day after
    a_late = _assistant("a_late", EmploymentForm.CIVIL_LAW_CONTRACT, (D(2025, 7, 1), None))
    # handed over the day before
    a_prev = _assistant("a_prev", EmploymentForm.EMPLOYMENT_CONTRACT, (D(2020, 1, 1), D(2024, 12, 31)))

    # Working in the period.
    _case(_family("F01 opened on the last day", children=2), a_emp, D(2025, 6, 30))
    _case(
        _family("F02 closed on the first day", children=1),
        a_civ,
        D(2024, 3, 1),
        closed=D(2025, 1, 1),
        reason=ClosureReason.GOALS_ACHIEVED,
    )
    f05 = _case(
        _family("F05 court order", children=3, late_child=True),
        a_emp,
        D(2023, 1, 10),
        basis=LegalBasis.COURT_ORDER,
    )
    _handover(f05, a_old, a_emp, D(2025, 1, 1))
    _case(
        _family("F06 Za zyciem"),
        a_none,
        D(2024, 9, 1),
        closed=D(2025, 3, 15),
        reason=ClosureReason.WITHDREW,
        basis=LegalBasis.ZA_ZYCIEM,
    )
    _case(
        _family("F07 365 days", children=1),
        a_emp,
        D(2024, 3, 10),
        closed=D(2025, 3, 10),
        reason=ClosureReason.MOVED_AWAY,
    )
    _case(
        _family("F08 366 days"), a_civ, D(2024, 3, 10), closed=D(2025, 3, 11), reason=ClosureReason.NO_EFFECTS
    )
    _case(
        _family("F09 two leap years"), a_civ, D(2023, 6, 1), closed=D(2025, 6, 1), reason=ClosureReason.OTHER
    )
    f10 = _case(
        _family("F10 over two years", children=2),
        a_emp,
        D(2022, 1, 10),
        closed=D(2025, 2, 1),
        reason=ClosureReason.COURT_DECISION,
        basis=LegalBasis.COURT_ORDER,
    )
    _handover(f10, a_prev, a_emp, D(2024, 12, 31))
    _case(
        _family("F11 awaiting consent"),
        a_civ,
        D(2025, 6, 20),
        started=None,
        status=CaseStatus.AWAITING_CONSENT,
    )
    f12 = _family("F12 two cases", children=2)
    _case(f12, a_civ, D(2024, 1, 5), closed=D(2025, 2, 10), reason=ClosureReason.GOALS_ACHIEVED)
    _case(f12, a_civ, D(2025, 4, 1))
    _case(
        _family("F15 366 days in a leap year", children=1),
        a_none,
        D(2024, 2, 1),
        closed=D(2025, 2, 1),
        reason=ClosureReason.FOSTER_CARE,
    )

    # Not working in the period.
    _case(
        _family("F03 closed the day before", children=2),
        a_out,
        D(2024, 5, 1),
        closed=D(2024, 12, 31),
        reason=ClosureReason.GOALS_ACHIEVED,
    )
    _case(_family("F04 opened the day after", children=1), a_late, D(2025, 7, 1))
    _case(_family("F13 consent after the period", children=1), a_emp, D(2025, 6, 25), started=D(2025, 7, 2))
    _case(
        _family("F14 in monitoring", children=1),
        a_out,
        D(2024, 1, 2),
        closed=D(2024, 11, 30),
        reason=ClosureReason.GOALS_ACHIEVED,
        status=CaseStatus.MONITORING,
    )


# Counted by hand from the known set above.
EXPECTED = {
    # a_emp; a_civ and a_old (handed over on 1 January); a_none. Not a_out, a_late, a_prev.
    "assistants": 4,
    "assistants-employment": 1,
    "assistants-civil_law": 2,
    "assistants-contracted": 0,
    "assistants-none": 1,
    # F01 F02 F05 F06 F07 F08 F09 F10 F12 F15; F12 once although it has two cases; not F11, whose
    # work has not begun (awaiting consent).
    "families": 10,
    "families-court": 2,  # F05, F10
    # F01 2 + F02 1 + F05 3 (not the one born in August) + F07 1 + F10 2 + F12 2 (once) + F15 1
    "children": 12,
    "za-zyciem": 1,  # F06
    # F02 F06 F07 F08 F09 F10 F12 F15
    "ended": 8,
    "ended-goals": 2,  # F02, F12
    "ended-no_cooperation": 1,  # F06 withdrew
    "ended-no_effects": 1,  # F08
    "ended-other": 4,  # F07 moved away, F09 other, F10 court decision, F15 foster care
    # F02 (306 days), F06 (195), F07 (365), F15 (366 = one calendar year across 29 February)
    "duration-up_to_1": 4,
    # F08 (366), F12 (402), F09 (731 = two calendar years across 29 February)
    "duration-1_to_2": 3,
    "duration-over_2": 1,  # F10
}


def test_every_figure_matches_the_hand_count(known_set):
    figures = {f.key: f.value for f in semiannual_report(H1)}
    assert figures == EXPECTED
    assert set(EXPECTED) == set(COUNTED)


def test_the_report_takes_a_bounded_number_of_queries(known_set, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        semiannual_report(H1)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_the_list_behind_each_figure_adds_up_to_it(known_set, key):
    if FIGURES[key].kind == "assistants":
        assert figure_assistants(key, H1).count() == EXPECTED[key]
    elif key == "children":
        families = figure_families(key, H1)
        assert sum(f.members.filter(relation="child", birth_date__lte=H1.end).count() for f in families) == 12
    else:
        assert figure_families(key, H1).count() == EXPECTED[key]


def test_the_boundary_families_are_on_the_right_side(known_set):
    names = set(figure_families("families", H1).values_list("name", flat=True))
    assert "F01 opened on the last day" in names
    assert "F02 closed on the first day" in names
    assert "F03 closed the day before" not in names
    assert "F04 opened the day after" not in names
    assert "F13 consent after the period" not in names
    assert "F14 in monitoring" not in names


def test_the_assistants_behind_the_figures(known_set):
    assert set(figure_assistants("assistants", H1).values_list("username", flat=True)) == {
        "a_emp",
        "a_civ",
        "a_none",
        "a_old",
    }
    # `families` is an annotation of the queryset, which the stubs cannot see.
    families = {a.username: a.families for a in figure_assistants("assistants", H1)}  # type: ignore[attr-defined]
    # a_emp: F01 F05 F07 F10 and F13 (assigned in June, consent in July); a_civ: F02 F08 F09
    # F11 F12 (two cases, one family); a_old: F05 until 1 January.
    assert families == {"a_emp": 5, "a_civ": 5, "a_none": 2, "a_old": 1}


def test_the_whole_year_and_the_second_half(known_set):
    year = {f.key: f.value for f in semiannual_report(Period(2025, "Y"))}
    h2 = {f.key: f.value for f in semiannual_report(Period(2025, "H2"))}
    # H2: still open F01 F05 F12 (second case), plus F04 and F13 which began in July (F11 is
    # still awaiting consent).
    assert h2["families"] == 5
    assert h2["ended"] == 0
    # The year: the 10 of H1 and F04, F13.
    assert year["families"] == 12
    assert year["ended"] == 8


DURATIONS = [
    (D(2025, 1, 10), D(2026, 1, 10), "up_to_1"),  # 365 days, exactly one year
    (D(2025, 1, 10), D(2026, 1, 11), "1_to_2"),  # 366 days
    (D(2024, 1, 10), D(2025, 1, 10), "up_to_1"),  # 366 days, one year across 29 February
    (D(2024, 1, 10), D(2025, 1, 11), "1_to_2"),  # 367 days
    (D(2024, 2, 29), D(2025, 2, 28), "up_to_1"),  # art. 112 KC: from 29 February to 28 February
    (D(2024, 2, 29), D(2025, 3, 1), "1_to_2"),
    (D(2024, 2, 29), D(2026, 2, 28), "1_to_2"),
    (D(2024, 2, 29), D(2026, 3, 1), "over_2"),
    (D(2023, 1, 10), D(2025, 1, 10), "1_to_2"),  # exactly two years
    (D(2023, 1, 10), D(2025, 1, 11), "over_2"),
]


@pytest.mark.parametrize(("opened", "closed", "band"), DURATIONS)
def test_the_report_counts_durations_in_sql_as_duration_band_does(db, opened, closed, band):
    case = _case(FamilyFactory(), _assistant("a", ""), opened, closed=closed, reason=ClosureReason.OTHER)
    period = Period(closed.year, "H1" if closed.month <= 6 else "H2")
    figures = {f.key: f.value for f in semiannual_report(period)}
    assert {key: figures[f"duration-{key}"] for key in ("up_to_1", "1_to_2", "over_2")} == {
        key: int(key == band) for key in ("up_to_1", "1_to_2", "over_2")
    }
    assert list(figure_cases(f"duration-{band}", period)) == [case]


@pytest.mark.parametrize(("opened", "closed", "band"), DURATIONS)
def test_duration_bands(opened, closed, band):
    assert duration_band(opened, closed) == band


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 7, 1), Period(2025, "H1")),
        (D(2025, 12, 31), Period(2025, "H1")),
        (D(2025, 6, 30), Period(2024, "H2")),
        (D(2026, 1, 1), Period(2025, "H2")),
    ],
)
def test_the_default_period_is_the_last_complete_half_year(today, expected):
    assert Period.last_complete_half(today) == expected


def test_periods_parse_and_refuse_nonsense():
    assert Period.parse("2025-H2") == Period(2025, "H2")
    assert (Period.parse("2024-Y").start, Period.parse("2024-Y").end) == (D(2024, 1, 1), D(2024, 12, 31))
    assert (H1.start, H1.end) == (D(2025, 1, 1), D(2025, 6, 30))
    for bad in ["", "2025", "2025-H3", "H1-2025", "x-H1", "1999-H1"]:
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_figure_cases_refuses_an_unknown_figure(db):
    with pytest.raises(KeyError):
        figure_cases("ended-nonsense", H1)


# --- the pages ----------------------------------------------------------------------------------


def test_the_report_page_shows_every_figure_with_a_link_to_its_list(client, manager, known_set):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual"), {"year": 2025, "part": "H1"})
    assert response.status_code == 200
    figures = {f.key: f.value for f in response.context["figures"]}
    assert {key: figures[key] for key in EXPECTED} == EXPECTED
    assert figures["cost"] == 0  # no cost entered
    html = response.content.decode()
    for key, value in EXPECTED.items():
        row = html.split(f'id="figure-{key}"')[1].split("</tr>")[0]
        link = f"{reverse('reports:semiannual-drilldown')}?figure={key}&amp;period=2025-H1"
        assert f'href="{link}" class="figure-value">{value}<' in row, key
    assert f"{reverse('reports:semiannual-xlsx')}?period=2025-H1" in html
    assert f"{reverse('reports:semiannual-csv')}?period=2025-H1" in html
    assert "@media print" in html


def test_the_report_opens_on_the_last_complete_half_year(client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual"))
    assert response.status_code == 200
    assert response.context["period"] == Period.last_complete_half()
    assert response.context["ongoing"] is False


def test_a_future_or_invalid_period_is_explained_not_computed(client, manager):
    client.force_login(manager)
    future = timezone.localdate().year + 1
    response = client.get(reverse("reports:semiannual"), {"year": future, "part": "H1"})
    assert response.status_code == 200
    assert response.context["figures"] == []
    assert response.context["form"].errors
    nonsense = client.get(reverse("reports:semiannual"), {"year": "dwa", "part": "H9"})
    assert nonsense.status_code == 200 and nonsense.context["form"].errors


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_list_page_totals_to_its_figure(client, manager, known_set, key):
    client.force_login(manager)
    response = client.get(reverse("reports:semiannual-drilldown"), {"figure": key, "period": "2025-H1"})
    assert response.status_code == 200
    assert response.context["total"] == EXPECTED[key]
    if key == "children":
        assert sum(f.children_count for f in response.context["page"]) == EXPECTED[key]
    else:
        assert len(response.context["page"]) == EXPECTED[key]


def test_the_list_shows_the_families_and_their_matching_cases(client, manager, known_set):
    client.force_login(manager)
    response = client.get(
        reverse("reports:semiannual-drilldown"), {"figure": "families-court", "period": "2025-H1"}
    )
    names = [f.name for f in response.context["page"]]
    assert names == ["F05 court order", "F10 over two years"]
    f05 = response.context["page"][0]
    assert f05.children_count == 3  # the child born in August 2025 is not counted
    assert [c.legal_basis for c in f05.matching_cases] == [LegalBasis.COURT_ORDER]


def test_the_report_lists_filter_by_assistant_status_and_legal_basis(client, manager, known_set):
    client.force_login(manager)
    url = reverse("reports:semiannual-drilldown")
    a_civ = UserFactory(username="a_civ")
    by_assistant = client.get(url, {"figure": "families", "period": "2025-H1", "assistant": a_civ.pk})
    assert {f.name for f in by_assistant.context["page"]} == {
        "F02 closed on the first day",
        "F08 366 days",
        "F09 two leap years",
        "F12 two cases",
    }
    active = client.get(
        url, {"figure": "families", "period": "2025-H1", "status": CaseStatus.AWAITING_CONSENT}
    )
    assert [f.name for f in active.context["page"]] == []
    za = client.get(url, {"figure": "families", "period": "2025-H1", "legal_basis": LegalBasis.ZA_ZYCIEM})
    assert [f.name for f in za.context["page"]] == ["F06 Za zyciem"]


def test_an_unknown_figure_or_period_is_not_found(client, manager):
    client.force_login(manager)
    url = reverse("reports:semiannual-drilldown")
    assert client.get(url, {"figure": "salaries", "period": "2025-H1"}).status_code == 404
    assert client.get(url, {"figure": "families", "period": "2025"}).status_code == 404


def _queries(client, url: str, params: dict) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_report_and_its_lists_take_a_constant_number_of_queries(client, manager, known_set):
    client.force_login(manager)
    Centre.load()
    pages: list[tuple[str, dict[str, Any]]] = [
        (reverse("reports:semiannual"), {"year": 2025, "part": "H1"}),
        (reverse("reports:semiannual-drilldown"), {"figure": "families", "period": "2025-H1"}),
        (reverse("reports:semiannual-drilldown"), {"figure": "assistants", "period": "2025-H1"}),
    ]
    for url, params in pages:  # the session's first request; the report's figures are stored
        client.get(url, params)
    before = [_queries(client, url, params) for url, params in pages]
    helper = _assistant("a_more", EmploymentForm.CIVIL_LAW_CONTRACT)
    for n in range(30):
        _case(_family(f"G{n:02d}", children=n % 3), helper, D(2024, 1, 1) + dt.timedelta(days=n * 20))
    # The new cases count in H1 2025: its stored figures are computed again, then served.
    computed = _queries(client, *pages[0])
    after = [_queries(client, url, params) for url, params in pages]
    assert after == before
    assert computed == before[0] + 5  # the four queries of `semiannual_report` and the storing
    # The stored report takes one query and its costs one more, a list of families 6 (filter
    # choices, two counts, the page, its cases and children); the rest is the layout's (session,
    # user, 2FA, navigation, footer).
    assert before[0] <= 11 and before[1] <= 18


# --- access -------------------------------------------------------------------------------------

REPORT_PAGES = [
    ("reports:semiannual", {}),
    ("reports:semiannual-drilldown", {"figure": "families", "period": "2025-H1"}),
]


@pytest.mark.parametrize(("name", "params"), REPORT_PAGES)
@pytest.mark.parametrize("role", ["assistant", "social_worker"])
def test_other_roles_are_refused(client, role_users, name, params, role):
    client.force_login(role_users[role])
    assert client.get(reverse(name), params).status_code == 403


@pytest.mark.parametrize(("name", "params"), REPORT_PAGES)
def test_anonymous_users_are_sent_to_log_in(client, db, name, params):
    response = client.get(reverse(name), params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "params"), REPORT_PAGES)
def test_the_report_pages_refuse_post(client, manager, name, params):
    client.force_login(manager)
    assert client.post(reverse(name), params).status_code == 405


def test_the_administrator_reads_the_figures_but_not_the_families_behind_them(client, admin_user, known_set):
    client.force_login(admin_user)
    page = client.get(reverse("reports:semiannual"), {"year": 2025, "part": "H1"})
    assert page.status_code == 200
    assert reverse("reports:semiannual-drilldown") not in page.content.decode()
    url = reverse("reports:semiannual-drilldown")
    assert client.get(url, {"figure": "families", "period": "2025-H1"}).status_code == 403
