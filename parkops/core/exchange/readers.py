"""Reading an uploaded spreadsheet safely into header + rows.

Accepts .xlsx and .xls (python-calamine; formulas come back as their cached
values) and .csv in UTF-8 (with or without BOM), GBK/GB18030, or UTF-16 with
its BOM, detected. A file that is empty, too large, not really a spreadsheet,
password-protected, a zip bomb, damaged, macro-enabled, or whose data a user
could not see (hidden sheets, merged header cells) is refused with a message
saying exactly why; no error of a reading library reaches the user as a 500.

Rows are read as a stream and reading stops at the row limit: a file with too
many rows costs the time and memory of the rows up to the limit, not of all.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from parkops.core.cell_text import CONTROL_CHARACTERS, CSV_GUARDED

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
# The stream an encrypted .xlsx keeps its content in, as the OLE directory names it.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ZIP_SIGNATURE = b"PK\x03\x04"
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlsb", ".xla", ".xlam"}
ACCEPTED_EXTENSIONS = {".xlsx", ".xls", ".csv"}
# Sheets of our own templates that hold no data.
INSTRUCTION_SHEETS = {"填写说明", "说明", "instructions", "选项", "options"}
# The shortest XML a worksheet row with a value can take, <row><c><v>1</v></c></row>:
# a sheet smaller than limit × this cannot be over the row limit, and is not scanned.
SHORTEST_ROW_BYTES = 24
SCAN_CHUNK_BYTES = 1 << 20
MAX_PARSED_XML_BYTES = 4 << 20
# A cell element holding a value: <v>…</v>, or the <t>…</t> of an inline string.
_CELL_VALUE = re.compile(rb"<(?:\w+:)?[vt](?:\s[^>]*)?>[^<]")
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData[\s>/]")
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class FileError(ValueError):
    """The file as a whole cannot be imported; the message says why."""


@dataclass
class Table:
    sheet: str
    header_row: int  # Excel row number of the header (1-based)
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (Excel row number, cells)
    unheaded_cell: str = ""  # the first cell with data in a column without a header
    # (Excel row number, column index) → the control character a text cell held;
    # the cell itself holds its text with U+FFFD in place of each such character,
    # so that nothing downstream (a query, a stored value, an export) ever sees one.
    control_characters: dict[tuple[int, int], str] = field(default_factory=dict)
    # () → the (Excel row number, column index) of every cell holding a formula,
    # read from the sheet only when asked (``holds_formula``); None for a CSV.
    formula_cells: Callable[[], set[tuple[int, int]]] | None = field(
        default=None, repr=False, compare=False
    )

    def holds_formula(self, row: int, index: int) -> bool:
        """Does the cell hold a formula? A reader sees its saved value only: a
        formula saved without one (written by a program, or not yet calculated)
        reads as an empty cell, which is not what the user sees in it."""
        if self.formula_cells is None:
            return False
        if not hasattr(self, "_formulas"):
            self._formulas = self.formula_cells()
        return (row, index) in self._formulas


def max_bytes() -> int:
    return settings.PARKOPS_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.PARKOPS_IMPORT_MAX_ROWS


def _too_many_rows() -> FileError:
    return FileError(
        _("The file has more than %(n)d rows; split it into several files.") % {"n": max_rows()}
    )


def _damaged() -> FileError:
    return FileError(_("The file is damaged and cannot be opened."))


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
        return _refuse_unheaded_data(table_from_rows("CSV", csv_rows(data)))
    # Go by the content, not the name: WPS users rename .xls to .xlsx and back.
    archive = None
    if data.startswith(OLE_SIGNATURE):
        if ENCRYPTED_PACKAGE in data:
            # Excel and WPS save a password-protected .xlsx as an encrypted OLE container.
            raise FileError(
                _("The workbook is password-protected; remove the password and upload again.")
            )
    elif data.startswith(ZIP_SIGNATURE):
        archive = _checked_xlsx_container(data)
    else:
        raise FileError(
            _("This is not an Excel file, though its name ends in %(ext)s.") % {"ext": extension}
        )
    try:
        return _read_workbook(data, archive)
    except CalamineError as error:
        # Whatever calamine finds wrong while reading the cells (truncated XML,
        # a member longer than its header says) is damage, never a 500.
        raise _damaged() from error


def _checked_xlsx_container(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise _damaged() from error
    names = {member.filename.lower() for member in members}
    if "xl/vbaproject.bin" in names:
        raise FileError(_("The workbook contains macros; save it as .xlsx without macros."))
    if "xl/workbook.xml" not in names:
        raise FileError(_("This is not an Excel file, though its name ends in .xlsx."))
    # The sizes a zip declares may lie: this refuses a bomb that admits its size;
    # one that under-states it is cut at the declared size when read, and its
    # shortened XML is reported as damage.
    unpacked = sum(member.file_size for member in members)
    limit = getattr(settings, "PARKOPS_IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
    if unpacked > limit or unpacked > 200 * max(len(data), 1):
        raise FileError(_("The file unpacks to an implausible size and was refused."))
    return archive


def _read_workbook(data: bytes, archive: zipfile.ZipFile | None) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as error:
        raise FileError(
            _("The workbook is password-protected; remove the password and upload again.")
        ) from error
    except (CalamineError, ValueError, OSError) as error:
        raise _damaged() from error
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
    if archive is not None:
        # Count the sheet's rows in its XML, as a stream, before calamine loads
        # the whole sheet: a file over the limit is refused at the limit.
        _refuse_too_many_rows(archive, data_sheets[0])
    sheet = workbook.get_sheet_by_name(data_sheets[0])
    # iter_rows starts at the first row but at the sheet's first used column.
    skipped = [None] * (sheet.start[1] if sheet.start else 0)
    table = table_from_rows(sheet.name, ([*skipped, *row] for row in sheet.iter_rows()))
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
    if archive is not None:
        table.formula_cells = lambda: _formula_cells(archive, sheet.name)
    return _refuse_unheaded_data(table)


_CELL_START = re.compile(rb"<(?:\w+:)?c(\s[^>]*?)?(/?)>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_CELL_REFERENCE = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _formula_cells(archive: zipfile.ZipFile, sheet_name: str) -> set[tuple[int, int]]:
    """(Excel row number, column index) of each cell of the sheet holding a
    formula, read from the sheet's XML as a stream; empty when it cannot say."""
    member = _sheet_member(archive, sheet_name)
    found: set[tuple[int, int]] = set()
    if member is None:
        return found
    try:
        with archive.open(member) as stream:
            for row in _row_elements(stream):
                for start in _CELL_START.finditer(row):
                    if start.group(2):
                        continue  # <c …/>: no content
                    end = _CELL_END.search(row, start.end())
                    content = row[start.end() : end.start() if end else len(row)]
                    reference = _CELL_REFERENCE.search(start.group(1) or b"")
                    if reference and _FORMULA.search(content):
                        letters, number = reference.groups()
                        found.add((int(number), column_index(letters.decode())))
    except (KeyError, zipfile.BadZipFile, ValueError, EOFError):
        return set()
    return found


