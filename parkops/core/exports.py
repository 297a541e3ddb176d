"""Writing .xlsx and CSV: the one cell writer, and streamed exports.

Every cell ParkOps puts in a workbook (exports, import templates and their
option sheets, error reports) is written by ``write_cell``, which stores text
as text, so that nothing a user typed can become a formula; every CSV field is
written by ``csv_field``, which guards formula-like text the CSV way.
``list_export`` streams a list to the response in either format as it is
written, after the audit entry (who exported which list, with which filters,
how many rows).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import zipfile
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from parkops.core import audit, text
from parkops.core.cell_text import CONTROL_CHARACTERS, CSV_GUARDED, QUOTED_PREFIXES
from parkops.core.models import AuditEntry

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


class _Pipe(io.RawIOBase):
    """A write-only, unseekable file whose bytes are taken out as they come, so
    that what a writer (csv, zipfile) puts in it can be sent at once."""

    def __init__(self):
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


# Rows written between two sends: small enough that the first bytes leave at
# once and memory stays flat, large enough to send in sizeable chunks.
STREAM_ROWS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _streamed(chunks: Iterable[bytes], filename: str, content_type: str):
    response = StreamingHttpResponse(
        (chunk for chunk in chunks if chunk), content_type=content_type
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
    count: int | None = None,
) -> StreamingHttpResponse:
    """The list as ``name``.xlsx or, ``fmt`` "csv", as ``name``.csv, streamed as
    it is written; the export is recorded in the audit trail either way, before
    the first byte leaves, with ``count`` rows (the rows are counted first when
    ``count`` is not given)."""
    if fmt == "csv":
        return csv_export(
            actor=actor,
            filename=f"{name}.csv",
            headers=headers,
            rows=rows,
            what=what,
            filters=filters,
            count=count,
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
        count=count,
    )


def _counted(rows: Iterable[list], count: int | None) -> tuple[Iterable[list], int]:
    if count is not None:
        return rows, count
    rows = list(rows)
    return rows, len(rows)


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """``headers`` and ``rows`` as CSV, UTF-8 with a byte-order mark (which Excel
    and WPS on Chinese Windows need to see UTF-8) and CRLF line ends, each field
    as ``csv_field`` writes it, in chunks of ``STREAM_ROWS`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([csv_field(header) for header in headers])
    yield buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for index, row in enumerate(rows, 1):
        writer.writerow([csv_field(value) for value in row])
        if index % STREAM_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_export(
    *,
    actor,
    filename: str,
    headers: list[str],
    rows: Iterable[list],
    what: str,
    filters: dict,
    count: int | None = None,
) -> StreamingHttpResponse:
    """Record the export, then stream ``rows`` as CSV (``csv_chunks``)."""
    rows, count = _counted(rows, count)
    _record_export(actor=actor, filename=filename, what=what, filters=filters, count=count)
    return _streamed(csv_chunks(headers, rows), filename, "text/csv; charset=utf-8")


def xlsx_chunks(
    *, sheet_title: str, headers: list[str], rows: Iterable[list], widths: list[int] | None = None
) -> Iterator[bytes]:
    """One sheet of ``headers`` and ``rows`` as an .xlsx file, produced as it is
    written: the sheet's XML goes straight into the zip archive (openpyxl's
    write-only sheet writing into the archive's entry rather than a temporary
    file), the archive into a pipe emptied every ``STREAM_ROWS`` rows; the
    workbook's other parts (styles, which the cells name as they are written)
    follow the sheet. Cells are written by ``append_row``, as in every workbook."""
    pipe = _Pipe()
    # An unseekable file: zipfile writes each entry's sizes after its data.
    archive = zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(valid_sheet_title(sheet_title))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [18] * len(headers)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet._id = 1  # what openpyxl's writer numbers it, and so its path
    entry = archive.open(sheet.path[1:], "w", force_zip64=True)
    sheet._writer = WorksheetWriter(sheet, out=entry)
    sheet._writer.write_top()
    append_row(sheet, headers, font=BOLD)
    yield pipe.take()
    for index, row in enumerate(rows, 1):
        append_row(sheet, row)
        if index % STREAM_ROWS == 0:
            yield pipe.take()
    sheet.close()
    entry.close()
    _SheetWrittenExcelWriter(workbook, archive).save()
    yield pipe.take()


class _SheetWrittenExcelWriter(ExcelWriter):
    """openpyxl's workbook writer, for a write-only sheet already in the archive:
    the sheet is listed and related, not copied in again."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


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
    count: int | None = None,
) -> StreamingHttpResponse:
    """Record the export, then stream ``rows`` as an .xlsx file (``xlsx_chunks``):
    the first bytes leave at once, memory stays flat whatever the rows."""
    rows, count = _counted(rows, count)
    _record_export(actor=actor, filename=filename, what=what, filters=filters, count=count)
    chunks = xlsx_chunks(sheet_title=sheet_title, headers=headers, rows=rows, widths=widths)
    return _streamed(chunks, filename, XLSX)


def report_export(
    *,
    actor,
    filename: str,
    title: str,
    subtitle: str,
    headers: list[str],
    rows: list[list],
    what: str,
    filters: dict,
    widths: list[int] | None = None,
    fills: dict[tuple[int, int], str] | None = None,
) -> HttpResponse:
    """A small table as leaders print it (.xlsx): a title row across the table,
    a subtitle row (the date, the park), the headers, the rows; ``fills`` colours
    cells (``(row index, column index)`` of ``rows``, from 0 → RGB hex, e.g. a
    traffic light). Landscape, fit to the page width, headers repeated on each
    page. Cells through ``write_cell``; the export audited."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = valid_sheet_title(title)
    columns = max(len(headers), 1)
    put_cell(sheet, 1, 1, title, font=Font(bold=True, size=16))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    put_cell(sheet, 2, 1, subtitle)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, header in enumerate(headers, 1):
        cell = put_cell(sheet, 3, column, header, font=BOLD)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, row in enumerate(rows):
        for column, value in enumerate(row, 1):
            cell = put_cell(sheet, index + 4, column, value)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            colour = (fills or {}).get((index, column - 1))
            if colour:
                cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    for index, width in enumerate(widths or [18] * columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    _record_export(actor=actor, filename=filename, what=what, filters=filters, count=len(rows))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
