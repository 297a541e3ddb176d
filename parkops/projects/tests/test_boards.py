"""The promotion boards: the numbers (distinct counting, the as-of rule, a
signing counted once), the links that list exactly the records counted, the
export, and the pages' refusals, errors and query counts."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core.models import AuditEntry, Industry
from parkops.core.periods import Period
from parkops.core.permissions import Role
from parkops.core.testing import make_industry, make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise
from parkops.projects import boards, services
from parkops.projects.testing import make_project
from parkops.promotion.testing import make_institution, make_officer, make_unit, make_visit

from .conftest import D, move

H1 = Period.parse("2023-H1")
PIPELINE = reverse("projects:pipeline")
UNITS = reverse("projects:unit_performance")
EXPORT = reverse("projects:unit_performance_export")
CHAINS = reverse("projects:chain_coverage")


def _lead(park, unit, on, **fields):
    return services.project_create(
        park=park,
        actor=make_officer(park, unit),
        on_date=on,
        name=fields.pop("name", "新能源项目"),
        investor=make_enterprise(park, status="prospect", uscc=""),
        first_contact_unit=unit,
        **fields,
    )


@pytest.fixture
def world(park, leader):
    """Two units of ``park`` with visits and projects in and around 2023 H1."""
    chain = make_industry(park, code="NE", name="新能源")
    battery = make_industry(park, code="NE-BAT", name="动力电池", parent=chain, level=2)
    cells = make_industry(park, code="NE-BAT-C", name="电芯", parent=battery, level=3)
    a = make_unit(park, code="A", name="一分局")
    b = make_unit(park, code="B", name="二分局")
    firm = make_enterprise(park, name="电芯制造有限公司", industry=cells)
    other = make_enterprise(park, name="其他有限公司")
    institution = make_institution(park)
    # Unit A: two visits to one enterprise count once, one to another, one to an
    # institution; one visit after the period; unit B visits the same enterprise.
    make_visit(park, unit=a, enterprise=firm, date=D(2023, 2, 1))
    make_visit(park, unit=a, enterprise=firm, date=D(2023, 5, 1))
    make_visit(park, unit=a, enterprise=other, date=D(2023, 3, 1))
    make_visit(park, unit=a, institution=institution, date=D(2023, 4, 1))
    make_visit(park, unit=a, enterprise=firm, date=D(2023, 7, 1))
    make_visit(park, unit=b, enterprise=firm, date=D(2023, 6, 30))
    # A lead of A in the period, negotiating at its end.
    negotiating = _lead(
        park, a, D(2023, 3, 1), name="储能项目", industry=cells, planned_investment=50_000_000
    )
    move(negotiating, ("negotiating", D(2023, 4, 1)))
    # A lead of A from before the period, signed in it, held and resumed: signed once.
    signed = _lead(park, a, D(2022, 12, 1), name="电池项目", industry=cells)
    move(signed, ("negotiating", D(2023, 1, 5)), ("signed", D(2023, 5, 1)))
    move(signed, ("on_hold", D(2023, 5, 10), "土地未落实"), ("signed", D(2023, 6, 1)))
    # A lead of B after the period.
    _lead(park, b, D(2023, 7, 2), name="后来的项目")
    return {"a": a, "b": b, "cells": cells, "chain": chain, "battery": battery}


def _row(table, unit):
    return next(row for row in table.rows if row.subject == unit)


def _values(row):
    return {key: count.value for key, count in row.cells.items()}


def test_unit_numbers_count_distinct_parties_negotiations_at_the_end_and_signings_once(
    world, park, leader
):
    table = boards.unit_performance(user=leader, park=park, period=H1)
    assert _values(_row(table, world["a"])) == {
        "visits": 4,
        "enterprises": 2,
        "institutions": 1,
        "leads": 1,
        "negotiating": 1,
        "signed": 1,
        "signed_amount": Decimal("100000000"),
    }
    assert _values(_row(table, world["b"]))["visits"] == 1
    assert _values(_row(table, world["b"]))["leads"] == 0
    # The total counts the enterprise both units visited once.
    assert _values(table.total)["visits"] == 5
    assert _values(table.total)["enterprises"] == 2


def _listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["table"].paginator.count


def test_each_number_links_to_a_list_of_exactly_the_records_counted(client, world, park, leader):
    table = boards.unit_performance(user=leader, park=park, period=H1)
    sign_in(client, leader)
    for row in [*table.rows, table.total]:
        for key, count in row.cells.items():
            if key == "signed_amount":
                continue  # the signed projects' list, checked with "signed"
            assert _listed(client, count.url) == count.value, (row.subject, key, count.url)


def test_chain_coverage_counts_each_segment_and_the_chains_above_it(client, world, park, leader):
    coverage = boards.chain_coverage(user=leader, park=park, period=H1)
    by_industry = {row.subject: row for row in coverage.rows}
    assert [row.subject for row in coverage.rows] == [
        world["chain"],
        world["battery"],
        world["cells"],
    ]
    for industry in (world["chain"], world["battery"], world["cells"]):
        assert _values(by_industry[industry]) == {
            "targets": 1,
            "leads": 1,
            "negotiating": 1,
            "signed": 1,
            "signed_amount": Decimal("100000000"),
        }
    sign_in(client, leader)
    for row in coverage.rows:
        for key, count in row.cells.items():
            if key != "signed_amount":
                assert _listed(client, count.url) == count.value, (row.subject, key)


def test_the_pipeline_shows_each_projects_stage_on_the_day_with_links(client, world, park, leader):
    board = boards.pipeline(user=leader, park=park, on=D(2023, 5, 15))
    counts = {column.stage: column.count.value for column in board.columns}
    assert counts == {"lead": 0, "negotiating": 1, "signed": 0}
    assert {column.stage: column.count.value for column in board.stopped} == {
        "on_hold": 1,
        "dropped": 0,
    }
    negotiating = board.columns[1]
    assert negotiating.planned == Decimal("50000000")
    assert [project.name for project in negotiating.top] == ["储能项目"]
    sign_in(client, leader)
    for column in [*board.columns, *board.later, *board.stopped]:
        assert _listed(client, column.count.url) == column.count.value, column.stage
    html = client.get(PIPELINE, {"park": park.code, "on": "2023-05-15"}).content.decode()
    assert "储能项目" in html and "5000万元" in html


def test_the_unit_page_highlights_the_officers_own_unit_and_ranks(client, world, park):
    officer = make_officer(park, world["b"])
    sign_in(client, officer)
    response = client.get(UNITS, {"park": park.code, "period": "2023-H1", "sort": "visits"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-unit="{world["b"].pk}" class="table-active" data-own' in html
    assert "我的单位" in html
    assert [row.subject for row in response.context["table"].rows] == [world["a"], world["b"]]
    assert response.context["table"].own[0].rank == 2


def test_the_export_has_the_pages_numbers_in_chinese_and_is_audited(client, world, park, leader):
    sign_in(client, leader)
    response = client.get(EXPORT, {"park": park.code, "period": "2023-H1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("排名", "招商单元", "单元代码", "拜访次数")
    assert rows[1][1:] == ("一分局", "A", 4, 2, 1, 1, 1, 1, 10000)
    assert rows[-1][1] == "合计"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, actor=leader)
    assert entry.after == {"filters": {"park": park.code, "period": "2023-H1"}, "rows": 3}


def test_a_period_not_understood_is_said_so(client, park, leader):
    sign_in(client, leader)
    for url in (UNITS, CHAINS):
        response = client.get(url, {"park": park.code, "period": "2023-H3"})
        assert response.status_code == 200
        assert "不是有效的报告期" in response.content.decode()
    assert client.get(EXPORT, {"park": park.code, "period": "H3"}).status_code == 400
    response = client.get(PIPELINE, {"park": park.code, "on": "2023-13-01"})
    assert response.status_code == 200 and 'data-error="on"' in response.content.decode()


def test_empty_boards_say_so_in_chinese(client, park, leader):
    sign_in(client, leader)
    assert "尚无招商单元" in client.get(UNITS, {"park": park.code}).content.decode()
    assert "尚无产业链" in client.get(CHAINS, {"park": park.code}).content.decode()
    assert "尚无项目" in client.get(PIPELINE, {"park": park.code}).content.decode()


@pytest.mark.parametrize("url", [PIPELINE, UNITS, EXPORT, CHAINS])
def test_roles_that_read_neither_projects_nor_visits_are_refused(client, park, url):
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    assert client.get(url, {"park": park.code}).status_code == 403


@pytest.mark.parametrize("url", [UNITS, EXPORT, CHAINS])
def test_a_project_officer_sees_the_pipeline_but_not_the_visit_boards(client, park, url):
    officer = make_user(Role.PROJECT_OFFICER, park=park)
    sign_in(client, officer)
    response = client.get(PIPELINE, {"park": park.code})
    assert response.status_code == 200
    assert 'data-board-link="unit_performance"' not in response.content.decode()
    assert client.get(url, {"park": park.code}).status_code == 403


@pytest.mark.parametrize("url", [PIPELINE, UNITS, EXPORT, CHAINS])
def test_another_parks_code_is_404_and_audited(client, park, leader, url):
    other = make_park()
    sign_in(client, leader)
    assert client.get(url, {"park": other.code}).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DENIED, actor=leader, object_id=str(other.pk)
    ).exists()


def _grow(park, units: int):
    chain = make_industry(park, code=f"C{units}", name=f"产业{units}")
    for _n in range(units):
        unit = make_unit(park)
        segment = make_industry(park, parent=chain, level=2)
        firm = make_enterprise(park, industry=segment)
        make_visit(park, unit=unit, enterprise=firm, date=D(2023, 3, 1))
        project = make_project(park, first_contact_unit=unit, industry=segment)
        move(project, ("negotiating", D(2023, 4, 1)))


@pytest.mark.parametrize(
    "url,query",
    [
        (PIPELINE, {"on": "2023-06-30"}),
        (UNITS, {"period": "2023-H1"}),
        (CHAINS, {"period": "2023-H1"}),
        (EXPORT, {"period": "2023-H1"}),
    ],
)
def test_the_query_count_does_not_grow_with_the_rows(
    client, park, leader, url, query, django_assert_num_queries
):
    sign_in(client, leader)
    params = {"park": park.code, **query}
    _grow(park, 2)
    client.get(url, params)  # sessions, caches

    def fetch():
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == 200

    with CaptureQueriesContext(connection) as small:
        fetch()
    _grow(park, 8)
    assert Industry.objects.unscoped().filter(park=park).count() == 12
    with django_assert_num_queries(len(small)):
        fetch()


def test_the_boards_link_to_each_other_and_sit_in_the_menu(client, park, leader):
    sign_in(client, leader)
    html = client.get(UNITS, {"park": park.code, "period": "2023-H1"}).content.decode()
    for name in ("pipeline", "unit_performance", "chain_coverage"):
        assert f'data-board-link="{name}"' in html
        assert reverse(f"projects:{name}") in html


def test_the_list_filters_name_the_boards_records(client, world, park, leader):
    sign_in(client, leader)
    query = {"park": park.code, "reached": "signed", "reached_after": "2023-01-01"}
    assert _listed(client, f"{reverse('projects:project_list')}?{_q(query)}") == 1
    query = {"park": park.code, "industry_within": world["chain"].pk}
    assert _listed(client, f"{reverse('projects:project_list')}?{_q(query)}") == 2


def _q(query):
    from django.utils.http import urlencode

    return urlencode(query)


def test_the_park_total_agrees_with_the_report_card(world, park, leader):
    from parkops.core.figures import get_figure

    table = boards.unit_performance(user=leader, park=park, period=H1)
    card = {
        key: get_figure(f"promotion.{key}").result(parks=[park], period=H1).value
        for key in ("enterprises_visited", "institutions_engaged", "projects_negotiating")
    }
    assert table.total.cells["enterprises"].value == card["enterprises_visited"]
    assert table.total.cells["institutions"].value == card["institutions_engaged"]
    assert table.total.cells["negotiating"].value == card["projects_negotiating"]


def test_the_boards_open_on_the_report_cards_period_with_the_ranking_hint(
    client, world, park, leader
):
    from parkops.reports.selectors import default_period as card_default

    for day in (D(2026, 11, 30), D(2026, 3, 2), D(2026, 7, 1)):
        assert boards.default_period(day) == card_default(day)
    sign_in(client, leader)
    for url in (UNITS, CHAINS):
        response = client.get(url, {"park": park.code})
        assert response.context["period"] == card_default(), url
    html = client.get(UNITS, {"park": park.code}).content.decode()
    # A leader has no unit of their own: the page still says how to rank.
    assert "data-rank-hint" in html and "点击列标题即可按该指标排名" in html


def test_money_rounds_half_up_on_the_page_and_in_the_export():
    from parkops.projects import boards, tables

    assert tables.wan_yuan(Decimal("12345650")) == "1,234.57"
    assert boards.wan(Decimal("12345650")) == Decimal("1234.57")
