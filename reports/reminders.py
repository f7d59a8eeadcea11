"""The reminder rules and the daily sweep that turns them into notifications (issue 6).

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

import holidays
from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from asystent.emails import NotificationKind, deliver_emails_after_commit
from asystent.models import Centre, Notification, User
from asystent.notifications import managers
from cases.enums import ActionStatus, AssessmentStatus, CaseStatus
from cases.models import OPEN_STATUSES, Assessment, Case, PlanAction, WorkPlan
from referrals.enums import ReferralStatus
from referrals.models import Referral
from visits.enums import VisitStatus
from visits.models import Visit

from .enums import CourtRequestStatus
from .models import CourtRequest
from .reminder_models import ReminderSettings

# Plan actions whose outcome is recorded (done, or recorded as not done) need no reminder.
ACTION_PENDING_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

# A month-end base date moved by whole months may land up to 3 days earlier than the plain
# subtraction predicts (31 Aug + 6 months = 28 Feb): the SQL filter keeps this slack and the exact
# date is computed in Python.
_MONTH_END_SLACK = dt.timedelta(days=3)

_PL_HOLIDAYS = holidays.Poland()


# --- working days --------------------------------------------------------------------------------


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, except Polish public holidays (holidays.Poland, e.g. 24 December from 2025)."""
    return day.weekday() < 5 and day not in _PL_HOLIDAYS


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day `n` working days after `start` (before it when n < 0); `start` itself is not
    counted, so a 14-working-day deadline for an interview is `add_working_days(reported_on, 14)`."""
    step = dt.timedelta(days=1 if n >= 0 else -1)
    day = start
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


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
        coordinator = self.coordinators.get(assistant_id)
        return frozenset([coordinator]) if coordinator else self.managers

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _case_url(case_pk: int) -> str:
    return reverse("cases:case-detail", args=[case_pk])


def _assistant(row: dict, prefix: str = "") -> frozenset[int]:
    """The case's assistant, if their account is active."""
    return frozenset([row[f"{prefix}assistant_id"]] if row[f"{prefix}assistant__is_active"] else [])


_CASE_FIELDS = ("pk", "family_id", "family__name", "assistant_id", "assistant__is_active")


# --- the rules -----------------------------------------------------------------------------------


def _last_submitted_assessment() -> Subquery:
    """The date of the last submitted (not draft) assessment of the outer case."""
    return Subquery(
        Assessment.objects.filter(case=OuterRef("pk"))
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by("-date")
        .values("date")[:1],
        output_field=DateField(),
    )


def assessment_reminders(sweep: Sweep) -> list[Reminder]:
    """art. 15 ust. 1 pkt 15: an assessment at least every `assessment_interval_months` after the
    work started or the last submitted assessment (the set-based form of
    `cases.casework.next_assessment_due`). Due within N days: the assistant; overdue: the
    assistant and the managers."""
    interval = relativedelta(months=sweep.centre.assessment_interval_months)
    horizon = sweep.days(sweep.settings.assessment_due_days)
    rows = (
        Case.objects.filter(status__in=OPEN_STATUSES)
        .annotate(
            base=Coalesce(_last_submitted_assessment(), "started_on", "opened_on", output_field=DateField())
        )
        .filter(base__lte=horizon - interval + _MONTH_END_SLACK)
        .values(*_CASE_FIELDS, "base")
    )
    reminders = []
    for row in rows:
        due = row["base"] + interval
        if due > horizon:
            continue
        overdue = due < sweep.today
        values = {"family": row["family__name"], "date": _fmt(due)}
        reminders.append(
            Reminder(
                rule=NotificationKind.ASSESSMENT_OVERDUE if overdue else NotificationKind.ASSESSMENT_DUE,
                object_pk=row["pk"],
                due=due,
                recipients=_assistant(row)
                | (sweep.escalate(row["assistant_id"]) if overdue else frozenset()),
                message=(
                    _("Family %(family)s: the periodic assessment was due on %(date)s and is overdue.")
                    if overdue
                    else _("Family %(family)s: the periodic assessment is due on %(date)s.")
                )
                % values,
                url=_case_url(row["pk"]),
                family_id=row["family_id"],
            )
        )
    return reminders


