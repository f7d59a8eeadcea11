"""Reading an uploaded spreadsheet into rows of text: CSV (UTF-8, with or without the BOM a
spreadsheet program writes, separated by `;` or `,`) or XLSX (openpyxl).

A formula in an XLSX cell is refused rather than read: without the program that wrote the file,
its cached result may be missing or stale, and the person importing must see the value they
import. Dates typed as dates are read as such; a PESEL stored as a number gets its leading zeros
back.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# An XLSX is a ZIP: what it unpacks to is limited too (a "zip bomb" is refused before openpyxl).
XLSX_UNPACKED_FACTOR = 20
MAX_ROWS = 20_000
PESEL_COLUMNS = frozenset({"pesel"})


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, in Polish."""


@dataclass
class Sheet:
    """The header (normalised column names) and the rows: (row number in the file, {column: text})."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    # (row number, column, message) of cells that could not be read (formulas).
    cell_problems: list[tuple[int, str, str]] = field(default_factory=list)


def _normalise(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def detect_format(name: str, head: bytes) -> str:
    """ "xlsx" or "csv", judged by the content (an XLSX is a ZIP archive) and then the name."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise UnreadableFile(_("The file is not a valid XLSX workbook. Save it again as XLSX or CSV."))
    return "csv"


def read(handle: IO[bytes], file_format: str) -> Sheet:
    handle.seek(0)
    if file_format == "xlsx":
        return _read_xlsx(handle)
    return _read_csv(handle.read())


def _read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _("The file is not in UTF-8 encoding. Save it as “CSV UTF-8” in the spreadsheet program.")
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as error:
        raise UnreadableFile(_("The file is empty.")) from error
    except csv.Error as error:
        raise UnreadableFile(_("The file is not a valid CSV file.")) from error
    columns = [_normalise(name) for name in header]
    sheet = Sheet(columns=columns)
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            _add_row(sheet, reader.line_num, values)
    except csv.Error as error:
        raise UnreadableFile(_("The file is not a valid CSV file.")) from error
    return sheet


def _add_row(sheet: Sheet, number: int, values: list[str]) -> None:
    if len(sheet.rows) >= MAX_ROWS:
        raise UnreadableFile(
            _("The file has more than %(max)d rows; split it into smaller files.") % {"max": MAX_ROWS}
        )
    sheet.rows.append(
        (
            number,
            {
                column: (values[i] if i < len(values) else "").strip()
                for i, column in enumerate(sheet.columns)
            },
        )
    )


def _read_xlsx(handle: IO[bytes]) -> Sheet:
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UnreadableFile(
            _("The file is not a valid XLSX workbook. Save it again as XLSX or CSV.")
        ) from error
    if unpacked > XLSX_UNPACKED_FACTOR * settings.UPLOAD_MAX_BYTES:
        raise UnreadableFile(_("The workbook unpacks to too much data to be read."))
    handle.seek(0)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(
            _("The file is not a valid XLSX workbook. Save it again as XLSX or CSV.")
        ) from error
    try:
        worksheet = workbook.worksheets[0]
        rows = worksheet.iter_rows()
        try:
            header_cells = next(rows)
        except StopIteration as error:
            raise UnreadableFile(_("The file is empty.")) from error
        columns = [_normalise(cell.value) for cell in header_cells]
        sheet = Sheet(columns=columns)
        for number, cells in enumerate(rows, start=2):
            values = []
            for index, cell in enumerate(cells):
                column = columns[index] if index < len(columns) else ""
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    sheet.cell_problems.append(
                        (
                            number,
                            column,
                            _(
                                "The cell holds a formula; paste its value instead "
                                "(formulas are not imported)."
                            ),
                        )
                    )
                    values.append("")
                    continue
                values.append(_text(cell.value, column))
            if not any(values) and not any(p[0] == number for p in sheet.cell_problems):
                continue
            _add_row(sheet, number, values)
    finally:
        workbook.close()
    return sheet


def _text(value: object, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and column in PESEL_COLUMNS:
        return str(value).zfill(11)
    return str(value).strip()
