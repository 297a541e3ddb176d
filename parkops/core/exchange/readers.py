"""Reading an uploaded spreadsheet safely into header + rows.

Accepts .xlsx and .xls (python-calamine; formulas come back as their cached
values) and .csv in UTF-8 (with or without BOM) or GBK/GB18030, detected. A
file that is empty, too large, not really a spreadsheet, password-protected, a
zip bomb, macro-enabled, or whose data a user could not see (hidden sheets,
merged header cells) is refused with a message saying exactly why.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
# The stream an encrypted .xlsx keeps its content in, as the OLE directory names it.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ZIP_SIGNATURE = b"PK\x03\x04"
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlsb", ".xla", ".xlam"}
ACCEPTED_EXTENSIONS = {".xlsx", ".xls", ".csv"}
# Sheets of our own templates that hold no data.
INSTRUCTION_SHEETS = {"填写说明", "说明", "instructions", "选项", "options"}


class FileError(ValueError):
    """The file as a whole cannot be imported; the message says why."""


@dataclass
class Table:
    sheet: str
    header_row: int  # Excel row number of the header (1-based)
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (Excel row number, cells)
    unheaded_cell: str = ""  # the first cell with data in a column without a header


def max_bytes() -> int:
    return settings.PARKOPS_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.PARKOPS_IMPORT_MAX_ROWS


def read_table(data: bytes, filename: str) -> Table:
    """The first data sheet of ``data`` as a Table, or ``FileError``."""
    if not data:
        raise FileError(_("The file is empty."))
    if len(data) > max_bytes():
        raise FileError(
            _("The file is larger than %(mb)d MB; split it into several files.")
            % {"mb": max_bytes() // (1024 * 1024)}
        )
    extension = PurePath(filename or "").suffix.lower()
    if extension in MACRO_EXTENSIONS:
        raise FileError(
            _("Workbooks with macros (%(ext)s) are not accepted; save it as .xlsx.")
            % {"ext": extension}
        )
    if extension not in ACCEPTED_EXTENSIONS:
        raise FileError(_("Upload an .xlsx, .xls or .csv file."))
    if extension == ".csv":
        return _refuse_unheaded_data(_table_from_rows("CSV", _csv_rows(data)))
    # Go by the content, not the name: WPS users rename .xls to .xlsx and back.
    if data.startswith(OLE_SIGNATURE):
        if ENCRYPTED_PACKAGE in data:
            # Excel and WPS save a password-protected .xlsx as an encrypted OLE container.
            raise FileError(
                _("The workbook is password-protected; remove the password and upload again.")
            )
    elif data.startswith(ZIP_SIGNATURE):
        _check_xlsx_container(data)
    else:
        raise FileError(
            _("This is not an Excel file, though its name ends in %(ext)s.") % {"ext": extension}
        )
    return _read_workbook(data)


def _check_xlsx_container(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise FileError(_("The file is damaged and cannot be opened.")) from error
    names = {member.filename.lower() for member in members}
    if "xl/vbaproject.bin" in names:
        raise FileError(_("The workbook contains macros; save it as .xlsx without macros."))
    if "xl/workbook.xml" not in names:
        raise FileError(_("This is not an Excel file, though its name ends in .xlsx."))
    unpacked = sum(member.file_size for member in members)
    limit = getattr(settings, "PARKOPS_IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
    if unpacked > limit or unpacked > 200 * max(len(data), 1):
        raise FileError(_("The file unpacks to an implausible size and was refused."))


def _read_workbook(data: bytes) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as error:
        raise FileError(
            _("The workbook is password-protected; remove the password and upload again.")
        ) from error
    except (CalamineError, ValueError, OSError) as error:
        raise FileError(_("The file is damaged and cannot be opened.")) from error
    hidden = [m.name for m in workbook.sheets_metadata if m.visible != SheetVisibleEnum.Visible]
    if hidden:
        raise FileError(
            _(
                "The workbook has hidden sheets (%(names)s): unhide or delete them, so that "
                "what you see is what is imported."
            )
            % {"names": "、".join(hidden)}
        )
    data_sheets = [n for n in workbook.sheet_names if n.strip().lower() not in INSTRUCTION_SHEETS]
    if not data_sheets:
        raise FileError(_("The workbook has no sheet with data."))
    sheet = workbook.get_sheet_by_name(data_sheets[0])
    rows = sheet.to_python(skip_empty_area=False)
    table = _table_from_rows(sheet.name, rows)
    for (start_row, start_col), (end_row, end_col) in sheet.merged_cell_ranges or []:
        if start_row <= table.header_row - 1 <= end_row and end_col > start_col:
            raise FileError(
                _("Header cells are merged in row %(row)d; every column needs its own header cell.")
                % {"row": table.header_row}
            )
        if start_row > table.header_row - 1:
            raise FileError(
                _("Cells are merged at row %(row)d; unmerge them and fill every cell.")
                % {"row": start_row + 1}
            )
    return _refuse_unheaded_data(table)


def _csv_rows(data: bytes) -> list[list]:
    if b"\x00" in data[:4096]:
        raise FileError(_("This is not a text CSV file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise FileError(_("The CSV file is neither UTF-8 nor GBK encoded."))
    sample = decoded[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(decoded), delimiter=delimiter))


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _unheaded_cell(headers: list[str], row: list, row_number: int) -> str:
    """The first cell of ``row`` with data in a column without a header, or ""."""
    for index, cell in enumerate(row):
        if not _blank(cell) and (index >= len(headers) or not headers[index]):
            return f"{get_column_letter(index + 1)}{row_number}"
    return ""


def _refuse_unheaded_data(table: Table) -> Table:
    """Data in a column without a header would be dropped unseen: refuse it."""
    if table.unheaded_cell:
        raise FileError(
            _(
                "Cell %(cell)s has data but its column has no header; give the column a "
                "header or delete it."
            )
            % {"cell": table.unheaded_cell}
        )
    return table


def _table_from_rows(sheet: str, rows: list[list]) -> Table:
    header_index = next((i for i, row in enumerate(rows) if not all(map(_blank, row))), None)
    if header_index is None:
        raise FileError(_("The sheet “%(sheet)s” is empty.") % {"sheet": sheet})
    headers = [("" if _blank(cell) else str(cell).strip()) for cell in rows[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(sheet=sheet, header_row=header_index + 1, headers=headers)
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        table.unheaded_cell = table.unheaded_cell or _unheaded_cell(headers, row, offset)
        cells = list(row[: len(headers)]) + [None] * (len(headers) - len(row))
        if all(map(_blank, cells)):
            continue  # empty rows are skipped, not errors
        table.rows.append((offset, cells))
        if len(table.rows) > max_rows():
            raise FileError(
                _("The file has more than %(n)d rows; split it into several files.")
                % {"n": max_rows()}
            )
    return table
