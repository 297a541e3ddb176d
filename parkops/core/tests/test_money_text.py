"""Money as users read it (``text.format_money``): 元 below 1万, then 万元, then
亿元, rounded half up once; and a money figure on the report card shown so."""

from decimal import Decimal

import pytest

from parkops.core.figures import Figure, FigureResult, Kind, Section, Unit
from parkops.core.text import format_money


@pytest.mark.parametrize(
    "amount,shown",
    [
        (Decimal(0), "0.00元"),
        (Decimal("9999.995"), "10000.00元"),  # still below 1万 before rounding
        (Decimal("8765.4"), "8765.40元"),
        (Decimal(10000), "1万元"),
        (Decimal("12345678.9"), "1234.57万元"),
        (Decimal(1_300_000_000), "13亿元"),
        (Decimal(790_000_000), "7.9亿元"),
        (Decimal("123456789.01"), "1.23亿元"),
        (Decimal(-123456), "-12.35万元"),
        (Decimal("-50.5"), "-50.50元"),
        (None, ""),
    ],
)
def test_money_is_shown_in_yuan_wan_or_yi(amount, shown):
    assert format_money(amount) == shown


def _figure(unit, sentence="{value}"):
    return Figure(
        key="test.money",
        section=Section.PROJECTS,
        label="test",
        unit=unit,
        kind=Kind.AMOUNT,
        sentence=sentence,
        compute=lambda **kw: None,
        model="projects.Project",
    )


def test_a_money_figure_reads_in_yi_and_names_its_unit_once():
    figure = _figure(Unit.YUAN, "累计完成投资{value}")
    result = FigureResult(value=Decimal(1_300_000_000), note="")
    assert figure.display(result.value) == "13亿元" and figure.shows_unit
    assert figure.text(result) == "累计完成投资13亿元"


def test_other_figures_keep_their_plain_rounded_number():
    figure = _figure(Unit.COUNT)
    assert figure.display(Decimal(1_300_000_000)) == "1300000000" and not figure.shows_unit
    assert figure.display(Decimal("2.345"), 2) == "2.35"
