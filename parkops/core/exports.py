"""Writing .xlsx: the one cell writer, and streamed exports.

Every cell ParkOps puts in a workbook (exports, import templates and their
option sheets, error reports) is written by ``write_cell``, which stores text
as text, so that nothing a user typed can become a formula. ``xlsx_export``
streams a list to a file and writes the audit entry (who exported which list,
with which filters, how many rows).
"""

from __future__ import annotations

import datetime
import decimal
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
# formula. Exports before issue #8 put an apostrophe before them; the importer
# still removes it (values.text), so those files re-import unchanged.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Also quoted: a line break and the full-width signs an input method types (＝ may be
# taken for = when the cell is edited); quoting changes nothing a reader sees.
QUOTED_PREFIXES = (*FORMULA_PREFIXES, "\n", "＝", "＋", "－", "＠")
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
    handle.seek(0)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditEntry.Action.EXPORT,
            object_type=what,
            object_repr=filename,
            after={"filters": filters, "rows": count},
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
