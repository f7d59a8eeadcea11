"""The reminder rules over case data, registered with the sweep in `CasesConfig.ready()`:
the periodic assessment, the family's consent, the plan's actions and the end of monitoring; and
the helpers the other apps' rules share (the case's link, its active assistant)."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from notifications.enums import NotificationKind
from notifications.reminders import Reminder, Sweep, fmt, register_rule

from . import deadlines
from .models import Case, PlanAction, family_label_in

CASE_FIELDS = ("pk", "family_id", "family__name", "family__street", "assistant_id", "assistant__is_active")


def case_url(case_pk: int) -> str:
    return reverse("cases:case-detail", args=[case_pk])


def active_assistant(row: Mapping[str, Any], prefix: str = "") -> frozenset[int]:
    """The case's assistant, if their account is active."""
    return frozenset([row[f"{prefix}assistant_id"]] if row[f"{prefix}assistant__is_active"] else [])


def assessment_reminders(sweep: Sweep) -> list[Reminder]:
    """The periodic assessment (`cases.deadlines`): due within N days, the assistant; overdue, the
    assistant and the managers."""
    months = sweep.centre.assessment_interval_months
    horizon = sweep.days(sweep.settings.assessment_due_days)
    rows = Case.objects.assessment_due_by(horizon, months).values(*CASE_FIELDS, "assessment_base")
    reminders = []
    for row in rows:
        due = deadlines.assessment_due(row["assessment_base"], months)
        overdue = due < sweep.today
        values = {"family": family_label_in(row), "date": fmt(due)}
        reminders.append(
            Reminder(
                rule=NotificationKind.ASSESSMENT_OVERDUE if overdue else NotificationKind.ASSESSMENT_DUE,
                object_pk=row["pk"],
                due=due,
                recipients=active_assistant(row)
                | (sweep.escalate(row["assistant_id"]) if overdue else frozenset()),
                message=(
                    _("Family %(family)s: the periodic assessment was due on %(date)s and is overdue.")
                    if overdue
                    else _("Family %(family)s: the periodic assessment is due on %(date)s.")
                )
                % values,
                url=case_url(row["pk"]),
                family_id=row["family_id"],
            )
        )
    return reminders


def consent_reminders(sweep: Sweep) -> list[Reminder]:
    """The family's consent awaited too long (`CaseQuerySet.consent_awaited`): the assistant and
    the managers. (Only voluntary and "Za życiem" cases ever await consent:
    `cases.services.open_case`.)"""
    wait = sweep.settings.consent_wait_days
    rows = Case.objects.consent_awaited(sweep.today, wait).values(*CASE_FIELDS, "opened_on")
    return [
        Reminder(
            rule=NotificationKind.CONSENT_PENDING,
            object_pk=row["pk"],
            due=deadlines.consent_due(row["opened_on"], wait),
            recipients=active_assistant(row) | sweep.escalate(row["assistant_id"]),
            message=_(
                "Family %(family)s: the case was opened on %(date)s and the family's consent "
                "is still not recorded."
            )
            % {
                "family": family_label_in(row),
                "date": fmt(row["opened_on"]),
            },
            url=case_url(row["pk"]),
            family_id=row["family_id"],
        )
        for row in rows
    ]


def action_reminders(sweep: Sweep) -> list[Reminder]:
    """The plan's actions (`PlanActionQuerySet.due_by`): an action of the current plan version,
    not yet done, whose deadline is within N days or has passed: the assistant."""
    horizon = sweep.days(sweep.settings.action_due_days)
    rows = (
        PlanAction.objects.in_current_plan()
        .due_by(horizon)
        .values(
            "pk",
            "description",
            "deadline",
            "goal__plan__case_id",
            "goal__plan__case__family_id",
            "goal__plan__case__family__name",
            "goal__plan__case__family__street",
            "goal__plan__case__assistant_id",
            "goal__plan__case__assistant__is_active",
        )
    )
    reminders = []
    for row in rows:
        due = row["deadline"]
        overdue = due < sweep.today
        values = {
            "family": family_label_in(row, "goal__plan__case__"),
            "action": Truncator(row["description"]).chars(80),
            "date": fmt(due),
        }
        reminders.append(
            Reminder(
                rule=NotificationKind.ACTION_OVERDUE if overdue else NotificationKind.ACTION_DUE,
                object_pk=row["pk"],
                due=due,
                recipients=active_assistant(row, "goal__plan__case__"),
                message=(
                    _("Family %(family)s: the plan action “%(action)s” was due on %(date)s.")
                    if overdue
                    else _("Family %(family)s: the plan action “%(action)s” is due on %(date)s.")
                )
                % values,
                url=case_url(row["goal__plan__case_id"]),
                family_id=row["goal__plan__case__family_id"],
            )
        )
    return reminders


def monitoring_reminders(sweep: Sweep) -> list[Reminder]:
    """The monitoring after closure ends within N days (`CaseQuerySet.monitoring_ending`): the
    assistant."""
    days = sweep.settings.monitoring_end_days
    rows = Case.objects.monitoring_ending(sweep.today, days).values(*CASE_FIELDS, "monitoring_until")
    return [
        Reminder(
            rule=NotificationKind.MONITORING_ENDING,
            object_pk=row["pk"],
            due=row["monitoring_until"],
            recipients=active_assistant(row),
            message=_("Family %(family)s: the monitoring ends on %(date)s.")
            % {
                "family": family_label_in(row),
                "date": fmt(row["monitoring_until"]),
            },
            url=case_url(row["pk"]),
            family_id=row["family_id"],
        )
        for row in rows
    ]


def register() -> None:
    """Called from `CasesConfig.ready()`; the order numbers keep the sweep's historical order
    (assessment 10, court 20, no contact 30, consent 40, referral 50, action 60, monitoring 70)."""
    register_rule(
        assessment_reminders,
        kinds=[NotificationKind.ASSESSMENT_DUE, NotificationKind.ASSESSMENT_OVERDUE],
        order=10,
    )
    register_rule(consent_reminders, kinds=[NotificationKind.CONSENT_PENDING], order=40)
    register_rule(
        action_reminders, kinds=[NotificationKind.ACTION_DUE, NotificationKind.ACTION_OVERDUE], order=60
    )
    register_rule(monitoring_reminders, kinds=[NotificationKind.MONITORING_ENDING], order=70)
