"""The figures registry: every declared figure, the YoY rule and display rounding."""

import datetime
from decimal import Decimal

import pytest

from parkops.accounts.models import User
from parkops.core.figures import COUNTING_KINDS, Section, Unit, all_figures, format_figure, yoy_pct
from parkops.core.models import Park
from parkops.core.periods import Period
from parkops.core.testing import make_park, sign_in
from parkops.enterprises.figures import entered_statistics_yoy
from parkops.enterprises.testing import make_enterprise

H1 = Period.parse("2023-H1")


@pytest.fixture
def demo(demo_loaded, db):
    return Park.objects.get(code="sszy")


def test_every_figure_is_declared_in_full(db):
    figures = all_figures()
    assert figures, "no figure was discovered"
    for figure in figures:
        assert figure.key.count(".") == 1, figure.key
        assert str(figure.label) and "{value}" in str(figure.sentence), figure.key
        assert figure.section in Section.values and figure.unit in Unit.values, figure.key


def test_every_counting_figure_equals_the_records_its_link_lists(client, demo):
    sign_in(client, User.objects.get(username="leader"))
    for figure in all_figures():
        result = figure.result(parks=[demo], period=H1)
        if figure.kind not in COUNTING_KINDS:
            continue
        assert result.value == len(result.record_ids), figure.key
        response = client.get(result.url)
        assert response.status_code == 200, figure.key
        listed = sorted(row.pk for row in response.context["table"].data)
        assert listed == sorted(result.record_ids), figure.key


def test_every_figure_computes_for_the_demo_park(demo):
    values = {f.key: f.result(parks=[demo], period=H1) for f in all_figures()}
    assert values["enterprises.entered_statistics_new"].value == 6
    yoy = values["enterprises.entered_statistics_new_yoy_pct"]
    assert (yoy.value, yoy.comparison_value) == (Decimal(50), Decimal(4))
    assert values["enterprises.above_scale"].value > 6
    assert values["enterprises.registered"].value > values["enterprises.above_scale"].value


def test_yoy_against_a_zero_base_has_no_value_and_says_why(db):
    park = make_park()
    make_enterprise(park, above_scale=True, above_scale_since=datetime.date(2023, 3, 1))
    result = entered_statistics_yoy(parks=[park], period=H1)
    assert result.value is None
    assert result.comparison_value == 0
    assert result.reason == "上年同期为零"


def test_a_fall_year_on_year_reads_下降_not_增长_minus(db):
    park = make_park()
    for day in (datetime.date(2022, 3, 1), datetime.date(2022, 4, 1)):
        make_enterprise(park, above_scale=True, above_scale_since=day)
    make_enterprise(park, above_scale=True, above_scale_since=datetime.date(2023, 3, 1))
    figure = next(f for f in all_figures() if f.key == "enterprises.entered_statistics_new_yoy_pct")
    result = entered_statistics_yoy(parks=[park], period=H1)
    assert result.value == Decimal(-50)
    assert figure.text(result) == "新增列统入规企业数量同比下降50.0%"


def test_yoy_without_a_base_has_no_value():
    assert yoy_pct(5, None)[0] is None


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        (Decimal("0.125"), 2, "0.13"),
        (Decimal("2.345"), 2, "2.35"),
        (Decimal("56.5"), 0, "57"),
        (Decimal("22.955"), 2, "22.96"),
        (Decimal("-0.05"), 1, "-0.1"),
        (Decimal("8.75"), 1, "8.8"),
    ],
)
def test_display_rounds_half_up_at_the_fives(value, precision, shown):
    assert format_figure(value, precision) == shown
