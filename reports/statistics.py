"""The figures of the semi-annual report (*sprawozdanie rzeczowo-finansowe*, due 31 July for H1 and
31 January for H2), each computed from case and staff data and each with the list behind it. The
rows, their numbers and wording on the form, and how the application's categories map onto them
are in `reports.semiannual.form` (one table).

A period is a half-year (H1: 1 January-30 June, H2: 1 July-31 December) or a whole year; both of
its ends belong to it. The rules:

- **Working in the period.** A family counts when the work with it had begun (`started_on`: the
  family's consent, art. 8 ust. 3; the day a court-ordered or art. 11 ust. 1a case was opened;
  an accepted "Za życiem" request, whose consent starts the work) on or before the last day of
  the period and was not closed before its first day: `started_on <= end` and (`closed_on` is
  empty or `closed_on >= start`). A family awaiting consent, or one that refused before the work
  began, is not counted. Monitoring after closure (art. 15 ust. 1 pkt 16) is not work with an
  assistant and does not extend the case.
- **Families** are counted once, however many of their cases match. "Of which by court order"
  and "Za życiem" count the families with at least one matching case on that legal basis; "by
  court order" counts a case for the days the order was in force (`cases.LegalBasisPeriod`,
  `cases.selectors.court_ordered_during`), so voluntary work before the order does not count.
- **Children**: members with the relation "child" of the families working in the period, each
  person once, under 18 on the last day of the period (`form.children_born_after`).
- **Assistants**: everyone with an employment period (`staff.Employment`) in force on some day of
  the period, with families or without, and everyone assigned to a family in the period; each
  once, on the row of the last employment period in force in the period (`form.assistant_row`:
  a contracted body first, then the form of the contract); without one, on the row "not
  recorded", to be completed before the report is sent.
- **Work ended in the period**: cases whose work had begun and that closed within the period
  (`start <= closed_on <= end`; the closure, not the end of monitoring), on the row of their
  reason (`form.CLOSURE_ROWS`); a family is counted once per row. A refusal before the work began
  ends no work.
- **Duration of the work** of the cases that ended in the period, from the day the work began
  (`started_on`) to `closed_on`, in calendar years as art. 112 of the Civil Code counts them (a
  year ends on the day with the same date; from 29 February on 28 February): *up to 1 year* when
  `closed_on <= started_on + 1 year`, *over 1 up to 2 years* when `closed_on <= started_on + 2
  years`, *over 2 years* otherwise.
- **Costs** (section 5): the manager's monthly entries (`staff.Cost`) for the months of the
  period, by source; the assistants a co-financing covered are the largest number entered for a
  month of the period.

The family figures take one aggregate query and the children one more, whatever the number of
cases; the assistants two small ones. `reports.snapshots` keeps the counted figures, so the pages
compute them only when the data behind them has changed; the costs are read each time.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from asystent.models import User
from cases.enums import LegalBasis, Relation
from cases.models import Assignment, Case, Family, FamilyMember
from cases.selectors import court_order_in_force
from staff.enums import FundingSource
from staff.models import Cost
from staff.services import costs_during, employments_during

from .semiannual import form
from .semiannual.form import BY_KEY, ROWS, Row

PARTS = {
    "H1": pgettext_lazy("half-year", "first half (January-June)"),
    "H2": pgettext_lazy("half-year", "second half (July-December)"),
    "Y": pgettext_lazy("half-year", "whole year"),
}
DURATION_BANDS = ("up_to_1", "1_to_2", "over_2")


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


def _working(period: Period) -> Q:
    return Q(started_on__isnull=False, started_on__lte=period.end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)
    )


def _ended(period: Period) -> Q:
    return Q(started_on__isnull=False, closed_on__gte=period.start, closed_on__lte=period.end)


def cases_working_in(period: Period) -> QuerySet[Case]:
    return Case.objects.filter(_working(period))


def cases_ended_in(period: Period) -> QuerySet[Case]:
    return Case.objects.filter(_ended(period))


def _assignments_in(period: Period) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start), started_on__lte=period.end
    )


def assistant_rows(period: Period) -> dict[int, str]:
    """Each assistant of the period (employed in it, or assigned to a family in it) with the row
    of section 1 they are counted on (`form.assistant_row`)."""
    rows: dict[int, str] = {}
    for assistant_id, employment_form, employer in (
        employments_during(period.start, period.end)
        .order_by("assistant_id", "started_on", "pk")
        .values_list("assistant_id", "form", "employer")
    ):
        rows[assistant_id] = form.assistant_row(employment_form, employer)  # the last one stays
    for assistant_id in _assignments_in(period).values_list("assistant_id", flat=True).distinct():
        rows.setdefault(assistant_id, form.NOT_RECORDED_ROW)
    return rows


def assistants_in(period: Period, row: str | None = None) -> QuerySet[User]:
    """The assistants of the period (on one row of section 1), with their families counted."""
    ids = [pk for pk, on_row in assistant_rows(period).items() if row is None or on_row == row]
    in_period = Q(assignments__started_on__lte=period.end) & (
        Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gte=period.start)
    )
    return (
        User.objects.filter(pk__in=ids)
        .annotate(families=Count("assignments__case__family", filter=in_period, distinct=True))
        .order_by("last_name", "first_name", "pk")
    )


def duration_band(started_on: dt.date, closed_on: dt.date) -> str:
    if closed_on <= started_on + relativedelta(years=1):
        return "up_to_1"
    if closed_on <= started_on + relativedelta(years=2):
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
    one_year, two_years = YearsLater("started_on", 1), YearsLater("started_on", 2)
    return {
        "up_to_1": Q(closed_on__lte=one_year),
        "1_to_2": Q(closed_on__gt=one_year, closed_on__lte=two_years),
        "over_2": Q(closed_on__gt=two_years),
    }


def _child_of_age(period: Period, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}relation": Relation.CHILD,
            f"{prefix}birth_date__lte": period.end,
            f"{prefix}birth_date__gt": form.children_born_after(period.end),
        }
    )


def children_of(families: QuerySet, period: Period) -> QuerySet[FamilyMember]:
    """The children counted for the period of `families` (families, or a query of family ids)."""
    return FamilyMember.objects.filter(_child_of_age(period), family__in=families)


# --- the figures ----------------------------------------------------------------------------------

# The rows counted from the case and staff data (stored by `reports.snapshots`); the others
# (section 5) are read from the cost entries each time.
COUNTED = {row.key: row for row in ROWS if row.kind not in (form.MONEY, form.HEADCOUNT)}
FIGURES = BY_KEY


def _family_conditions(period: Period) -> dict[str, Q]:
    working, ended = _working(period), _ended(period)
    closure_rows: dict[str, list[str]] = {}
    for reason, row in form.CLOSURE_ROWS.items():
        closure_rows.setdefault(row, []).append(reason)
    return {
        "families": working,
        # The days the order was in force (cases.selectors): a case that became court-ordered
        # during voluntary work counts only if the order was in force in the period.
        "families-court": working & Q(court_order_in_force(period.start, period.end)),
        "za-zyciem": working & Q(legal_basis=LegalBasis.ZA_ZYCIEM),
        "children": working,
        "ended": ended,
        **{row: ended & Q(closure_reason__in=reasons) for row, reasons in closure_rows.items()},
        **{f"duration-{band}": ended & condition for band, condition in band_conditions().items()},
    }


def figure_cases(key: str, period: Period) -> QuerySet[Case]:
    """The cases behind a family figure; the figure counts their families (children: their
    children)."""
    conditions = _family_conditions(period)
    if key not in conditions:
        raise KeyError(key)
    return Case.objects.filter(conditions[key])


def figure_families(key: str, period: Period, cases: QuerySet[Case] | None = None) -> QuerySet[Family]:
    """The families behind a figure (of `cases`, when the list narrows them with filters)."""
    cases = figure_cases(key, period) if cases is None else cases
    families = Family.objects.filter(pk__in=cases.values("family"))
    if key == "children":
        families = families.filter(
            Exists(FamilyMember.objects.filter(_child_of_age(period), family=OuterRef("pk")))
        )
    return families


def figure_assistants(key: str, period: Period) -> QuerySet[User]:
    if key == "assistants":
        return assistants_in(period)
    if key in COUNTED and COUNTED[key].kind == form.ASSISTANTS:
        return assistants_in(period, key)
    raise KeyError(key)


def figure_costs(key: str, period: Period) -> QuerySet[Cost]:
    if key not in BY_KEY or BY_KEY[key].kind not in (form.MONEY, form.HEADCOUNT):
        raise KeyError(key)
    qs = costs_during(period.start, period.end)
    source = key.split("-", 1)[1] if "-" in key else None
    return qs.filter(source=source) if source else qs


@dataclass(frozen=True)
class Figure:
    definition: Row
    value: int | Decimal

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def section(self) -> str:
        return self.definition.section

    @property
    def label(self) -> str:
        return str(self.definition.label)

    @property
    def indent(self) -> bool:
        return self.definition.indent

    @property
    def number(self) -> str:
        return form.number_label(self.definition)

    @property
    def wording(self) -> str:
        return self.definition.wording

    @property
    def kind(self) -> str:
        return self.definition.kind


def _assistant_figures(period: Period) -> dict[str, int]:
    rows = list(assistant_rows(period).values())
    values = {"assistants": len(rows)}
    for key, row in COUNTED.items():
        if row.kind == form.ASSISTANTS and key != "assistants":
            values[key] = rows.count(key)
    return values


def _family_figures(period: Period) -> dict[str, int]:
    """Every figure counting families, in one query over the cases working or ended in the period
    (found through the index on `closed_on`): one `COUNT(DISTINCT family) FILTER (...)` per figure,
    so a family with several matching cases counts once in each."""
    conditions = _family_conditions(period)
    conditions.pop("children")
    aliases = {key: f"n{position}" for position, key in enumerate(conditions)}
    either = (Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)) & Q(
        started_on__isnull=False, started_on__lte=period.end
    )
    counts = Case.objects.filter(either).aggregate(
        **{
            aliases[key]: Count("family", distinct=True, filter=condition)
            for key, condition in conditions.items()
        }
    )
    return {key: counts[alias] for key, alias in aliases.items()}


def semiannual_report(period: Period) -> list[Figure]:
    """The counted figures of the report (sections 1-4), in the order of the form.

    This computes them; the pages read them through `reports.snapshots.report_figures`, which
    keeps them until the data behind them changes, and adds the costs (`cost_figures`)."""
    values = {
        **_assistant_figures(period),
        **_family_figures(period),
        "children": children_of(cases_working_in(period).values("family_id"), period).count(),
    }
    return [Figure(row, values[key]) for key, row in COUNTED.items()]


def cost_figures(period: Period) -> list[Figure]:
    """Section 5: the costs of the period's months by source, and the assistants each
    co-financing covered (the largest number entered for a month of the period)."""
    cents = Decimal("0.01")  # SQLite sums decimals without their scale
    by_source = {
        source: (Decimal(amount).quantize(cents), covered)
        for source, amount, covered in costs_during(period.start, period.end)
        .order_by()
        .values_list("source")
        .annotate(amount=Sum("amount"), covered=Max("assistants_covered"))
    }
    values: dict[str, int | Decimal] = {
        "cost": sum((amount for amount, _covered in by_source.values()), Decimal("0.00")),
        **{f"cost-{s.value}": by_source.get(s.value, (Decimal("0.00"), 0))[0] for s in FundingSource},
        "covered-programme": by_source.get(FundingSource.PROGRAMME, (0, 0))[1],
        "covered-eu": by_source.get(FundingSource.EU, (0, 0))[1],
    }
    return [Figure(row, values[row.key]) for row in ROWS if row.key in values]


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
