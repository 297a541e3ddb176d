"""Writing .xlsx and CSV: the one cell writer, and streamed exports.

Every cell ParkOps puts in a workbook (exports, import templates and their
option sheets, error reports) is written by ``write_cell``, which stores text
as text, so that nothing a user typed can become a formula; every CSV field is
written by ``csv_field``, which guards formula-like text the CSV way.
``list_export`` streams a list to a file in either format and writes the audit
entry (who exported which list, with which filters, how many rows).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import re
import tempfile
from collections.abc import Iterable
from urllib.parse import quote

from django.db import transaction
from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from parkops.core import audit, text
from parkops.core.models import AuditEntry

# OWASP CSV/formula injection: the signs a spreadsheet reads as the start of a
# formula. A workbook holds such text as a text cell marked "quoted", its content
# unchanged; a CSV has no cell types, so there it gets a leading apostrophe
# (``csv_field``), which the CSV reader removes again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Also quoted: a line break and the full-width signs an input method types (＝ may be
# taken for = when the cell is edited); quoting changes nothing a reader sees.
QUOTED_PREFIXES = (*FORMULA_PREFIXES, "\n", "＝", "＋", "－", "＠")
# Characters no text a person typed holds, and which XML (so .xlsx) or a database
# (PostgreSQL refuses NUL) may not: C0 controls except tab, line feed and carriage
# return, DEL, and C1 controls. Imports refuse them; CSV exports drop them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Text the CSV guard applies to: a formula sign first, or apostrophes and then
# one (so that a stored "'=1" gets its own apostrophe and reads back as "'=1").
CSV_GUARDED = re.compile("'*[" + re.escape("".join(QUOTED_PREFIXES)) + "]")
BOLD = Font(bold=True)
# The pages' format (parkops.core.text.DATETIME_FORMAT) in Excel's notation.
EXCEL_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An empty workbook; its cells are to be written with ``write_cell``."""
    return Workbook(write_only=write_only)


def valid_sheet_title(text: str) -> str:
    """``text`` as a valid sheet name: at most 31 characters, none of \\ * ? : / [ ]."""
    return INVALID_TITLE_REGEX.sub("_", str(text))[:31] or "Sheet1"


def excel_value(value):
    """``value`` as a type a cell holds: aware times in local time without a zone,
    numbers and dates as they are, anything else as text."""
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: a cell holds the China Standard Time the
        # pages show, whatever zone the server runs in.
        return text.to_cst(value).replace(tzinfo=None)
    if isinstance(value, decimal.Decimal | int | float | datetime.date) or value is None:
        return value
    return str(value)


def write_cell(cell: Cell, value, *, font: Font | None = None) -> Cell:
    """Put ``value`` in ``cell`` as data, never as a formula or an error code:
    text is stored as text, exactly as given, and text starting with a formula
    sign is also marked "quoted" so that editing the cell in Excel or WPS keeps
    it text. Characters XML cannot hold become U+FFFD instead of failing."""
    value = excel_value(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.value = value
        # openpyxl reads "=…" as a formula and "#N/A" as an error; the type is
        # set after the value, so that whatever was inferred is overruled.
        cell.data_type = "s"
        if value.startswith(QUOTED_PREFIXES):
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, datetime.datetime):
            cell.number_format = EXCEL_DATETIME_FORMAT
    if font is not None:
        cell.font = font
    return cell


def put_cell(sheet, row: int, column: int, value, *, font: Font | None = None) -> Cell:
    """Write ``value`` at ``row``, ``column`` of an ordinary sheet (see ``write_cell``)."""
    return write_cell(sheet.cell(row=row, column=column), value, font=font)


def _kept_as_given(value) -> bool:
    """Would openpyxl store ``value`` exactly, as data, without ``write_cell``?"""
    if isinstance(value, datetime.datetime):
        return False  # needs the pages' format
    if not isinstance(value, str):
        return True
    return not (
        value.startswith(QUOTED_PREFIXES)
        or value in ERROR_CODES
        or ILLEGAL_CHARACTERS_RE.search(value)
    )


