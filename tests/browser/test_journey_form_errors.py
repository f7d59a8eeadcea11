"""The error path of the three long forms (visit, plan, assessment) on a 360 x 740 phone, and the
phone layout: the save bar in sight, rating buttons large enough to tap, folding sections, and
the tables of "Moje rodziny", consent and the week without sideways scrolling.

On each form sent with errors: the title starts with "Błąd:", the error summary has the focus,
axe finds 0 violations, the summary's links keep 4.5:1 against its background (computed from the
colours Chromium applies), and a link of the summary puts the focus in its field, opening its
folded section."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from cases.models import AssessmentArea
from tests.factories import (
    CaseFactory,
    ConsentFactory,
    FamilyFactory,
    FamilyMemberFactory,
    UserFactory,
    VisitFactory,
)

from .helpers import axe_check, login, no_horizontal_scroll, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 360, "height": 740}

# The WCAG relative luminance and contrast of two CSS colours, as Chromium computed them.
CONTRAST = """([fg, bg]) => {
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (css) => {
    const [r, g, b] = rgb(css).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")


@pytest.fixture
def case(anna):
    family = FamilyFactory(name="Bąkowscy", street="ul. Długa 12 m. 4")
    mother = FamilyMemberFactory(family=family, first_name="Żaneta", last_name="Bąkowska")
    FamilyMemberFactory(family=family, first_name="Zośka", last_name="Bąkowska", child=True)
    case = CaseFactory(family=family, assistant=anna)
    consent = ConsentFactory(case=case, scope="Opieka nad dziećmi, budżet domowy i szkoła.")
    consent.signed_by.add(mother)
    # A visit this week (Monday's, or today's on a Monday) for the week's page.
    today = timezone.localdate()
    VisitFactory(case=case, date=today - dt.timedelta(days=min(today.weekday(), 1)))
    return case


def _summary_checks(page: Page, name: str) -> None:
    """The page after a form was sent with errors."""
    # The answer may still be loading after the click: wait for its title.
    expect(page).to_have_title(re.compile(r"^Błąd:"))
    summary = page.locator("[data-form-errors]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    axe_check(page)
    shot(page, f"form-errors-{name}-phone", full_page=False)
    link = summary.get_by_role("link").first
    colours = link.evaluate(
        "(a) => [getComputedStyle(a).color,"
        " getComputedStyle(a.closest('[data-form-errors]')).backgroundColor]"
    )
    assert page.evaluate(CONTRAST, colours) >= 4.5, colours
    text = summary.evaluate("(s) => [getComputedStyle(s).color, getComputedStyle(s).backgroundColor]")
    assert page.evaluate(CONTRAST, text) >= 4.5, text

    # Fold the section of the field away first: the link opens it again and focuses the field.
    target = link.get_attribute("href").removeprefix("#")
    page.evaluate(
        "(id) => { const d = document.getElementById(id).closest('details'); if (d) d.open = false; }", target
    )
    link.click()
    assert page.evaluate("document.activeElement.id") == target
    assert page.evaluate("(id) => document.getElementById(id).closest('details')?.open ?? true", target)
    box = page.locator(f"[id='{target}']").bounding_box()
    assert box is not None


def _save_bar_in_sight(page: Page) -> None:
    """Without scrolling, the bar with the save buttons is on the screen, at its bottom."""
    bar = page.locator(".form-save-bar")
    box = bar.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 0.5, box
    assert page.evaluate("window.scrollY") == 0
    expect(bar.get_by_role("button").first).to_be_in_viewport()


def _sections_fold(page: Page) -> None:
    sections = page.locator("details.form-section")
    assert sections.count() >= 2
    first = sections.first
    expect(first).to_have_attribute("open", "")
    first.locator("summary").click()
    expect(first).not_to_have_attribute("open", "")
    first.locator("summary").click()
    expect(first).to_have_attribute("open", "")


def test_the_long_forms_on_a_phone(page: Page, base: str, anna, case, audit_trail):
    page.set_viewport_size(PHONE)
    login(page, base, "anna")

    # The visit: the date left empty.
    page.goto(base + reverse("visits:visit-create", args=[case.pk]))
    _save_bar_in_sight(page)
    _sections_fold(page)
    shot(page, "phone-visit-form", full_page=False)
    shot(page, "phone-visit-form-full")
    page.locator("#id_date").fill("")
    page.locator(".form-save-bar").get_by_role("button", name="Zapisz wizytę").click()
    _summary_checks(page, "visit")
    _save_bar_in_sight_after_scroll(page)

    # The plan: nothing filled in.
    page.goto(base + reverse("cases:plan-create", args=[case.pk]))
    _save_bar_in_sight(page)
    _sections_fold(page)
    shot(page, "phone-plan-form", full_page=False)
    shot(page, "phone-plan-form-full")
    page.locator(".form-save-bar").get_by_role("button", name="Zapisz plan").click()
    _summary_checks(page, "plan")

    # The assessment: submitted without ratings.
    page.goto(base + reverse("cases:assessment-create", args=[case.pk]))
    _save_bar_in_sight(page)
    _sections_fold(page)
    buttons = page.locator(".rating-buttons label.btn")
    assert buttons.count() == 5 * AssessmentArea.objects.filter(is_active=True).count()
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    # A rating is chosen by tapping its button.
    buttons.nth(2).click()
    assert page.locator(".rating-buttons input").nth(2).is_checked()
    shot(page, "phone-assessment-form", full_page=False)
    shot(page, "phone-assessment-form-full")
    page.locator(".form-save-bar").get_by_role("button", name="Przekaż kierownikowi").click()
    _summary_checks(page, "assessment")
    # The rating chosen before is kept.
    assert page.locator(".rating-buttons input").nth(2).is_checked()


def _save_bar_in_sight_after_scroll(page: Page) -> None:
    """Half-way down the form, the save bar is still at the bottom of the screen."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    box = page.locator(".form-save-bar").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"] + 0.5, box
    assert box["y"] >= PHONE["height"] - box["height"] - 1, box


def test_the_tables_become_cards_on_a_phone(page: Page, base: str, anna, case, audit_trail):
    page.set_viewport_size(PHONE)
    login(page, base, "anna")
    pages = {
        "home": base + reverse("home"),
        "case": base + reverse("cases:case-detail", args=[case.pk]),
        "week": base + reverse("visits:my-week"),
    }
    for name, url in pages.items():
        page.goto(url)
        width, viewport = no_horizontal_scroll(page)
        assert width <= viewport, f"{name}: {width} > {viewport}"
        axe_check(page)
        shot(page, f"phone-table-{name}")
    # The consent's cells say which column they are, and the column headers are out of sight.
    page.goto(pages["case"])
    cell = page.locator("table.table-stack td[data-label]").first
    assert cell.evaluate("(td) => getComputedStyle(td, '::before').content").startswith('"Data')
    assert cell.evaluate("(td) => getComputedStyle(td).display") == "block"
    desktop: ViewportSize = {"width": 1280, "height": 900}
    page.set_viewport_size(desktop)
    assert cell.evaluate("(td) => getComputedStyle(td).display") == "table-cell"
