"""The daily reminder sweep: it runs the registered reminder rules and turns what they return into
notifications.

The rules read case data, so each lives in the app that owns that data (`cases/reminders.py`,
`visits/reminders.py`, `referrals/reminders.py`, `courts/reminders.py`) and is registered from
that app's `AppConfig.ready()` with `register_rule`; this module imports none of them. The
`order` of a rule fixes where it runs in the sweep and where its kinds appear in `SWEEP_KINDS`.

Each rule is one set-based query over all cases (or referrals, court requests, plan actions) and
returns the reminders due today; the sweep writes them all with one INSERT. So the number of
queries is the same for 10 cases and for 10,000.

One notification per rule, object and due date per recipient: the key
`"{rule}:{object_pk}:{due_date}"` and the unique constraint (recipient, key) make the sweep
idempotent, however often it runs. The INSERT is hand-written (`INSERT ... SELECT` from one JSON
parameter, `ON CONFLICT DO NOTHING RETURNING`) rather than `bulk_create(ignore_conflicts=True)`,
which emits the same ON CONFLICT but (a) splits into a query per ~110 rows on SQLite (999
parameters per statement) and (b) cannot tell how many rows it really inserted.

Thresholds come from `ReminderSettings` (the administrator edits them); the assessment interval
from the centre's settings. The intervention notification is not here: it is sent at once, by
the service that records the intervention.
"""

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

# The working-day calendar lives in asystent.dates; the rules count with it from here too.
from asystent.dates import add_working_days as add_working_days
from asystent.dates import is_working_day as is_working_day
from asystent.meta import column as column_of
from asystent.models import Centre, User

from . import channels
from .models import Notification, ReminderSettings
from .services import managers

# --- what a rule returns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One notification to create for each recipient."""

    rule: str
    object_pk: int
    due: dt.date
    recipients: frozenset[int]
    message: str
    url: str
    family_id: int | None

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.object_pk}:{self.due.isoformat()}"


@dataclass(frozen=True)
class Sweep:
    """What every rule needs, read once per sweep."""

    today: dt.date
    settings: ReminderSettings
    centre: Centre
    managers: frozenset[int]
    # assistant -> their coordinator, for the assistants whose coordinator is an active manager
    coordinators: dict[int, int]

    @classmethod
    def load(cls, today: dt.date) -> "Sweep":
        return cls(
            today=today,
            settings=ReminderSettings.load(),
            centre=Centre.load(),
            managers=frozenset(managers().values_list("pk", flat=True)),
            coordinators=dict(
                User.objects.filter(coordinator__in=managers()).values_list("pk", "coordinator_id")
            ),
        )

    def escalate(self, assistant_id: int | None) -> frozenset[int]:
        """Who is told when the assistant's deadline passes: their coordinator, or, if they have
        none (or an inactive one), every manager."""
        coordinator = self.coordinators.get(assistant_id) if assistant_id is not None else None
        return frozenset([coordinator]) if coordinator else self.managers

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)


def fmt(day: dt.date) -> str:
    """A date as the messages write it: 26.06.2026."""
    return day.strftime("%d.%m.%Y")


# --- the registry of rules -----------------------------------------------------------------------

RuleFunction = Callable[[Sweep], list[Reminder]]


@dataclass(frozen=True)
class Rule:
    """A registered reminder rule: the function, the kinds it creates (in the order the command
    prints them) and its place in the sweep."""

    function: RuleFunction
    kinds: tuple[str, ...]
    order: int


_RULES: list[Rule] = []

# The kinds the sweep creates, in the order the command prints them (kept in step with the rules).
SWEEP_KINDS: list[str] = []


def register_rule(function: RuleFunction, *, kinds: Iterable[str], order: int) -> RuleFunction:
    """Add a rule to the sweep (from an app's `AppConfig.ready()`); registering it again is a no-op.
    Rules run by `order`, lowest first."""
    if not any(rule.function is function for rule in _RULES):
        _RULES.append(Rule(function=function, kinds=tuple(str(kind) for kind in kinds), order=order))
        _RULES.sort(key=lambda rule: rule.order)
        SWEEP_KINDS[:] = [kind for rule in _RULES for kind in rule.kinds]
    return function


def registered_rules() -> list[RuleFunction]:
    """The rule functions, in the order the sweep runs them."""
    return [rule.function for rule in _RULES]


# --- writing them --------------------------------------------------------------------------------


