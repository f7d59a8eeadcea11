"""One check of the one way forms show errors (templates/_form_errors.html, the GOV.UK error
summary pattern), for every test of a form sent with errors."""

from collections.abc import Iterable

import lxml.html
from django.http import HttpResponse


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def assert_error_summary(
    response: HttpResponse | str, fields: Iterable[str] = (), *, exact: bool = False
) -> lxml.html.HtmlElement:
    """The page answers a form sent with errors as every form does:

    - its <title> starts with "Błąd:" ("Error:" on a page in English);
    - one summary ([data-form-errors]) comes before the form's first field, can take the focus
      (tabindex="-1", which static/js/asystent.js gives it) and has a heading;
    - for each field named (its id without "id_", e.g. "reason" or "members-0-last_name"; a radio
      group's first button, "rating_3_0"), the summary links to "#id_<field>", the page has that
      element, and the link's message is shown again outside the summary (at the field);
    - a message that belongs to no field is in the summary only, never twice.

    `exact` also requires that the summary links to no other field. Returns the summary."""
    html = response if isinstance(response, str) else response.content.decode()
    page = lxml.html.document_fromstring(html)
    title = _text(page.find(".//title"))
    prefix = "Error:" if page.get("lang") == "en" else "Błąd:"  # tests that read the English source
    assert title.startswith(prefix), f"the title does not start with {prefix!r}: {title!r}"

    summaries = page.xpath("//*[@data-form-errors]")
    assert len(summaries) == 1, f"{len(summaries)} error summaries on the page"
    summary = summaries[0]
    assert summary.get("tabindex") == "-1", "the summary cannot take the focus"
    assert summary.xpath(".//h2"), "the summary has no heading"
    first_field = page.xpath("//form//*[self::input[not(@type='hidden')] or self::select or self::textarea]")
    if first_field:
        order = list(page.iter())
        assert order.index(summary) < order.index(first_field[0]), "the summary comes after a field"

    links = {}  # href: the message (without the field's label)
    for link in summary.xpath(".//a"):
        label = "".join(_text(span) for span in link.xpath(".//*[@class='error-summary-field']"))
        links[link.get("href")] = _text(link).removeprefix(label).strip()
    for field in fields:
        href = f"#id_{field}"
        assert href in links, f"the summary has no link to {href}: {sorted(links)}"
        assert page.get_element_by_id(f"id_{field}", None) is not None, f"no element {href} on the page"
    for href in links:
        assert href.startswith("#") and page.get_element_by_id(href[1:], None) is not None, (
            f"the summary's link {href} leads nowhere"
        )
    if exact:
        assert sorted(links) == sorted(f"#id_{field}" for field in fields), sorted(links)

    # Each field's message again at the field: the page without the summary still says it.
    summary.getparent().remove(summary)
    rest = _text(page.find(".//body"))
    for href, message in links.items():
        assert message in rest, f"{href}: {message!r} is not shown at the field"
    for item in summary.xpath(".//li[not(a)]"):
        assert _text(item) not in rest, f"{_text(item)!r} is shown twice"
    return summary
