"""Sane ranges for every date and time the application records, in one place.

A date typed as 0001-01-01 or 9999-12-31 is accepted by Django's fields, but PostgreSQL then
stores a timestamp before the Common Era that Python cannot read back, and a case dated so shows
up on the next destruction protocol. So each date has a range: births from 1900, the records of
the work from 2000 (the Act on family support dates from 2011; older files are migrated with their
real dates) and, where the event has happened, not after today; planned dates and deadlines until
the end of 2100. Forms check the range at the field (`DateRange` validators, `DateRangeFormMixin`
for model forms), the database by `range_constraints` (without "today", which a constraint cannot
hold), so neither a form nor a script or the admin can store a date that breaks a file.
"""

import datetime as dt
from typing import Any

import holidays
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

BIRTH_FLOOR = dt.date(1900, 1, 1)
RECORD_FLOOR = dt.date(2000, 1, 1)
CEILING = dt.date(2100, 12, 31)


def _day(value: dt.date | dt.datetime) -> dt.date:
    # The calendar day as typed: converting a datetime of year 1 to another zone overflows.
    return value.date() if isinstance(value, dt.datetime) else value


@deconstructible(path="asystent.dates.DateRange")
class DateRange:
    """A validator of a date or a date and time: not before `floor`, not after `ceiling` and, for
    an event that has happened (`past`), not after today."""

    def __init__(
        self, floor: dt.date = RECORD_FLOOR, *, past: bool = False, ceiling: dt.date = CEILING
    ) -> None:
        self.floor = floor
        self.past = past
        self.ceiling = ceiling

    def __call__(self, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        day = _day(value)
        if day < self.floor:
            raise ValidationError(
                _("Give a date not earlier than %(floor)s."),
                code="too_early",
                params={"floor": self.floor.strftime("%d.%m.%Y")},
            )
        if self.past and day > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."), code="future")
        if day > self.ceiling:
            raise ValidationError(
                _("Give a date not later than %(ceiling)s."),
                code="too_late",
                params={"ceiling": self.ceiling.strftime("%d.%m.%Y")},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRange) and (self.floor, self.past, self.ceiling) == (
            other.floor,
            other.past,
            other.ceiling,
        )

    def __hash__(self) -> int:
        return hash((self.floor, self.past, self.ceiling))


# A birth: from 1900 until today.
BIRTH = DateRange(BIRTH_FLOOR, past=True)
# Something that has happened in the work with a family: from 2000 until today.
PAST = DateRange(RECORD_FLOOR, past=True)
# A planned date or a deadline: from 2000 until the end of 2100.
PLANNED = DateRange(RECORD_FLOOR)


def range_constraints(
    prefix: str, *fields: str, floor: dt.date = RECORD_FLOOR
) -> list[models.CheckConstraint]:
    """One CheckConstraint per field (a date or a date and time; NULL passes) keeping it within
    [floor, CEILING]; named `<prefix>_<field>_in_range`."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__gte": floor, f"{field}__lt": CEILING + dt.timedelta(days=1)}),
            name=f"{prefix}_{field}_in_range",
            violation_error_message=_("The date is outside the range the application accepts."),
        )
        for field in fields
    ]


def datetime_range_constraints(prefix: str, *fields: str) -> list[models.CheckConstraint]:
    """`range_constraints` for date-and-time fields: the bounds as moments in UTC."""
    floor = dt.datetime.combine(RECORD_FLOOR, dt.time(), tzinfo=dt.UTC)
    ceiling = dt.datetime.combine(CEILING + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__gte": floor, f"{field}__lt": ceiling}),
            name=f"{prefix}_{field}_in_range",
            violation_error_message=_("The date is outside the range the application accepts."),
        )
        for field in fields
    ]


class DateRangeFormMixin:
    """For model forms: each date field checks its model field's range at the field, before the
    form's own `clean()` compares dates (a year-9999 date plus a day would overflow there)."""

    fields: dict[str, forms.Field]
    _meta: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, forms.DateField | forms.DateTimeField):
                continue
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            # The range only: "not in the future" stays with the model (or the form's own
            # message), checked once the field has passed.
            ranges = [
                DateRange(v.floor, ceiling=v.ceiling)
                for v in model_field.validators
                if isinstance(v, DateRange)
            ]
            field.validators = [*field.validators, *(v for v in ranges if v not in field.validators)]


def ensure_not_before(day: dt.date | dt.datetime | None, opened_on: dt.date | None) -> None:
    """A case's events (consent, refusal, withdrawal, closure, the end of monitoring) cannot
    precede its opening: a backdated closure would put a new case on the next destruction
    protocol."""
    if day is None or opened_on is None:
        return
    if _day(day) < opened_on:
        raise ValidationError(
            _("This date cannot be before the case was opened (%(date)s)."),
            code="before_opening",
            params={"date": opened_on.strftime("%d.%m.%Y")},
        )


# --- working days ------------------------------------------------------------------------------
#
# Deadlines counted in working days (the community interview after a report:
# referrals.models.FamilyReport) skip Saturdays, Sundays and Polish public holidays. The holidays
# are those of the Act of 18 January 1951 on days free from work (24 December too since 2025),
# from the `holidays` package, kept current by its maintainers rather than copied here.

_PL_HOLIDAYS = holidays.Poland()  # fills in each year on the first look-up
_PL_HOLIDAY_NAMES = holidays.Poland(language="pl")


def is_public_holiday(day: dt.date) -> bool:
    """A Polish public holiday (the Act of 18 January 1951 on days free from work)."""
    return day in _PL_HOLIDAYS


def holiday_name(day: dt.date) -> str:
    """The holiday's name in Polish (from the `holidays` package), or ''."""
    return str(_PL_HOLIDAY_NAMES.get(day) or "") if day in _PL_HOLIDAYS else ""


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, except Polish public holidays."""
    return day.weekday() < 5 and day not in _PL_HOLIDAYS


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day `n` working days after `start` (before it when n < 0); `start` itself is not
    counted, so a 14-working-day deadline for an interview is `add_working_days(learned_on, 14)`."""
    step = dt.timedelta(days=1 if n >= 0 else -1)
    day = start
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day
