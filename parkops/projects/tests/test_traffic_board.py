"""The traffic-light board (项目推进红绿灯进度管理表): worst first, the rules
that fired and since when, its filters, the print export with coloured light
cells, the weekly snapshots and what changed colour, the park's own rules, and
a fixed number of queries whatever the number of projects."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_industry, make_park, make_user, sign_in
from parkops.core.text import today_cst
from parkops.projects import selectors, services, traffic_board
from parkops.projects.models import (
    MilestoneKind,
    ProjectEvent,
    Stage,
    TrafficRule,
    TrafficSnapshot,
)
from parkops.projects.testing import (
    make_annual_plan,
    make_investment_entry,
    make_major_listing,
    make_milestone,
    make_signed_project,
)
from parkops.promotion.testing import make_unit

from .conftest import D, move

BOARD = reverse("projects:traffic_board")
EXPORT = reverse("projects:traffic_board_export")
AS_OF = D(2023, 6, 30)  # a Friday


def _progress(project, on):
    ProjectEvent.objects.create(
        park=project.park, project=project, kind=ProjectEvent.Kind.PROGRESS, on_date=on, note="推进"
    )


@pytest.fixture
def mix(park):
    """Three signed projects: red (a milestone long overdue), amber (no progress
    for 2 months), green (a recent note, a milestone far ahead)."""
    unit_a, unit_b = make_unit(park, name="一分局"), make_unit(park, name="二分局")
    chain = make_industry(park, code="NE", name="新能源")
    cells = make_industry(park, code="NE-C", name="电芯", parent=chain, level=2)
    red = make_signed_project(park, name="红灯项目", on=D(2023, 1, 5), owner_unit=unit_a)
    make_milestone(park, project=red, name="供地", planned_on=D(2023, 3, 1))
    _progress(red, D(2023, 6, 1))
    amber = make_signed_project(
        park, name="黄灯项目", on=D(2023, 4, 10), owner_unit=unit_b, industry=cells
    )
    green = make_signed_project(park, name="绿灯项目", on=D(2023, 6, 1), owner_unit=unit_a)
    make_milestone(
        park, project=green, name="开工", kind=MilestoneKind.STARTED, planned_on=D(2023, 9, 1)
    )
    return {"red": red, "amber": amber, "green": green, "unit_a": unit_a, "chain": chain}


def _names(board):
    return [row.project.name for row in board.rows]


def test_worst_first_with_the_rules_and_since(park, leader, mix):
    board = traffic_board.board(user=leader, park=park, as_of=AS_OF)
    assert _names(board) == ["红灯项目", "黄灯项目", "绿灯项目"]
    red = board.rows[0]
    assert red.light == "red"
    overdue = [f for f in red.result.fired if f.rule.kind == TrafficRule.Kind.MILESTONE_OVERDUE]
    assert overdue[0].subject == "供地" and overdue[0].since == D(2023, 3, 2)
    amber = board.rows[1]
    assert (amber.light, amber.result.since) == ("amber", D(2023, 6, 10))
    assert board.counts == {"red": 1, "amber": 1, "green": 1}


def test_longest_standing_first_within_a_colour(park, leader):
    later = make_signed_project(park, name="甲", on=D(2023, 4, 1))
    earlier = make_signed_project(park, name="乙", on=D(2023, 3, 1))
    board = traffic_board.board(user=leader, park=park, as_of=AS_OF)
    # both red for 3 months without progress; 乙 since 1 June, 甲 since 1 July (not yet)
    assert [r.project for r in board.rows][:1] == [earlier]
    assert later in [r.project for r in board.rows]


def test_filters(park, leader, mix):
    by = lambda **f: _names(traffic_board.board(user=leader, park=park, as_of=AS_OF, filters=f))  # noqa: E731
    assert by(unit=mix["unit_a"].pk) == ["红灯项目", "绿灯项目"]
    assert by(industry=mix["chain"].pk) == ["黄灯项目"]  # a chain covers its segments
    assert by(light="green") == ["绿灯项目"]
    assert by(stage=Stage.SIGNED) == ["红灯项目", "黄灯项目", "绿灯项目"]
    assert by(stage=Stage.STARTED) == []


def test_filter_by_major_level_of_the_as_of_year(client, park, leader, mix):
    make_major_listing(park, project=mix["red"], year=2023, level="provincial")
    make_major_listing(park, project=mix["amber"], year=2023, level="municipal")
    make_major_listing(park, project=mix["green"], year=2022, level="provincial")  # last year's
    by = lambda **f: _names(traffic_board.board(user=leader, park=park, as_of=AS_OF, filters=f))  # noqa: E731
    assert by(major="provincial") == ["红灯项目"]
    assert by(major="municipal") == ["黄灯项目"]
    assert by(major="any") == ["红灯项目", "黄灯项目"]
    board = traffic_board.board(user=leader, park=park, as_of=AS_OF)
    assert [row.major_label for row in board.rows] == ["省重大项目", "市重大项目", ""]
    sign_in(client, leader)
    page = client.get(BOARD, {"park": park.code, "on": "2023-06-30", "major": "municipal"})
    assert page.status_code == 200
    assert "黄灯项目" in page.content.decode() and "红灯项目" not in page.content.decode()
    export = client.get(EXPORT, {"park": park.code, "on": "2023-06-30", "major": "provincial"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    headers = [c.value for c in sheet[3]]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(r[1], r[headers.index("重大项目级别")]) for r in rows] == [("红灯项目", "省重大项目")]
    bad = client.get(BOARD, {"park": park.code, "major": "national"})
    assert bad.status_code == 400


def test_the_page_and_bad_filters(client, park, leader, mix):
    sign_in(client, leader)
    page = client.get(BOARD, {"park": park.code, "on": "2023-06-30"}).content.decode()
    assert page.index("红灯项目") < page.index("黄灯项目") < page.index("绿灯项目")
    assert 'data-fired="milestone_overdue"' in page
    bad = client.get(BOARD, {"park": park.code, "stage": "lead"})
    assert bad.status_code == 400 and "data-error" in bad.content.decode()


def test_the_park_s_own_rules_replace_the_defaults(park, leader, mix):
    admin = make_user(Role.PARK_ADMIN, park=park)
    rules = services.traffic_rules_seed(park=park, actor=admin)
    assert len(rules) == len(TrafficRule.DEFAULTS)
    for rule in rules:
        if rule.kind == TrafficRule.Kind.MILESTONE_OVERDUE:
            services.traffic_rule_update(rule=rule, actor=admin, enabled=False)
    board = traffic_board.board(user=leader, park=park, as_of=AS_OF)
    lights = {row.project.name: row.light for row in board.rows}
    assert lights["红灯项目"] == "green"  # its only red rule is off; progress on 1 June


def test_export_in_print_layout_with_coloured_lights(client, park, leader, mix):
    sign_in(client, leader)
    response = client.get(EXPORT, {"park": park.code, "on": "2023-06-30"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "项目推进红绿灯进度管理表" in sheet["A1"].value
    assert "2023-06-30" in sheet["A2"].value
    headers = [c.value for c in sheet[3]]
    light = headers.index("灯色") + 1
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [r[1] for r in rows] == ["红灯项目", "黄灯项目", "绿灯项目"]
    fills = [sheet.cell(row=4 + i, column=light).fill.start_color.rgb for i in range(3)]
    assert [f[-6:] for f in fills] == ["FF0000", "FFC000", "92D050"]
    assert sheet.page_setup.orientation == "landscape"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_type="projects.traffic_board"
    ).exists()


def test_snapshots_show_what_changed_colour(park, leader, mix):
    # On Friday 9 June the amber project was still green (amber from 10 June).
    call_command("snapshot_traffic_lights", on="2023-06-09", park=park.code)
    assert TrafficSnapshot.objects.unscoped().filter(week=D(2023, 6, 5)).count() == 3
    board = traffic_board.board(user=leader, park=park, as_of=AS_OF)
    assert board.previous_week == D(2023, 6, 5)
    changed = {row.project.name: (row.last_week, row.changed) for row in board.rows}
    assert changed["黄灯项目"] == ("green", True)
    assert changed["红灯项目"] == ("red", False)
    only = traffic_board.board(user=leader, park=park, as_of=AS_OF, filters={"changed": True})
    assert _names(only) == ["黄灯项目"]
    # Taken again the same week, the week's rows are updated, not doubled.
    call_command("snapshot_traffic_lights", on="2023-06-07", park=park.code)
    assert TrafficSnapshot.objects.unscoped().filter(week=D(2023, 6, 5)).count() == 3


def test_without_last_week_s_snapshot_the_board_says_so(client, park, leader, mix):
    sign_in(client, leader)
    page = client.get(BOARD, {"park": park.code, "on": "2023-06-30"}).content.decode()
    assert "尚无上周快照" in page and "data-traffic-board" in page
    changed = client.get(BOARD, {"park": park.code, "on": "2023-06-30", "changed": "1"})
    text = changed.content.decode()
    assert "data-no-snapshot-changed" in text and "data-traffic-board" not in text
    call_command("snapshot_traffic_lights", on="2023-06-19", park=park.code)
    page = client.get(BOARD, {"park": park.code, "on": "2023-06-30"}).content.decode()
    assert "尚无上周快照" not in page


def _invest(project, plan, **monthly):
    """``project``'s 2023 plan and its investment of the months named (``m3=…``)."""
    make_annual_plan(project.park, project=project, year=2023, amount=plan)
    for month, amount in monthly.items():
        month = D(2023, int(month[1:]), 1)
        make_investment_entry(project.park, project=project, month=month, amount=amount)


