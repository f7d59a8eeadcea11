"""Panels, buttons and links that the apps above `cases` show on its pages.

A page of `cases` names a slot (`{% panels "case-actions" case=case %}`, see
`cases/templatetags/panels.py`); an app above registers what goes there in its
`AppConfig.ready()`, so that `cases` names none of its templates or URLs (style.md, "Apps are
rooms"). The slots and what each page passes to them:

- "case-actions" (case): buttons at the top of the case page, before its own;
- "case-facts" (case): `<dt>`/`<dd>` rows of the case's summary;
- "case-links" (case): links under the summary;
- "case-sections" (case): sections under the work panel;
- "family-actions" (family): buttons of the family page, before its own;
- "family-member" (member): links next to a member's name on the family page;
- "family-sections" (family): sections of the family page after its cases;
- "visit-sections" (visit, case, user): sections of a visit's page (visits, which uses these slots);
- "plan-sections" (plan, case, user): sections of a work plan's page;
- "removed-records" (request, user): sections of the manager's page of removed records; a
  panel records the access to each record it shows (`asystent.audit.log_accesses`).
"""

from collections.abc import Callable
from dataclasses import dataclass

# Given the page's context (with the slot's arguments), the panel's own context; None to show nothing.
PanelContext = Callable[..., dict | None]


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: PanelContext | None
    order: int


_panels: dict[str, list[Panel]] = {}


def register(slot: str, *, template: str, context: PanelContext | None = None, order: int = 100) -> None:
    """Show `template` in `slot`, with the page's context and what `context(**page_context)` adds."""
    panels = _panels.setdefault(slot, [])
    if any(panel.template == template for panel in panels):
        return  # ready() may run twice (tests, management commands): register once
    panels.append(Panel(slot=slot, template=template, context=context, order=order))
    panels.sort(key=lambda panel: (panel.order, panel.template))


def panels_in(slot: str) -> list[Panel]:
    """The panels of `slot`, in order (then by template, so the order never depends on the apps')."""
    return list(_panels.get(slot, ()))
