"""The semi-annual report's figures, stored so that its pages compute them only when the data
behind them has changed.

**Data stamps.** Every half-year has a stamp (`ReportStamp`): a random token, replaced in the same
transaction whenever a record that counts in that half-year's figures is created, changed or
deleted: a case (its family, legal basis, opening, start, closure and reason for closure), an
assignment (its assistant and dates), a period of a case's legal basis (its basis and dates), a
family member (family, relation, date of birth, removal), an assistant's form of employment. The
signal handlers below work out which half-years a change touches by comparing the record's part in
each half-year's figures before and after the change: a case opened or closed today renews the
current half-year's stamp and leaves the reports of finished half-years alone, while a late
correction (a closure recorded with last year's date, a child's date of birth corrected) renews
exactly the finished half-years whose figures it changes.

**Snapshots.** A period's figures (`ReportSnapshot`) are stored with the stamps of its half-years
(a whole year: both) as read *before* the computation, and served while those stamps are
unchanged. Tokens become visible only when the transaction that wrote them commits, together with
its data, so a change committed while the figures were being computed leaves the stored stamp
out of date: the next reader computes again. A stored snapshot never outlives a change it missed.

**Writes that send no signal.** The retention job erases personal data with `QuerySet.update()`:
on purpose it renews nothing, so the stored figures of earlier periods stay as they were (it
truncates dates of birth to the year, which must not change a past report). The services that end
assignments with `update()` save the case in the same transaction (its closure, or the new
assignment of a reassignment), which renews every half-year that the ended assignments touch.
Bulk loaders call `renew_for_created()` for the records they create with `bulk_create`, or
`forget_all()` (raw SQL). As a safety net, the figures of a period that had not ended when they
were computed are kept for at most `ONGOING_MAX_AGE`.
"""

import datetime as dt
import uuid
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from asystent.meta import concrete_field
from cases.enums import Relation
from cases.models import Assignment, Case, FamilyMember, LegalBasisPeriod
from staff.models import Employment

from .models import ReportSnapshot, ReportStamp
from .semiannual.form import children_born_after
from .statistics import COUNTED, Figure, Period, cost_figures, duration_band, semiannual_report

# The figures of a period still in progress are computed again after this long even if no change
# was signalled (a safety net for writes that bypass `save()`).
ONGOING_MAX_AGE = dt.timedelta(minutes=15)
# The stamp every snapshot also carries: `forget_all()` renews it.
ALL = "*"
# Half-years are numbered 2 * year + (0 for H1, 1 for H2); changes outside these years renew nothing
# (a period outside them cannot be chosen: `Period` refuses it).
FIRST_HALF, LAST_HALF = 2000 * 2, 2100 * 2 + 1


@dataclass(frozen=True)
class StoredReport:
    figures: list[Figure]
    computed_at: dt.datetime


# --- reading ------------------------------------------------------------------------------------


def _stamp_keys(period: Period) -> list[str]:
    halves = [f"{period.year}-H1", f"{period.year}-H2"] if period.part == "Y" else [period.key]
    return [ALL, *halves]


def _stamp(tokens: Iterable[str | None]) -> str:
    return "|".join(token or "-" for token in tokens)


def _still_valid(period: Period, computed_at: dt.datetime, now: dt.datetime) -> bool:
    computed_on = timezone.localdate(computed_at)
    return period.end < computed_on or now - computed_at <= ONGOING_MAX_AGE


def report_figures(period: Period) -> StoredReport:
    """The period's figures: the counted ones stored while the data behind them is unchanged (one
    query), else computed (`statistics.semiannual_report`) and stored; then the costs, read from
    their entries (one more query)."""
    stored = counted_figures(period)
    return StoredReport(stored.figures + cost_figures(period), stored.computed_at)