def test_investment_behind_the_pace_on_the_board(park, leader, mix):
    # On 30 June the pace is read at the end of May: 5/12 of the plan.
    _invest(mix["green"], 1_200_000, m1=100_000, m3=300_000)  # 33.3%: 8.3 points behind
    _invest(mix["amber"], 1_200_000, m2=200_000)  # 16.7%: 25 points behind
    behind = make_signed_project(park, name="投资滞后项目", on=D(2023, 6, 1))
    _invest(behind, 1_200_000, m6=1_200_000)  # June is not over: 41.7 points behind
    board = traffic_board.board(user=leader, park=park, as_of=AS_OF)
    rows = {row.project.name: row for row in board.rows}
    assert rows["绿灯项目"].light == "green"
    amber = [f for f in rows["黄灯项目"].result.fired if f.rule.kind == "investment_behind"]
    # on pace at the end of February, 8.3 behind at March's, 16.7 at April's: since 1 May
    assert [(f.colour, f.since) for f in amber] == [("amber", D(2023, 5, 1))]
    red = rows["投资滞后项目"].result
    assert (red.light, red.since) == ("red", D(2023, 5, 1))
    assert "完成投资落后序时进度超过30个百分点" in traffic_board.fired_text(rows["投资滞后项目"])
    # Read on another day of another year, the 2023 plan says nothing.
    later = traffic_board.board(user=leader, park=park, as_of=D(2024, 3, 5))
    fired = [f.rule.kind for row in later.rows for f in row.result.fired]
    assert "investment_behind" not in fired


