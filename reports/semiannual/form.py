"""The gmina's form of the semi-annual report, in one table: every figure the application counts
for the family assistants, with the form's section, row number and wording, and how the
application's own categories (closure reasons, forms of employment) map onto the form's rows.

The form is załącznik nr 1 to the regulation of the Minister of Family, Labour and Social Policy
of 18 June 2019 on the material-and-financial reports on family support and the foster-care
system (Dz. U. 2019 poz. 1195), issued under art. 187 ust. 6 of the Act of 9 June 2011; the
deadlines (31 July, 31 January, to the voivode) are § 3 ust. 1 of that regulation. One legal
site marks that regulation "utracił moc"; no later regulation could be found, so this may not be
the form in force (docs/legal-sources.md, section 7).

**Not verified.** The text of the annex could not be read; a search in December 2026 found
OpenLEX's § 2 of that regulation (załącznik nr 1 is the gmina's form; the act marked "utracił
moc") and the earlier regulation of 22 February 2012 (Dz. U. 2012 poz. 240), but neither the act
in force now nor any annex's rows (README, "Rules of the law"). The sections, row numbers and
wording below are the application's reconstruction, each row marked `verified=False`; the page,
the XLSX and the PDF say so next to every row number. Whoever reads the current form (ISAP PDF
or the ministry's CAS) corrects this table and only this table: every page and export follows it.
"""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from asystent.enums import EmploymentForm
from cases.enums import ClosureReason
from staff.enums import Employer, FundingSource

REGULATION = (
    "Rozporządzenie Ministra Rodziny, Pracy i Polityki Społecznej z dnia 18 czerwca 2019 r. w sprawie "
    "sprawozdań rzeczowo-finansowych z wykonywania zadań z zakresu wspierania rodziny i systemu pieczy "
    "zastępczej (Dz. U. 2019 poz. 1195), załącznik nr 1"
)
FORM_TITLE = (
    "Sprawozdanie rzeczowo-finansowe z wykonywania przez gminę zadań z zakresu wspierania rodziny "
    "i systemu pieczy zastępczej"
)

# Kinds of rows: what the list behind a row shows.
FAMILIES, CHILDREN, ASSISTANTS, MONEY, HEADCOUNT = "families", "children", "assistants", "money", "headcount"


@dataclass(frozen=True)
class Row:
    key: str  # the figure's key in the application (stored snapshots, links, exports)
    section: str  # the form's section, as the form words it
    number: str  # the row number on the form
    wording: str  # the row's wording on the form
    label: Promise  # the application's description of the figure
    kind: str
    indent: bool = False
    in_form: bool = True  # False: the application's own row (data to complete before sending)
    verified: bool = False  # True only once the row was read on the form itself


S1 = "Dział 1. Asystenci rodziny"
S2 = "Dział 2. Rodziny korzystające z usług asystenta rodziny"
S3 = "Dział 3. Rodziny, z którymi asystent rodziny zakończył pracę, według przyczyn"
S4 = "Dział 4. Okres pracy asystenta rodziny z rodzinami, z którymi zakończono pracę"
S5 = "Dział 5. Koszty zatrudnienia asystentów rodziny"

