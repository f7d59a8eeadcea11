"""`{{ value|day }}`: a date written as everywhere else, dd.mm.rrrr, also when it comes as the
ISO text of an export ("2026-12-07"), e.g. in the subject-access PDF made from the JSON data."""

import datetime as dt
from typing import Any

from django import template

register = template.Library()


@register.filter
def day(value: Any) -> str:
    """dd.mm.rrrr of a date, a datetime or ISO text; anything else as it is ("" for nothing)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)
