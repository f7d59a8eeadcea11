"""The courts' reminder rules: an open court request due soon or overdue, and a notice to the court
not yet sent. Registered with the sweep in the app's `AppConfig.ready()`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import family_label_in
from cases.reminders import active_assistant, case_url
from notifications.enums import NotificationKind
from notifications.reminders import Reminder, Sweep, fmt, register_rule

from .enums import CourtNoticeStatus
from .models import CourtNotice, CourtRequest


def court_reminders(sweep: Sweep) -> list[Reminder]:
    """An open court request due (`CourtRequestQuerySet.due_by`) within N days (the
    assistant) or has passed (the assistant and the managers)."""
    horizon = sweep.days(sweep.settings.court_due_days)
    rows = CourtRequest.objects.due_by(horizon).values(
        "pk",
        "due_date",
        "case_id",
        "case__family_id",
        "case__family__name",
        "case__family__street",
        "case__assistant_id",
        "case__assistant__is_active",
    )
    reminders = []
    for row in rows:
        due = row["due_date"]
        overdue = due < sweep.today
        values = {
            "family": family_label_in(row, "case__"),
            "date": fmt(due),
        }
        reminders.append(
            Reminder(
                rule=NotificationKind.COURT_OVERDUE if overdue else NotificationKind.COURT_DUE,
                object_pk=row["pk"],
                due=due,
                recipients=active_assistant(row, "case__")
                | (sweep.escalate(row["case__assistant_id"]) if overdue else frozenset()),
                message=(
                    _("Family %(family)s: the court opinion was due on %(date)s and has not been sent.")
                    if overdue
                    else _("Family %(family)s: the court expects the opinion by %(date)s.")
                )
                % values,
                url=case_url(row["case_id"]),
                family_id=row["case__family_id"],
            )
        )
    return reminders


def notice_reminders(sweep: Sweep) -> list[Reminder]:
    """A notice to the court (courts.notices) not marked as sent: every day from N days before
    the date the manager set (the court opinion's threshold), and every day after it, the
    managers and the case's assistant are reminded, until its dispatch is recorded."""
    horizon = sweep.days(sweep.settings.court_due_days)
    rows = CourtNotice.objects.filter(status=CourtNoticeStatus.PENDING, due_date__lte=horizon).values(
        "pk",
        "due_date",
        "case_id",
        "case__family_id",
        "case__family__name",
        "case__family__street",
        "case__assistant_id",
        "case__assistant__is_active",
        "court_order__case_number",
    )
    reminders = []
    for row in rows:
        due = row["due_date"]
        overdue = due < sweep.today
        values = {
            "family": family_label_in(row, "case__"),
            "date": fmt(due),
            "number": row["court_order__case_number"],
        }
        reminders.append(
            Reminder(
                rule=NotificationKind.COURT_NOTICE_OVERDUE if overdue else NotificationKind.COURT_NOTICE_DUE,
                object_pk=row["pk"],
                due=sweep.today,  # one reminder a day until it is sent
                recipients=active_assistant(row, "case__") | sweep.managers,
                message=(
                    _("Family %(family)s: the notice to the court (%(number)s) was to be sent by %(date)s.")
                    if overdue
                    else _("Family %(family)s: send the notice to the court (%(number)s) by %(date)s.")
                )
                % values,
                url=reverse("courts:court-notice-detail", args=[row["pk"]]),
                family_id=row["case__family_id"],
            )
        )
    return reminders


def register() -> None:
    """Called from the app's `ready()`; 20 is the rule's place in the sweep (`cases.reminders`)."""
    register_rule(
        court_reminders, kinds=[NotificationKind.COURT_DUE, NotificationKind.COURT_OVERDUE], order=20
    )
    register_rule(
        notice_reminders,
        kinds=[NotificationKind.COURT_NOTICE_DUE, NotificationKind.COURT_NOTICE_OVERDUE],
        order=21,
    )
