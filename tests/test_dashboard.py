"""The manager's caseload dashboard: each assistant's figures for a known team, the panels, the
lists behind the figures, reassignment from the dashboard, access and bounded query counts."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from asystent.models import Centre, User
from cases import deadlines
from cases.enums import AssessmentStatus, CaseStatus, LegalBasis
from cases.models import Assignment, Case
from referrals.enums import ReferralStatus
from reports import dashboard

from .factories import (
    AssessmentFactory,
    CaseFactory,
    CourtRequestFactory,
    FamilyFactory,
    FamilyMemberFactory,
    GoalFactory,
    InterventionFactory,
    PlanActionFactory,
    ReferralFactory,
    UserFactory,
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

DRILLDOWN = "reports:dashboard-drilldown"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _case(assistant, opened: int, children: int = 0, **kwargs) -> Case:  # noqa: ANN001
    family = FamilyFactory()
    for _ in range(children):
        FamilyMemberFactory(family=family, child=True, no_pesel=True)
    return CaseFactory(family=family, assistant=assistant, opened_on=days_ago(opened), **kwargs)


@pytest.fixture
def team(manager):
    """anna at the limit, bartek near it, celina with every kind of figure, dawid just started."""
    anna = UserFactory(username="anna", assistant=True, last_name="Adamska")
    bartek = UserFactory(username="bartek", assistant=True, last_name="Bartoszewski")
    celina = UserFactory(username="celina", assistant=True, last_name="Cieślak")
    dawid = UserFactory(username="dawid", assistant=True, last_name="Dudek")
    UserFactory(username="emeryt", assistant=True, is_active=False)  # no row for a former assistant
    for _ in range(15):
        _case(anna, opened=100)
    for _ in range(13):
        _case(bartek, opened=100)

    c1 = _case(celina, opened=200, children=2)
    VisitFactory(case=c1, date=days_ago(5))
    AssessmentFactory(case=c1, date=days_ago(30), submitted=True)
    old_plan = WorkPlanFactory(case=c1, version=1)
    PlanActionFactory(goal=GoalFactory(plan=old_plan), deadline=days_ago(10))  # superseded version
    goal = GoalFactory(plan=WorkPlanFactory(case=c1, version=2))
    PlanActionFactory(goal=goal, deadline=days_ago(3), status="planned")  # late
    PlanActionFactory(goal=goal, deadline=days_ago(1), status="in_progress")  # late
    PlanActionFactory(goal=goal, deadline=days_ago(3), status="done")
    PlanActionFactory(goal=goal, deadline=days_ago(3), status="not_done")
    PlanActionFactory(goal=goal, deadline=timezone.localdate(), status="planned")  # due today, not late

    c2 = _case(celina, opened=250, children=1)
    VisitFactory(case=c2, date=days_ago(40))
    VisitFactory(case=c2, date=days_ago(2), draft=True)  # a draft is not a visit yet
    AssessmentFactory(case=c2, date=days_ago(10), status=AssessmentStatus.DRAFT)  # nor is a draft

    c3 = _case(celina, opened=190)  # no visit, no assessment: both counted from the start
    c4 = _case(
        celina,
        opened=300,
        children=1,
        status=CaseStatus.MONITORING,
        closed_on=days_ago(20),
        closure_reason="goals_achieved",
    )
    _case(celina, opened=400, children=3, closed=True)  # closed: counts nowhere

    newcomer = _case(dawid, opened=10)

    CourtRequestFactory(case=c1, due_date=days_ago(-5))  # due within 14 days
    CourtRequestFactory(case=c1, due_date=days_ago(-30))
    CourtRequestFactory(
        case=c3, letter_date=days_ago(20), received_on=days_ago(18), due_date=days_ago(3)
    )  # late
    CourtRequestFactory(case=c4, due_date=days_ago(-60))  # a family in monitoring: still the assistant's
    CourtRequestFactory(case=c4, due_date=days_ago(-2), answered=True)  # answered: counts nowhere

    InterventionFactory(case=c1)
    InterventionFactory(case=c1)
    InterventionFactory(
        case=c2,
        date=timezone.now() - dt.timedelta(days=40),
        informed_at=timezone.now() - dt.timedelta(days=40) + dt.timedelta(hours=1),
    )

    ReferralFactory(submitted=True, submitted_at=timezone.now() - dt.timedelta(days=9))
    ReferralFactory(submitted=True, submitted_at=timezone.now() - dt.timedelta(days=3))
    ReferralFactory(status=ReferralStatus.WAITLISTED, submitted_at=timezone.now() - dt.timedelta(days=40))
    ReferralFactory()  # a draft is not waiting for anyone
    return {
        "anna": anna,
        "bartek": bartek,
        "celina": celina,
        "dawid": dawid,
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "c4": c4,
        "newcomer": newcomer,
    }


def rows_by_name(ctx=None) -> dict:  # noqa: ANN001
    """Every active assistant's row, in the order of the team's standings."""
    ctx = ctx or dashboard.Context.load()
    ranked = dashboard.RankedAssistants(ctx)[0:100]
    return {r.assistant.username: r for r in dashboard.assistant_rows(ctx, ranked)}


def test_one_row_per_active_assistant(team):
    assert list(rows_by_name()) == ["anna", "bartek", "celina", "dawid"]


def test_the_figures_of_each_assistant(team):
    rows = rows_by_name()
    anna, bartek, celina, dawid = rows["anna"], rows["bartek"], rows["celina"], rows["dawid"]
    assert (anna.load, anna.limit, anna.level) == (15, 15, "danger")
    assert (bartek.load, bartek.level) == (13, "warning")
    assert (dawid.load, dawid.level, dawid.days_since_visit) == (1, "success", 10)
    assert celina.load == 3
    assert celina.monitoring == 1
    assert celina.children == 4  # 2 + 1 in work, 1 in monitoring; not the closed family's 3
    assert celina.days_since_visit == 190  # c3: no visit since the start 190 days ago
    assert celina.overdue_assessments == 2  # c2 (only a draft since the start), c3 (none)
    assert celina.overdue_actions == 2  # the current plan only, planned or in progress, before today
    assert celina.court_requests == 4  # c1 two, c3 one overdue, c4 one in monitoring; not the answered
    assert (anna.court_requests, dawid.court_requests) == (0, 0)
    assert anna.days_since_visit == 100
    assert anna.overdue_assessments == 0


def test_the_children_of_a_family_with_two_cases_are_counted_once(client, team, manager):
    # A new case for the family in monitoring, with the same assistant.
    again = CaseFactory(family=team["c4"].family, assistant=team["celina"], opened_on=days_ago(5))
    celina = rows_by_name()["celina"]
    assert (celina.load, celina.children) == (4, 4)
    client.force_login(manager)
    response = client.get(reverse(DRILLDOWN), {"assistant": team["celina"].pk, "metric": "children"})
    assert {c.pk for c in response.context["page"]} == {team[k].pk for k in ("c1", "c2", "c4")} | {again.pk}
    assert response.context["total"] == 4


def test_monitoring_counts_against_the_limit_when_the_centre_says_so(team):
    centre = Centre.load()
    centre.count_monitoring_in_caseload = True
    centre.save()
    assert rows_by_name()["celina"].load == 4


def test_the_amber_and_red_thresholds_follow_the_centre_limit(team):
    centre = Centre.load()
    centre.caseload_limit = 12
    centre.save()
    rows = rows_by_name()
    assert (rows["anna"].load, rows["anna"].level, rows["anna"].percent) == (15, "danger", 100)
    assert rows["bartek"].level == "danger"
    centre.caseload_limit = 5
    centre.save()
    assert rows_by_name()["celina"].level == "warning"  # 3 = limit - 2


@pytest.mark.parametrize(
    ("today", "months", "cutoff"),
    [
        (dt.date(2026, 3, 31), 6, dt.date(2025, 10, 1)),  # 30 September + 6 months = 30 March < 31 March
        (dt.date(2026, 2, 28), 6, dt.date(2025, 8, 28)),  # 31 August + 6 = 28 February: due today
        (dt.date(2026, 3, 1), 6, dt.date(2025, 9, 1)),
        (dt.date(2026, 6, 15), 1, dt.date(2026, 5, 15)),
    ],
)
def test_the_assessment_cutoff_agrees_with_next_assessment_due(today, months, cutoff):
    from dateutil.relativedelta import relativedelta

    assert deadlines.assessment_cutoff(today, months) == cutoff
    for offset in range(-40, 40):
        base = cutoff + dt.timedelta(days=offset)
        assert (base + relativedelta(months=months) < today) == (base < cutoff)


def test_the_panels(team):
    panels = dashboard.panels(dashboard.Context.load())
    assert (panels.referrals_waiting, panels.oldest_referral_days) == (2, 9)
    assert (panels.waiting_list, panels.oldest_waiting_days) == (1, 40)
    assert panels.assigned_recently == 1  # dawid's new family
    assert (panels.interventions, panels.intervention_cases) == (2, 1)
    assert (panels.court_due, panels.court_due_cases) == (2, 2)  # c1 in 5 days, c3 overdue
    # Each panel's first rows are the rows of its figure, in the order of its whole list.
    assert [r.days_waiting for r in _described(panels.queue)] == [9, 3]
    assert [r.status for r in panels.waiting_queue] == [ReferralStatus.WAITLISTED]
    assert [(r.case_id, r.overdue) for r in panels.court_due_first] == [  # type: ignore[attr-defined]
        (team["c3"].pk, True),
        (team["c1"].pk, False),
    ]


def _described(referrals: list) -> list:
    dashboard.describe_referrals(referrals, dashboard.Context.load())
    return referrals


def test_the_panels_show_their_first_rows_only(team):
    for n in range(dashboard.PANEL_ROWS + 2):
        ReferralFactory(submitted=True, submitted_at=timezone.now() - dt.timedelta(days=20 + n))
    panels = dashboard.panels(dashboard.Context.load())
    assert panels.referrals_waiting == dashboard.PANEL_ROWS + 4
    assert [r.days_waiting for r in _described(panels.queue)] == [26, 25, 24, 23, 22]  # the longest waiting


def test_a_reassignment_counts_as_an_assignment_in_the_last_30_days(team, manager):
    Assignment.objects.create(
        case=team["c3"], assistant=team["dawid"], started_on=days_ago(2), assigned_by=manager
    )
    assert dashboard.panels(dashboard.Context.load()).assigned_recently == 2


# --- the page -----------------------------------------------------------------------------------


def test_the_dashboard_shows_the_assistant_at_the_limit_in_red_with_the_numbers(client, team, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    anna_row = _row_of(html, str(team["anna"]))
    assert "15 / 15" in anna_row
    assert "bg-danger" in anna_row
    assert 'aria-valuenow="15"' in anna_row and 'aria-valuemax="15"' in anna_row
    bartek_row = _row_of(html, str(team["bartek"]))
    assert "13 / 15" in bartek_row and "bg-warning" in bartek_row
    celina_row = _row_of(html, str(team["celina"]))
    assert "3 / 15" in celina_row and "bg-success" in celina_row
    link = f"{reverse(DRILLDOWN)}?assistant={team['celina'].pk}&amp;metric=overdue_assessments"
    assert f'href="{link}"' in celina_row
    assert re.search(r"figure-overdue_assessments[^>]*>2<", celina_row)
    assert re.search(r"figure-last_visit[^>]*>190<", celina_row)
    assert re.search(r"figure-court_requests[^>]*>4<", celina_row)
    assert re.search(r"figure-overdue_actions[^>]*>2<", celina_row)
    assert re.search(r"figure-children[^>]*>4<", celina_row)
    assert re.search(r"figure-monitoring[^>]*>1<", celina_row)


def _names_in_table(response) -> list[str]:  # noqa: ANN001
    return [str(row.assistant) for row in response.context["rows"]]


def test_the_table_is_paginated_the_most_loaded_first(client, team, manager, monkeypatch):
    monkeypatch.setattr(dashboard, "ASSISTANTS_PER_PAGE", 3)
    client.force_login(manager)
    first = client.get(reverse("reports:dashboard"))
    assert _names_in_table(first) == [str(team[k]) for k in ("anna", "bartek", "celina")]
    html = first.content.decode()
    assert "Page 1 of 2" in html or "Strona 1 z 2" in html
    assert 'href="?page=2"' in html
    second = client.get(reverse("reports:dashboard"), {"page": 2})
    assert _names_in_table(second) == [str(team["dawid"])]
    assert "3 / 15" not in second.content.decode()  # celina is on the first page only
    # As Django's paginator reads the number: past the end or below 1, the last page; not a
    # number, the first.
    for number, shown in [("9", ["dawid"]), ("0", ["dawid"]), ("x", ["anna", "bartek", "celina"])]:
        response = client.get(reverse("reports:dashboard"), {"page": number})
        assert _names_in_table(response) == [str(team[k]) for k in shown], number
    assert response.context["page"].paginator.count == 4


@pytest.mark.parametrize(
    ("page", "per_page", "count", "names"),
    [
        (None, 3, 4, ["anna", "bartek", "celina"]),
        ("2", 3, 4, ["dawid"]),
        ("2", 2, 4, ["celina", "dawid"]),
        ("3", 2, 4, ["celina", "dawid"]),  # past the end: the last page
        ("1", 10, 4, ["anna", "bartek", "celina", "dawid"]),
    ],
)
def test_the_ranking_reads_the_page_asked_for_with_the_number_of_assistants(
    team, page, per_page, count, names
):
    from django.core.paginator import Page, Paginator

    ranked = dashboard.RankedAssistants(dashboard.Context.load(), page=page, per_page=per_page)
    # RankedAssistants pages itself (len() and slices); the stubs' protocol does not see it.
    shown: Page[User] = Paginator(ranked, per_page).get_page(page)  # type: ignore[arg-type]
    assert shown.paginator.count == count
    assert [u.username for u in shown] == names
    assert ranked.summary().assistants == 4


def test_a_search_matching_no_one_still_gives_the_team_totals(team):
    ranked = dashboard.RankedAssistants(dashboard.Context.load(), "Zzyzx", page="1", per_page=25)
    assert ranked.count() == 0
    assert ranked[0:0] == []
    assert ranked.summary() == dashboard.TeamSummary(
        assistants=4, families=32, at_limit=1, near_limit=1, free_places=28
    )


def test_equal_caseloads_are_ordered_by_name(team):
    ewa = UserFactory(username="ewa", assistant=True, first_name="Ewa", last_name="Abacka")
    _case(ewa, opened=5)
    idle = UserFactory(username="idle", assistant=True, last_name="Aaronowicz")  # no family yet
    ranked = dashboard.RankedAssistants(dashboard.Context.load())
    assert ranked.count() == 6
    shown = ranked[0:10]
    assert [u.username for u in shown] == ["anna", "bartek", "celina", "ewa", "dawid", "idle"]
    assert [u.load for u in shown] == [15, 13, 3, 1, 1, 0]  # type: ignore[attr-defined]  # an annotation of the queryset
    assert [u.username for u in ranked[2:4]] == ["celina", "ewa"]
    assert idle.pk not in {u.pk for u in ranked[0:5]}


def test_monitoring_in_the_caseload_changes_the_order(team):
    for _ in range(4):
        _case(
            team["dawid"],
            opened=300,
            status=CaseStatus.MONITORING,
            closed_on=days_ago(20),
            closure_reason="goals_achieved",
        )

    def third_and_fourth() -> list:
        ranked = dashboard.RankedAssistants(dashboard.Context.load())[2:4]
        return [(u.username, u.load) for u in ranked]  # type: ignore[attr-defined]  # an annotation

    assert third_and_fourth() == [("celina", 3), ("dawid", 1)]
    centre = Centre.load()
    centre.count_monitoring_in_caseload = True
    centre.save()
    assert third_and_fourth() == [("dawid", 5), ("celina", 4)]


def test_the_team_summary_counts_every_assistant_not_only_the_page(client, team, manager, monkeypatch):
    monkeypatch.setattr(dashboard, "ASSISTANTS_PER_PAGE", 2)
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard"))
    assert response.context["summary"] == dashboard.TeamSummary(
        assistants=4, families=15 + 13 + 3 + 1, at_limit=1, near_limit=1, free_places=0 + 2 + 12 + 14
    )
    html = response.content.decode()
    assert re.search(r'id="summary-at-limit">1 <span class="badge[^"]*">', html)
    assert re.search(r'id="summary-families"><a href="[^"]*metric=caseload">32</a>', html)


def test_the_table_can_be_narrowed_to_a_name(client, team, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard"), {"q": " cieśl "})
    assert _names_in_table(response) == [str(team["celina"])]
    assert response.context["summary"].assistants == 4  # the totals stay the team's
    html = response.content.decode()
    assert 'value="cieśl"' in html
    nobody = client.get(reverse("reports:dashboard"), {"q": "Zzyzx"})
    assert _names_in_table(nobody) == []
    assert "Zzyzx" in nobody.content.decode().split('id="caseloads"')[1]


def test_a_coordinator_sees_their_team_first_and_the_whole_centre_on_request(client, team, manager):
    coordinator = UserFactory(username="marta", manager=True)
    for name in ("anna", "celina"):
        team[name].coordinator = coordinator
        team[name].save()
    url = reverse("reports:dashboard")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(coordinator)

    mine = client.get(url)
    assert _names_in_table(mine) == [str(team["anna"]), str(team["celina"])]
    assert mine.context["summary"] == dashboard.TeamSummary(
        assistants=2, families=15 + 3, at_limit=1, near_limit=0, free_places=0 + 12
    )
    html = mine.content.decode()
    active = r'class="btn btn-outline-primary active" aria-current="page" href="\?scope=team">'
    assert re.search(active + r"\s*Your team \(2 assistants\)", html)
    assert f'metric=caseload&amp;coordinator={coordinator.pk}">18</a>' in html
    assert 'name="scope" value="team"' in html  # a search stays within the team
    assert _names_in_table(client.get(url, {"q": "Bartosz", "scope": "team"})) == []

    whole = client.get(url, {"scope": "all"})
    assert whole.context["summary"].assistants == 4
    assert _names_in_table(client.get(url, {"q": "Bartosz", "scope": "all"})) == [str(team["bartek"])]
    assert _names_in_table(client.get(url, {"scope": "nonsense"})) == _names_in_table(mine)

    # The figure's list narrows to the team as well.
    listed = client.get(reverse(DRILLDOWN), {"metric": "caseload", "coordinator": coordinator.pk})
    assert listed.context["page"].paginator.count == 18

    # A manager who coordinates nobody sees the whole centre, with no choice to make.
    client.force_login(manager)
    theirs = client.get(url, {"scope": "team"})
    assert theirs.context["summary"].assistants == 4
    assert 'id="dashboard-scope"' not in theirs.content.decode()


def test_the_panels_list_their_first_families_with_a_link_to_the_whole_list(client, team, manager):
    client.force_login(manager)
    html = client.get(reverse("reports:dashboard")).content.decode()
    court = html.split('id="court-due-first"')[1].split("</ol>")[0]
    assert court.index(str(team["c3"].family)) < court.index(str(team["c1"].family))  # overdue first
    assert team["c3"].get_absolute_url() in court
    for metric in ("referrals_waiting", "waiting_list", "court_due"):
        assert f'href="{reverse(DRILLDOWN)}?metric={metric}" id="all-{metric}"' in html


def _row_of(html: str, name: str) -> str:
    # The header cell holds the name, then the personal-limit badge and link.
    match = re.search(r"<tr>\s*<th scope=\"row\">" + re.escape(name) + r"[ <].*?</tr>", html, re.S)
    assert match, name
    return match.group(0)


@pytest.mark.parametrize(
    ("metric", "assistant", "expected"),
    [
        ("caseload", "celina", {"c1", "c2", "c3"}),
        ("monitoring", "celina", {"c4"}),
        ("children", "celina", {"c1", "c2", "c4"}),
        ("last_visit", "celina", {"c1", "c2", "c3"}),
        ("overdue_assessments", "celina", {"c2", "c3"}),
        ("overdue_actions", "celina", {"c1"}),
        ("court_requests", "celina", {"c1", "c3", "c4"}),
        ("caseload", "dawid", {"newcomer"}),
    ],
)
def test_each_figure_opens_the_cases_behind_it(client, team, manager, metric, assistant, expected):
    client.force_login(manager)
    response = client.get(reverse(DRILLDOWN), {"assistant": team[assistant].pk, "metric": metric})
    assert response.status_code == 200
    shown = {c.pk for c in response.context["page"]}
    assert shown == {team[key].pk for key in expected}


def test_the_totals_of_the_lists_equal_the_figures(client, team, manager):
    client.force_login(manager)
    celina = rows_by_name()["celina"]
    for metric, figure in [
        ("caseload", celina.load),
        ("monitoring", celina.monitoring),
        ("children", celina.children),
        ("overdue_assessments", celina.overdue_assessments),
        ("overdue_actions", celina.overdue_actions),
        ("court_requests", celina.court_requests),
    ]:
        response = client.get(reverse(DRILLDOWN), {"assistant": team["celina"].pk, "metric": metric})
        assert response.context["total"] == figure, metric


def test_the_team_lists_behind_the_panels(client, team, manager):
    client.force_login(manager)
    recent = client.get(reverse(DRILLDOWN), {"metric": "assigned_recently"})
    assert [c.pk for c in recent.context["page"]] == [team["newcomer"].pk]
    interventions = client.get(reverse(DRILLDOWN), {"metric": "interventions"})
    assert [(c.pk, c.recent_interventions) for c in interventions.context["page"]] == [(team["c1"].pk, 2)]
    waiting = client.get(reverse(DRILLDOWN), {"metric": "referrals_waiting"})
    assert [r.days_waiting for r in waiting.context["page"]] == [9, 3]
    listed = client.get(reverse(DRILLDOWN), {"metric": "waiting_list"})
    assert len(listed.context["page"]) == 1
    court = client.get(reverse(DRILLDOWN), {"metric": "court_due"})
    assert [(c.pk, c.due_requests) for c in court.context["page"]] == [(team["c3"].pk, 1), (team["c1"].pk, 1)]


def test_the_lists_filter_by_status_and_legal_basis_and_paginate(client, team, manager):
    client.force_login(manager)
    court = team["c3"]
    Case.objects.filter(pk=court.pk).update(legal_basis=LegalBasis.COURT_ORDER)
    response = client.get(
        reverse(DRILLDOWN),
        {"assistant": team["celina"].pk, "metric": "caseload", "legal_basis": LegalBasis.COURT_ORDER},
    )
    assert [c.pk for c in response.context["page"]] == [court.pk]
    everyone = client.get(reverse(DRILLDOWN), {"metric": "caseload"})
    assert everyone.context["total"] == 15 + 13 + 3 + 1
    assert len(everyone.context["page"]) == 25
    second = client.get(reverse(DRILLDOWN), {"metric": "caseload", "page": 2})
    assert len(second.context["page"]) == 7
    assert "metric=caseload" in everyone.content.decode().split('class="pagination"')[1]


def test_the_period_filter_selects_cases_opened_between_two_dates(client, team, manager):
    client.force_login(manager)
    response = client.get(
        reverse(DRILLDOWN),
        {
            "metric": "caseload",
            "period_after": days_ago(15).isoformat(),
            "period_before": days_ago(0).isoformat(),
        },
    )
    assert [c.pk for c in response.context["page"]] == [team["newcomer"].pk]


def test_an_unknown_metric_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get(reverse(DRILLDOWN), {"metric": "salaries"}).status_code == 404


# --- reassignment (the dashboard's lists open the case's one reassignment page) -----------------


def test_the_drilldown_reassigns_through_the_case_page_and_comes_back(client, team, manager):
    client.force_login(manager)
    listing = client.get(reverse(DRILLDOWN), {"metric": "caseload", "assistant": team["celina"].pk})
    url = reverse("cases:case-reassign", args=[team["c3"].pk])
    assert url in listing.content.decode()
    back = reverse(DRILLDOWN) + "?metric=caseload"
    response = client.post(
        url, {"assistant": team["dawid"].pk, "reason": "Długie zwolnienie lekarskie.", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    team["c3"].refresh_from_db()
    assert team["c3"].assistant == team["dawid"]
    assignment = Assignment.objects.filter(case=team["c3"]).latest("pk")
    assert (assignment.assistant, assignment.reason) == (team["dawid"], "Długie zwolnienie lekarskie.")


def test_the_return_address_cannot_leave_the_site(client, team, manager):
    client.force_login(manager)
    url = reverse("cases:case-reassign", args=[team["c3"].pk])
    response = client.post(
        url, {"assistant": team["dawid"].pk, "reason": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == team["c3"].get_absolute_url()


def test_reassignment_to_an_assistant_at_the_limit_is_refused_next_to_the_field(client, team, manager):
    client.force_login(manager)
    url = reverse("cases:case-reassign", args=[team["c3"].pk])
    response = client.post(url, {"assistant": team["anna"].pk, "reason": "Odciążenie."})
    assert response.status_code == 200
    assert response.context["form"].errors["assistant"]
    team["c3"].refresh_from_db()
    assert team["c3"].assistant == team["celina"]


# --- access -------------------------------------------------------------------------------------

PAGES = [
    ("reports:dashboard", {}),
    (DRILLDOWN, {"metric": "caseload"}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
@pytest.mark.parametrize("role", ["assistant", "social_worker"])
def test_assistants_and_social_workers_are_refused(client, role_users, name, params, role):
    client.force_login(role_users[role])
    assert client.get(reverse(name), params).status_code == 403


def test_a_manager_who_is_also_an_assistant_sees_the_dashboard(client, team):
    both = UserFactory(username="kierownik_asystent", assistant=True, manager=True)
    client.force_login(both)
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_the_administrator_sees_the_figures_but_not_the_families(client, role_users, team):
    client.force_login(role_users["administrator"])
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse(DRILLDOWN) not in html
    assert client.get(reverse(DRILLDOWN), {"metric": "caseload"}).status_code == 403
    # The figures, as text.
    celina_row = _row_of(html, str(team["celina"]))
    assert '<span class="text-nowrap caseload-figure">3 / 15</span>' in celina_row
    assert '<span class="figure-overdue_assessments fw-bold text-danger">2</span>' in celina_row
    assert "bg-danger" in _row_of(html, str(team["anna"]))
    # No family is named in the panels.
    assert str(team["c3"].family) not in html


def test_the_assistants_names_are_escaped_in_the_table(client, manager):
    UserFactory(username="x", assistant=True, first_name="<b>Ewa</b>", last_name="Kowal")
    client.force_login(manager)
    html = client.get(reverse("reports:dashboard")).content.decode()
    table = html.split('id="caseloads"')[1].split("</table>")[0]
    assert "<b>Ewa</b>" not in table
    assert table.count("&lt;b&gt;Ewa&lt;/b&gt; Kowal") == 2  # the row's header and the bar's name


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_dashboard_refuses_post(client, manager):
    client.force_login(manager)
    assert client.post(reverse("reports:dashboard")).status_code == 405
    assert client.post(reverse(DRILLDOWN), {"metric": "caseload"}).status_code == 405


# --- query counts -------------------------------------------------------------------------------


def _build(assistants: int, families: int) -> list:
    people = [UserFactory(assistant=True) for _ in range(assistants)]
    for n in range(families):
        case = _case(people[n % assistants], opened=100 + n, children=n % 3)
        VisitFactory(case=case, date=days_ago(n % 20 + 1))
        AssessmentFactory(case=case, date=days_ago(n + 1), submitted=True)
        PlanActionFactory(goal=GoalFactory(plan=WorkPlanFactory(case=case)), deadline=days_ago(1))
        InterventionFactory(case=case)
        CourtRequestFactory(case=case, due_date=days_ago(-(n % 20)))
        ReferralFactory(submitted=True)
    return people


def _count_queries(client, url: str, params: dict | None = None, *, cold: bool = False) -> int:  # noqa: ANN001
    Centre.load()  # created on first use: not part of what is measured
    # A warm-up request: the first one after logging in also renews the session and caches the
    # two-step check in it, which is the layout's cost, not the page's.
    assert client.get(url, params or {}).status_code == 200
    if cold:
        cache.clear()  # the assistants' figures are computed, not read from the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_dashboard_query_count_does_not_grow_with_the_team(
    client, manager, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(dashboard, "ASSISTANTS_PER_PAGE", 4)
    client.force_login(manager)
    url = reverse("reports:dashboard")
    _build(2, 5)
    small = _count_queries(client, url, cold=True)
    _build(4, 55)  # now 6 assistants (two pages) and 60 families
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200
    assert _count_queries(client, url, cold=True) == small
    assert _count_queries(client, url, {"page": 2}, cold=True) == small
    assert _count_queries(client, url, {"q": "a"}, cold=True) == small
    # Past the end the last page is shown: counting the users and reading it cost two more.
    assert _count_queries(client, url, {"page": 99}, cold=True) == small + 2
    # Figures unchanged since the last request are read from the cache (PostgreSQL's triggers
    # tell): the page's figures then cost no query.
    cached = connection.vendor == "postgresql"
    assert _count_queries(client, url) == small - cached
    # Eight for the figures: the centre; the size of the manager's own team; the ranked page of
    # assistants with the team's totals; the page's figures; the panels in three (both referral
    # queues, the first court deadlines, the other counts). The rest is the layout's (session,
    # user, unread notifications).
    assert small <= 10


def test_the_list_query_count_does_not_grow_with_its_length(client, manager):
    client.force_login(manager)
    url = reverse(DRILLDOWN)
    _build(2, 5)
    small = _count_queries(client, url, {"metric": "caseload"})
    _build(4, 55)
    assert _count_queries(client, url, {"metric": "caseload"}) == small
