"""The park's own annual investment plan (年度固定资产投资计划), the pace board's
park line against it, and the investment chart on the project page."""

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.projects import selectors, services
from parkops.projects.models import ParkInvestmentPlan
from parkops.projects.testing import make_delivery_project, make_park_investment_plan

from .conftest import D

BOARD = "projects:major_projects"


@pytest.fixture
def park(db):
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.PROJECT_OFFICER, park=park)


# ---------------------------------------------------------------- the register
def test_a_park_has_one_plan_per_year_in_exact_yuan(park):
    statistics = make_user(Role.STATISTICS_OFFICER, park=park)
    plan = services.park_investment_plan_create(
        park=park, year=2023, amount="2500000000.456", actor=statistics
    )
    plan.refresh_from_db()
    assert plan.amount == Decimal("2500000000.46")
    assert AuditEntry.objects.filter(object_id=str(plan.pk), action="create").exists()
    with pytest.raises(ValidationError) as refused:
        services.park_investment_plan_create(park=park, year=2023, amount=1, actor=statistics)
    assert "year" in refused.value.message_dict
    # Another park's plan for the same year is its own.
    services.park_investment_plan_create(park=make_park(), year=2023, amount=1, actor=SYSTEM)


def test_only_the_statistics_office_sets_the_park_plan(client, park, officer):
    sign_in(client, officer)
    response = client.post(
        reverse("projects:parkinvestmentplan_add"), {"year": "2023", "amount": "1"}
    )
    assert response.status_code == 403
    assert not ParkInvestmentPlan.objects.unscoped().filter(park=park).exists()
    # The project officer reads it, to measure the projects against it.
    plan = make_park_investment_plan(park, year=2023, note="年初下达")
    assert client.get(plan.get_absolute_url()).status_code == 200
    statistics = make_user(Role.STATISTICS_OFFICER, park=park)
    sign_in(client, statistics)
    response = client.post(
        reverse("projects:parkinvestmentplan_edit", args=[plan.pk]),
        {"year": "2023", "amount": "2600000000", "note": "年中调整"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.amount == Decimal("2600000000") and plan.note == "年中调整"


def test_the_park_plan_page_shows_the_amount_in_yi_with_the_exact_yuan(client, park):
    plan = make_park_investment_plan(park, year=2023, amount="2500000000.00")
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "25亿元" in html and 'title="2500000000.00 元"' in html


# ------------------------------------------------------ the board's park line
def _entries(park, officer, months, amount):
    project = make_delivery_project(park)
    for month in months:
        services.investment_entry_create(
            project=project, month=f"2023-{month:02d}", amount=amount, actor=officer
        )
    return project


def test_the_park_line_sums_every_project_against_the_park_plan(park, officer):
    make_park_investment_plan(park, year=2023, amount="1200")
    _entries(park, officer, (1, 2, 3, 4), 100)  # April is after the month read
    _entries(park, officer, (2,), 200)
    other = make_park()
    _entries(other, SYSTEM, (1,), 5000)  # another park's projects do not count
    found = selectors.park_pace(user=officer, park=park, year=2023, month=3)
    assert found.pace.completed == 500
    assert found.pace.share_pct == Decimal(500) / 12  # 41.67%
    # By the end of March 25% is on pace: ahead by 16.67 points.
    assert round(found.pace.ahead_pp, 2) == Decimal("16.67")


def test_without_a_park_plan_the_line_has_no_pace(park, officer):
    _entries(park, officer, (1,), 100)
    found = selectors.park_pace(user=officer, park=park, year=2023, month=3)
    assert found.plan is None and found.pace.completed == 100
    assert found.pace.share_pct is None and found.pace.ahead_pp is None


def test_the_park_line_is_for_who_reads_entries_and_the_plan(park):
    statistics = make_user(Role.STATISTICS_OFFICER, park=park)  # the plan, not the entries
    assert selectors.park_pace(user=statistics, park=park, year=2023, month=3) is None


def test_the_board_shows_the_park_line_linking_to_its_entries(client, park, officer):
    make_park_investment_plan(park, year=2023, amount="2400000000")
    _entries(park, officer, (1, 2, 3, 4), 200_000_000)  # to the end of March: 6亿
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    response = client.get(reverse(BOARD), {"park": park.code, "year": "2023", "month": "3"})
    html = response.content.decode()
    line = html[html.index("data-park-line") : html.index("</dl>", html.index("data-park-line"))]
    assert "24亿元" in line and "6亿元" in line  # 600,000,000 of 2,400,000,000
    assert "25.0" in line  # share, on pace: +0.0
    assert 'title="600000000.00 元"' in line
    link = re.search(r'data-park-completed><a href="([^"]+)"', line).group(1).replace("&amp;", "&")
    assert "month_after=2023-01-01" in link and "month_before=2023-03-01" in link
    listed = client.get(link).content.decode()
    assert all(f"2023-{m:02d}" in listed for m in (1, 2, 3)) and "2023-04" not in listed


# ------------------------------------------------------ the board's total row
def test_the_total_measures_only_planned_rows_and_names_the_unplanned_apart(client, park, officer):
    planned = _entries(park, officer, (1, 2, 3), 100_000)  # 30万 of a 120万 plan
    services.annual_plan_create(project=planned, year=2023, amount=1_200_000, actor=officer)
    unplanned = _entries(park, officer, (1,), 900_000)  # 90万, no plan for 2023
    for project in (planned, unplanned):
        services.major_listing_create(project=project, year=2023, level="municipal", actor=officer)
    rows = selectors.major_projects(user=officer, park=park, year=2023, month=3)
    totals = selectors.major_totals(rows, month=3)
    # 30 of 120 is 25%, on pace at the end of March; the 90万 without a plan
    # would have made it 100% and 75 points ahead.
    assert totals.pace.plan == 1_200_000 and totals.pace.completed == 300_000
    assert totals.pace.share_pct == 25 and totals.pace.ahead_pp == 0
    assert totals.completed == 1_200_000
    assert (totals.unplanned_count, totals.unplanned_completed) == (1, 900_000)
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    response = client.get(reverse(BOARD), {"park": park.code, "year": "2023", "month": "3"})
    html = response.content.decode()
    total = html[html.index("data-total>") : html.index("</tfoot>")]
    assert ">25.0<" in total and ">0.0<" in total and "100.0" not in total
    assert "其中无年度计划项目（1 个）完成 90.00 万元" in total


def test_without_any_plan_the_total_has_no_share(park, officer):
    project = _entries(park, officer, (1,), 100)
    services.major_listing_create(project=project, year=2023, level="municipal", actor=officer)
    rows = selectors.major_projects(user=officer, park=park, year=2023, month=3)
    totals = selectors.major_totals(rows, month=3)
    assert totals.pace.plan is None and totals.pace.share_pct is None
    assert totals.unplanned_completed == totals.completed == 100
    assert selectors.major_totals([], month=3) is None


# ---------------------------------------------------------- the project chart
def test_the_chart_has_each_month_the_year_to_date_and_the_plans_pace(park, officer):
    project = make_delivery_project(park)
    services.annual_plan_create(project=project, year=2023, amount=1_200_000, actor=officer)
    services.investment_entry_create(
        project=project, month="2023-01", amount=100_000, actor=officer
    )
    services.investment_entry_create(
        project=project, month="2023-03", amount=200_000, actor=officer
    )
    services.investment_entry_create(project=project, month="2022-12", amount=999, actor=officer)
    chart = selectors.investment_chart(selectors.project_investment(project, user=officer))
    assert chart["year"] == 2023 and chart["unit"] == "万元"
    assert chart["monthly"][:4] == ["10.00", None, "20.00", None]
    assert chart["cumulative"][:4] == ["10.00", "10.00", "30.00", None]  # stops at March
    assert chart["pace"][0] == "10.00" and chart["pace"][5] == "60.00"
    assert chart["pace"][11] == "120.00"


def test_the_chart_counts_in_yi_once_the_plan_reaches_one(park, officer):
    project = make_delivery_project(park)
    services.annual_plan_create(project=project, year=2023, amount=250_000_000, actor=officer)
    chart = selectors.investment_chart(selectors.project_investment(project, user=officer))
    assert chart["unit"] == "亿元" and chart["pace"][11] == "2.50"
    assert chart["monthly"] == [None] * 12  # a plan and no entry yet: the pace line alone


def test_the_chart_defaults_to_the_latest_year_with_a_plan(park, officer):
    project = make_delivery_project(park)
    services.annual_plan_create(project=project, year=2023, amount=1000, actor=officer)
    services.investment_entry_create(project=project, month="2024-01", amount=5, actor=officer)
    found = selectors.project_investment(project, user=officer)
    assert found["year"] == 2023 and found["years"] == [2023, 2024]


def test_a_project_with_neither_plan_nor_entries_has_no_chart(park, officer):
    project = make_delivery_project(park)
    assert selectors.investment_chart(selectors.project_investment(project, user=officer)) is None


def _chart_data(html: str) -> dict:
    found = re.search(
        r'<script id="investment-chart-data" type="application/json">(.*?)</script>', html
    )
    return json.loads(found.group(1))


def test_the_project_page_draws_the_chart_from_its_own_data(client, park, officer):
    project = make_delivery_project(park)
    sign_in(client, officer)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "data-chart-empty" in html and "investment-chart-data" not in html
    services.annual_plan_create(project=project, year=2023, amount=1_200_000, actor=officer)
    services.investment_entry_create(
        project=project, month="2023-02", amount=300_000, actor=officer
    )
    services.annual_plan_create(project=project, year=2022, amount=5, actor=officer)
    html = client.get(project.get_absolute_url()).content.decode()
    assert _chart_data(html)["monthly"][1] == "30.00"
    assert "vendor/echarts/echarts.min.js" in html and "//cdn" not in html
    assert "data-chart-years" in html  # 2022 or 2023 to choose
    earlier = client.get(project.get_absolute_url(), {"year": "2022"}).content.decode()
    assert _chart_data(earlier)["year"] == 2022 and _chart_data(earlier)["monthly"] == [None] * 12
    # The number beside the chart opens the entries it sums.
    link = re.search(r'data-completed><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"project={project.pk}" in link and "month_after=2023-01-01" in link
    assert client.get(project.get_absolute_url(), {"year": "99999"}).status_code == 200


def test_the_project_page_query_count_does_not_grow_with_its_investment(
    client, park, officer, django_assert_num_queries
):
    project = make_delivery_project(park)
    services.annual_plan_create(project=project, year=2023, amount=1_200_000, actor=officer)
    services.investment_entry_create(project=project, month="2023-01", amount=1, actor=officer)
    sign_in(client, officer)
    url = project.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for month in range(2, 13):
        services.investment_entry_create(
            project=project, month=D(2023, month, 1), amount=month, actor=officer
        )
    for year in (2021, 2022):
        services.annual_plan_create(project=project, year=year, amount=9, actor=officer)
        services.investment_entry_create(
            project=project, month=D(year, 5, 1), amount=7, actor=officer
        )
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert _chart_data(html)["cumulative"][11] == "0.01"  # 1 + 2 + … + 12 = 78 yuan


def test_the_project_page_tells_the_story_in_order(client, park, officer):
    from parkops.projects.testing import make_milestone

    project = make_delivery_project(park)
    make_milestone(park, project=project)
    services.annual_plan_create(project=project, year=2023, amount=1_000_000, actor=officer)
    sign_in(client, officer)
    html = client.get(project.get_absolute_url()).content.decode()
    marks = [
        "data-first-contact",
        "data-stage-dates",
        "data-milestones",
        "data-investment-chart",
        "data-documents",
    ]
    positions = [html.index(mark) for mark in marks]
    assert positions == sorted(positions)
    assert html.index(project.investor.name) < positions[0]


def test_the_major_board_query_count_does_not_depend_on_its_rows(
    client, park, officer, django_assert_num_queries
):
    # A year without major projects runs the same queries as a year with them:
    # the listed projects are a subquery, not a list that may be empty.
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    params = {"park": park.code, "year": "2023", "month": "3"}
    client.get(reverse(BOARD), params)  # sessions, caches
    with CaptureQueriesContext(connection) as none:
        assert client.get(reverse(BOARD), params).status_code == 200
    for amount in (100, 200, 300):
        project = _entries(park, officer, (1, 2, 3), amount)
        services.annual_plan_create(project=project, year=2023, amount=1_200, actor=officer)
        services.major_listing_create(project=project, year=2023, level="municipal", actor=officer)
    with django_assert_num_queries(len(none)):
        html = client.get(reverse(BOARD), params).content.decode()
    assert html.count("<tr data-project=") == 3
