"""The figures of the semi-annual report (*sprawozdanie rzeczowo-finansowe*, due 31 July for H1 and
31 January for H2), each computed from case data and each with the list behind it.

A period is a half-year (H1: 1 January-30 June, H2: 1 July-31 December) or a whole year; both of
its ends belong to it. The boundary rules:

- **Working in the period.** A case counts when its work began on or before the last day of the
  period and it was not closed before the first day: `coalesce(started_on, opened_on) <= end` and
  (`closed_on` is empty or `closed_on >= start`). So a case opened (and started) on the last day
  counts, a case closed on the first day counts, a case closed the day before the period does
  not, a case opened the day after does not. The beginning is the start of the work
  (`started_on`, the family's consent for voluntary work, art. 8 ust. 3), or the opening where
  the work has not started (awaiting consent, or consent refused). Monitoring after closure
  (art. 15 ust. 1 pkt 16) is not work with an assistant and does not extend the case.
- **Families** are counted once, however many of their cases match. "Of which by court order"
  and "Za życiem" count the families with at least one matching case on that legal basis; "by
  court order" counts a case for the days the order was in force (`cases.LegalBasisPeriod`,
  `cases.selectors.court_ordered_during`), so voluntary work before the order does not count.
- **Children**: members with the relation "child" of the families working in the period, each
  person once; a child born after the end of the period is not counted.
- **Assistants by form of employment**: the people who held at least one assignment overlapping
  the period (`cases.Assignment`: `started_on <= end` and (`ended_on` empty or `>= start`)),
  counted once, by the form of employment recorded on their profile (those without one are shown
  separately, so that the profile can be completed before the report is sent).
- **Work ended in the period**: cases with `start <= closed_on <= end` (the closure, not the end
  of monitoring), by the reason for closure; a family is counted once per reason.
- **Duration of the work** of the cases that ended in the period, from `opened_on` to `closed_on`,
  in calendar years as art. 112 of the Civil Code counts them (a year ends on the day with the
  same date; from 29 February on 28 February): *up to 1 year* when `closed_on <= opened_on + 1 year`
  (365 days, or 366 when 29 February lies between), *over 1 up to 2 years* when
  `closed_on <= opened_on + 2 years`, *over 2 years* otherwise.

The whole report takes three aggregate queries, whatever the number of cases: the assistants by
form of employment, every figure counting families (the duration bands too: `YearsLater` adds
calendar years in SQL), and the children; no row is read into Python. `reports.snapshots` keeps
the computed figures, so the pages compute them only when the data behind them has changed.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from asystent.enums import EmploymentForm
from asystent.models import User
from cases.enums import ClosureReason, LegalBasis, Relation
from cases.models import Assignment, Case, Family, FamilyMember
from cases.selectors import court_order_in_force, court_ordered_during

PARTS = {
    "H1": pgettext_lazy("half-year", "first half (January-June)"),
    "H2": pgettext_lazy("half-year", "second half (July-December)"),
    "Y": pgettext_lazy("half-year", "whole year"),
}
NO_EMPLOYMENT_FORM = "none"
DURATION_BANDS = {
    "up_to_1": _("up to 1 year"),
    "1_to_2": _("over 1 year, up to 2 years"),
    "over_2": _("over 2 years"),
}


@dataclass(frozen=True)
class Period:
    """A reporting period: a half-year (H1, H2) or a whole year (Y), both ends included."""

    year: int
    part: str

    def __post_init__(self) -> None:
        if self.part not in PARTS or not 2000 <= self.year <= 2100:
            raise ValueError(f"invalid period {self.year}-{self.part}")

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 7 if self.part == "H2" else 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.part == "H1" else dt.date(self.year, 12, 31)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.part}"

    @property
    def label(self) -> str:
        return f"{date_format(self.start, 'SHORT_DATE_FORMAT')}–{date_format(self.end, 'SHORT_DATE_FORMAT')}"

    @property
    def part_label(self) -> Promise:
        return PARTS[self.part]

    @classmethod
    def parse(cls, key: str) -> "Period":
        """`2025-H1`, `2025-H2` or `2025-Y`; ValueError otherwise."""
        year, _sep, part = (key or "").partition("-")
        if not year.isdigit():
            raise ValueError(f"invalid period {key!r}")
        return cls(int(year), part)

    @classmethod
    def last_complete_half(cls, today: dt.date | None = None) -> "Period":
        """The default: the half-year that ended most recently (H1 from 1 July, else last H2)."""
        today = today or timezone.localdate()
        return cls(today.year, "H1") if today.month >= 7 else cls(today.year - 1, "H2")


# --- the cases and people behind the figures ------------------------------------------------------


def cases_working_in(period: Period) -> QuerySet[Case]:
    return Case.objects.alias(began=Coalesce("started_on", "opened_on")).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start), began__lte=period.end
    )


def cases_ended_in(period: Period) -> QuerySet[Case]:
    return Case.objects.filter(closed_on__gte=period.start, closed_on__lte=period.end)


def _assignments_in(period: Period) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start), started_on__lte=period.end
    )


def assistants_in(period: Period, employment_form: str | None = None) -> QuerySet[User]:
    """The people who worked as a family's assistant in the period, with their families counted."""
    in_period = Q(assignments__started_on__lte=period.end) & (
        Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gte=period.start)
    )
    qs = User.objects.filter(Exists(_assignments_in(period).filter(assistant=OuterRef("pk"))))
    if employment_form == NO_EMPLOYMENT_FORM:
        qs = qs.filter(employment_form="")
    elif employment_form is not None:
        qs = qs.filter(employment_form=employment_form)
    return qs.annotate(families=Count("assignments__case__family", filter=in_period, distinct=True)).order_by(
        "last_name", "first_name", "pk"
    )