def append_row(sheet, values: Iterable, *, font: Font | None = None) -> None:
    """Append ``values`` as the next row of ``sheet`` (ordinary or write-only),
    each as ``write_cell`` writes it."""
    row = []
    for value in values:
        value = excel_value(value)
        if font is None and _kept_as_given(value):
            # A plain value (the vast majority) needs no cell object of its own:
            # 50,000-row exports stay as fast as openpyxl's own append.
            row.append(value)
        else:
            row.append(write_cell(WriteOnlyCell(sheet), value, font=font))
    sheet.append(row)


def csv_field(value) -> str:
    """``value`` as CSV text: times as the pages show them (China Standard Time),
    control characters dropped, and text a spreadsheet would take for a formula
    led by an apostrophe (the OWASP rule; Excel and WPS show it, and the importer
    removes it, so an exported CSV re-imports unchanged). An apostrophe rather
    than OWASP's other choice, a tab: it is visible, so a reader sees the text
    was guarded, and it survives editors that trim whitespace."""
    value = excel_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime(text.DATETIME_FORMAT)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if not isinstance(value, str):
        return str(value)  # numbers and dates: no formula sign to fear in "-5"
    value = CONTROL_CHARACTERS.sub("", value)
    return "'" + value if CSV_GUARDED.match(value) else value


def _record_export(*, actor, filename: str, what: str, filters: dict, count: int) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditEntry.Action.EXPORT,
            object_type=what,
            object_repr=filename,
            after={"filters": filters, "rows": count},
        )


def _download(handle, filename: str, content_type: str) -> FileResponse:
    handle.seek(0)
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


EXPORT_FORMATS = ("xlsx", "csv")


def list_export(
    *,
    fmt: str,
    actor,
    name: str,
    sheet_title: str,
    headers: list[str],
    rows: Iterable[list],
    what: str,
    filters: dict,
    widths: list[int] | None = None,
) -> FileResponse:
    """The list as ``name``.xlsx or, ``fmt`` "csv", as ``name``.csv; the export
    is recorded in the audit trail either way."""
    if fmt == "csv":
        return csv_export(
            actor=actor,
            filename=f"{name}.csv",
            headers=headers,
            rows=rows,
            what=what,
            filters=filters,
        )
    return xlsx_export(
        actor=actor,
        filename=f"{name}.xlsx",
        sheet_title=sheet_title,
        headers=headers,
        rows=rows,
        what=what,
        filters=filters,
        widths=widths,
    )


def csv_export(
    *, actor, filename: str, headers: list[str], rows: Iterable[list], what: str, filters: dict
) -> FileResponse:
    """Write ``rows`` to a temporary CSV file, UTF-8 with a byte-order mark (which
    Excel and WPS on Chinese Windows need to see UTF-8) and CRLF line ends, each
    field as ``csv_field`` writes it; record the export and return it."""
    handle = tempfile.TemporaryFile(suffix=".csv")  # noqa: SIM115
    writer_text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(writer_text, lineterminator="\r\n")
    writer.writerow([csv_field(header) for header in headers])
    count = 0
    for row in rows:
        writer.writerow([csv_field(value) for value in row])
        count += 1
    writer_text.flush()
    writer_text.detach()
    _record_export(actor=actor, filename=filename, what=what, filters=filters, count=count)
    return _download(handle, filename, "text/csv; charset=utf-8")


def xlsx_export(
    *,
    actor,
    filename: str,
    sheet_title: str,
    headers: list[str],
    rows: Iterable[list],
    what: str,
    filters: dict,
    widths: list[int] | None = None,
) -> FileResponse:
    """Write ``rows`` to a temporary .xlsx file (write-only mode, constant memory),
    record the export in the audit trail, and return it as a download."""
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(valid_sheet_title(sheet_title))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [18] * len(headers)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    append_row(sheet, headers, font=BOLD)
    count = 0
    for row in rows:
        append_row(sheet, row)
        count += 1
    # Deleted when the response closes it; FileResponse streams it in chunks.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(handle)
    _record_export(actor=actor, filename=filename, what=what, filters=filters, count=count)
    return _download(
        handle, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
