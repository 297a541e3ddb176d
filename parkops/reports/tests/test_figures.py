"""The figures registry: every declared figure, the YoY rule and display rounding."""

import datetime
import math
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from parkops.accounts.models import User
from parkops.core import figures
from parkops.core.figures import (
    COUNTING_KINDS,
    Figure,
    FigureResult,
    Kind,
    Section,
    Unit,
    all_figures,
    format_figure,
    get_figure,
    yoy_pct,
)
from parkops.core.models import Park
from parkops.core.periods import Period
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.figures import above_scale, entered_statistics, entered_statistics_yoy
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise
from parkops.reports.selectors import CardFigure

H1 = Period.parse("2023-H1")
SETTLED = datetime.date(2020, 1, 1)


def settled(park, **fields):
    """An enterprise settled in ``park`` before any period these tests ask about."""
    return make_enterprise(
        park, **{"status": Enterprise.Status.SETTLED, "settled_on": SETTLED, **fields}
    )


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


def test_every_counting_figure_compares_with_the_same_period_last_year(client, demo):
    # The card's 上年同期 column: last year's count, linked to last year's records.
    sign_in(client, User.objects.get(username="leader"))
    for figure in all_figures():
        if figure.kind not in COUNTING_KINDS:
            continue
        result = figure.result(parks=[demo], period=H1)
        last_year = figure.compute(parks=[demo], period=H1.comparison)
        assert result.comparison_value == last_year.value, figure.key
        listed = client.get(result.comparison_url).context["table"].data
        assert sorted(row.pk for row in listed) == sorted(last_year.record_ids), figure.key
    visited = get_figure("promotion.enterprises_visited").result(parks=[demo], period=H1)
    assert (visited.value, visited.comparison_value) == (312, 188)


def test_each_figure_is_one_query_and_reads_its_records_only_when_asked(demo):
    # The card shows a figure's value, its comparison, how many records and the
    # link: one aggregate query; the ids are read when a drill-down asks for them.
    for figure in all_figures():
        with CaptureQueriesContext(connection) as computed:
            result = figure.result(parks=[demo], period=H1)
            count = result.record_count
        assert len(computed) == 1, figure.key
        assert count == len(result.record_ids), figure.key


def test_every_figure_computes_for_the_demo_park(demo):
    values = {f.key: f.result(parks=[demo], period=H1) for f in all_figures()}
    assert values["enterprises.entered_statistics_new"].value == 6
    yoy = values["enterprises.entered_statistics_new_yoy_pct"]
    assert (yoy.value, yoy.comparison_value) == (Decimal(50), Decimal(4))
    assert values["enterprises.above_scale"].value > 6
    assert values["enterprises.registered"].value > values["enterprises.above_scale"].value


def test_yoy_against_a_zero_base_has_no_value_and_says_why(db):
    park = make_park()
    settled(park, above_scale=True, above_scale_since=datetime.date(2023, 3, 1))
    result = entered_statistics_yoy(parks=[park], period=H1)
    assert result.value is None
    assert result.comparison_value == 0
    assert result.reason == "上年同期为零"


def test_a_fall_year_on_year_reads_下降_not_增长_minus(db):
    park = make_park()
    for day in (datetime.date(2022, 3, 1), datetime.date(2022, 4, 1)):
        settled(park, above_scale=True, above_scale_since=day)
    settled(park, above_scale=True, above_scale_since=datetime.date(2023, 3, 1))
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


# ------------------------------------------------- who counts, as of which day
def _listed(client, url) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["table"].data)


def test_only_enterprises_settled_in_the_park_by_then_count_as_its_above_scale(client, db):
    park = make_park()
    since = datetime.date(2022, 3, 1)
    counted = settled(park, above_scale=True, above_scale_since=since)
    # Neither is the park's enterprise on 2023-06-30: saved without the form's checks.
    make_enterprise(
        park, status=Enterprise.Status.PROSPECT, above_scale=True, above_scale_since=since
    )
    settled(park, above_scale=True, above_scale_since=since, settled_on=datetime.date(2023, 9, 1))
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    for compute, period in ((above_scale, H1), (entered_statistics, Period.parse("2022-H1"))):
        result = compute(parks=[park], period=period)
        assert result.record_ids == (counted.pk,), compute.__name__
        assert _listed(client, result.url) == [counted.pk], compute.__name__