def duration_band(opened_on: dt.date, closed_on: dt.date) -> str:
    if closed_on <= opened_on + relativedelta(years=1):
        return "up_to_1"
    if closed_on <= opened_on + relativedelta(years=2):
        return "1_to_2"
    return "over_2"


class YearsLater(models.Func):
    """The date `years` calendar years after a date column, as art. 112 KC counts them: from
    29 February, 28 February of a common year."""

    output_field = models.DateField()

    def __init__(self, column: str, years: int) -> None:
        self.years = int(years)
        super().__init__(models.F(column))

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        # PostgreSQL's date arithmetic already ends on 28 February.
        template = f"(%(expressions)s + interval '{self.years} years')::date"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        # SQLite would roll 29 February over to 1 March: step back to the last day of February.
        later = f"date(%(expressions)s, '+{self.years} years')"
        # (Dates are text YYYY-MM-DD; substr avoids % signs, which the SQL must not contain.)
        template = (
            f"CASE WHEN substr(%(expressions)s, 6, 5) = '02-29' AND substr({later}, 9, 2) = '01' "
            f"THEN date({later}, '-1 day') ELSE {later} END"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def band_conditions() -> dict[str, Q]:
    """`duration_band` in SQL, one condition on a case's dates per band."""
    one_year, two_years = YearsLater("opened_on", 1), YearsLater("opened_on", 2)
    return {
        "up_to_1": Q(closed_on__lte=one_year),
        "1_to_2": Q(closed_on__gt=one_year, closed_on__lte=two_years),
        "over_2": Q(closed_on__gt=two_years),
    }


def _cases_in_band(period: Period, band: str) -> QuerySet[Case]:
    return cases_ended_in(period).filter(band_conditions()[band])


def children_of(families: QuerySet, period: Period) -> QuerySet[FamilyMember]:
    """The children counted for the period of `families` (families, or a query of family ids)."""
    return FamilyMember.objects.filter(
        family__in=families, relation=Relation.CHILD, birth_date__lte=period.end
    )


# --- the figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureDef:
    key: str
    section: Promise
    label: Promise
    kind: str  # "families" (the list is of families) or "assistants"
    indent: bool = False


SECTION_STAFF = _("Family assistants")
SECTION_FAMILIES = _("Families")
SECTION_ENDED = _("Families whose work with an assistant ended in the period, by reason")
SECTION_DURATION = _("Duration of the work with the families whose work ended in the period")

FIGURES: dict[str, FigureDef] = {
    f.key: f
    for f in [
        FigureDef("assistants", SECTION_STAFF, _("Family assistants who worked in the period"), "assistants"),
        *[
            FigureDef(f"assistants-{form.value}", SECTION_STAFF, form.label, "assistants", indent=True)
            for form in EmploymentForm
        ],
        FigureDef(
            f"assistants-{NO_EMPLOYMENT_FORM}",
            SECTION_STAFF,
            _("form of employment not recorded"),
            "assistants",
            indent=True,
        ),
        FigureDef("families", SECTION_FAMILIES, _("Families who worked with an assistant"), "families"),
        FigureDef(
            "families-court", SECTION_FAMILIES, _("of which obliged by a court"), "families", indent=True
        ),
        FigureDef("children", SECTION_FAMILIES, _("Children in these families"), "families"),
        FigureDef("za-zyciem", SECTION_FAMILIES, _("“Za życiem” families"), "families"),
        FigureDef("ended", SECTION_ENDED, _("Families whose work ended"), "families"),
        *[
            FigureDef(f"ended-{reason.value}", SECTION_ENDED, reason.label, "families", indent=True)
            for reason in ClosureReason
        ],
        *[
            FigureDef(f"duration-{band}", SECTION_DURATION, label, "families")
            for band, label in DURATION_BANDS.items()
        ],
    ]
}


def figure_cases(key: str, period: Period) -> QuerySet[Case]:
    """The cases behind a family figure; the figure counts their families (children: their
    children)."""
    if key in ("families", "children"):
        return cases_working_in(period)
    if key == "families-court":
        court_ordered = court_ordered_during(period.start, period.end)
        return cases_working_in(period).filter(pk__in=court_ordered.values("pk"))
    if key == "za-zyciem":
        return cases_working_in(period).filter(legal_basis=LegalBasis.ZA_ZYCIEM)
    if key == "ended":
        return cases_ended_in(period)
    if key.startswith("ended-") and key in FIGURES:
        return cases_ended_in(period).filter(closure_reason=key.removeprefix("ended-"))
    if key.startswith("duration-") and key in FIGURES:
        return _cases_in_band(period, key.removeprefix("duration-"))
    raise KeyError(key)


def figure_families(key: str, period: Period, cases: QuerySet[Case] | None = None) -> QuerySet[Family]:
    """The families behind a figure (of `cases`, when the list narrows them with filters)."""
    cases = figure_cases(key, period) if cases is None else cases
    families = Family.objects.filter(pk__in=cases.values("family"))
    if key == "children":
        families = families.filter(
            Exists(
                FamilyMember.objects.filter(
                    family=OuterRef("pk"), relation=Relation.CHILD, birth_date__lte=period.end
                )
            )
        )
    return families


def figure_assistants(key: str, period: Period) -> QuerySet[User]:
    if key == "assistants":
        return assistants_in(period)
    if key.startswith("assistants-") and key in FIGURES:
        return assistants_in(period, key.removeprefix("assistants-"))
    raise KeyError(key)


@dataclass(frozen=True)
class Figure:
    definition: FigureDef
    value: int

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def section(self) -> str:
        return str(self.definition.section)

    @property
    def label(self) -> str:
        return str(self.definition.label)

    @property
    def indent(self) -> bool:
        return self.definition.indent


def _assistant_figures(period: Period) -> dict[str, int]:
    by_form = dict(
        User.objects.filter(Exists(_assignments_in(period).filter(assistant=OuterRef("pk"))))
        .order_by()
        .values_list("employment_form")
        .annotate(n=Count("pk"))
    )
    values = {"assistants": sum(by_form.values())}
    for form in EmploymentForm:
        values[f"assistants-{form.value}"] = by_form.get(form.value, 0)
    values[f"assistants-{NO_EMPLOYMENT_FORM}"] = by_form.get("", 0)
    return values


def _family_figures(period: Period) -> dict[str, int]:
    """Every figure counting families, in one query over the cases working or ended in the period
    (found through the index on `closed_on`): one `COUNT(DISTINCT family) FILTER (...)` per figure,
    so a family with several matching cases counts once in each."""
    working = Q(began__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
    ended = Q(closed_on__gte=period.start, closed_on__lte=period.end)
    conditions = {
        "families": working,
        # The days the order was in force (cases.selectors): a case that became court-ordered
        # during voluntary work counts only if the order was in force in the period.
        "families-court": working & Q(court_order_in_force(period.start, period.end)),
        "za-zyciem": working & Q(legal_basis=LegalBasis.ZA_ZYCIEM),
        "ended": ended,
        **{f"ended-{reason.value}": ended & Q(closure_reason=reason.value) for reason in ClosureReason},
        **{f"duration-{band}": ended & condition for band, condition in band_conditions().items()},
    }
    aliases = {key: f"n{position}" for position, key in enumerate(conditions)}
    # working or ended, factored so that the first condition is served by the index on closed_on
    either = (Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)) & (
        Q(began__lte=period.end) | Q(closed_on__lte=period.end)
    )
    counts = (
        Case.objects.alias(began=Coalesce("started_on", "opened_on"))
        .filter(either)
        .aggregate(
            **{
                aliases[key]: Count("family", distinct=True, filter=condition)
                for key, condition in conditions.items()
            }
        )
    )
    return {key: counts[alias] for key, alias in aliases.items()}


def semiannual_report(period: Period) -> list[Figure]:
    """All the figures of the report, in the order of the form, in three queries.

    This computes them; the pages read them through `reports.snapshots.report_figures`, which
    keeps them until the data behind them changes."""
    values = {
        **_assistant_figures(period),
        **_family_figures(period),
        "children": children_of(cases_working_in(period).values("family_id"), period).count(),
    }
    return [Figure(definition, values[key]) for key, definition in FIGURES.items()]


def attach_cases(families: Iterable[Family], cases: QuerySet[Case], period: Period) -> None:
    """Give each family of a list page its matching `cases` and its children counted for the
    period (`matching_cases`, `children_count`), in two queries."""
    families = list(families)
    ids = [family.pk for family in families]
    by_family: dict[int, list[Case]] = {pk: [] for pk in ids}
    for case in cases.filter(family_id__in=ids).select_related("assistant").order_by("opened_on", "pk"):
        by_family[case.family_id].append(case)
    children: dict[int, int] = dict.fromkeys(ids, 0)
    for family_id in children_of(Family.objects.filter(pk__in=ids), period).values_list(
        "family_id", flat=True
    ):
        children[family_id] += 1
    for family in families:
        family.matching_cases = by_family[family.pk]
        family.children_count = children[family.pk]
