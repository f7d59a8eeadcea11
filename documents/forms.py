"""Input of the documents' pages: the month of a visit log."""

import re

MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")


def parse_month(value: str | None) -> tuple[int, int] | None:
    """(year, month) from "2026-11", or None when it is not a valid month."""
    match = MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match["year"]), int(match["month"])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return year, month
