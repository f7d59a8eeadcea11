"""One way to read a page number and paginate, whatever the query string says.

A number out of range (beyond the last page, beyond what a database's OFFSET can hold, zero or
negative) answers the last page; one that is no number answers the first, as Django's
`Paginator.get_page` does.
"""

import re
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

# Beyond any list's last page, and small enough that OFFSET = (number - 1) × page size fits every
# database's integers: pages past it are read as this one, which `get_page` turns into the last.
MAX_PAGE_NUMBER = 1_000_000
_NUMBER = re.compile(r"-?[0-9]+")


def page_number(value: object) -> int:
    """The page asked for: 1 when it is no number; MAX_PAGE_NUMBER (read as the last page) when it
    is out of range."""
    text = "" if value is None else str(value).strip()
    if not _NUMBER.fullmatch(text):
        return 1
    if len(text) > 12 or not 1 <= int(text) <= MAX_PAGE_NUMBER:
        return MAX_PAGE_NUMBER
    return int(text)


def paginate(
    request: HttpRequest, object_list: Sequence[Any] | QuerySet[Any], per_page: int, *, param: str = "page"
) -> Page[Any]:
    """The page of `object_list` the query string asks for (`?page=`), always an existing one."""
    return Paginator(object_list, per_page).get_page(page_number(request.GET.get(param)))
