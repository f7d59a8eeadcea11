"""The cells of the caseload dashboard's table, rendered in Python.

A page shows 25 assistants with a caseload bar and six figures each; as template tags (an `if`
per figure, a link, its classes) or even as `format_html` calls they cost more than every query
of the page together. The cells hold integers (counts and days, formatted with `%d`), the
metrics' fixed keys, fixed translated words and escaped text (the assistant's name, the
drill-down list's address), so they are put together with plain string formatting; the table's
structure, headers and captions stay in the template.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from reports.dashboard import AssistantRow

register = template.Library()

NO_VALUE = '<td class="text-end"><span class="text-body-secondary">—</span></td>'


@register.simple_tag
def figure_cells(row: AssistantRow, list_url: str, links: bool) -> SafeString:
    """A row's figures after the caseload: each a link to the cases behind it when `links`
    (the manager), alerts (overdue work) in bold red, "—" for no value."""
    url = escape(list_url)
    assistant = int(row.assistant.pk)
    cells = []
    for metric, value, alert in row.cells:
        if value is None:
            cells.append(NO_VALUE)
            continue
        css = f"figure-{metric} fw-bold text-danger" if alert else f"figure-{metric}"
        if links:
            cells.append(
                f'<td class="text-end"><a href="{url}?assistant={assistant}&amp;metric={metric}"'
                f' class="{css}">{int(value):d}</a></td>'
            )
        else:
            cells.append(f'<td class="text-end"><span class="{css}">{int(value):d}</span></td>')
    return mark_safe("".join(cells))  # noqa: S308  # nosec B308 B703 - integers, fixed keys, an escaped URL


BADGES = {"danger": gettext_noop("at the limit"), "warning": gettext_noop("near the limit")}


@register.simple_tag
def caseload_cell(row: AssistantRow, list_url: str, links: bool) -> SafeString:
    """The caseload against the limit: a bar (red at the limit, amber near it) with its numbers
    as text, a link to the families when `links`, and the level in words."""
    load, limit = int(row.load), int(row.limit)
    figure = f"{load:d} / {limit:d}"
    if links:
        figure = (
            f'<a href="{escape(list_url)}?assistant={int(row.assistant.pk):d}&amp;metric=caseload"'
            f' class="text-nowrap caseload-figure">{figure}</a>'
        )
    else:
        figure = f'<span class="text-nowrap caseload-figure">{figure}</span>'
    level = row.level  # a fixed Bootstrap colour name
    badge = ""
    if level in BADGES:
        badge = f' <span class="badge text-bg-{level}">{escape(gettext(BADGES[level]))}</span>'
    return mark_safe(  # noqa: S308  # nosec B308 B703 - integers, fixed names and escaped text
        '<td><div class="d-flex align-items-center gap-2">'
        f'<div class="progress flex-grow-1" role="progressbar" aria-label="{escape(row.bar_label)}"'
        f' aria-valuenow="{load:d}" aria-valuemin="0" aria-valuemax="{limit:d}"'
        ' style="height: 1rem; min-width: 5rem">'
        f'<div class="progress-bar bg-{level}" style="width: {int(row.percent):d}%"></div></div>'
        f"{figure}{badge}</div></td>"
    )
