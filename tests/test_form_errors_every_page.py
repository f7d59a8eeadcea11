"""Every form shows its errors one way (templates/_form_errors.html, the GOV.UK error summary
pattern; the check is tests/helpers.assert_error_summary).

Two sources of forms: every page of the route matrix (tests/test_route_matrix.py) that someone may
open is read, and each form on it that sends data (method="post", with fields) is sent back as a
person who filled in nothing would send it: every field empty, the hidden fields and the form's
main button as the page gave them. And the main forms of tests/test_fuzz_forms.py are sent with
text past the limit of their first and last text fields, which must be named in the summary."""

from collections.abc import Iterator
from urllib.parse import urljoin

import lxml.html
import pytest
from django.db import transaction

from .helpers import assert_error_summary
from .test_route_matrix import ROLES, ROUTES, World, _as, _media_in_tmp, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# Forms that may be sent empty: nothing in them is required, so an empty one is saved.
MAY_BE_EMPTY = {
    "notifications:preferences",  # every kind of notice switched off is a choice
    "cases:family-list",  # the search
    "assistant-limit",  # no personal limit: the centre's applies
    "reports:annual",  # the annual report's own texts are optional
    "cooperation:procedure-edit",  # each step's date stays empty until the step is taken
    "documents:monthly-reports",  # a button: the report of the month shown
    "timesheets:index",  # buttons: open the current month's time sheet or mileage log
    "timesheets:sheet",  # an empty day is a day without hours
    "timesheets:log",  # the button that fills the trips in from the month's visits
    "cooperation:visit-institutions",  # no institution took part: none ticked
    "cooperation:plan-institutions",  # no institution takes part in the plan: none ticked
}
TEXT_INPUTS = {
    "text",
    "date",
    "time",
    "datetime-local",
    "number",
    "email",
    "tel",
    "url",
    "password",
    "search",
    None,
}


def _post_forms(html: str | lxml.html.HtmlElement) -> list[lxml.html.FormElement]:
    page = lxml.html.document_fromstring(html) if isinstance(html, str) else html
    return [
        form
        for form in page.xpath("//main//form")
        if (form.get("method") or "").lower() == "post"
        and form.xpath(".//textarea | .//select | .//input[not(@type='hidden') and not(@type='submit')]")
    ]


def _empty_submission(form: lxml.html.FormElement) -> dict[str, list[str]]:
    """What the browser sends for the form with every field left empty."""
    data: dict[str, list[str]] = {}
    for element in form.xpath(".//input | .//select | .//textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        kind = element.get("type", "text").lower() if element.tag == "input" else element.tag
        if kind == "hidden":
            data.setdefault(name, []).append(element.get("value", ""))
        elif kind in TEXT_INPUTS or kind in ("textarea", "select"):
            data.setdefault(name, []).append("")
    button = main_button(form)
    if button is not None:
        data[button.get("name")] = [button.get("value", "")]
    return data


def main_button(form: lxml.html.FormElement) -> lxml.html.HtmlElement | None:
    """The form's main (primary, named) button, sent with the form; None: no button is sent."""
    buttons = form.xpath(
        ".//button[@type='submit' and @name and not(@formnovalidate) and contains(@class, 'btn-primary')]"
        " | .//button[not(@type) and @name and contains(@class, 'btn-primary')]"
    )
    return buttons[0] if buttons else None


def form_pages(built: World) -> Iterator[tuple[str, str, str]]:
    """(route, role, URL) of every page of the route matrix that someone may open, opened as the
    first role that may (tests/browser/test_form_errors_in_chromium.py sends them in Chromium)."""
    for name, expect in sorted(ROUTES.items()):
        if expect.method != "get" or 200 not in expect.codes:
            continue
        role = ROLES[expect.codes.index(200)]
        for url in expect.urls(built, name):
            yield name, role, url


def test_every_form_sent_empty_answers_with_the_error_summary(client, world):  # noqa: F811
    checked, wrong = [], []
    for name, role, url in form_pages(world):
        _as(client, world, role)
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        for form in _post_forms(page.content.decode()):
            action = urljoin(url, form.get("action") or url)
            with transaction.atomic():
                response = client.post(action, _empty_submission(form))
                if (
                    response.status_code == 302
                    and name not in MAY_BE_EMPTY
                    and urljoin(action, response["Location"]) == action
                ):
                    # Saved as a draft and opened afresh (a reload sends nothing again): the
                    # reopened page shows what stopped the submission (the court opinion).
                    response = client.get(action)
                transaction.set_rollback(True)
            where = f"{name} ({role}) -> {action}"
            if response.status_code == 302 and name in MAY_BE_EMPTY:
                continue
            if response.status_code != 200:
                wrong.append(f"{where}: an empty form answered {response.status_code}")
                continue
            try:
                assert_error_summary(response)
            except AssertionError as error:
                wrong.append(f"{where}: {error}")
            checked.append(where)
    assert not wrong, "\n".join(wrong)
    # The route matrix's pages hold this many forms with fields: a form that stops being found
    # (or a page that stops opening) lowers the count.
    assert len(checked) >= 40, checked
