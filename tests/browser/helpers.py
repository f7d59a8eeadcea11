"""Helpers for the browser journeys: log in through the real form, check a page with axe-core,
save a screenshot, and small readers of what the page shows."""

import re
import subprocess
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# WCAG 2.0 and 2.1, levels A and AA: what Polish public bodies must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def login(page: Page, base: str, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the login page, as a person would, and land on the start page."""
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    axe_check(page)
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(heading(page)).to_contain_text("Witamy")
    axe_check(page)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            lines.append(f"       {summary}")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    page.wait_for_load_state("load")
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def axe_check(page: Page) -> None:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: 0 violations."""
    violations = axe_violations(page)
    if violations:
        report = format_violations(violations)
        print(f"axe on {page.url}:\n{report}")
        raise AssertionError(f"{len(violations)} accessibility violation(s) on {page.url}:\n{report}")


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under test-artifacts/screenshots/ (kept by CI, ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def pdf_text(path: Path | str) -> str:
    """The text of a PDF as pdftotext reads it (Polish letters survive)."""
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def no_horizontal_scroll(page: Page) -> tuple[int, int]:
    """(scrollWidth, viewport width) of the document, for asserting nothing sticks out sideways."""
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def label(text: str) -> re.Pattern:
    """A field's accessible name as crispy forms writes it: the label, then `*` when required."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def field(scope, text: str):
    """The form control labelled `text` (exactly, ignoring the required-field star) within `scope`."""
    return scope.get_by_label(label(text))


def nav_link(page: Page, name: str):
    """A link of the main navigation bar."""
    return page.get_by_role("navigation", name="Nawigacja główna").get_by_role("link", name=name)


def todo_item(page: Page, text: str):
    """The link of the start page's "Do zrobienia" list whose text contains `text`."""
    todo = page.get_by_role("region", name=re.compile(r"^Do zrobienia"))
    return todo.get_by_role("link").filter(has_text=text)


def heading(page: Page):
    """The page's title (its only h1)."""
    return page.get_by_role("heading", level=1)


def expect_message(page: Page, text: str) -> None:
    """The flash message after an action (role=status, or role=alert for errors)."""
    expect(page.locator("main .messages")).to_contain_text(text)


def tiny_png() -> bytes:
    """A real 8×8 PNG (a grey square), made here so the test needs no fixture file."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


FOCUSED_NAME_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const byLabel = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return (el.getAttribute("aria-label") || byLabel || el.innerText || el.value || "").trim();
}"""


def focused_name(page: Page) -> str:
    """The visible name of the element that has the keyboard focus."""
    return re.sub(r"\s+", " ", page.evaluate(FOCUSED_NAME_JS)).rstrip("*").strip()


def tab_to(page: Page, name: str, *, limit: int = 80) -> None:
    """Press Tab (only Tab) until the focus reaches the control named `name`."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused_name(page)
        if current == name:
            return
        seen.append(current)
    raise AssertionError(f"Tab never reached {name!r}; the focus went through: {seen}")


def open_case(page: Page, family: str) -> None:
    """From the start page's list of the assistant's families to the family's case page."""
    nav_link(page, "Start").click()
    axe_check(page)
    # Each family is named with its street there ("Kowalscy (ul. Lipowa 3)").
    families = page.get_by_role("region", name="Moje rodziny")
    families.get_by_role("link", name=re.compile(rf"^{re.escape(family)}( \(|$)")).click()
    expect(heading(page)).to_have_text(f"Sprawa – rodzina {family}")
    axe_check(page)


def back_to_case(page: Page) -> None:
    """Back to the case page through the breadcrumb: its "Sprawa" link, or on the visit pages the
    family's name, which leads to the case there."""
    breadcrumb = page.get_by_role("navigation", name="Ścieżka nawigacji")
    case_link = breadcrumb.get_by_role("link", name="Sprawa", exact=True)
    (case_link if case_link.count() else breadcrumb.get_by_role("link").first).click()
    expect(heading(page)).to_contain_text("Sprawa – rodzina")
    axe_check(page)
