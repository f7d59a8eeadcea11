"""The centre's reports as printed documents: the semi-annual report and the annual report to the
gmina council, registered with the documents' kinds in `ReportsConfig.ready()`, so the worker
renders them like every other PDF (on the letterhead, PDF/A, "Strona X z Y"), never the request.

They name no family: their key has neither a case nor a family, and only the people who read the
figures ask for them and see them (the semi-annual report: managers and the administrator; the
annual report, whose text is the manager's: managers).

- The semi-annual report is keyed by its period (`period_code`: year * 10 + 1 for H1, 2 for H2,
  3 for the whole year) and its version: 0 for the current figures (rendered again when they have
  changed), or the id of a `SentReport` for the figures as they were sent, which is frozen.
- The annual report is keyed by its year, version 0: the year's current figures and the
  manager's text, rendered again when either has changed.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asystent.enums import Role
from asystent.models import User
from asystent.permissions import is_administrator, is_manager
from documents.enums import DocumentKind, Owner
from documents.kinds import Key, KindSpec, register_kind
from documents.models import RenderedDocument

from .. import help_points
from ..models import AnnualReport, SentReport
from ..snapshots import report_figures
from ..statistics import Figure, Period
from . import form

CURRENT = 0  # the version of the current figures (a sent version is its SentReport's id)
_PART_CODES = {"H1": 1, "H2": 2, "Y": 3}
_CODE_PARTS = {code: part for part, code in _PART_CODES.items()}


def period_code(period: object) -> int:
    assert isinstance(period, Period)
    return period.year * 10 + _PART_CODES[period.part]


def period_of(code: int) -> Period:
    return Period(code // 10, _CODE_PARTS[code % 10])


def sent_figures(sent: SentReport) -> list[Figure]:
    """The figures as they were sent, in the form's order (amounts were stored as text)."""
    figures = []
    for row in form.ROWS:
        if row.key in sent.figures:
            value = sent.figures[row.key]
            figures.append(Figure(row, Decimal(value) if isinstance(value, str) else int(value)))
    return figures


def _sent(document: RenderedDocument) -> SentReport:
    return SentReport.objects.select_related("sent_by").get(
        pk=document.version, period=period_of(document.object_id).key
    )


def _semiannual_context(document: RenderedDocument) -> dict:
    period = period_of(document.object_id)
    context: dict = {"period": period, "form_title": form.FORM_TITLE, "regulation": form.REGULATION}
    if document.version == CURRENT:
        return context | {"figures": report_figures(period).figures, "today": timezone.localdate()}
    sent = _sent(document)
    return context | {
        "figures": sent_figures(sent),
        "sent": sent,
        "today": timezone.localdate(sent.sent_at),
    }


def _semiannual_refusal(object_id: int, version: int) -> str | None:
    period = period_of(object_id)
    if period.start > timezone.localdate():
        return _("This period has not started yet. Choose an earlier one.")
    if version != CURRENT and not SentReport.objects.filter(pk=version, period=period.key).exists():
        return _("This version of the report was not sent for this period.")
    return None


def _figures_reader(user: User, key: Key | None = None) -> bool:
    return bool(is_manager(user) or is_administrator(user))


def _manager(user: User, key: Key | None = None) -> bool:
    return bool(is_manager(user))


def _semiannual_file_name(document: RenderedDocument) -> str:
    period = period_of(document.object_id)
    if document.version == CURRENT:
        return f"sprawozdanie-asystent-{period.key}.pdf"
    return f"sprawozdanie-asystent-{period.key}-wyslane-{document.version}.pdf"


def _semiannual_describe(document: RenderedDocument) -> str:
    period = period_of(document.object_id)
    name = f"{period.part_label} {period.year} ({period.label})"
    if document.version == CURRENT:
        return _("%(period)s: the current figures") % {"period": name}
    sent = SentReport.objects.filter(pk=document.version).first()
    when = date_format(timezone.localtime(sent.sent_at), "SHORT_DATE_FORMAT") if sent else "?"
    return _("%(period)s: the version sent on %(date)s") % {"period": name, "date": when}


def _semiannual_back(document: RenderedDocument) -> str:
    period = period_of(document.object_id)
    return f"{reverse('reports:semiannual')}?year={period.year}&part={period.part}"


def _annual_context(document: RenderedDocument) -> dict:
    year = document.object_id
    period = Period(year, "Y")
    return {
        "period": period,
        "figures": report_figures(period).figures,
        "points": help_points.by_point(period),
        "text": AnnualReport.objects.filter(year=year).first() or AnnualReport(year=year),
        "today": timezone.localdate(),
    }


def _annual_refusal(object_id: int, version: int) -> str | None:
    if object_id > timezone.localdate().year:
        return _("This period has not started yet. Choose an earlier one.")
    return None


def _annual_describe(document: RenderedDocument) -> str:
    return _("The year %(year)s: the current figures and text") % {"year": document.object_id}


def _annual_back(document: RenderedDocument) -> str:
    return f"{reverse('reports:annual')}?year={document.object_id}"


def _annual_file_name(document: RenderedDocument) -> str:
    return f"sprawozdanie-rada-gminy-{document.object_id}.pdf"


def _year(year: object) -> int:
    assert isinstance(year, int)
    return year


def register() -> None:
    register_kind(
        DocumentKind.SEMIANNUAL_REPORT,
        KindSpec(
            "reports/manager/semiannual_pdf.html",
            "sprawozdanie-asystent",
            False,
            _semiannual_context,
            refusal=_semiannual_refusal,
            back_url=_semiannual_back,
            may_prepare=_figures_reader,
            owner=Owner.CENTRE,
            readers=(Role.MANAGER, Role.ADMINISTRATOR),
            file_name=_semiannual_file_name,
            describe=_semiannual_describe,
            object_id_of=period_code,
            # What was sent stays as it was sent; the current figures follow the data.
            version_frozen=lambda version: version != CURRENT,
            sealed=True,
        ),
    )
    register_kind(
        DocumentKind.ANNUAL_REPORT,
        KindSpec(
            "reports/manager/annual_pdf.html",
            "sprawozdanie-rada-gminy",
            False,
            _annual_context,
            refusal=_annual_refusal,
            back_url=_annual_back,
            may_prepare=_manager,
            owner=Owner.CENTRE,
            readers=(Role.MANAGER,),
            file_name=_annual_file_name,
            describe=_annual_describe,
            object_id_of=_year,
            sealed=True,
        ),
    )