ROWS: list[Row] = [
    Row(
        "assistants",
        S1,
        "1",
        "Asystenci rodziny ogółem",
        _("Family assistants who worked in the period"),
        ASSISTANTS,
    ),
    Row(
        "assistants-employment",
        S1,
        "1.1",
        "w tym zatrudnieni na podstawie umowy o pracę w systemie zadaniowego czasu pracy",
        _("employment contract in task-based working time"),
        ASSISTANTS,
        indent=True,
    ),
    Row(
        "assistants-civil_law",
        S1,
        "1.2",
        "w tym zatrudnieni na podstawie umowy o świadczenie usług",
        _("contract for services"),
        ASSISTANTS,
        indent=True,
    ),
    Row(
        "assistants-contracted",
        S1,
        "1.3",
        "w tym zatrudnieni przez podmiot, któremu gmina zleciła organizację pracy z rodziną "
        "(art. 190 ustawy)",
        _("employed by a body the gmina contracted (art. 190)"),
        ASSISTANTS,
        indent=True,
    ),
    Row(
        "assistants-none",
        S1,
        "—",
        "(brak danych o zatrudnieniu: uzupełnić przed wysłaniem)",
        _("form of employment not recorded"),
        ASSISTANTS,
        indent=True,
        in_form=False,
    ),
    Row(
        "families",
        S2,
        "2",
        "Rodziny korzystające z usług asystenta rodziny",
        _("Families who worked with an assistant"),
        FAMILIES,
    ),
    Row(
        "families-court",
        S2,
        "2.1",
        "w tym rodziny zobowiązane przez sąd do pracy z asystentem rodziny",
        _("of which obliged by a court"),
        FAMILIES,
        indent=True,
    ),
    Row(
        "za-zyciem",
        S2,
        "2.2",
        "w tym rodziny objęte wsparciem asystenta rodziny na podstawie ustawy „Za życiem”",
        _("of which supported under the “Za życiem” Act"),
        FAMILIES,
        indent=True,
    ),
    Row(
        "children",
        S2,
        "3",
        "Dzieci w rodzinach korzystających z usług asystenta rodziny",
        _("Children (under 18 on the last day of the period) in these families"),
        CHILDREN,
    ),
    Row(
        "ended",
        S3,
        "4",
        "Rodziny, z którymi asystent rodziny zakończył pracę",
        _("Families whose work ended"),
        FAMILIES,
    ),
    Row(
        "ended-goals",
        S3,
        "4.1",
        "w tym ze względu na osiągnięcie celów",
        _("goals achieved"),
        FAMILIES,
        indent=True,
    ),
    Row(
        "ended-no_cooperation",
        S3,
        "4.2",
        "w tym ze względu na zaprzestanie współpracy przez rodzinę",
        _("the family stopped cooperating"),
        FAMILIES,
        indent=True,
    ),
    Row(
        "ended-no_effects",
        S3,
        "4.3",
        "w tym ze względu na brak efektów pracy (zmiana metody pracy)",
        _("no effects (a change of method)"),
        FAMILIES,
        indent=True,
    ),
    Row(
        "ended-other",
        S3,
        "4.4",
        "w tym z innych przyczyn",
        _("other reasons"),
        FAMILIES,
        indent=True,
    ),
    Row("duration-up_to_1", S4, "5.1", "do 1 roku", _("up to 1 year"), FAMILIES),
    Row("duration-1_to_2", S4, "5.2", "powyżej 1 roku do 2 lat", _("over 1 year, up to 2 years"), FAMILIES),
    Row("duration-over_2", S4, "5.3", "powyżej 2 lat", _("over 2 years"), FAMILIES),
    Row(
        "cost",
        S5,
        "6",
        "Koszty zatrudnienia asystentów rodziny ogółem (zł)",
        _("Costs of the assistants (PLN)"),
        MONEY,
    ),
    *[
        Row(f"cost-{source.value}", S5, f"6.{n}", wording, source.label, MONEY, indent=True)
        for n, (source, wording) in enumerate(
            [
                (FundingSource.OWN, "w tym ze środków własnych gminy"),
                (FundingSource.PROGRAMME, "w tym z dofinansowania z programu rządowego"),
                (FundingSource.EU, "w tym ze środków Unii Europejskiej"),
                (FundingSource.OTHER, "w tym z innych źródeł"),
            ],
            start=1,
        )
    ],
    Row(
        "covered-programme",
        S5,
        "7",
        "Liczba asystentów rodziny, których zatrudnienie dofinansowano z programu rządowego",
        _("assistants whose employment the government programme co-financed"),
        HEADCOUNT,
    ),
    Row(
        "covered-eu",
        S5,
        "8",
        "Liczba asystentów rodziny, których zatrudnienie dofinansowano ze środków Unii Europejskiej",
        _("assistants whose employment EU funds co-financed"),
        HEADCOUNT,
    ),
]
BY_KEY = {row.key: row for row in ROWS}

# Today's reasons for closure, each on one row of section 3. A refusal before the work began is
# not ended work (the case is not counted at all); a refusal after it began (a court-ordered
# family) is the family stopping cooperation.
CLOSURE_ROWS: dict[str, str] = {
    ClosureReason.GOALS_ACHIEVED: "ended-goals",
    ClosureReason.WITHDREW: "ended-no_cooperation",
    ClosureReason.REFUSED: "ended-no_cooperation",
    ClosureReason.NO_EFFECTS: "ended-no_effects",
    ClosureReason.MOVED_AWAY: "ended-other",
    ClosureReason.FOSTER_CARE: "ended-other",
    ClosureReason.COURT_DECISION: "ended-other",
    ClosureReason.OTHER: "ended-other",
}
assert set(CLOSURE_ROWS) == set(ClosureReason), "every reason for closure has its row"

# Section 1: an employment period's row; an art. 190 body comes before the form of the contract.
ASSISTANT_ROWS = {
    EmploymentForm.EMPLOYMENT_CONTRACT: "assistants-employment",
    EmploymentForm.CIVIL_LAW_CONTRACT: "assistants-civil_law",
}
CONTRACTED_ROW = "assistants-contracted"
NOT_RECORDED_ROW = "assistants-none"


def assistant_row(form: str | None, employer: str | None) -> str:
    """The row of an assistant whose last employment period in the period has this form and
    employer (None: no period recorded)."""
    if form is None:
        return NOT_RECORDED_ROW
    if employer == Employer.CONTRACTED:
        return CONTRACTED_ROW
    return ASSISTANT_ROWS[EmploymentForm(form)]


# Children: the members with the relation "child" who are under 18 on the last day of the
# period (born after the day 18 years before it, and not after it). Not verified against the
# form's definition: the Act's work is with families raising children (art. 8), and minors are
# those under 18 (art. 10 KC).
CHILD_AGE_LIMIT = 18


def children_born_after(end: dt.date) -> dt.date:
    """A child counts when born after this day (and by `end`)."""
    return end - relativedelta(years=CHILD_AGE_LIMIT)


def number_label(row: Row) -> str:
    """The row number as shown: marked when it is not the form's verified number."""
    if not row.in_form:
        return "—"
    return row.number if row.verified else f"{row.number}*"
