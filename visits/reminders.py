"""The visits' reminder rule: an active case with no saved visit or contact for too
long. Registered with the sweep in `VisitsConfig.ready()`."""

import datetime as dt

from django.db.models import DateField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from cases.enums import CaseStatus
from cases.models import Case
from cases.reminders import CASE_FIELDS, active_assistant, case_url
from notifications.enums import NotificationKind
from notifications.reminders import Reminder, Sweep, fmt, register_rule

from .models import Visit


def no_contact_reminders(sweep: Sweep) -> list[Reminder]:
    """An active case with no saved visit or contact for N days (the assistant); for M days, the
    managers too. Counted from the last saved visit, or from the start of the work."""
    first = sweep.settings.no_contact_days
    escalation = sweep.settings.no_contact_escalation_days
    start = Coalesce("started_on", "opened_on", output_field=DateField())
    last_visit = Subquery(
        Visit.objects.contacts().filter(case=OuterRef("pk")).order_by("-date").values("date")[:1],
        output_field=DateField(),
    )
    rows = (
        Case.objects.filter(status=CaseStatus.ACTIVE)
        .annotate(last_contact=Greatest(Coalesce(last_visit, start), start, output_field=DateField()))
        .filter(last_contact__lte=sweep.days(-first))
        .values(*CASE_FIELDS, "last_contact")
    )
    reminders = []
    for row in rows:
        escalated = row["last_contact"] <= sweep.days(-escalation)
        days = escalation if escalated else first
        values = {
            "family": row["family__name"],
            "days": (sweep.today - row["last_contact"]).days,
            "date": fmt(row["last_contact"]),
        }
        reminders.append(
            Reminder(
                rule=NotificationKind.NO_CONTACT_ESCALATION if escalated else NotificationKind.NO_CONTACT,
                object_pk=row["pk"],
                due=row["last_contact"] + dt.timedelta(days=days),
                recipients=active_assistant(row)
                | (sweep.escalate(row["assistant_id"]) if escalated else frozenset()),
                message=_("Family %(family)s: no saved visit or contact since %(date)s (%(days)d days).")
                % values,
                url=case_url(row["pk"]),
                family_id=row["family_id"],
            )
        )
    return reminders


def register() -> None:
    """Called from `VisitsConfig.ready()`; 30 is the rule's place in the sweep (`cases.reminders`)."""
    register_rule(
        no_contact_reminders,
        kinds=[NotificationKind.NO_CONTACT, NotificationKind.NO_CONTACT_ESCALATION],
        order=30,
    )
