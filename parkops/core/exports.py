"""Streaming .xlsx export: constant memory, Chinese headers, formula-safe cells.

Every export goes through ``xlsx_export``, which also writes the audit entry
(who exported which list, with which filters, how many rows). The data-exchange
issue builds each register's export on top of this.
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
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from parkops.core import audit, text
from parkops.core.models import AuditEntry

# OWASP CSV/formula injection: a cell starting with one of these is text, not a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell_value(value):
    """Neutralise formula injection and make values Excel understands."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: a cell holds the China Standard Time the
        # pages show, whatever zone the server runs in.
        return text.to_cst(value).replace(tzinfo=None)
    if isinstance(value, decimal.Decimal | int | float | datetime.date) or value is None:
        return value
    return str(value)


# The pages' format (parkops.core.text.DATETIME_FORMAT) in Excel's notation.
EXCEL_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _cell(sheet, value):
    value = safe_cell_value(value)
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = EXCEL_DATETIME_FORMAT
        return cell
    return value


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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [18] * len(headers)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
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