def create_notifications(
    reminders: Iterable[Reminder], managers: frozenset[int] = frozenset()
) -> Counter[str]:
    """Insert one notification per reminder and recipient with a single statement, skipping the
    (recipient, key) pairs that exist; returns how many were created per rule.

    On PostgreSQL a reminder for `managers` (all of them among its recipients) is sent once with
    a flag and multiplied by the managers in the database: with many managers the rows built in
    Python would otherwise be a hundred times as many."""
    if connection.vendor == "postgresql":
        return _create_on_postgresql(reminders, managers)
    return _create_on_sqlite(reminders)


def _notification_sql(select: str, source: str) -> str:
    meta = Notification._meta
    qn = connection.ops.quote_name
    columns = [qn(column_of(Notification, name)) for name in NOTIFICATION_FIELDS]
    created_at = qn(column_of(Notification, "created_at"))
    # Only quoted identifiers from the model's metadata are interpolated; the values are bound.
    # "WHERE true": SQLite needs it to parse ON CONFLICT after INSERT ... SELECT.
    return (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}, {created_at}) "  # noqa: S608  # nosec B608  # quoted identifiers only
        f"SELECT {select}, %s FROM {source} WHERE true "
        f"ON CONFLICT ({columns[0]}, {columns[2]}) DO NOTHING RETURNING {columns[1]}"
    )


NOTIFICATION_FIELDS = ["recipient_id", "rule", "key", "message", "url", "family_id"]


def _insert(sql: str, params: list) -> Counter[str]:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *params])
        return Counter(rule for (rule,) in cursor.fetchall())


def _create_on_postgresql(reminders: Iterable[Reminder], managers: frozenset[int]) -> Counter[str]:
    rows = []
    for r in reminders:
        to_managers = bool(managers) and managers <= r.recipients
        others = r.recipients - managers if to_managers else r.recipients
        if not others and not to_managers:
            continue
        rows.append(
            {
                "users": sorted(others),
                "managers": to_managers,
                "rule": str(r.rule),
                "key": r.key,
                "message": r.message,
                "url": r.url,
                "family_id": r.family_id,
            }
        )
    if not rows:
        return Counter()
    qn = connection.ops.quote_name
    select = ", ".join(["u.id", *(f"r.{qn(name)}" for name in NOTIFICATION_FIELDS[1:])])
    source = (
        "jsonb_to_recordset(%s::jsonb) AS r(users jsonb, managers boolean, rule text, key text, "
        "message text, url text, family_id bigint) "
        "CROSS JOIN LATERAL ("
        "SELECT e.value::bigint AS id FROM jsonb_array_elements_text(r.users) AS e(value) "
        "UNION SELECT m.id FROM unnest(%s::bigint[]) AS m(id) WHERE r.managers"
        ") AS u"
    )
    return _insert(_notification_sql(select, source), [json.dumps(rows), sorted(managers)])


def _create_on_sqlite(reminders: Iterable[Reminder]) -> Counter[str]:
    rows = {
        (user_id, r.key): {
            "recipient_id": user_id,
            "rule": str(r.rule),
            "key": r.key,
            "message": r.message,
            "url": r.url,
            "family_id": r.family_id,
        }
        for r in reminders
        for user_id in sorted(r.recipients)
    }
    if not rows:
        return Counter()
    if connection.vendor != "sqlite":  # pragma: no cover - the project runs on SQLite and PostgreSQL
        raise NotImplementedError(f"create_notifications does not support {connection.vendor}")
    select = ", ".join(f"json_extract(j.value, '$.{name}')" for name in NOTIFICATION_FIELDS)
    return _insert(_notification_sql(select, "json_each(%s) AS j"), [json.dumps(list(rows.values()))])


# --- the sweep -----------------------------------------------------------------------------------


def send_reminders(today: dt.date | None = None) -> dict[str, int]:
    """Run every rule for `today` (by default the local date) and create the notifications due;
    returns how many were created per kind. Idempotent: a second run the same day creates none.

    Messages are stored text, so they are written in the centre's language; e-mails to those
    who chose them immediately are queued once the notifications are committed."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        sweep = Sweep.load(today)
        created = create_notifications(
            (r for rule in registered_rules() for r in rule(sweep)), sweep.managers
        )
        if created:
            channels.announce_created()
    return {str(kind): created.get(kind, 0) for kind in SWEEP_KINDS}
