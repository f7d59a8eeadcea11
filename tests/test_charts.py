"""Server-side SVG charts: well-formed, accessible (role, title, description, labelled), escaped,
and the charts page with a data table below every chart."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import dashboard
from reports.charts import Bar, Series, bar_chart, grouped_bar_chart, nice_max

from .factories import CaseFactory, ReferralFactory, UserFactory

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_a_bar_chart_is_accessible_and_shows_every_value():
    svg = bar_chart(
        chart_id="c1",
        title="Rodziny na asystenta",
        description="Liczba rodzin",
        bars=[Bar("Anna", 15), Bar("Bartek", 7), Bar("Celina", 0)],
        reference=(15, "limit 15"),
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Rodziny na asystenta"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}desc").get("id") == "c1-desc"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for expected in ["Anna", "Bartek", "Celina", "15", "7", "0", "limit 15"]:
        assert expected in texts
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#1f4e79"]
    assert len(bars) == 3
    widths = [float(r.get("width")) for r in bars]
    assert widths[0] > widths[1] > widths[2] == 0


def test_a_grouped_chart_has_a_legend_and_a_hatched_second_series():
    svg = grouped_bar_chart(
        chart_id="flow",
        title="Przepływ",
        description="Skierowania i zamknięcia",
        categories=["01.2026", "02.2026", "03.2026"],
        series=[Series("Skierowania", [3, 0, 5]), Series("Zamknięcia", [1, 2, 0])],
    )
    root = parse(svg)
    assert root.get("role") == "img"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Skierowania", "Zamknięcia", "01.2026", "03.2026"} <= set(texts)
    hatched = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "url(#flow-hatch)"]
    assert len(hatched) == 4  # three bars and the legend's key
    assert root.find(f".//{SVG}pattern").get("id") == "flow-hatch"


def test_labels_are_escaped():
    svg = bar_chart(chart_id="x", title="<b>t</b>", description="d & e", bars=[Bar("<script>", 1)])
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "<b>t</b>"
    assert "<script>" in [t.text for t in root.iter(f"{SVG}text")]


def test_an_empty_chart_still_renders():
    assert parse(bar_chart(chart_id="e", title="t", description="d", bars=[])).get("role") == "img"
    empty = grouped_bar_chart(chart_id="g", title="t", description="d", categories=[], series=[])
    assert parse(empty).get("role") == "img"


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (15, 20), (42, 50), (100, 100)])
def test_the_scale_ends_on_a_round_number(value, top):
    assert nice_max(value) == top


@pytest.mark.django_db
def test_the_monthly_data_counts_referrals_and_closures_per_month(manager):
    today = timezone.localdate()
    first = today.replace(day=1)
    ReferralFactory(submitted=True)  # this month
    ReferralFactory(submitted=True, submitted_at=timezone.now() - dt.timedelta(days=400))  # too old
    CaseFactory(closed=True, closed_on=first, closure_reason="moved_away")
    CaseFactory(closed=True, closed_on=first - dt.timedelta(days=1), closure_reason="moved_away")
    CaseFactory(closed=True, closed_on=first - dt.timedelta(days=500), closure_reason="other")
    ctx = dashboard.Context.load()
    months, referred, closed = dashboard.monthly_flow(ctx)
    assert len(months) == 12 and months[-1] == first
    assert referred[-1] == 1 and sum(referred) == 1
    assert closed[-1] == 1 and closed[-2] == 1 and sum(closed) == 2
    reasons = dict(dashboard.closure_reasons(ctx))
    assert sum(reasons.values()) == 2
    assert len(reasons) == 8  # every reason listed, even at zero


@pytest.mark.django_db
def test_the_charts_page_shows_three_accessible_charts_with_their_tables(client, manager):
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Adamska")
    for _ in range(4):
        CaseFactory(assistant=anna)
    CaseFactory(closed=True, closure_reason="moved_away")
    client.force_login(manager)
    response = client.get(reverse("reports:charts"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 3
    for chart in ["chart-caseload", "chart-flow", "chart-reasons"]:
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html
        assert f'id="{chart}-data"' in html
    table = html.split('id="chart-caseload-data"')[1].split("</table>")[0]
    assert re.search(r"Anna Adamska</th>\s*<td[^>]*>4</td>", table)
    assert "@media print" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["assistant", "social_worker"])
def test_the_charts_are_refused_to_other_roles(client, role_users, role):
    client.force_login(role_users[role])
    assert client.get(reverse("reports:charts")).status_code == 403


@pytest.mark.django_db
def test_the_charts_page_is_for_reading_only(client, manager):
    client.force_login(manager)
    assert client.post(reverse("reports:charts")).status_code == 405
    client.logout()
    assert client.get(reverse("reports:charts")).status_code == 302
