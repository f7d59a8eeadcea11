"""`{% nav_links "menu" as links %}` and `{% blocks "slot" %}`: the registered links and blocks
(asystent.navigation) for the user of the page."""

from dataclasses import dataclass, field
from typing import Any, cast

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django_stubs_ext import StrOrPromise

from asystent.navigation import blocks_in, links_for

register = template.Library()


@dataclass(frozen=True)
class ShownLink:
    label: StrOrPromise
    url: str
    icon: str
    active: bool
    children: list["ShownLink"] = field(default_factory=list)


def _shown(menu: str, user: Any, view_name: str) -> list[ShownLink]:
    return [
        ShownLink(
            label=link.label,
            url=reverse(link.url_name) if link.url_name else "",
            icon=link.icon,
            active=link.highlight and link.url_name == view_name,
            children=_shown(link.submenu, user, view_name) if link.submenu else [],
        )
        for link in links_for(menu, user)
    ]


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context, menu: str) -> list[ShownLink]:
    """The links of `menu` that the page's user sees (none for an anonymous visitor)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return []
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return _shown(menu, user, match.view_name if match else "")


@register.simple_tag(takes_context=True)
def blocks(context: template.Context, slot: str) -> SafeString:
    """Each block of `slot` rendered with the page's context and the block's own context."""
    # A template context's keys are names.
    page = cast(dict[str, Any], context.flatten())
    rendered = []
    for block in blocks_in(slot):
        values = dict(page)
        if block.context is not None:
            extra = block.context(**values)
            if extra is None:
                continue
            values |= extra
        rendered.append((get_template(block.template).render(values),))
    return format_html_join("", "{}", rendered)
