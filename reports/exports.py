"""The semi-annual report as CSV and XLSX (openpyxl), for manual entry into the ministry's system.

Callers render inside `translation.override("pl")`: the headers and labels are the Polish ones.
The CSV is UTF-8 with a byte-order mark and semicolons, as Excel in a Polish locale opens it.
"""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from asystent.models import Centre

from .semiannual.form import FORM_TITLE, REGULATION
from .statistics import Figure, Period

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers() -> list[str]:
    return [_("Section"), _("Row"), _("Wording of the form"), _("Figure"), _("Number")]


def figure_rows(figures: list[Figure]) -> list[list]:
    """One row per figure: section, row number, the form's wording ("of which" rows indented),
    the application's label, value."""
    return [
        [f.section, f.number, ("    " if f.indent else "") + f.wording, f.label, f.value] for f in figures
    ]


def unverified_note() -> str:
    return _(
        "Row numbers marked * and the wording of the rows could not be checked against the text of "
        "the form: compare them with the current form before sending."
    )


def filename(period: Period, extension: str) -> str:
    return f"sprawozdanie-asystent-{period.key}.{extension}"


def report_csv(period: Period, figures: list[Figure]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    writer.writerows(figure_rows(figures))
    writer.writerow([unverified_note()])
    return buffer.getvalue()


def _text(cell: Cell | MergedCell, value: str) -> Cell | MergedCell:
    """Write `value` as text: openpyxl takes a string starting with "=" for a formula, which a
    spreadsheet would run (a centre named "=HYPERLINK(...)")."""
    cell.value = value
    cell.data_type = "s"
    return cell


def report_xlsx(period: Period, figures: list[Figure], *, centre: Centre) -> bytes:
    """One sheet: the title, the centre and the period, then the table with a frozen header."""
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook starts with one worksheet
        raise TypeError("the workbook has no active worksheet")
    sheet.title = _("Report")[:31]
    _text(sheet["A1"], _("Semi-annual report on the family assistant programme"))
    sheet["A1"].font = Font(bold=True, size=14)
    _text(sheet["A2"], centre.name)
    period_line = _("Period: %(part)s %(year)d (%(dates)s)") % {
        "part": period.part_label,
        "year": period.year,
        "dates": period.label,
    }
    _text(sheet["A3"], period_line)
    _text(sheet["A4"], f"{FORM_TITLE}. {REGULATION}. {unverified_note()}")
    header_row = 6
    for column, title in enumerate(headers(), start=1):
        cell = _text(sheet.cell(row=header_row, column=column), title)
        cell.font = Font(bold=True)
    top = Alignment(wrap_text=True, vertical="top")
    for offset, (section, number, wording, label, value) in enumerate(figure_rows(figures), start=1):
        row = header_row + offset
        _text(sheet.cell(row=row, column=1), section).alignment = top
        _text(sheet.cell(row=row, column=2), number).alignment = top
        _text(sheet.cell(row=row, column=3), wording.strip()).alignment = Alignment(
            indent=2 if wording.startswith(" ") else 0, wrap_text=True, vertical="top"
        )
        _text(sheet.cell(row=row, column=4), label).alignment = top
        cell = sheet.cell(row=row, column=5, value=value)
        if isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
    for column, width in enumerate((40, 8, 60, 40, 14), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"  # the rows below the header scroll
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
