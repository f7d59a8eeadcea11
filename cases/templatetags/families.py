"""`{{ family|family_label }}`: a family's name with its street, so that families of the same
surname are told apart wherever they are listed (queue, notifications, lists, start page)."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def family_label(family: Any) -> str:
    """The family's name and street ("Kowalscy (ul. Lipowa 3)"); a case is labelled by its family."""
    if family is None:
        return ""
    family = getattr(family, "family", family)  # a case, a referral, a court request...
    label = getattr(family, "label", None)
    return str(label) if label is not None else str(family)
