"""Every change of the staff records: one function each, validating the record in full."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet, Sum

from asystent.models import User

from .models import Cost, Development, Employment, Qualification


def _save(record):  # noqa: ANN001, ANN202
    record.full_clean()
    record.save()
    return record


def record_employment(*, assistant: User, by: User, **fields) -> Employment:  # noqa: ANN003
    with transaction.atomic():
        # One assistant's periods are checked for overlap under a lock of their row.
        User.objects.select_for_update().filter(pk=assistant.pk).first()
        return _save(Employment(assistant=assistant, **fields))


def end_employment(*, employment: Employment, on: dt.date, by: User) -> Employment:
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=employment.assistant_id).first()
        employment.ended_on = on
        return _save(employment)


def record_qualification(*, assistant: User, by: User, **fields) -> Qualification:  # noqa: ANN003
    return _save(Qualification(assistant=assistant, recorded_by=by, **fields))


def record_development(*, assistant: User, by: User, **fields) -> Development:  # noqa: ANN003
    return _save(Development(assistant=assistant, **fields))


def record_cost(*, by: User, **fields) -> Cost:  # noqa: ANN003
    return _save(Cost(entered_by=by, **fields))


# --- reads -------------------------------------------------------------------------------------


def employments_during(start: dt.date, end: dt.date) -> QuerySet[Employment]:
    """The employment periods in force on at least one day of [start, end]."""
    return Employment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lte=end)


def without_qualifications(assistants: QuerySet[User]) -> QuerySet[User]:
    """The assistants among `assistants` with no qualification recorded."""
    return assistants.filter(qualifications__isnull=True)


def developments_during(start: dt.date, end: dt.date, assistant: User | None = None) -> QuerySet[Development]:
    qs = Development.objects.filter(date__gte=start, date__lte=end).select_related("assistant")
    return qs.filter(assistant=assistant) if assistant else qs


def hours_of(developments: QuerySet[Development]) -> dict[str, Decimal]:
    """Total hours by kind (training, supervision) and in all."""
    totals = dict(developments.order_by().values_list("kind").annotate(h=Sum("hours")))
    return {**totals, "all": sum(totals.values(), Decimal(0))}


def costs_during(start: dt.date, end: dt.date) -> QuerySet[Cost]:
    return Cost.objects.filter(month__gte=start.replace(day=1), month__lte=end)
