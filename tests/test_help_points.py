"""The work by point of art. 15 ust. 1 of the Act (pkt 3-13) in the annual report: visits and plan
actions counted through their areas of help, each number with the list behind it, checked against
figures worked out by hand."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from cases.enums import StatutoryTask
from reports.help_points import by_point
from reports.statistics import Period

from .factories import (
    CaseFactory,
    GoalFactory,
    PlanActionFactory,
    ProblemAreaFactory,
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
YEAR = Period(2026, "Y")


@pytest.fixture
def work(assistant):
    housing = ProblemAreaFactory(name="Mieszkanie (test)", task=StatutoryTask.LIFE_SITUATION)
    school = ProblemAreaFactory(name="Szkoła (test)", task=StatutoryTask.UPBRINGING)
    homework = ProblemAreaFactory(name="Odrabianie lekcji (test)", task=StatutoryTask.UPBRINGING)
    loose = ProblemAreaFactory(name="Obszar bez punktu (test)", task=None)
    first = CaseFactory(assistant=assistant, family__name="Punktowscy")
    second = CaseFactory(assistant=assistant, family__name="Bezpunktowscy")

    def visit(case, day, *areas, **traits):  # noqa: ANN001, ANN002, ANN003, ANN202
        made = VisitFactory(case=case, date=day, **traits)
        made.areas.set(areas)
        return made

    both = visit(first, D(2026, 3, 10), housing, school)  # pkt 3 and pkt 6
    twice_six = visit(first, D(2026, 4, 1), school, homework)  # pkt 6 once
    visit(first, D(2026, 4, 8), housing, unsuccessful=True)  # an attempt: not counted
    visit(first, D(2026, 4, 9), housing, draft=True)  # a draft: not counted
    visit(first, D(2025, 12, 31), housing)  # before the year
    no_point = visit(second, D(2026, 5, 5), loose)  # areas without a point
    visit(second, D(2026, 5, 6))  # no area at all: on no row

    old = WorkPlanFactory(case=first, version=1)
    PlanActionFactory(goal=GoalFactory(plan=old, area=housing), deadline=D(2026, 2, 1))  # superseded
    current = WorkPlanFactory(case=first, version=2)
    carried = PlanActionFactory(goal=GoalFactory(plan=current, area=housing), deadline=D(2026, 2, 1))
    PlanActionFactory(goal=GoalFactory(plan=current, area=housing), deadline=D(2027, 1, 15))  # after
    upbringing = PlanActionFactory(goal=GoalFactory(plan=current, area=school), deadline=D(2026, 6, 1))
    loose_action = PlanActionFactory(
        goal=GoalFactory(plan=WorkPlanFactory(case=second), area=loose), deadline=D(2026, 7, 1)
    )
    return {
        "pkt3_visits": [both],
        "pkt6_visits": [both, twice_six],
        "none_visits": [no_point],
        "pkt3_actions": [carried],
        "pkt6_actions": [upbringing],
        "none_actions": [loose_action],
    }


# Worked out by hand from the data above: (visits, plan actions) per point; the rest are 0.
EXPECTED = {3: (1, 1), 6: (2, 1), None: (1, 1)}


def test_the_counts_per_point_match_the_hand_count(work):
    rows = by_point(YEAR)
    assert [row.point for row in rows] == [*StatutoryTask.values, None]
    for row in rows:
        assert (row.visits, row.actions) == EXPECTED.get(row.point, (0, 0)), row.point


def test_the_annual_page_shows_them_and_each_number_opens_its_list(client, manager, work):
    client.force_login(manager)
    page = client.get(reverse("reports:annual"), {"year": 2026})
    assert page.status_code == 200
    shown = {row.point: (row.visits, row.actions) for row in page.context["points"]}
    assert shown == {task: EXPECTED.get(task, (0, 0)) for task in [*StatutoryTask.values, None]}
    html = page.content.decode()
    assert 'id="point-6"' in html and 'id="point-none"' in html
    url = reverse("reports:help-point-drilldown")
    assert f"{url}?period=2026-Y&amp;point=6&amp;what=visits" in html
    for point, what in (
        ("3", "visits"),
        ("6", "visits"),
        ("none", "visits"),
        ("3", "actions"),
        ("6", "actions"),
        ("none", "actions"),
    ):
        listed = client.get(url, {"period": "2026-Y", "point": point, "what": what})
        assert listed.status_code == 200
        expected = work[f"pkt{point}_{what}" if point != "none" else f"none_{what}"]
        assert [item.pk for item in listed.context["page"]] == [item.pk for item in expected], (point, what)
    listed = client.get(url, {"period": "2026-Y", "point": "6", "what": "visits"}).content.decode()
    assert "Punktowscy" in listed and "Bezpunktowscy" not in listed


def test_only_managers_open_the_lists_and_bad_parameters_answer_404(client, manager, assistant, work):
    url = reverse("reports:help-point-drilldown")
    client.force_login(assistant)
    assert client.get(url, {"period": "2026-Y", "point": "6", "what": "visits"}).status_code == 403
    client.force_login(manager)
    for query in (
        {"period": "2026-Y", "point": "2", "what": "visits"},  # pkt 2 is not a form of help
        {"period": "2026-Y", "point": "6", "what": "other"},
        {"period": "nonsense", "point": "6", "what": "visits"},
    ):
        assert client.get(url, query).status_code == 404


def test_the_annual_pdf_prints_the_counts_per_point(
    client, manager, work, django_capture_on_commit_callbacks
):
    from documents.models import RenderedDocument

    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:annual-pdf") + "?year=2026")
    document = RenderedDocument.objects.get()
    with document.file.open("rb") as handle:
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=handle.read(), capture_output=True, check=True
        ).stdout.decode()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Praca według punktów art. 15 ust. 1 ustawy" in lines
    assert any(line.startswith("pkt 6:") and line.endswith(" 2 1") for line in lines), lines
    assert any(line.startswith("pkt 5:") and line.endswith(" 0 0") for line in lines)


def test_the_case_visit_log_groups_the_visits_by_point(client, assistant, work):
    case = work["pkt6_visits"][0].case
    client.force_login(assistant)
    page = client.get(reverse("visits:case-visits", args=[case.pk]))
    assert page.status_code == 200
    # Worked out by hand: pkt 3 the visit about housing and school and the one of 31 December
    # 2025 (the log has every year); pkt 6 the first and the visit about school and homework
    # (once); not the attempt, the draft, nor the other case's visits.
    labels = [(label.split(":")[0], count) for label, count in page.context["points"]]
    assert labels == [("pkt 3", 2), ("pkt 6", 2)]
    assert 'id="visit-points"' in page.content.decode()