def _sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding the sheet called ``sheet_name``, from the workbook's
    sheet list and its relationships; None when they do not say."""
    try:
        workbook = _small_xml(archive, "xl/workbook.xml")
        relations = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, ValueError, EOFError):
        return None
    if workbook is None or relations is None:
        return None
    relation_id = next(
        (
            sheet.get(_RELATIONSHIP_ID)
            for sheet in workbook.iter()
            if sheet.tag.endswith("}sheet") and sheet.get("name") == sheet_name
        ),
        None,
    )
    target = next(
        (
            relation.get("Target", "")
            for relation in relations.iter()
            if relation.tag.endswith("}Relationship") and relation.get("Id") == relation_id
        ),
        None,
    )
    if not target:
        return None
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    # "xl/worksheets/../worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml"
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _small_xml(archive: zipfile.ZipFile, member: str) -> ElementTree.Element | None:
    """A small XML member parsed, or None if it is large or declares a DTD."""
    with archive.open(member) as stream:
        content = stream.read(MAX_PARSED_XML_BYTES + 1)
    if len(content) > MAX_PARSED_XML_BYTES or b"<!DOCTYPE" in content.upper():
        return None
    # Without a DTD there are no entities to expand or fetch: this is safe to parse.
    return ElementTree.fromstring(content)  # noqa: S314


def _refuse_too_many_rows(archive: zipfile.ZipFile, sheet_name: str) -> None:
    member = _sheet_member(archive, sheet_name)
    if member is None:
        return  # calamine reads it, and the row limit still applies while it does
    try:
        info = archive.getinfo(member)
        if info.file_size < SHORTEST_ROW_BYTES * (max_rows() + 2):
            return
        with archive.open(info) as stream:
            # The header and at most the limit of data rows: one more is too many.
            for counted, _row in enumerate(rows_with_values(stream), start=1):
                if counted > max_rows() + 1:
                    raise _too_many_rows()
    except FileError:
        raise
    except (KeyError, zipfile.BadZipFile, ValueError, EOFError) as error:
        # A wrong CRC: the member is longer or shorter than its header says.
        raise _damaged() from error


def rows_with_values(stream) -> Iterator[bytes]:
    """Each row of a worksheet's XML that holds at least one value, read from
    ``stream`` a chunk at a time: the caller stops reading when it stops asking."""
    for row in _row_elements(stream):
        if _CELL_VALUE.search(row):
            yield row


def _row_elements(stream) -> Iterator[bytes]:
    """Each row of a worksheet's XML (without its closing tag), read from
    ``stream`` a chunk at a time."""
    tail = b""
    closing = None
    while True:
        chunk = stream.read(SCAN_CHUNK_BYTES)
        if not chunk:
            return
        tail += chunk
        if closing is None:
            found = _SHEET_DATA.search(tail)
            if found is None:
                if len(tail) > 16 * SCAN_CHUNK_BYTES:
                    return  # no sheetData where it belongs: leave it to calamine
                continue
            # Some writers use a namespace prefix: </x:row>.
            closing = b"</" + (found.group(1) or b"") + b"row>"
            tail = tail[found.start() :]
        rows = tail.split(closing)
        tail = rows.pop()
        yield from rows


def csv_rows(data: bytes) -> Iterator[list]:
    """The CSV's rows, decoded and split as they are read."""
    encoding = _csv_encoding(data)
    sample = data[:8192].decode(encoding, errors="ignore")
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    for row in csv.reader(text, delimiter=delimiter):
        yield [_unguarded(cell) for cell in row]