def court_reminders(sweep: Sweep) -> list[Reminder]:
    """art. 15 ust. 1 pkt 17: an open court request whose due date is within N days (the
    assistant) or has passed (the assistant and the managers)."""
    horizon = sweep.days(sweep.settings.court_due_days)
    rows = CourtRequest.objects.filter(status=CourtRequestStatus.OPEN, due_date__lte=horizon).values(
        "pk",
        "due_date",
        "case_id",
        "case__family_id",
        "case__family__name",
        "case__assistant_id",
        "case__assistant__is_active",
    )
    reminders = []
    for row in rows:
        due = row["due_date"]
        overdue = due < sweep.today
        values = {"family": row["case__family__name"], "date": _fmt(due)}
        reminders.append(
            Reminder(
                rule=NotificationKind.COURT_OVERDUE if overdue else NotificationKind.COURT_DUE,
                object_pk=row["pk"],
                due=due,
                recipients=_assistant(row, "case__")
                | (sweep.escalate(row["case__assistant_id"]) if overdue else frozenset()),
                message=(
                    _("Family %(family)s: the court opinion was due on %(date)s and has not been sent.")
                    if overdue
                    else _("Family %(family)s: the court expects the opinion by %(date)s.")
                )
                % values,
                url=_case_url(row["case_id"]),
                family_id=row["case__family_id"],
            )
        )
    return reminders


def no_contact_reminders(sweep: Sweep) -> list[Reminder]:
    """An active case with no saved visit or contact for N days (the assistant); for M days, the
    managers too. Counted from the last saved visit, or from the start of the work."""
    first = sweep.settings.no_contact_days
    escalation = sweep.settings.no_contact_escalation_days
    start = Coalesce("started_on", "opened_on", output_field=DateField())
    last_visit = Subquery(
        Visit.objects.filter(case=OuterRef("pk"), status=VisitStatus.FINAL)
        .order_by("-date")
        .values("date")[:1],
        output_field=DateField(),
    )
    rows = (
        Case.objects.filter(status=CaseStatus.ACTIVE)
        .annotate(last_contact=Greatest(Coalesce(last_visit, start), start, output_field=DateField()))
        .filter(last_contact__lte=sweep.days(-first))
        .values(*_CASE_FIELDS, "last_contact")
    )
    reminders = []
    for row in rows:
        escalated = row["last_contact"] <= sweep.days(-escalation)
        days = escalation if escalated else first
        values = {
            "family": row["family__name"],
            "days": (sweep.today - row["last_contact"]).days,
            "date": _fmt(row["last_contact"]),
        }
        reminders.append(
            Reminder(
                rule=NotificationKind.NO_CONTACT_ESCALATION if escalated else NotificationKind.NO_CONTACT,
                object_pk=row["pk"],
                due=row["last_contact"] + dt.timedelta(days=days),
                recipients=_assistant(row)
                | (sweep.escalate(row["assistant_id"]) if escalated else frozenset()),
                message=_("Family %(family)s: no saved visit or contact since %(date)s (%(days)d days).")
                % values,
                url=_case_url(row["pk"]),
                family_id=row["family_id"],
            )
        )
    return reminders


def consent_reminders(sweep: Sweep) -> list[Reminder]:
    """art. 8 ust. 3: voluntary work does not start without the family's consent. A case awaiting
    consent for more than N days since it was opened: the assistant and the managers.
    (Only voluntary and "Za życiem" cases ever await consent: `cases.services.open_case`.)"""
    wait = sweep.settings.consent_wait_days
    rows = Case.objects.filter(status=CaseStatus.AWAITING_CONSENT, opened_on__lt=sweep.days(-wait)).values(
        *_CASE_FIELDS, "opened_on"
    )
    return [
        Reminder(
            rule=NotificationKind.CONSENT_PENDING,
            object_pk=row["pk"],
            due=row["opened_on"] + dt.timedelta(days=wait),
            recipients=_assistant(row) | sweep.escalate(row["assistant_id"]),
            message=_(
                "Family %(family)s: the case was opened on %(date)s and the family's consent "
                "is still not recorded."
            )
            % {"family": row["family__name"], "date": _fmt(row["opened_on"])},
            url=_case_url(row["pk"]),
            family_id=row["family_id"],
        )
        for row in rows
    ]


