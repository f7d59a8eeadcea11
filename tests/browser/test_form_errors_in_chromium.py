"""Every form's error path in Chromium: each form that tests/test_form_errors_every_page.py sends
empty (the pages of the route matrix, opened as the first role that may open them) is opened in
the browser as that person, logged in through the login page, and sent the way that test sends it:
every field empty, no box ticked, the hidden fields as the page gave them, the form's main button
(or none). The browser's own checks of required fields are switched off, so the server answers.

On the page that comes back (also after a refused court opinion, saved as a draft and opened again
at the same address): the title starts with "Błąd:", the one error summary is shown and has the
focus, each of its links puts the focus in a field of the page, and axe-core finds 0 WCAG 2.1 A/AA
violations. The forms that may be sent empty (MAY_BE_EMPTY: nothing in them is required) are not
sent: there is no error page to look at.

One browser context per role (the assistant's the size of a phone), one data set
(tests/route_world.py) for the whole test."""

import time
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from tests import route_world
from tests.test_form_errors_every_page import MAY_BE_EMPTY, _post_forms, form_pages, main_button

from .audit import AuditTrail
from .helpers import axe_violations, format_violations, login

pytestmark = pytest.mark.django_db(transaction=True)

# The assistant works in the family's home, on a phone; the others at a desk (the conftest's window).
VIEWPORTS = {"assistant": {"viewport": {"width": 360, "height": 740}}}

# Empty every field the way tests/test_form_errors_every_page._empty_submission does, and send
# the form with its main button (by its position among the form's buttons) or with none.
SEND_EMPTY = """(form, button) => {
  form.noValidate = true;
  for (const el of form.querySelectorAll("input, select, textarea")) {
    if (!el.name || el.disabled) continue;
    const kind = el.tagName === "INPUT"
      ? (el.getAttribute("type") || "text").toLowerCase() : el.tagName.toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(kind)) continue;
    if (kind === "checkbox" || kind === "radio") el.checked = false;
    else if (kind === "select") { for (const option of el.options) option.selected = false; el.value = ""; }
    else el.value = "";
  }
  form.requestSubmit(button === null ? null : form.querySelectorAll("button")[button]);
}"""

# What the page that came back shows: its title, the summaries, where the focus is, and where each
# of the summary's links puts the focus (the click handler of static/js/asystent.js).
READ_SUMMARY = """() => {
  const summaries = document.querySelectorAll("[data-form-errors]");
  const summary = summaries[0];
  const seen = {title: document.title, count: summaries.length, links: []};
  if (!summary) return seen;
  seen.visible = summary.getClientRects().length > 0;
  seen.focused = document.activeElement === summary;
  for (const link of summary.querySelectorAll("a")) {
    const href = link.getAttribute("href") || "";
    const target = href.startsWith("#") ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
    link.click();
    seen.links.push({
      href: href,
      field: target ? target.matches("input, select, textarea") : false,
      focused: target !== null && document.activeElement === target,
    });
  }
  summary.focus();
  return seen;
}"""


def _problems(page: Page) -> list[str]:
    """What is wrong with the page a form sent with errors came back as (empty: nothing)."""
    seen = page.evaluate(READ_SUMMARY)
    problems = []
    if not seen["title"].startswith("Błąd:"):
        problems.append(f"the title does not start with 'Błąd:': {seen['title']!r}")
    if seen["count"] != 1:
        return [*problems, f"{seen['count']} error summaries on the page"]
    if not seen["visible"]:
        problems.append("the error summary is not shown")
    if not seen["focused"]:
        problems.append("the error summary does not have the focus")
    for link in seen["links"]:
        if not link["field"]:
            problems.append(f"the summary's link {link['href']} leads to no field")
        elif not link["focused"]:
            problems.append(f"the summary's link {link['href']} does not put the focus in its field")
    violations = axe_violations(page)
    if violations:
        problems.append(f"{len(violations)} axe violation(s):\n{format_violations(violations)}")
    return problems


def test_every_form_sent_empty_in_chromium(browser: Browser, browser_context_args: dict, live_server):
    started = time.monotonic()
    world = route_world.build()
    base = live_server.url
    pages: dict[str, Page] = {}
    trails: list[AuditTrail] = []
    checked, skipped, wrong = [], [], []
    try:
        for name, role, url in form_pages(world):
            if role not in pages:
                context = browser.new_context(**{**browser_context_args, **VIEWPORTS.get(role, {})})
                trail = AuditTrail(base)
                trail.start(context)
                trails.append(trail)
                pages[role] = context.new_page()
                pages[role].set_default_timeout(10_000)
                login(pages[role], base, getattr(world.users, role).username)
            page = pages[role]
            try:
                response = page.goto(base + url)
            except PlaywrightError as error:
                if "Download is starting" in error.message:
                    continue  # a file, not a page
                raise
            if (
                response is None
                or response.status != 200
                or "text/html" not in response.headers.get("content-type", "")
            ):
                continue
            shown = lxml.html.document_fromstring(page.content())
            every_form = shown.xpath("//main//form")
            for number, form in enumerate(_post_forms(shown)):
                action = urljoin(url, form.get("action") or url)
                where = f"{name} ({role}) -> {action}"
                if name in MAY_BE_EMPTY:
                    skipped.append(where)
                    continue
                if number:  # the page again for its next form
                    page.goto(base + url)
                button = main_button(form)
                index = None if button is None else form.xpath(".//button").index(button)
                handle = page.locator("main form").nth(every_form.index(form))
                try:
                    with page.expect_navigation(wait_until="load"):
                        handle.evaluate(SEND_EMPTY, index)
                except PlaywrightError as error:
                    wrong.append(f"{where}: the form was not sent ({error.message.splitlines()[0]})")
                    continue
                if urlsplit(page.url).path != urlsplit(base + action).path:
                    wrong.append(f"{where}: an empty form led to {page.url}")
                    continue
                wrong.extend(f"{where}: {problem}" for problem in _problems(page))
                checked.append(where)
    finally:
        for trail in trails:
            trail.stop()
        for page in pages.values():
            page.context.close()
    elapsed = time.monotonic() - started
    print(f"{len(checked)} forms sent empty in Chromium ({len(skipped)} may be empty) in {elapsed:.0f} s")
    assert not wrong, "\n".join(wrong)
    # As many forms as the server-side test checks (its own floor): a form that stops being found
    # (or a page that stops opening) lowers the count.
    assert len(checked) >= 40, checked
    for trail in trails:
        trail.assert_every_read_recorded()