def _fired_kinds(project, as_of):
    ((_p, result),) = selectors.traffic_results(park=project.park, projects=[project], as_of=as_of)
    return {(f.rule.kind, f.subject) for f in result.fired}


def test_recording_the_entry_into_statistics_stops_the_statistics_late_rule(park, project_officer):
    project = make_signed_project(park, on=D(2023, 1, 5))
    project = move(project, ("ready", D(2023, 1, 10)), ("started", D(2023, 2, 1)))
    make_milestone(
        park,
        project=project,
        name="列统入规",
        kind=MilestoneKind.ENTERED_STATISTICS,
        planned_on=D(2023, 3, 1),
    )
    late = (TrafficRule.Kind.STATISTICS_LATE, "列统入规")
    assert late in _fired_kinds(project, AS_OF)
    # Recorded on the project page (an event), the milestone left as it is.
    event = services.project_entered_statistics(
        project=project, on_date=D(2023, 6, 20), actor=project_officer
    )
    assert late not in _fired_kinds(project, AS_OF)
    # Its date is the event's, corrections applied: on a day before it, late.
    services.project_event_correct(
        event=event, on_date=D(2023, 6, 25), reason="统计局确认日期", actor=project_officer
    )
    assert selectors.traffic_facts([project])[project.pk].entered_statistics_on == D(2023, 6, 25)
    assert late not in _fired_kinds(project, AS_OF)


def test_a_project_started_by_a_stage_change_has_its_start_milestone_reached(park):
    project = make_signed_project(park, on=D(2023, 1, 5))
    for planned in (D(2023, 3, 15), D(2023, 7, 5)):  # long past; due within days
        make_milestone(
            park,
            project=project,
            name=f"开工{planned}",
            kind=MilestoneKind.STARTED,
            planned_on=planned,
        )
    kinds = {kind for kind, _subject in _fired_kinds(project, AS_OF)}
    assert {TrafficRule.Kind.NOT_STARTED, TrafficRule.Kind.MILESTONE_DUE} <= kinds
    project = move(project, ("ready", D(2023, 4, 1)), ("started", D(2023, 6, 1)))
    kinds = {kind for kind, _subject in _fired_kinds(project, AS_OF)}
    assert TrafficRule.Kind.NOT_STARTED not in kinds
    assert TrafficRule.Kind.MILESTONE_DUE not in kinds