def referral_reminders(sweep: Sweep) -> list[Reminder]:
    """art. 11 ust. 4: a referral submitted more than N calendar days ago and still without the
    head's decision: the managers. (A waiting list is a decision.)"""
    if not sweep.managers:
        return []
    wait = sweep.settings.referral_wait_days
    # Submitted on day D (local time) and D < today - wait  <=>  submitted before midnight of today - wait.
    cutoff = dt.datetime.combine(sweep.days(-wait), dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = Referral.objects.filter(status=ReferralStatus.SUBMITTED, submitted_at__lt=cutoff).values(
        "pk", "family_id", "family__name", "submitted_at"
    )
    reminders = []
    for row in rows:
        submitted_on = timezone.localdate(row["submitted_at"])
        reminders.append(
            Reminder(
                rule=NotificationKind.REFERRAL_WAITING,
                object_pk=row["pk"],
                due=submitted_on + dt.timedelta(days=wait),
                recipients=sweep.managers,
                message=_("Family %(family)s: the referral submitted on %(date)s awaits your decision.")
                % {"family": row["family__name"], "date": _fmt(submitted_on)},
                url=reverse("referrals:referral-detail", args=[row["pk"]]),
                family_id=row["family_id"],
            )
        )
    return reminders


def action_reminders(sweep: Sweep) -> list[Reminder]:
    """art. 15 ust. 3: the plan's actions have deadlines. An action of the current plan version,
    not yet done, whose deadline is within N days or has passed: the assistant."""
    current_version = Subquery(
        WorkPlan.objects.filter(case=OuterRef("goal__plan__case")).order_by("-version").values("version")[:1]
    )
    rows = PlanAction.objects.filter(
        goal__plan__case__status__in=OPEN_STATUSES,
        goal__plan__version=current_version,
        status__in=ACTION_PENDING_STATUSES,
        deadline__lte=sweep.days(sweep.settings.action_due_days),
    ).values(
        "pk",
        "description",
        "deadline",
        "goal__plan__case_id",
        "goal__plan__case__family_id",
        "goal__plan__case__family__name",
        "goal__plan__case__assistant_id",
        "goal__plan__case__assistant__is_active",
    )
    reminders = []
    for row in rows:
        due = row["deadline"]
        overdue = due < sweep.today
        values = {
            "family": row["goal__plan__case__family__name"],
            "action": Truncator(row["description"]).chars(80),
            "date": _fmt(due),
        }
        reminders.append(
            Reminder(
                rule=NotificationKind.ACTION_OVERDUE if overdue else NotificationKind.ACTION_DUE,
                object_pk=row["pk"],
                due=due,
                recipients=_assistant(row, "goal__plan__case__"),
                message=(
                    _("Family %(family)s: the plan action “%(action)s” was due on %(date)s.")
                    if overdue
                    else _("Family %(family)s: the plan action “%(action)s” is due on %(date)s.")
                )
                % values,
                url=_case_url(row["goal__plan__case_id"]),
                family_id=row["goal__plan__case__family_id"],
            )
        )
    return reminders


def monitoring_reminders(sweep: Sweep) -> list[Reminder]:
    """art. 15 ust. 1 pkt 16: monitoring after closure ends within N days: the assistant."""
    rows = Case.objects.filter(
        status=CaseStatus.MONITORING,
        monitoring_until__gte=sweep.today,
        monitoring_until__lte=sweep.days(sweep.settings.monitoring_end_days),
    ).values(*_CASE_FIELDS, "monitoring_until")
    return [
        Reminder(
            rule=NotificationKind.MONITORING_ENDING,
            object_pk=row["pk"],
            due=row["monitoring_until"],
            recipients=_assistant(row),
            message=_("Family %(family)s: the monitoring ends on %(date)s.")
            % {"family": row["family__name"], "date": _fmt(row["monitoring_until"])},
            url=_case_url(row["pk"]),
            family_id=row["family_id"],
        )
        for row in rows
    ]


RULES: list[Callable[[Sweep], list[Reminder]]] = [
    assessment_reminders,
    court_reminders,
    no_contact_reminders,
    consent_reminders,
    referral_reminders,
    action_reminders,
    monitoring_reminders,
]

# The kinds the sweep creates, in the order the command prints them.
SWEEP_KINDS: list[str] = [
    NotificationKind.ASSESSMENT_DUE,
    NotificationKind.ASSESSMENT_OVERDUE,
    NotificationKind.COURT_DUE,
    NotificationKind.COURT_OVERDUE,
    NotificationKind.NO_CONTACT,
    NotificationKind.NO_CONTACT_ESCALATION,
    NotificationKind.CONSENT_PENDING,
    NotificationKind.REFERRAL_WAITING,
    NotificationKind.ACTION_DUE,
    NotificationKind.ACTION_OVERDUE,
    NotificationKind.MONITORING_ENDING,
]


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
    columns = [qn(meta.get_field(name).column) for name in NOTIFICATION_FIELDS]
    created_at = qn(meta.get_field("created_at").column)
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
        created = create_notifications((r for rule in RULES for r in rule(sweep)), sweep.managers)
        if created:
            deliver_emails_after_commit()
    return {str(kind): created.get(kind, 0) for kind in SWEEP_KINDS}


@shared_task(name="reports.send_reminders")
def send_reminders_task() -> dict[str, int]:
    """Daily at 06:00 Europe/Warsaw (django-celery-beat); idempotent, so safe to re-run."""
    return send_reminders()