def counted_figures(period: Period) -> StoredReport:
    now = timezone.now()
    if period.start > timezone.localdate(now):
        # The exports take any period; one that has not begun is computed but never stored.
        return StoredReport(semiannual_report(period), now)
    keys = _stamp_keys(period)
    tokens = {
        f"token_{position}": Subquery(ReportStamp.objects.filter(half=key).values("token")[:1])
        for position, key in enumerate(keys)
    }
    row = (
        ReportSnapshot.objects.filter(period=period.key)
        .annotate(**tokens)
        .values("stamp", "figures", "computed_at", *tokens)
        .first()
    )
    if row is None:
        current = dict(ReportStamp.objects.filter(half__in=keys).values_list("half", "token"))
        stamp = _stamp(current.get(key) for key in keys)
    else:
        stamp = _stamp(row[name] for name in tokens)
        stored = row["figures"]
        valid = row["stamp"] == stamp and _still_valid(period, row["computed_at"], now)
        if valid and set(stored) == set(COUNTED):  # a figure added to the form: compute again
            figures = [Figure(definition, stored[key]) for key, definition in COUNTED.items()]
            return StoredReport(figures, row["computed_at"])
    # The stamp was read above, before the computation: see the module's docstring.
    figures = semiannual_report(period)
    ReportSnapshot.objects.bulk_create(
        [
            ReportSnapshot(
                period=period.key,
                stamp=stamp,
                figures={figure.key: figure.value for figure in figures},
                computed_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["period"],
        update_fields=["stamp", "figures", "computed_at"],
    )
    return StoredReport(figures, now)


# --- renewing the stamps ----------------------------------------------------------------------


def _half(day: dt.date) -> int:
    return day.year * 2 + (day.month > 6)


def _half_key(half: int) -> str:
    return f"{half // 2}-H{half % 2 + 1}"


def _half_days(half: int) -> tuple[dt.date, dt.date]:
    year = half // 2
    if half % 2:
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    return dt.date(year, 1, 1), dt.date(year, 6, 30)


def _renew(keys: Iterable[str]) -> None:
    rows = [ReportStamp(half=key, token=uuid.uuid4().hex) for key in sorted(set(keys))]
    if rows:
        ReportStamp.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["half"], update_fields=["token"]
        )


def renew_halves(halves: Iterable[int]) -> None:
    """Renew the stamps of these half-years (numbered as `_half`)."""
    _renew(_half_key(half) for half in halves if FIRST_HALF <= half <= LAST_HALF)


def forget_all() -> None:
    """Make every stored report stale: for loaders that write case data without `save()`."""
    _renew([ALL])


def _last_half() -> int:
    """The last half-year whose figures may be stored: the second half of the current year (a
    whole year is stored from January on), or later if a record has later dates."""
    return _half(dt.date(timezone.localdate().year, 12, 31))


def _changed_halves(part: Callable, old: tuple | None, new: tuple | None) -> set[int]:
    """The half-years in which the record's part in the figures differs between `old` and `new`
    (each a tuple of field values, None when the record does not exist)."""
    if old == new:
        return set()
    days = [value for state in (old, new) if state for value in state if isinstance(value, dt.date)]
    # From the first half of the earliest year: a part may differ for the whole year (a child).
    first = max(FIRST_HALF, min((day.year * 2 for day in days), default=FIRST_HALF))
    last = min(LAST_HALF, max([_last_half(), *(_half(day) for day in days)]))
    changed = set()
    for half in range(first, last + 1):
        start, end = _half_days(half)
        if (part(old, start, end) if old else None) != (part(new, start, end) if new else None):
            changed.add(half)
    return changed


def _working_halves(began: dt.date | None, closed: dt.date | None) -> range:
    if began is None:  # the work never began: the case counts nowhere
        return range(0)
    return range(_half(began), _half(closed) + 1 if closed else _last_half() + 1)


# Each record's part in one half-year's figures, from the tuple of its `fields`.


def _case_part(state: tuple, start: dt.date, end: dt.date) -> Hashable:
    family, basis, opened, started, closed, reason = state
    if started is None:  # awaiting consent, or refused before the work began
        return None
    working = started <= end and (closed is None or closed >= start)
    ended = closed is not None and start <= closed <= end
    return (
        (family, basis) if working else None,
        (family, reason, duration_band(started, closed)) if ended else None,
    )


def _assignment_part(state: tuple, start: dt.date, end: dt.date) -> Hashable:
    assistant, started, ended = state
    return assistant if started <= end and (ended is None or ended >= start) else None


def _basis_period_part(state: tuple, start: dt.date, end: dt.date) -> Hashable:
    # A court-ordered family counts for the days its order was in force (cases.selectors).
    case, basis, started, ended = state
    return (case, basis) if started <= end and (ended is None or ended >= start) else None


def _member_part(state: tuple, start: dt.date, end: dt.date) -> Hashable:
    # Counted when under 18 at the end of the half-year, and of its year (a whole year counts a
    # child born in its second half although the family worked only in the first).
    family, relation, born, removed = state
    if relation != Relation.CHILD or removed:
        return None
    year_end = dt.date(end.year, 12, 31)
    return (
        family,
        children_born_after(end) < born <= end,
        children_born_after(year_end) < born <= year_end,
    )


def _case_halves(old: tuple | None, new: tuple | None) -> set[int]:
    return _changed_halves(_case_part, old, new)


def _assignment_halves(old: tuple | None, new: tuple | None) -> set[int]:
    return _changed_halves(_assignment_part, old, new)


def _basis_period_halves(old: tuple | None, new: tuple | None) -> set[int]:
    return _changed_halves(_basis_period_part, old, new)


def _member_halves(old: tuple | None, new: tuple | None) -> set[int]:
    """A child counts in the half-years in which the family works with an assistant."""
    changed = _changed_halves(_member_part, old, new)
    if not changed:
        return changed
    families = {state[0] for state in (old, new) if state}
    working: set[int] = set()
    for started, closed in Case.objects.filter(family_id__in=families).values_list("started_on", "closed_on"):
        working.update(_working_halves(started, closed))
    return changed & working


def _employment_part(state: tuple, start: dt.date, end: dt.date) -> Hashable:
    assistant, form, employer, started, ended = state
    in_force = started <= end and (ended is None or ended >= start)
    return (assistant, form, employer, started) if in_force else None


def _employment_halves(old: tuple | None, new: tuple | None) -> set[int]:
    return _changed_halves(_employment_part, old, new)


@dataclass(frozen=True)
class _Tracked:
    """A model whose records count in the figures: the fields that matter and how a change of
    them maps to half-years."""

    fields: tuple[str, ...]
    halves: Callable[[tuple | None, tuple | None], set[int]]

    def state(self, instance: models.Model) -> tuple:
        values = []
        for name in self.fields:
            field = concrete_field(instance, name)
            value = field.to_python(getattr(instance, field.attname))
            values.append(value is not None if name == "removed_at" else value)
        return tuple(values)

    def stored_state(self, model: type[models.Model], pk: object) -> tuple | None:
        attnames = [concrete_field(model, name).attname for name in self.fields]
        row = model._base_manager.filter(pk=pk).values_list(*attnames).first()
        if row is None:
            return None
        return tuple(
            value is not None if name == "removed_at" else value
            for name, value in zip(self.fields, row, strict=True)
        )

    def touched(self, model: type[models.Model], update_fields: Iterable[str] | None) -> bool:
        """Whether a save with these `update_fields` (names or attnames) may change the fields."""
        if update_fields is None:
            return True
        names = {name for field in self.fields for name in (field, concrete_field(model, field).attname)}
        return bool(names & set(update_fields))


TRACKED: dict[type[models.Model], _Tracked] = {
    Case: _Tracked(
        ("family", "legal_basis", "opened_on", "started_on", "closed_on", "closure_reason"), _case_halves
    ),
    Assignment: _Tracked(("assistant", "started_on", "ended_on"), _assignment_halves),
    LegalBasisPeriod: _Tracked(("case", "basis", "started_on", "ended_on"), _basis_period_halves),
    FamilyMember: _Tracked(("family", "relation", "birth_date", "removed_at"), _member_halves),
    Employment: _Tracked(("assistant", "form", "employer", "started_on", "ended_on"), _employment_halves),
}
_OLD = "_report_state_before_save"


def _before_save(sender: type[models.Model], instance: models.Model, update_fields=None, **kwargs) -> None:  # noqa: ANN001, ANN003
    """Read the record's stored state (one query by primary key, only for an update)."""
    tracked = TRACKED[sender]
    if instance.pk is not None and tracked.touched(sender, update_fields):
        instance.__dict__[_OLD] = tracked.stored_state(sender, instance.pk)


def _after_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    update_fields=None,  # noqa: ANN001
    **kwargs,  # noqa: ANN003
) -> None:
    tracked = TRACKED[sender]
    old = instance.__dict__.pop(_OLD, None)
    if not tracked.touched(sender, update_fields):
        return
    renew_halves(tracked.halves(None if created else old, tracked.state(instance)))


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs) -> None:  # noqa: ANN003
    tracked = TRACKED[sender]
    renew_halves(tracked.halves(tracked.state(instance), None))


def renew_for_created(records: Iterable[models.Model]) -> None:
    """What the signals renew when these records are created with `save()`, for loaders that
    create them with `bulk_create` (no signal): the stamps of the half-years they count in, all at
    once. (The members of families registered by the same load renew nothing when saved before
    their family's case is opened, as `cases.services.register_family` saves them: a member counts
    only in the half-years in which its family works with an assistant. Leave them out.)"""
    halves: set[int] = set()
    for record in records:
        tracked = TRACKED[type(record)]
        halves |= tracked.halves(None, tracked.state(record))
    renew_halves(halves)


def connect() -> None:
    """Called by the app's `ready()`."""
    for model in TRACKED:
        uid = f"report-snapshots-{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
