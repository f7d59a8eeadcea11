"""The deadlines of the work with a family, each rule in one place.

Every page, figure and reminder that asks "what is due" reads it through these rules:

- the periodic assessment: `assessment_due` (the date) and `assessment_base` (what it counts
  from); `CaseQuerySet.with_assessment_base`, `CaseQuerySet.assessment_due_condition` and
  `CaseQuerySet.assessment_due_by` select the cases whose assessment is due by a day;
- the family's consent awaited too long: `CaseQuerySet.consent_awaited`;
- the end of monitoring: `monitoring_end` (the date), `monitoring_over` (a case's),
  `CaseQuerySet.monitoring_ending` and `CaseQuerySet.monitoring_over`;
- the actions of the work plan: `PlanActionQuerySet.pending`, `.in_current_plan`, `.due_by`;
- the apps above add theirs in the same way: no contact (`visits.deadlines`) and the court's
  requests (`courts.models.CourtRequestQuerySet.due_by`).

The agenda on the assistant's home page, the case page, the manager's dashboard and the reminder
sweep use these methods, so that a case is due in all of them or in none
(tests/test_deadlines.py).
"""

import datetime as dt
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from .models import Case

ONE_DAY = dt.timedelta(days=1)


# --- the family's consent ------------------------------------------------------------------------


def consent_due(opened_on: dt.date, days: int) -> dt.date:
    """The day after which a case opened on `opened_on` has awaited the family's consent too long
    (`ReminderSettings.consent_wait_days`)."""
    return opened_on + dt.timedelta(days=days)


def consent_opened_before(today: dt.date, days: int) -> dt.date:
    """Cases opened before this day and still awaiting consent are past `consent_due`."""
    return today - dt.timedelta(days=days)


# --- the end of monitoring ------------------------------------------------------------------------


def monitoring_end(closed_on: dt.date, months: int) -> dt.date:
    """art. 15 ust. 1 pkt 16: the family is monitored after the work closes; the Act sets no
    length, so it is the centre's setting (`Centre.monitoring_months`)."""
    return closed_on + relativedelta(months=months)


def monitoring_over(monitoring_until: dt.date | None, today: dt.date) -> bool:
    """Whether the planned monitoring has passed (it ends the day after `monitoring_until`)."""
    return monitoring_until is not None and monitoring_until < today


# --- the periodic assessment ---------------------------------------------------------------------


def assessment_due(base: dt.date, months: int) -> dt.date:
    """art. 15 ust. 1 pkt 15 of the Act: the family's situation is assessed at least every 6
    months (`Centre.assessment_interval_months`; a centre may set fewer). The next assessment is
    due `months` after its base (`assessment_base`)."""
    return base + relativedelta(months=months)


def assessment_base(case: "Case", last_submitted: dt.date | None) -> dt.date:
    """What the next assessment counts from: the last submitted (not draft) assessment, else the
    start of the work (the family's consent), else the opening. The same as the SQL of
    `assessment_base_expression`, for a case whose assessments a page has read already."""
    return last_submitted or case.started_on or case.opened_on


def assessment_base_expression() -> Coalesce:
    """`assessment_base` as SQL over the outer case: one subquery (MAX over the index of the
    case's assessments, with no sort)."""
    from .enums import AssessmentStatus
    from .models import Assessment

    last_submitted = (
        Assessment.objects.filter(case=OuterRef("pk"))
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by()
        .values("case")
        .annotate(latest=Max("date"))
        .values("latest")
    )
    return Coalesce(
        Subquery(last_submitted, output_field=DateField()),
        "started_on",
        "opened_on",
        output_field=DateField(),
    )


def assessment_cutoff(day: dt.date, months: int) -> dt.date:
    """The earliest base whose assessment is due on `day` or later: `assessment_due(base) < day`
    exactly when `base < cutoff`.

    `base + relativedelta(months)` never decreases as `base` grows, so the condition is a plain
    comparison the database can run on an annotated base, with the month arithmetic (end-of-month
    clipping included) kept identical to `assessment_due`."""
    cutoff = day - relativedelta(months=months)
    while assessment_due(cutoff, months) < day:
        cutoff += ONE_DAY
    while assessment_due(cutoff - ONE_DAY, months) >= day:
        cutoff -= ONE_DAY
    return cutoff
