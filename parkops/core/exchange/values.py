"""Parsing cell values the way Chinese users type them in Excel and WPS.

Each parser takes what the reader produced (str, int, float, date, datetime or
None) and returns a Python value or raises ``CellError`` with a message in
gettext, which the importer places at its row and column.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class CellError(ValueError):
    """A value that cannot be read; ``str(error)`` says why, for the user."""


# Excel keeps 15 significant digits: a longer number typed into a cell is
# already rounded when the file reaches us (a credit code, an ID number).
LONGEST_EXACT_NUMBER = 10**15


def text(value) -> str:
    """Cell content as trimmed text, characters as typed (a company's full-width
    （） stay full-width), a leading apostrophe included.

    The rule that makes every value round-trip: a workbook guards text starting
    with a formula sign by marking the cell "quoted" (exports.write_cell), which
    is not part of its content, so a cell's content is the value and nothing is
    removed here: a stored "'=x" comes back as "'=x". A CSV has no such mark; its
    guard is one added apostrophe, which the CSV reader alone removes
    (readers.csv_rows). Workbooks exported before issue #8 put an apostrophe
    into the content; such a cell now imports with it, as the text it shows."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 123 as 123.0
    return str(value).strip()


def code(value) -> str:
    """A code, key or choice as typed in any input mode: full-width letters,
    digits and spaces folded to half-width (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text(value)).strip()


def exact_text(value) -> str:
    """``text`` for a cell that must hold exactly what was typed: a number long
    enough for Excel to have rounded it is an error, not a value."""
    long_number = isinstance(value, int | float) and not isinstance(value, bool)
    if long_number and abs(value) >= LONGEST_EXACT_NUMBER:
        raise CellError(
            _(
                "Excel stored %(value)s as a number and kept only 15 digits. Format the "
                "column as text (or type an apostrophe first) and enter it again."
            )
            % {"value": text(value)}
        )
    return text(value)


# Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
FIRST_SERIAL = 10000  # 1927-05-18
_DATE_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]


def parse_date(value) -> datetime.date | None:
    """2023-06-30, 2023/6/30, 2023.6.30, 2023年6月30日, 20230630, or an Excel serial."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        # Serials from 1927 (10000) to 9999-12-31; a smaller number is most likely
        # a year or a day typed alone, which Excel would read as 1905 or 1900.
        if FIRST_SERIAL <= value < 2958466:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(
            _("%(value)s is not a date; write it like 2023-06-30.") % {"value": text(value)}
        )
    raw = code(value)
    if raw.replace(".", "", 1).isdigit() and len(raw) <= 5:
        return parse_date(float(raw))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(raw.split(" ")[0])
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError as error:
                raise CellError(_("%(value)s is not a real date.") % {"value": raw}) from error
    raise CellError(
        _("“%(value)s” is not a date; write it like 2023-06-30 or 2023年6月30日.") % {"value": raw}
    )


_MONTH_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月?"),
    re.compile(r"(\d{4})(\d{2})"),
]


def parse_month(value) -> datetime.date | None:
    """A month as its first day: 2023-06, 2023/6, 2023.06, 2023年6月, 202306, or a
    date in it (a date cell, 2023-06-15, 2023年6月15日, an Excel serial)."""
    if value is None or value == "":
        return None
    raw = code(value)
    if isinstance(value, str) and not raw:
        return None
    if isinstance(value, str):
        for pattern in _MONTH_PATTERNS:
            match = pattern.fullmatch(raw)
            if match:
                year, month = (int(part) for part in match.groups())
                if 1 <= month <= 12:
                    return datetime.date(year, month, 1)
                break
    try:
        day = parse_date(value)
    except CellError:
        day = None
    if day is None:
        raise CellError(
            _("“%(value)s” is not a month; write it like 2023-06 or 2023年6月.") % {"value": raw}
        )
    return day.replace(day=1)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_decimal(value) -> Decimal | None:
    """A number, with thousands separators and spaces allowed: 1,234.50 → 1234.50."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest exact decimal that round-trips, e.g. 0.1 → "0.1".
        return Decimal(repr(value))
    raw = code(value).replace(",", "").replace(" ", "")
    if not _NUMBER.fullmatch(raw):
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)})
    try:
        return Decimal(raw)
    except InvalidOperation as error:  # pragma: no cover - the pattern excludes this
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from error


def parse_int(value) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” must be a whole number.") % {"value": text(value)})
    return int(number)


def parse_year(value) -> int | None:
    """A year, four digits: 2023 (not 2023-13, 23 or 2023.5)."""
    try:
        year = parse_int(value)
    except CellError:
        year = None
    else:
        if year is None or 1000 <= year <= 9999:
            return year
    raise CellError(
        _("“%(value)s” is not a year: a year is four digits, e.g. 2023.") % {"value": text(value)}
    )


MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10) ** 4, "亿元": Decimal(10) ** 8}
_UNIT_SUFFIX = re.compile(r"(亿元|万元|元|亿|万)$")


def unit_factor(unit: str) -> Decimal:
    """The factor of 元, 万元 or 亿元 (also 万, 亿); unknown units are an error."""
    unit = code(unit)
    if unit in ("万", "亿"):
        unit += "元"
    if unit not in MONEY_UNITS:
        raise CellError(_("Unknown money unit “%(unit)s”: use 元, 万元 or 亿元.") % {"unit": unit})
    return MONEY_UNITS[unit]


def parse_money(value, unit: str = "元") -> Decimal | None:
    """Money in yuan, exactly: ``1.3`` with unit 亿元 → 130000000; "52万元" → 520000."""
    if value is None or value == "":
        return None
    raw = value
    if isinstance(value, str):
        raw = code(value)
        suffix = _UNIT_SUFFIX.search(raw)
        if suffix:
            unit = suffix.group(1)
            raw = raw[: suffix.start()].strip()
        if not raw:
            if suffix:
                raise CellError(_("“%(value)s” has a unit but no amount.") % {"value": text(value)})
            return None
    amount = parse_decimal(raw)
    yuan = amount * unit_factor(unit)
    # Yuan to the fen: more decimals than that is a typing error, not a value.
    if yuan != yuan.quantize(Decimal("0.01")):
        raise CellError(_("%(value)s has more decimals than a fen.") % {"value": text(value)})
    return yuan.quantize(Decimal("0.01"))


_TRUE = {"是", "y", "yes", "true", "1", "√", "✔", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✘", "不是", ""}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    raw = code(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("“%(value)s” is not 是 or 否.") % {"value": text(value)})
