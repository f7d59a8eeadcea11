"""The case timeline: everything that happened in a case, newest first, in a fixed number of queries.

One query per kind of event, whatever the number of rows. Visits, interventions and the referral
live in apps above `cases` (see style.md, "Apps are rooms"): each registers its source of rows
in its AppConfig.ready() (`register_timeline_source`), so that this module names none of them.

The case page shows the timeline a page at a time (`timeline_page`): only the newest visits and
interventions that can reach the pages shown are read; the few assignments, consents, plans and
assessments of a case are read whole, or taken from what the page has already read for itself.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import AssessmentStatus, CaseStatus, ConsentDecision
from .models import Assessment, Assignment, Case, Consent, LegalBasisPeriod, WorkPlan

M = TypeVar("M", bound=models.Model)

# Events of the same day are ordered as the work goes: a referral is decided, the assistant is
# assigned, the family consents, the plan is made, visits follow, and so on.
KIND_ORDER = [
    "referral",
    "decision",
    "assignment",
    "legal_basis",
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

    @property
    def iso_date(self) -> str:
        return self.date.isoformat()

    @property
    def shown_date(self) -> str:
        return self.date.strftime("%d.%m.%Y")


# The case page shows this many entries at first, and this many more each time earlier ones are asked for.
TIMELINE_PAGE_SIZE = 20
# A page number beyond this is read as this one (every entry of any real case fits in it).
TIMELINE_MAX_PAGE = 1000


@dataclass(frozen=True)
class TimelinePage:
    """Entries of the timeline: the rows of pages `first` to `number` (the newest entries are on
    page 1), and whether earlier entries follow."""

    rows: list[TimelineRow]
    first: int
    number: int
    has_earlier: bool
    size: int = TIMELINE_PAGE_SIZE

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def chunks(self) -> list[tuple[int, list[TimelineRow]]]:
        """(page number, its rows) of each page in `rows`, newest first."""
        return [
            (self.first + index, self.rows[start : start + self.size])
            for index, start in enumerate(range(0, len(self.rows), self.size))
        ]


# What the timeline reads of the case's own records, unless the page has read them already and
# passes them in (`records` of `case_timeline`), in any order.
RECORD_QUERIES: dict[str, Callable[[Case], Iterable[models.Model]]] = {
    "assignments": lambda case: case.assignments.select_related("assistant").order_by("started_on", "pk"),
    "consents": lambda case: case.consents.only("pk", "case_id", "decision", "date").order_by("date", "pk"),
    "plans": lambda case: case.plans.only("pk", "case_id", "version", "created_at").order_by("-version"),
    "basis_periods": lambda case: case.basis_periods.order_by("started_on", "pk"),
    "assessments": lambda case: case.assessments.only("pk", "case_id", "date", "status").order_by(
        "-date", "-pk"
    ),
}
Records = Mapping[str, Iterable[models.Model]]


def _records(case: Case, records: Records, name: str, model: type[M]) -> Iterable[M]:
    """The case's records `name` (instances of `model`), as given by the page or read now."""
    given = records.get(name)
    return cast(Iterable[M], given if given is not None else RECORD_QUERIES[name](case))


