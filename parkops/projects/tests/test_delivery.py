"""Delivery from signing on: the stages carried by a project officer, entered
statistics (列统入规), "new X in a period" with its year-on-year change at the
period boundaries, and investment against plan (序时进度)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from parkops.core.figures import get_figure
from parkops.core.periods import Period
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.projects import selectors, services
from parkops.projects.figures import major_plan_share, new_in_period_yoy
from parkops.projects.models import InvestmentEntry, ProjectEvent, Stage
from parkops.projects.testing import make_project

from .conftest import D, move

H1_2023 = Period.parse("2023-H1")
SIGNED = [("negotiating", D(2020, 1, 2)), ("signed", D(2020, 1, 3))]


def signed(park, **fields):
    """A project of ``park`` signed on 2020-01-03."""
    return move(make_project(park, on=D(2020, 1, 1), **fields), *SIGNED)


def reaching(park, stage, on):
    """A signed project that reached ``stage`` (READY/STARTED/COMPLETED) on ``on``."""
    path = ["ready", "started", "completed"]
    steps = path[: path.index(stage) + 1]
    dates = [D(2020, 2, 1 + i) for i in range(len(steps) - 1)] + [on]
    return move(signed(park), *zip(steps, dates, strict=True))


# ------------------------------------------------------------- the lifecycle
def test_a_project_officer_carries_a_signed_project_to_production_on_the_page(client, db):
    park = make_park()
    officer = make_user(Role.PROJECT_OFFICER, park=park)
    project = signed(park)
    sign_in(client, officer)
    url = reverse("projects:project_stage", args=[project.pk])
    steps = [
        ("ready", "2023-01-10", ""),
        ("on_hold", "2023-02-01", "用地未交付"),
        ("ready", "2023-03-01", ""),  # resumed where it was held
        ("started", "2023-04-01", ""),
        ("completed", "2023-05-01", ""),
        ("producing", "2023-06-01", ""),
    ]
    for stage, on, reason in steps:
        response = client.post(url, {"to_stage": stage, "on_date": on, "reason": reason})
        assert response.status_code == 302, (stage, response.context["form"].errors)
    project.refresh_from_db()
    assert project.stage == Stage.PRODUCING
    dates = selectors.stage_dates(project)
    assert dates[Stage.READY] == D(2023, 1, 10)  # the first day it was ready counts
    assert dates[Stage.PRODUCING] == D(2023, 6, 1)
    # A wrong date is corrected with a reason; the original stays in the history.
    started = ProjectEvent.objects.unscoped().get(project=project, to_stage=Stage.STARTED)
    response = client.post(
        reverse("projects:projectevent_correct", args=[started.pk]),
        {"on_date": "2023-04-03", "reason": "开工令日期为4月3日"},
    )
    assert response.status_code == 302
    assert selectors.stage_dates(project)[Stage.STARTED] == D(2023, 4, 3)
    assert ProjectEvent.objects.unscoped().filter(project=project, kind="stage").count() == 9


def test_a_promotion_officer_cannot_move_a_signed_project(db):
    from parkops.promotion.testing import make_officer

    park = make_park()
    project = signed(park)
    officer = make_officer(park, project.first_contact_unit)
    with pytest.raises(PermissionDenied):
        services.project_advance(
            project=project, to_stage="ready", on_date=D(2023, 1, 1), actor=officer
        )


# --------------------------------------------------------- entered statistics
def test_entered_statistics_once_after_the_start_and_corrected_with_a_reason(db):
    park = make_park()
    officer = make_user(Role.PROJECT_OFFICER, park=park)
    project = reaching(park, "ready", D(2023, 1, 5))
    with pytest.raises(ValidationError) as refused:
        services.project_entered_statistics(project=project, on_date=D(2023, 2, 1), actor=officer)
    assert "on_date" in refused.value.message_dict
    project = move(project, ("started", D(2023, 3, 1)))
    with pytest.raises(ValidationError):  # before the start
        services.project_entered_statistics(project=project, on_date=D(2023, 2, 1), actor=officer)
    event = services.project_entered_statistics(
        project=project, on_date=D(2023, 4, 1), actor=officer
    )
    assert selectors.entered_statistics_on(project) == D(2023, 4, 1)
    with pytest.raises(ValidationError):  # once
        services.project_entered_statistics(project=project, on_date=D(2023, 5, 1), actor=officer)
    with pytest.raises(ValidationError):  # a correction needs a reason
        services.project_event_correct(
            event=event, on_date=D(2023, 4, 20), reason="", actor=officer
        )
    services.project_event_correct(
        event=event, on_date=D(2023, 4, 20), reason="统计局确认日期", actor=officer
    )
    assert selectors.entered_statistics_on(project) == D(2023, 4, 20)
    assert ProjectEvent.objects.unscoped().filter(pk=event.pk, on_date=D(2023, 4, 1)).exists()
    # A milestone, not a stage: the project is still started.
    project.refresh_from_db()
    assert project.stage == Stage.STARTED


# ------------------------------------------------------ new X in a period, YoY
@pytest.mark.parametrize(
    ("period", "inside", "outside"),
    [
        # Dec 31 / Jan 1: the year's first day counts, the day before does not.
        ("2023-H1", D(2023, 1, 1), D(2022, 12, 31)),
        # Jun 30 / Jul 1: the half's last day counts, the day after does not.
        ("2023-H1", D(2023, 6, 30), D(2023, 7, 1)),
        ("2023-H2", D(2023, 7, 1), D(2023, 6, 30)),
        ("2022", D(2022, 12, 31), D(2023, 1, 1)),
    ],
)
@pytest.mark.parametrize("stage", ["ready", "started", "completed"])
def test_new_in_a_period_counts_its_first_and_last_day_only(db, stage, period, inside, outside):
    park = make_park()
    counted = reaching(park, stage, inside)
    reaching(park, stage, outside)
    result = new_in_period_yoy(stage, "x")(parks=[park], period=Period.parse(period))
    assert result.record_ids == (counted.pk,)
    assert result.record_count == 1  # counted in SQL by the same rule


def test_new_in_a_period_applies_corrections_and_counts_a_resumed_project_once(db):
    park = make_park()
    moved = reaching(park, "started", D(2023, 7, 2))  # first recorded in H2 ...
    event = ProjectEvent.objects.unscoped().get(project=moved, to_stage="started")
    services.project_event_correct(
        event=event, on_date=D(2023, 6, 30), reason="实际6月30日开工", actor=SYSTEM
    )  # ... corrected into H1
    held = reaching(park, "started", D(2023, 2, 1))
    move(held, ("on_hold", D(2023, 3, 1), "资金"), ("started", D(2023, 4, 1)))
    compute = new_in_period_yoy("started", "x")
    result = compute(parks=[park], period=H1_2023)
    assert result.record_ids == (moved.pk, held.pk)
    assert result.record_count == 2  # counted in SQL by the same rule


def test_yoy_of_new_starts_is_exact_and_links_to_this_years_records(db):
    park = make_park()
    now = [reaching(park, "started", D(2023, 3, i)) for i in range(1, 10)]
    for i in range(1, 4):
        reaching(park, "started", D(2022, 3, i))
    figure = get_figure("projects.started_new_yoy_pct")
    result = figure.result(parks=[park], period=H1_2023)
    assert (result.value, result.comparison_value) == (Decimal(200), Decimal(3))
    assert result.record_ids == tuple(p.pk for p in now)
    assert "reached=started" in result.url and "reached_after=2023-01-01" in result.url
    assert "reached_before=2023-06-30" in result.url
    assert "9" in result.note and "3" in result.note
    assert figure.text(result) == "新开工项目同比增长200.0%"


def test_yoy_against_a_zero_base_is_a_dash_with_the_reason(client, db):
    park = make_park()
    reaching(park, "completed", D(2023, 5, 1))
    figure = get_figure("projects.completed_new_yoy_pct")
    result = figure.result(parks=[park], period=H1_2023)
    assert result.value is None and result.comparison_value == 0
    assert result.reason == "上年同期为零"
    assert "÷ 0" not in result.note and "无法对零计算增长率" in result.note
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    page = client.get(reverse("reports:card"), {"park": park.code, "period": "2023-H1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Infinity" not in html and "inf" not in html
    # The value cell shows a dash, the reason beside it and as its tooltip.
    row = html[html.index('data-figure="projects.completed_new_yoy_pct"') :]
    row = row[: row.index("</tr>")]
    cells = row.split("<td")
    value = cells[2]
    assert 'title="上年同期为零"' in value
    assert ">—</span>" in value
    assert "data-reason>上年同期为零</div>" in value


# ------------------------------------------------------------------ the pace
@given(
    completed=st.decimals(min_value=0, max_value=10**12, places=2),
    plan=st.decimals(min_value=Decimal("0.01"), max_value=10**12, places=2),
    month=st.integers(min_value=1, max_value=12),
)
def test_pace_is_the_share_of_plan_less_the_share_of_the_year_elapsed(completed, plan, month):
    found = selectors.pace(completed=completed, plan=plan, month=month)
    share = Fraction(completed) / Fraction(plan) * 100
    expected = Fraction(month, 12) * 100
    assert abs(Fraction(found.share_pct) - share) < Fraction(1, 10**12)
    assert abs(Fraction(found.ahead_pp) - (share - expected)) < Fraction(1, 10**12)
    # On pace at the end of month N is N/12 of the plan (Period.elapsed_share).
    elapsed = Period.parse(f"2023-M{month:02d}").elapsed_share * 100
    assert abs(Fraction(found.expected_pct) - elapsed) < Fraction(1, 10**20)
    # Exactly on pace: completed = N/12 of the plan.
    on_pace = selectors.pace(completed=plan * month / 12, plan=plan, month=month)
    assert abs(on_pace.ahead_pp) < Decimal("1e-20")


@pytest.mark.parametrize("plan", [None, 0])
def test_pace_without_a_plan_has_no_share(plan):
    found = selectors.pace(completed=Decimal(5), plan=plan, month=6)
    assert found.share_pct is None and found.ahead_pp is None


def test_pace_of_the_article_52_percent_at_june_is_2_points_ahead():
    found = selectors.pace(completed=1_300_000_000, plan=2_500_000_000, month=6)
    assert (found.share_pct, found.ahead_pp) == (Decimal(52), Decimal(2))


# ----------------------------------------------------------------- investment
@pytest.fixture
def delivery(db):
    park = make_park()
    return park, make_user(Role.PROJECT_OFFICER, park=park), signed(park)


def test_an_entry_is_one_per_month_never_future_and_exact(delivery):
    _park, officer, project = delivery
    entry = services.investment_entry_create(
        project=project, month=D(2023, 6, 17), amount="12345678.9", actor=officer
    )
    entry.refresh_from_db()
    assert entry.month == D(2023, 6, 1)  # kept as the month's first day
    assert entry.amount == Decimal("12345678.90") and isinstance(entry.amount, Decimal)
    with pytest.raises(ValidationError) as twice:
        services.investment_entry_create(project=project, month="2023-06", amount=1, actor=officer)
    assert "2023-06" in twice.value.message_dict["month"][0]
    with pytest.raises(ValidationError) as future:
        services.investment_entry_create(project=project, month="2099-01", amount=1, actor=officer)
    assert "month" in future.value.message_dict
    with pytest.raises(ValidationError) as negative:
        services.investment_entry_create(project=project, month="2023-05", amount=-1, actor=officer)
    assert "amount" in negative.value.message_dict
    with pytest.raises(ValidationError):
        services.investment_entry_create(project=project, month="六月", amount=1, actor=officer)
    services.investment_entry_update(entry=entry, amount="100.10", actor=officer)
    entry.refresh_from_db()
    assert entry.amount == Decimal("100.10")


def test_investment_is_for_signed_projects_by_project_officers(delivery):
    park, officer, project = delivery
    lead = make_project(park)
    with pytest.raises(ValidationError) as refused:
        services.investment_entry_create(project=lead, month="2023-05", amount=1, actor=officer)
    assert "project" in refused.value.message_dict
    for role in (Role.PARK_LEADER, Role.FINANCE_OFFICER, Role.PROMOTION_OFFICER):
        with pytest.raises(PermissionDenied):
            services.investment_entry_create(
                project=project, month="2023-05", amount=1, actor=make_user(role, park=park)
            )
    other = make_user(Role.PROJECT_OFFICER, park=make_park())
    with pytest.raises(PermissionDenied):
        services.investment_entry_create(project=project, month="2023-05", amount=1, actor=other)


def test_plans_and_listings_one_per_year(delivery):
    _park, officer, project = delivery
    services.annual_plan_create(project=project, year=2023, amount=1000, actor=officer)
    with pytest.raises(ValidationError):
        services.annual_plan_create(project=project, year=2023, amount=5, actor=officer)
    services.major_listing_create(project=project, year=2023, level="provincial", actor=officer)
    with pytest.raises(ValidationError):
        services.major_listing_create(project=project, year=2023, level="municipal", actor=officer)
    assert selectors.major_level(project, year=2023) == "provincial"
    assert selectors.major_level(project, year=2024) is None


def test_the_project_investment_ytd_plan_share_and_pace(delivery):
    _park, officer, project = delivery
    services.annual_plan_create(project=project, year=2023, amount=1200, actor=officer)
    services.investment_entry_create(project=project, month="2022-12", amount=999, actor=officer)
    for month in (1, 2, 3):
        services.investment_entry_create(
            project=project, month=f"2023-{month:02d}", amount=100, actor=officer
        )
    services.investment_entry_create(project=project, month="2023-04", amount=500, actor=officer)
    found = selectors.project_investment(project, user=officer, year=2023, month=3)
    assert found["pace"].completed == 300  # January to March only
    assert found["pace"].share_pct == 25 and found["pace"].ahead_pp == 0  # on pace


def test_major_figures_count_only_the_years_listing_and_the_period(delivery):
    park, officer, project = delivery
    other = signed(park)
    for p in (project, other):
        services.major_listing_create(project=p, year=2023, level="municipal", actor=officer)
        services.annual_plan_create(project=p, year=2023, amount=1000, actor=officer)
        services.investment_entry_create(project=p, month="2023-06", amount=260, actor=officer)
        services.investment_entry_create(project=p, month="2023-07", amount=1, actor=officer)
    move(project, ("ready", D(2023, 1, 1)), ("started", D(2023, 6, 30)))
    move(other, ("ready", D(2023, 1, 1)), ("started", D(2023, 7, 1)))  # H2
    started = get_figure("projects.major_started").result(parks=[park], period=H1_2023)
    assert started.value == 1 and started.record_ids == (project.pk,)
    money = get_figure("projects.major_investment_completed").result(parks=[park], period=H1_2023)
    assert money.value == 260
    share = get_figure("projects.major_plan_share_pct").result(parks=[park], period=H1_2023)
    assert share.value == 26


def test_major_plan_share_without_plans_has_no_value(delivery):
    park, officer, project = delivery
    services.major_listing_create(project=project, year=2023, level="municipal", actor=officer)
    move(project, ("ready", D(2023, 1, 1)), ("started", D(2023, 2, 1)))
    result = major_plan_share(parks=[park], period=H1_2023)
    assert result.value is None and result.reason


def test_entries_are_read_only_in_the_readers_park(delivery):
    park, officer, project = delivery
    services.investment_entry_create(project=project, month="2023-05", amount=1, actor=officer)
    finance = make_user(Role.FINANCE_OFFICER, park=park)
    assert selectors.investment_entry_list(user=finance).count() == 1
    stranger = make_user(Role.PROJECT_OFFICER, park=make_park())
    assert selectors.investment_entry_list(user=stranger).count() == 0
    assert (
        InvestmentEntry.objects.restrict(make_user(Role.PROMOTION_OFFICER, park=park)).count() == 0
    )


# ----------------------------------------------------------- pages and API
def _api(client, method, url, user, data):
    from parkops.core.testing import make_token

    token = make_token(user)
    return getattr(client, method)(
        url, data=data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_the_project_page_shows_investment_pace_and_entered_statistics(client, delivery):
    park, officer, project = delivery
    project = move(project, ("ready", D(2023, 1, 20)), ("started", D(2023, 2, 1)))
    services.annual_plan_create(project=project, year=2023, amount=1_200_000, actor=officer)
    services.major_listing_create(project=project, year=2023, level="provincial", actor=officer)
    for month in range(1, 4):
        services.investment_entry_create(
            project=project, month=f"2023-{month:02d}", amount=150_000, actor=officer
        )
    sign_in(client, officer)
    response = client.post(
        reverse("projects:project_entered_statistics", args=[project.pk]),
        {"on_date": "2023-03-15"},
    )
    assert response.status_code == 302
    # Pace read at the end of March 2023 (the page reads this year's; ask the selector).
    found = selectors.project_investment(project, user=officer, year=2023, month=3)
    assert (found["pace"].share_pct, found["pace"].ahead_pp) == (Decimal("37.5"), Decimal("12.5"))
    html = client.get(project.get_absolute_url()).content.decode()
    assert "data-entered-statistics>2023-03-15" in html.replace("\n", "")
    assert "列统入规" in html and "data-investment-entries" in html
    board = client.get(
        reverse("projects:major_projects"), {"park": park.code, "year": "2023", "month": "3"}
    )
    content = board.content.decode()
    assert board.status_code == 200 and project.name in content
    assert "+12.5" in content and "37.5" in content
    assert client.get(reverse("projects:major_projects"), {"year": "二三"}).status_code == 200


def test_investment_entry_page_and_api_refuse_with_the_field(client, delivery):
    _park, officer, project = delivery
    sign_in(client, officer)
    url = reverse("projects:investmententry_add")
    response = client.post(url, {"project": project.pk, "month": "2099-01", "amount": "1"})
    assert response.status_code == 200 and "month" in response.context["form"].errors
    created = _api(
        client,
        "post",
        reverse("api:investmententry_add"),
        officer,
        {"project_id": project.pk, "month": "2023-02", "amount": "1000.50"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["month"] == "2023-02-01"
    twice = _api(
        client,
        "post",
        reverse("api:investmententry_add"),
        officer,
        {"project_id": project.pk, "month": "2023-02-09", "amount": "1"},
    )
    assert twice.status_code == 422 and "month" in twice.json()["errors"]


def test_api_records_entered_statistics_and_shows_it_on_the_project(client, delivery):
    _park, officer, project = delivery
    project = move(project, ("ready", D(2023, 1, 20)), ("started", D(2023, 2, 1)))
    url = reverse("api:project_entered_statistics", args=[project.pk])
    response = _api(client, "post", url, officer, {"on_date": "2023-04-01"})
    assert response.status_code == 201, response.content
    detail = _api(client, "get", reverse("api:project_detail", args=[project.pk]), officer, None)
    assert detail.json()["entered_statistics_on"] == "2023-04-01"
    stranger = make_user(Role.PROJECT_OFFICER, park=make_park())
    assert _api(client, "post", url, stranger, {"on_date": "2023-04-01"}).status_code == 404


@pytest.mark.parametrize("key", ["investment-entries", "annual-plans"])
def test_investment_registers_export_own_park_rows_in_yuan(client, delivery, key):
    import io

    from openpyxl import load_workbook

    park, officer, project = delivery
    project.ref = "XM-9"
    project.save(update_fields=["ref"])
    services.investment_entry_create(
        project=project, month="2023-05", amount="1234.5", actor=officer
    )
    services.annual_plan_create(project=project, year=2023, amount="98765", actor=officer)
    other_park = make_park()
    foreign = signed(other_park, name="外园区项目")
    services.annual_plan_create(project=foreign, year=2023, amount=1, actor=SYSTEM)
    sign_in(client, make_user(Role.FINANCE_OFFICER, park=park))
    response = client.get(reverse("exchange:export", args=[key]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    text = " ".join(" ".join(row) for row in rows)
    assert project.name in text and "外园区项目" not in text
    assert ("2023-05" in text and "1234.5" in text) or ("2023" in text and "98765" in text)
    # Imported by the project officers who enter them (keyed by project and month or year).
    sign_in(client, officer)
    assert client.get(reverse("exchange:import", args=[key])).status_code == 200


def _amounts(page, column) -> list[Decimal]:
    """The 万元 amounts a list page shows in ``column``, as yuan."""
    headers = [c.name for c in page.context["table"].columns]
    assert column in headers
    rows = page.context["table"].data
    return [getattr(row, column) or Decimal(0) for row in rows]


def test_the_major_money_figures_drill_down_to_rows_that_add_up_to_them(client, delivery):
    park, officer, project = delivery
    other, later = signed(park), signed(park)
    for p, amounts in ((project, (260, 1)), (other, (40, 5)), (later, (7, 7))):
        services.major_listing_create(project=p, year=2023, level="municipal", actor=officer)
        services.annual_plan_create(project=p, year=2023, amount=1000, actor=officer)
        services.investment_entry_create(
            project=p, month="2023-06", amount=amounts[0], actor=officer
        )
        services.investment_entry_create(
            project=p, month="2023-07", amount=amounts[1], actor=officer
        )
    services.annual_plan_create(project=project, year=2024, amount=99, actor=officer)
    move(project, ("ready", D(2023, 1, 1)), ("started", D(2023, 6, 30)))
    move(other, ("ready", D(2023, 1, 1)), ("started", D(2023, 2, 1)))
    move(later, ("ready", D(2023, 1, 1)), ("started", D(2023, 7, 1)))  # H2: not counted
    money = get_figure("projects.major_investment_completed").result(parks=[park], period=H1_2023)
    share = get_figure("projects.major_plan_share_pct").result(parks=[park], period=H1_2023)
    assert money.value == 300 and share.value == 15
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    for result in (money, share):
        page = client.get(result.url + "&card_period=2023-H1&card_figure=x")
        assert sorted(row.pk for row in page.context["table"].data) == sorted(result.record_ids)
        completed = sum(_amounts(page, "completed_to"))
        planned = sum(_amounts(page, "year_plan"))
        assert completed == money.value
        assert completed / planned * 100 == share.value
        html = page.content.decode()
        assert 'data-total="completed_to">0.03</td>' in html  # 300 yuan in 万元
        assert 'data-total="year_plan">0.20</td>' in html
