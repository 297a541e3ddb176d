"""Cell values as users type them in Excel and WPS."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkops.core.exchange import values as v
from parkops.core.exchange.headers import header_key, unit_in_header
from parkops.core.exchange.importer import column_letter

JUNE_30 = datetime.date(2023, 6, 30)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text (the UI default is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "typed",
    [
        "2023-06-30",
        "2023/6/30",
        "2023.6.30",
        "2023年6月30日",
        "20230630",
        45107,
        45107.0,
        "45107",
        datetime.datetime(2023, 6, 30, 9, 0),
        JUNE_30,
        " ２０２３－０６－３０ ",
    ],
)
def test_dates_in_every_usual_form(typed):
    assert v.parse_date(typed) == JUNE_30


@pytest.mark.parametrize("typed", ["2023-02-30", "明天", "6/30", "2023-13-01"])
def test_impossible_dates_are_errors(typed):
    with pytest.raises(v.CellError):
        v.parse_date(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "2023-06",
        "2023/6",
        "2023.06",
        "2023年6月",
        "2023年06月",
        "202306",
        "2023-06-15",
        "2023年6月15日",
        45107,
        datetime.datetime(2023, 6, 30, 9, 0),
        JUNE_30,
        " ２０２３－０６ ",
    ],
)
def test_months_in_every_usual_form_are_their_first_day(typed):
    assert v.parse_month(typed) == datetime.date(2023, 6, 1)


@pytest.mark.parametrize("typed", ["2023-13", "2023", "六月", "2023-06-31", "上半年", 2023])
def test_what_is_not_a_month_says_how_to_write_one(typed):
    with pytest.raises(v.CellError, match="is not a month; write it like 2023-06 or 2023年6月"):
        v.parse_month(typed)


def test_an_empty_month_cell_is_no_month():
    assert v.parse_month("") is None and v.parse_month(None) is None


FIRST_SERIAL_DAY = v.EXCEL_EPOCH + datetime.timedelta(days=v.FIRST_SERIAL)


@given(st.dates(min_value=FIRST_SERIAL_DAY, max_value=datetime.date(9999, 12, 31)))
def test_excel_serials_round_trip(day):
    assert v.parse_date((day - v.EXCEL_EPOCH).days) == day


@pytest.mark.parametrize("typed", ["2023", 2023, 2023.0, "30", 0])
def test_a_year_or_day_alone_is_not_taken_for_an_excel_serial(typed):
    """Excel would read 2023 as 1905-07-15: ask for a full date instead."""
    with pytest.raises(v.CellError, match="2023-06-30"):
        v.parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("１２３４", Decimal(1234)),
        (1234.5, Decimal("1234.5")),
        (0.1, Decimal("0.1")),
        ("-8.8", Decimal("-8.8")),
        ("1，000", Decimal(1000)),
    ],
)
def test_numbers_with_separators(typed, expected):
    assert v.parse_decimal(typed) == expected


@pytest.mark.parametrize("typed", ["12a", "1.2.3", "--1", "一百"])
def test_non_numbers_are_errors(typed):
    with pytest.raises(v.CellError):
        v.parse_decimal(typed)


@pytest.mark.parametrize(
    ("typed", "unit", "yuan"),
    [
        (1.3, "亿元", Decimal("130000000.00")),
        ("52万元", "元", Decimal("520000.00")),
        ("7.9亿", "元", Decimal("790000000.00")),
        ("1,300,000,000", "元", Decimal("1300000000.00")),
        (0.1, "万元", Decimal("1000.00")),
        ("12.34", "元", Decimal("12.34")),
    ],
)
def test_money_is_converted_to_yuan_exactly(typed, unit, yuan):
    assert v.parse_money(typed, unit) == yuan


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_money_in_wan_yuan_is_exact(amount_wan):
    # Whatever 万元 amount with up to 2 decimals, the yuan value is exact.
    assert v.parse_money(str(amount_wan), "万元") == amount_wan * 10000


def test_money_with_more_decimals_than_a_fen_is_an_error():
    with pytest.raises(v.CellError):
        v.parse_money("1.234", "元")


def test_unknown_money_unit_is_an_error():
    with pytest.raises(v.CellError, match="万元"):
        v.parse_money("5", "千元")


@pytest.mark.parametrize(
    ("typed", "value"),
    [("是", True), ("否", False), ("Y", True), (1, True), ("", False), (None, False), ("√", True)],
)
def test_yes_no(typed, value):
    assert v.parse_bool(typed) is value


def test_headers_match_despite_spaces_width_and_markers():
    assert header_key(" 统一社会信用代码 * ") == header_key("统一社会信用代码（必填）")
    assert header_key("ＵＳＣＣ") == header_key("uscc")
    assert header_key("完成投资（万元）") == header_key("完成投资")
    assert unit_in_header("完成投资（万元）") == "万元"
    assert unit_in_header("完成投资") is None


@pytest.mark.parametrize(
    ("index", "letter"),
    [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")],
)
def test_column_letters(index, letter):
    assert column_letter(index) == letter


def test_money_cell_with_only_spaces_is_empty_and_a_unit_alone_is_an_error():
    assert v.parse_money("  ") is None
    with pytest.raises(v.CellError, match="no amount"):
        v.parse_money("万元")


def test_text_keeps_full_width_characters_and_codes_fold_them():
    assert v.text(" 宿迁甲（集团）有限公司 ") == "宿迁甲（集团）有限公司"
    assert v.code("９１３２１３００ＭＡ１") == "91321300MA1"


def test_a_cells_leading_apostrophe_is_part_of_its_text():
    # A workbook's guard is the cell's "quoted" mark, not its content: what the
    # cell holds is the value, so a stored "'=1+1" round-trips unchanged.
    assert v.text("'=1+1") == "'=1+1"
    assert v.text("'普通文字") == "'普通文字"


@pytest.mark.parametrize("typed", [913213003663924507, 9.13213003663924e17, 1e15])
def test_a_number_too_long_for_excel_is_refused_in_a_text_column(typed):
    with pytest.raises(v.CellError, match="15 digits"):
        v.exact_text(typed)


def test_numbers_excel_keeps_exactly_are_text():
    assert v.exact_text(321300.0) == "321300"
    assert v.exact_text(999_999_999_999_999) == "999999999999999"
