"""Optimistic locking: a row with a `version` counter counts each change, and a change made from a
form opened at an older version is refused, so the first of two concurrent saves is kept rather
than silently overwritten by the second."""

from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.expressions import CombinedExpression
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STALE_MESSAGE = _(
    "Someone else changed this record while you were editing it. Your changes have not been saved."
)


class Versioned(Protocol):
    version: int


def bump_version(
    obj: Versioned,
    expected: int | None = None,
    *,
    message: "StrOrPromise" = STALE_MESSAGE,
    error: type[ValidationError] = ValidationError,
    code: str = "stale_version",
) -> None:
    """Count one change of `obj`, read under `select_for_update` by the caller. With `expected`
    (the version the person's form was opened at), refuse the change with `error(message)` when
    the row has changed since."""
    check_version(obj, expected, message=message, error=error, code=code)
    obj.version += 1


def check_version(
    obj: Versioned,
    expected: int | None,
    *,
    message: "StrOrPromise" = STALE_MESSAGE,
    error: type[ValidationError] = ValidationError,
    code: str = "stale_version",
) -> None:
    """Refuse a change made from a form opened at version `expected` (None: nothing to check)
    when `obj` has changed since; `bump_version` checks and counts in one step."""
    if expected is not None and obj.version != expected:
        raise error(message, code=code)


def bumped_version() -> CombinedExpression:
    """The next version in a bulk `QuerySet.update()`: every row updated counts one change."""
    return F("version") + 1
