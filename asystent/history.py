"""Change history for people to read: simple_history records turned into rows of who, when, what.

Each source is the historical records of one model, scoped by the caller (e.g. the members of one
family). All records of a source are read in one query and paired with their predecessor in
memory, so the number of queries does not grow with the number of rows. Many-to-many changes are
left out: diffing them costs a query per record.

Personal identifiers (IDENTIFIER_FIELDS) are shown as the page around the history shows them: the
source names the function that shows them (`display`); without one they are hidden entirely.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges  # the base of every historical record

if TYPE_CHECKING:
    from .models import User

# Record fields that say nothing to the person reading the history.
SKIPPED_FIELDS = {"id", "version", "created_at"}
# Fields holding personal identifiers: never shown in full unless the source says how.
IDENTIFIER_FIELDS = {"pesel"}
HIDDEN = "•••"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: dt.datetime
    who: object  # the user, or None for changes made outside a request
    kind: str  # "+" created, "~" changed, "-" deleted
    label: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return self.kind == "+"

    @property
    def deleted(self) -> bool:
        return self.kind == "-"


@dataclass(frozen=True)
class HistorySource:
    """The historical records of one model to show, and how to name the object of a record."""

    records: models.QuerySet
    label: Callable[[HistoricalChanges], str] | None = None
    # How the page shows a field's values (e.g. {"pesel": mask} where lists mask it).
    display: Mapping[str, Callable[[str], str]] = field(default_factory=dict)


def _object_id(record: HistoricalChanges) -> object:
    return getattr(record, record.instance_type._meta.pk.attname)


def _default_label(record: HistoricalChanges) -> str:
    return f"{record.instance_type._meta.verbose_name.capitalize()} #{_object_id(record)}"


def _is_user_fk(model_field: models.Field) -> bool:
    return isinstance(model_field, models.ForeignKey) and model_field.related_model is get_user_model()


class _ValueFormatter:
    """Shows stored values as words: choice labels, people's names, dates in the Polish style."""

    def __init__(self, user_names: dict[object, str]) -> None:
        self.user_names = user_names

    def __call__(self, model_field: models.Field, value: object) -> str:
        if value is None or value == "":
            return "—"
        if _is_user_fk(model_field):
            return self.user_names.get(value, f"#{value}")
        if isinstance(model_field, models.ForeignKey):
            return f"{model_field.related_model._meta.verbose_name} #{value}"
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dt.datetime):
            return value.strftime("%d.%m.%Y %H:%M")
        if isinstance(value, dt.date):
            return value.strftime("%d.%m.%Y")
        if isinstance(model_field, models.FileField):
            return _("file attached")
        return str(value)


def _paired(
    sources: Iterable[HistorySource],
) -> list[tuple[HistoricalChanges, HistoricalChanges | None, HistorySource]]:
    """Every record with the previous record of the same object, newest first."""
    entries: list[tuple[HistoricalChanges, HistoricalChanges | None, HistorySource]] = []
    for source in sources:
        by_object: dict[object, list] = defaultdict(list)
        for record in source.records.select_related("history_user").order_by("history_date", "history_id"):
            by_object[_object_id(record)].append(record)
        for records in by_object.values():
            entries.extend(zip(records, [None, *records[:-1]], [source] * len(records), strict=True))
    entries.sort(key=lambda e: (e[0].history_date, e[0].history_id), reverse=True)
    return entries


def history_rows(sources: Iterable[HistorySource], limit: int = 50) -> list[HistoryRow]:
    """The newest `limit` changes across `sources`, newest first, each with its field changes."""
    # (record, label, [(model field, old, new)], display)
    picked: list[
        tuple[
            HistoricalChanges,
            str,
            list[tuple[models.Field, object, object]],
            Mapping[str, Callable[[str], str]],
        ]
    ] = []
    user_ids: set[int] = set()
    for record, previous, source in _paired(sources):
        if len(picked) >= limit:
            break
        changes = []
        if record.history_type == "~" and previous is not None:
            m2m = [f.name for f in previous._history_m2m_fields]
            delta = record.diff_against(previous, excluded_fields=[*SKIPPED_FIELDS, *m2m])
            if not delta.changes:
                continue  # e.g. only a many-to-many field changed
            for change in delta.changes:
                model_field = record.instance_type._meta.get_field(change.field)
                changes.append((model_field, change.old, change.new))
                if _is_user_fk(model_field):
                    user_ids.update(v for v in (change.old, change.new) if v is not None)
        picked.append((record, (source.label or _default_label)(record), changes, source.display))

    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    fmt = _ValueFormatter({pk: str(user) for pk, user in users.items()})

    def shown(model_field: models.Field, value: object, display: Mapping[str, Callable[[str], str]]) -> str:
        if value not in (None, "") and model_field.name in display:
            return display[model_field.name](str(value))
        if value not in (None, "") and model_field.name in IDENTIFIER_FIELDS:
            return HIDDEN
        return fmt(model_field, value)

    return [
        HistoryRow(
            when=record.history_date,
            who=record.history_user,
            kind=record.history_type,
            label=label,
            reason=record.history_change_reason or "",
            changes=[
                FieldChange(field=str(f.verbose_name), old=shown(f, old, display), new=shown(f, new, display))
                for f, old, new in changes
            ],
        )
        for record, label, changes, display in picked
    ]


def attribute_change(obj: models.Model, user: "User | None", reason: str = "") -> None:
    """Name who makes the next save of `obj`, and why, in the historical record it writes.

    simple_history reads these two instance attributes when it writes the record; it ships no
    types, so they are set in this one place."""
    obj._history_user = user  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