def test_an_enterprise_that_dropped_out_later_still_counts_for_the_days_it_was_above_scale(
    client, db
):
    park = make_park()
    dropped = settled(
        park,
        above_scale=False,
        above_scale_since=datetime.date(2022, 3, 1),
        above_scale_until=datetime.date(2023, 12, 31),
    )
    still = settled(park, above_scale=True, above_scale_since=datetime.date(2022, 5, 1))
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    then = above_scale(parks=[park], period=H1)
    assert then.record_ids == tuple(sorted((dropped.pk, still.pk)))
    assert _listed(client, then.url) == sorted((dropped.pk, still.pk))
    entered = entered_statistics(parks=[park], period=Period.parse("2022-H1"))
    assert _listed(client, entered.url) == sorted((dropped.pk, still.pk))
    now = above_scale(parks=[park], period=Period.parse("2024-H1"))
    assert now.record_ids == (still.pk,)
    assert _listed(client, now.url) == [still.pk]


def test_the_zero_base_note_shows_no_division_by_zero(db):
    park = make_park()
    settled(park, above_scale=True, above_scale_since=datetime.date(2023, 3, 1))
    note = entered_statistics_yoy(parks=[park], period=H1).note
    assert "÷ 0" not in note and "÷" not in note
    assert "2022-H1" in note


# --------------------------------------------------------- order and wording
def test_figures_keep_the_order_their_app_declares_them_in(db):
    keys = [f.key for f in all_figures() if f.section == Section.ENTERPRISES]
    assert keys == [
        "enterprises.registered",
        "enterprises.above_scale",
        "enterprises.entered_statistics_new",
        "enterprises.entered_statistics_new_yoy_pct",
    ]


def test_sections_come_in_the_articles_order_whatever_the_declaration_order(monkeypatch):
    def figure(key, section, order=0):
        return Figure(
            key=key,
            section=section,
            label=key,
            unit=Unit.COUNT,
            kind=Kind.COUNTED,
            sentence="{value}",
            compute=lambda **_: None,
            model="enterprises.Enterprise",
            order=order,
        )

    declared = [
        figure("city.b", Section.CITY),
        figure("projects.z", Section.PROJECTS),
        figure("city.a", Section.CITY),
        figure("projects.y", Section.PROJECTS, order=-1),
        figure("alliance.x", Section.ALLIANCE),
        figure("enterprises.w", Section.ENTERPRISES),
    ]
    monkeypatch.setattr(figures, "_REGISTRY", {f.key: f for f in declared})
    monkeypatch.setattr(figures, "_discovered", True)
    assert [f.key for f in all_figures()] == [
        "projects.y",
        "projects.z",
        "enterprises.w",
        "alliance.x",
        "city.b",
        "city.a",
    ]
    assert [section.label for section in Section] == [
        "项目引建",
        "企业培育与经济运行",
        "科技创新",
        "联动发展",
        "营商环境",
        "产城融合",
    ]


@pytest.mark.parametrize("value", [Decimal("-0.04"), Decimal("0.04"), Decimal(0)])
def test_a_change_that_rounds_to_zero_reads_level_with_last_year(value):
    figure = get_figure("enterprises.entered_statistics_new_yoy_pct")
    result = FigureResult(value=value, note="")
    assert figure.text(result) == "新增列统入规企业数量与上年同期持平"
    number = CardFigure(figure, result).number(value)
    assert number == 0 and math.copysign(1, number) == 1  # 0.0, never -0.0
    assert format_figure(value, 1) == "0.0"


def test_a_fall_just_big_enough_to_show_still_reads_下降():
    figure = get_figure("enterprises.entered_statistics_new_yoy_pct")
    assert figure.text(FigureResult(value=Decimal("-0.05"), note="")) == (
        "新增列统入规企业数量同比下降0.1%"
    )


def test_the_no_value_sentence_is_punctuated_in_the_users_language():
    figure = get_figure("enterprises.entered_statistics_new_yoy_pct")
    with translation.override("en"):
        result = FigureResult(value=None, note="", reason=yoy_pct(1, 0)[1])
        english = figure.text(result)
    assert "：" not in english
    assert english.endswith("year on year: the same period last year was zero")
    result = FigureResult(value=None, note="", reason=yoy_pct(1, 0)[1])
    assert figure.text(result) == "新增列统入规企业同比增长：上年同期为零"


def test_every_figure_reads_in_chinese(db):
    cjk = re.compile(r"[\u4e00-\u9fff]")
    with translation.override("zh-hans"):
        for figure in all_figures():
            for text in (figure.label, figure.sentence, figure.sentence_down, figure.sentence_flat):
                if text is not None:
                    assert cjk.search(str(text)), (figure.key, str(text))