def url_or_blank(name: str, *args: object) -> str:
    """A link if the page exists; an app that is not wired yet shows the row without a link."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# Any number that cannot appear elsewhere in a reversed URL.
_SAMPLE_PK = 987654321


def url_of(name: str) -> Callable[[int], str]:
    """pk -> the URL of the page `name` of that object, reversed once for all rows."""
    sample = url_or_blank(name, _SAMPLE_PK)
    if not sample:
        return lambda pk: ""
    head, tail = sample.rsplit(str(_SAMPLE_PK), 1)
    return lambda pk: f"{head}{pk}{tail}"


def absolute_url(obj: models.Model) -> str:
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined]
    except (NoReverseMatch, AttributeError):
        return ""


def local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _assignment_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    for assignment in _records(case, records, "assignments", Assignment):
        yield TimelineRow(
            date=assignment.started_on,
            kind="assignment",
            title=_("Family assistant assigned: %(name)s") % {"name": assignment.assistant},
            badge=_("reassignment") if assignment.reason else "",
            tiebreak=(assignment.pk,),
        )


def _basis_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    """A change of the legal basis (a court order attached during voluntary work): every period
    after the first, which began with the case."""
    for period in list(_records(case, records, "basis_periods", LegalBasisPeriod))[1:]:
        yield TimelineRow(
            date=period.started_on,
            kind="legal_basis",
            title=_("Legal basis from now on: %(basis)s") % {"basis": period.get_basis_display()},
            badge=period.source,
            tone="danger" if period.is_court_ordered else "secondary",
            tiebreak=(period.pk,),
        )


CONSENT_TONES: dict[str, str] = {
    ConsentDecision.GIVEN: "success",
    ConsentDecision.REFUSED: "danger",
    ConsentDecision.WITHDRAWN: "warning",
}


def _consent_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    for consent in _records(case, records, "consents", Consent):
        yield TimelineRow(
            date=consent.date,
            kind="consent",
            title=_("The family's decision on the work"),
            badge=consent.get_decision_display(),
            tone=CONSENT_TONES.get(consent.decision, "secondary"),
            tiebreak=(consent.pk,),
        )


def _plan_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    url = url_of("cases:plan-detail")
    for plan in _records(case, records, "plans", WorkPlan):
        yield TimelineRow(
            date=local_date(plan.created_at),
            kind="plan",
            title=_("Work plan, version %(version)d") % {"version": plan.version},
            url=url(plan.pk),
            badge=_("revision") if plan.version > 1 else "",
            tiebreak=(plan.version,),
        )


ASSESSMENT_TONES: dict[str, str] = {
    AssessmentStatus.DRAFT: "warning",
    AssessmentStatus.SUBMITTED: "info",
    AssessmentStatus.ACKNOWLEDGED: "success",
}


def _assessment_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    url = url_of("cases:assessment-detail")
    for assessment in _records(case, records, "assessments", Assessment):
        yield TimelineRow(
            date=assessment.date,
            kind="assessment",
            title=_("Periodic assessment"),
            url=url(assessment.pk),
            badge=assessment.get_status_display(),
            tone=ASSESSMENT_TONES.get(assessment.status, "secondary"),
            tiebreak=(assessment.pk,),
        )


def _closure_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
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


# Each source gives its rows of the case; `limit`, when given, is how many of the newest rows the
# caller will keep at most, so a source that may be long (visits) reads no more than that.
TimelineSource = Callable[[Case, int | None, Records], Iterable[TimelineRow]]
SOURCES: list[TimelineSource] = [
    _assignment_rows,
    _basis_rows,
    _consent_rows,
    _plan_rows,
    _assessment_rows,
    _closure_rows,
]


def register_timeline_source(source: TimelineSource) -> None:
    """Add the rows of `source` to every case's timeline (an app above `cases`, in its ready()).
    Its rows' kinds must be in KIND_ORDER; the order of sources does not change the timeline."""
    if source not in SOURCES:
        SOURCES.append(source)


_RANK = {kind: index for index, kind in enumerate(KIND_ORDER)}


def case_timeline(
    case: Case, *, limit: int | None = None, records: Records | None = None
) -> list[TimelineRow]:
    """Every event of the case, newest first, or the newest `limit` of them; the case was reached
    through `get_case_for`. `records`: the case's assignments, consents, plans or assessments
    that the page has already read (by relation name), so they are not read again."""
    rows = [row for source in SOURCES for row in source(case, limit, records or {})]
    rows.sort(key=lambda row: (row.date, _RANK[row.kind], row.tiebreak), reverse=True)
    return rows if limit is None else rows[:limit]


def page_number(value: str | None) -> int:
    """The timeline page asked for in the query string (`?timeline=2`); 1 for anything else."""
    return int(value) if value and value.isdecimal() and len(value) <= len(str(TIMELINE_MAX_PAGE)) else 1


def timeline_page(
    case: Case, number: int = 1, *, cumulative: bool = False, records: Records | None = None
) -> TimelinePage:
    """Page `number` of the timeline (the newest entries are page 1), or every page up to it."""
    number = min(max(number, 1), TIMELINE_MAX_PAGE)
    end = number * TIMELINE_PAGE_SIZE
    rows = case_timeline(case, limit=end + 1, records=records)  # one more: are there earlier entries?
    first = 1 if cumulative else number
    return TimelinePage(
        rows=rows[(first - 1) * TIMELINE_PAGE_SIZE : end],
        first=first,
        number=number,
        has_earlier=len(rows) > end,
    )
