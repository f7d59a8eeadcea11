"""The case timeline: everything that happened in a case, newest first, in a fixed number of queries.

One query per kind of event, whatever the number of rows. Visits, interventions and the referral
live in apps above `cases` (see style.md, "Apps are rooms"), so they are reached through the
reverse relations on `Case`, never imported; a relation that does not exist yields no rows.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import AssessmentStatus, CaseStatus, ConsentDecision
from .models import Case

# Events of the same day are ordered as the work goes: a referral is decided, the assistant is
# assigned, the family consents, the plan is made, visits follow, and so on.
KIND_ORDER = [
    "referral",
    "decision",
    "assignment",
    "consent",
    "plan",
    "visit",
    "intervention",
    "assessment",
    "closure",
    "monitoring_end",
]


@dataclass(frozen=True)
class TimelineRow:
    date: dt.date
    kind: str
    title: str
    url: str = ""
    badge: str = ""
    # Bootstrap colour of the badge: "secondary", "warning", "danger", "success"...
    tone: str = "secondary"
    # Orders rows of the same day and kind (a time or a primary key); not shown.
    tiebreak: tuple = field(default=(), compare=False, repr=False)


def _url(name: str, *args: object) -> str:
    """A link if the page exists; an app that is not wired yet shows the row without a link."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _absolute_url(obj: models.Model) -> str:
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined]
    except (NoReverseMatch, AttributeError):
        return ""


def _related_manager(case: Case, name: str) -> models.Manager | None:
    """The reverse relation `name` of the case, or None while the app that defines it is absent."""
    try:
        Case._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return getattr(case, name, None)


def _local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _referral_rows(case: Case) -> Iterable[TimelineRow]:
    try:
        referral = case.referral  # type: ignore[attr-defined]
    except (ObjectDoesNotExist, AttributeError):
        return []
    rows = []
    url = _absolute_url(referral)
    submitted = referral.submitted_at or referral.created_at
    if submitted:
        rows.append(
            TimelineRow(
                date=_local_date(submitted),
                kind="referral",
                title=_("Referral for a family assistant"),
                url=url,
                badge=referral.get_legal_basis_display(),
                tiebreak=(submitted,),
            )
        )
    if referral.decided_at:
        rows.append(
            TimelineRow(
                date=_local_date(referral.decided_at),
                kind="decision",
                title=_("Decision: %(decision)s") % {"decision": referral.get_status_display()},
                url=url,
                tiebreak=(referral.decided_at,),
            )
        )
    return rows


def _assignment_rows(case: Case) -> Iterable[TimelineRow]:
    for assignment in case.assignments.select_related("assistant").order_by("started_on", "pk"):
        yield TimelineRow(
            date=assignment.started_on,
            kind="assignment",
            title=_("Family assistant assigned: %(name)s") % {"name": assignment.assistant},
            badge=_("reassignment") if assignment.reason else "",
            tiebreak=(assignment.pk,),
        )


CONSENT_TONES = {
    ConsentDecision.GIVEN: "success",
    ConsentDecision.REFUSED: "danger",
    ConsentDecision.WITHDRAWN: "warning",
}


def _consent_rows(case: Case) -> Iterable[TimelineRow]:
    for consent in case.consents.order_by("date", "pk"):
        yield TimelineRow(
            date=consent.date,
            kind="consent",
            title=_("The family's decision on the work"),
            badge=consent.get_decision_display(),
            tone=CONSENT_TONES.get(consent.decision, "secondary"),
            tiebreak=(consent.pk,),
        )


def _plan_rows(case: Case) -> Iterable[TimelineRow]:
    for plan in case.plans.only("pk", "case_id", "version", "created_at").order_by("version"):
        yield TimelineRow(
            date=_local_date(plan.created_at),
            kind="plan",
            title=_("Work plan, version %(version)d") % {"version": plan.version},
            url=_url("cases:plan-detail", plan.pk),
            badge=_("revision") if plan.version > 1 else "",
            tiebreak=(plan.version,),
        )


def _visit_rows(case: Case) -> Iterable[TimelineRow]:
    visits = _related_manager(case, "visits")
    if visits is None:
        return []
    rows = []
    for visit in visits.only("pk", "date", "start_time", "kind", "status", "case_id"):
        draft = visit.status == "draft"
        rows.append(
            TimelineRow(
                date=visit.date,
                kind="visit",
                title=visit.get_kind_display(),
                url=_absolute_url(visit),
                badge=_("draft") if draft else "",
                tone="warning" if draft else "secondary",
                tiebreak=(visit.start_time or dt.time.min, visit.pk),
            )
        )
    return rows


def _intervention_rows(case: Case) -> Iterable[TimelineRow]:
    interventions = _related_manager(case, "interventions")
    if interventions is None:
        return []
    return [
        TimelineRow(
            date=_local_date(intervention.date),
            kind="intervention",
            title=_("Intervention: a child's safety at risk"),
            url=_absolute_url(intervention),
            badge=_("intervention"),
            tone="danger",
            tiebreak=(intervention.date,),
        )
        for intervention in interventions.only("pk", "date", "case_id")
    ]


ASSESSMENT_TONES = {
    AssessmentStatus.DRAFT: "warning",
    AssessmentStatus.SUBMITTED: "info",
    AssessmentStatus.ACKNOWLEDGED: "success",
}


def _assessment_rows(case: Case) -> Iterable[TimelineRow]:
    for assessment in case.assessments.only("pk", "date", "status", "case_id").order_by("date", "pk"):
        yield TimelineRow(
            date=assessment.date,
            kind="assessment",
            title=_("Periodic assessment"),
            url=_url("cases:assessment-detail", assessment.pk),
            badge=assessment.get_status_display(),
            tone=ASSESSMENT_TONES.get(assessment.status, "secondary"),
            tiebreak=(assessment.pk,),
        )


def _closure_rows(case: Case) -> Iterable[TimelineRow]:
    rows = []
    if case.closed_on:
        rows.append(
            TimelineRow(
                date=case.closed_on,
                kind="closure",
                title=_("Work with the family closed"),
                badge=case.get_closure_reason_display(),
                tone="dark",
            )
        )
    if case.status == CaseStatus.ENDED and case.ended_on:
        rows.append(
            TimelineRow(
                date=case.ended_on,
                kind="monitoring_end",
                title=_("Monitoring ended: the case is read-only"),
                tone="dark",
            )
        )
    return rows


SOURCES: list[Callable[[Case], Iterable[TimelineRow]]] = [
    _referral_rows,
    _assignment_rows,
    _consent_rows,
    _plan_rows,
    _visit_rows,
    _intervention_rows,
    _assessment_rows,
    _closure_rows,
]


def case_timeline(case: Case) -> list[TimelineRow]:
    """Every event of the case, newest first; the case was reached through `get_case_for`."""
    rows = [row for source in SOURCES for row in source(case)]
    rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
    rows.sort(key=lambda row: (row.date, rank[row.kind], row.tiebreak), reverse=True)
    return rows