def test_the_facts_are_read_in_four_queries(park, django_assert_num_queries):
    projects = []
    for i in range(5):
        project = make_signed_project(park, name=f"事实{i}", on=D(2023, 2, 1))
        make_milestone(park, project=project, planned_on=D(2023, 5, 1))
        _invest(project, 1_000_000, m1=10_000, m2=20_000)
        projects.append(project)
    with django_assert_num_queries(4):
        facts = selectors.traffic_facts(projects, as_of=AS_OF)
    investment = facts[projects[0].pk].investment
    assert (investment.year, investment.plan, sum(investment.monthly)) == (2023, 1_000_000, 30_000)


def test_the_board_reads_a_fixed_number_of_queries(client, park, leader):
    def queries(n):
        for i in range(n):
            project = make_signed_project(park, name=f"项目{n}-{i}", on=D(2023, 2, 1))
            make_milestone(park, project=project, planned_on=D(2023, 5, 1))
            _progress(project, D(2023, 5, 2))
            _invest(project, 1_000_000, m1=10_000, m2=20_000)
        TrafficSnapshot.objects.unscoped().create(
            park=park, project=project, week=D(2023, 6, 19), light="green"
        )
        sign_in(client, leader)
        client.get(BOARD, {"park": park.code, "on": "2023-06-30"})  # caches warmed
        with CaptureQueriesContext(connection) as captured:
            response = client.get(BOARD, {"park": park.code, "on": "2023-06-30"})
        assert response.status_code == 200
        return len(captured)

    assert queries(2) == queries(8)


def test_another_park_s_projects_never_show(park, leader, mix):
    other = make_park()
    make_signed_project(other, name="别的园区项目")
    board = traffic_board.board(user=leader, park=park, as_of=AS_OF)
    assert "别的园区项目" not in _names(board)


def test_a_park_administrator_adds_the_investment_rule_in_percentage_points(client, park):
    admin = make_user(Role.PARK_ADMIN, park=park)
    sign_in(client, admin)
    url = reverse("projects:trafficrule_add")
    form = client.get(url).content.decode()
    kind = "完成投资落后序时进度N个百分点（黄灯：达到或超过N个；红灯：超过N个）"
    assert kind in form and "百分点数" in form
    response = client.post(
        url, {"kind": "investment_behind", "threshold": "15", "colour": "amber", "enabled": "on"}
    )
    assert response.status_code == 302, response.context["form"].errors
    rule = TrafficRule.objects.unscoped().get(park=park, kind="investment_behind")
    assert (rule.threshold, rule.colour) == (15, "amber")
    detail = client.get(rule.get_absolute_url()).content.decode()
    assert kind in detail
    listed = client.get(reverse("projects:trafficrule_list")).content.decode()
    # The defaults, the new rule among them: amber from 10 points, red above 30.
    assert "达到或超过10个百分点亮黄灯，超过30个百分点亮红灯" in listed


def test_a_project_officer_s_progress_note_turns_a_project_red_for_no_progress_green(
    client, park, leader, project_officer
):
    today = today_cst()
    project = make_signed_project(
        park, name="久无进展项目", on=today - datetime.timedelta(days=150)
    )

    def light():
        row = traffic_board.board(user=leader, park=park, as_of=today).rows[0]
        return row.light, [f.rule.kind for f in row.result.fired]

    assert light() == ("red", [TrafficRule.Kind.NO_PROGRESS, TrafficRule.Kind.NO_PROGRESS])
    sign_in(client, project_officer)
    notes = reverse("projects:project_note", args=[project.pk])
    assert f'action="{notes}"' in client.get(project.get_absolute_url()).content.decode()
    response = client.post(
        notes, {"kind": "progress", "on_date": today.isoformat(), "note": "厂房主体封顶"}
    )
    assert response.status_code == 302
    event = ProjectEvent.objects.unscoped().get(project=project, kind=ProjectEvent.Kind.PROGRESS)
    assert (event.on_date, event.recorded_by) == (today, project_officer)
    assert light() == ("green", [])