def _csv_encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" and some WPS versions save UTF-16 with a BOM.
        return "utf-16"
    sample = data[:4096]
    if b"\x00" in sample:
        if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
            raise FileError(
                _("This CSV file is UTF-16 without a byte-order mark; save it as UTF-8.")
            )
        raise FileError(_("This is not a text CSV file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    raise FileError(_("The CSV file is neither UTF-8 nor GBK encoded."))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as Excel names it (bijective base 26)."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26: the inverse of ``column_letter``."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _unguarded(cell: str) -> str:
    """A CSV cell without the one apostrophe an export put before a formula sign
    (``'=1+2`` → ``=1+2``, ``''=1`` → ``'=1``); any other text as it is: the
    inverse of ``exports.csv_field``'s guard."""
    return cell[1:] if cell.startswith("'") and CSV_GUARDED.match(cell, 1) else cell


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _unheaded_cell(headers: list[str], row: list, row_number: int) -> str:
    """The first cell of ``row`` with data in a column without a header, or ""."""
    for index, cell in enumerate(row):
        if not _blank(cell) and (index >= len(headers) or not headers[index]):
            return f"{column_letter(index)}{row_number}"
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


def _visible(value, found: dict | None = None, key=None):
    """``value`` with U+FFFD for each control character, noting the first in ``found``."""
    if not isinstance(value, str):
        return value
    match = CONTROL_CHARACTERS.search(value)
    if match is None:
        return value
    if found is not None:
        found[key] = match.group()
    return CONTROL_CHARACTERS.sub("\ufffd", value)


def table_from_rows(sheet: str, rows: Iterable[list]) -> Table:
    """The header and data rows of ``rows``, consumed one by one: reading stops
    (``FileError``) as soon as the data rows pass the limit."""
    rows = iter(rows)
    for number, row in enumerate(rows, start=1):
        if not all(map(_blank, row)):
            header_row, header_cells = number, row
            break
    else:
        raise FileError(_("The sheet “%(sheet)s” is empty.") % {"sheet": sheet})
    headers = [("" if _blank(cell) else str(_visible(cell)).strip()) for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(sheet=sheet, header_row=header_row, headers=headers)
    for number, row in enumerate(rows, start=header_row + 1):
        table.unheaded_cell = table.unheaded_cell or _unheaded_cell(headers, row, number)
        cells = list(row[: len(headers)]) + [None] * (len(headers) - len(row))
        if all(map(_blank, cells)):
            continue  # empty rows are skipped, not errors
        found = table.control_characters
        cells = [_visible(cell, found, (number, index)) for index, cell in enumerate(cells)]
        table.rows.append((number, cells))
        if len(table.rows) > max_rows():
            raise _too_many_rows()
    return table
