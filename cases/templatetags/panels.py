"""`{% panels "slot" name=value %}`: what the apps above `cases` registered for a slot of its pages."""

from typing import Any, cast

from django import template
from django.template.loader import get_template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from cases.panels import panels_in

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, **kwargs: object) -> SafeString:
    """Each panel of `slot` rendered with the page's context, `kwargs` and the panel's own context."""
    # A template context's keys are names.
    page = cast(dict[str, Any], context.flatten()) | kwargs
    rendered = []
    for panel in panels_in(slot):
        values: dict[str, Any] = dict(page)
        if panel.context is not None:
            extra = panel.context(**values)
            if extra is None:
                continue
            values |= extra
        # Without the request: the page's context processors have run already (no queries again).
        rendered.append((get_template(panel.template).render(values),))
    return format_html_join("", "{}", rendered)
