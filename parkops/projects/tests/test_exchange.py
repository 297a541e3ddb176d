"""A project's rows through spreadsheets: monthly investment, annual plans,
milestones and stage changes, each matched by the project and its own key
(项目编号+月份, +年度, +节点名称, +新阶段+生效日期), written through the
services the pages use, audited, all or nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from parkops.core.exchange import services as exchange_services
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry, ImportBatch, ImportItem
from parkops.core.permissions import Role
from parkops.core.testing import grant, make_park, make_user, sign_in, xlsx_bytes
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    Milestone,
    Project,
    ProjectEvent,
    Stage,
)
from parkops.projects.testing import (
    make_annual_plan,
    make_delivery_project,
    make_investment_entry,
    make_milestone,
    make_negotiating_project,
    make_project,
    make_signed_project,
    make_signing_corrected,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text (the UI default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    """A project officer (and promotion officer, for leads' stage changes)."""
    user = make_user(Role.PROJECT_OFFICER, park=park, full_name="赵项目")
    grant(user, Role.PROMOTION_OFFICER, park=park)
    return user


@pytest.fixture
def validations(monkeypatch):
    """How many rows of a bulk import were validated in full (``bulk.validate``)."""
    from parkops.core.exchange import bulk

    calls = []
    real = bulk.validate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "validate", counting)
    return calls


def run(register, park, actor, rows, commit=True):
    return run_import(
        spec=get_spec(register),
        actor=actor,
        park=park,
        data=xlsx_bytes(rows),
        file_name="导入.xlsx",
        commit=commit,
    )


def problems(outcome) -> list[tuple[int, str, str]]:
    return [(p.row, p.header, p.message) for p in outcome.problems]


def audited(model) -> int:
    return AuditEntry.objects.filter(object_type=model._meta.label_lower).count()


# ------------------------------------------------------------ monthly investment
INVESTMENT = ["项目编号", "项目名称", "月份", "完成投资", "备注"]


def test_investment_rows_match_by_project_and_month(park, officer):
    project = make_delivery_project(park, ref="XM-1")
    other = make_delivery_project(park, ref="XM-2")
    march = make_investment_entry(park, project=project, month=D(2023, 3, 1), amount="100.00")
    kept = make_investment_entry(park, project=other, month=D(2023, 3, 1), amount="7.00")
    rows = [
        INVESTMENT,
        # The same project and month, written three ways: one entry each.
        ["XM-1", "", "2023年3月", "250", "核定"],
        ["XM-1", "", datetime.datetime(2023, 4, 15), "30万元", ""],
        ["XM-2", "", "2023-05", "12", ""],
    ]
    before = audited(InvestmentEntry)
    outcome = run("investment-entries", park, officer, rows)
    assert outcome.ok, problems(outcome)
    assert [r.action for r in outcome.rows] == ["update", "create", "create"]
    march.refresh_from_db()
    kept.refresh_from_db()
    assert (march.amount, march.note) == (Decimal("250.00"), "核定")
    assert kept.amount == Decimal("7.00")  # another project's March is not this row's
    april = InvestmentEntry.objects.unscoped().get(project=project, month=D(2023, 4, 1))
    assert april.amount == Decimal("300000.00")
    assert audited(InvestmentEntry) == before + 3  # one entry per row written


def test_the_same_project_and_month_twice_is_named_and_nothing_written(park, officer):
    make_delivery_project(park, ref="XM-1")
    rows = [INVESTMENT, ["XM-1", "", "2023-03", "1", ""], ["XM-1", "", "2023年3月", "2", ""]]
    outcome = run("investment-entries", park, officer, rows)
    assert problems(outcome) == [(3, "月份", "The same 项目编号+月份 as row 2.")]
    assert outcome.batch is None and not InvestmentEntry.objects.unscoped().exists()


def test_the_same_month_of_two_projects_is_two_entries(park, officer):
    make_delivery_project(park, ref="XM-1")
    make_delivery_project(park, ref="XM-2")
    rows = [INVESTMENT, ["XM-1", "", "2023-03", "1", ""], ["XM-2", "", "2023-03", "2", ""]]
    outcome = run("investment-entries", park, officer, rows)
    assert outcome.ok and outcome.count("create") == 2


@pytest.mark.parametrize("month", ["三月", "2023-13", "2023", "上半年"])
def test_a_cell_that_is_not_a_month_is_refused_naming_row_and_column(park, officer, month):
    make_delivery_project(park, ref="XM-1")
    rows = [INVESTMENT, ["XM-1", "", "2023-03", "1", ""], ["XM-1", "", month, "2", ""]]
    outcome = run("investment-entries", park, officer, rows)
    [problem] = outcome.problems
    assert (problem.row, problem.column, problem.header) == (3, "C", "月份")
    assert problem.message == f"“{month}” is not a month; write it like 2023-06 or 2023年6月."
    assert not InvestmentEntry.objects.unscoped().exists()


def test_the_month_message_is_chinese_for_a_chinese_user(park, officer):
    make_delivery_project(park, ref="XM-1")
    with translation.override("zh-hans"):
        outcome = run("investment-entries", park, officer, [INVESTMENT, ["XM-1", "", "三月", "1"]])
    assert outcome.problems[0].message == "“三月”不是月份，请写成 2023-06 或 2023年6月。"


@pytest.mark.parametrize("ref", ["XM-OTHER", "XM-NONE"])
def test_another_parks_or_an_unknown_project_is_a_row_error(park, officer, ref):
    make_delivery_project(make_park(), ref="XM-OTHER")
    make_delivery_project(park, ref="XM-1")
    rows = [INVESTMENT, ["XM-1", "", "2023-03", "1", ""], [ref, "", "2023-03", "2", ""]]
    outcome = run("investment-entries", park, officer, rows)
    assert problems(outcome) == [(3, "项目编号", f"No 项目编号 “{ref}” in this park.")]
    assert not InvestmentEntry.objects.unscoped().exists()


def test_investment_of_a_lead_is_refused_by_the_services_rule(park, officer):
    make_project(park, ref="XM-L", name="还在洽谈的项目")
    outcome = run("investment-entries", park, officer, [INVESTMENT, ["XM-L", "", "2023-03", "1"]])
    assert "still a lead or under negotiation" in outcome.problems[0].message
    assert outcome.problems[0].header == "项目编号"


def test_matching_investment_rows_takes_the_same_queries_for_more_rows(park, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        projects = [make_delivery_project(park, ref=f"XM-{n}-{i}") for i in range(n)]
        for project in projects:
            make_investment_entry(park, project=project, month=D(2023, 3, 1))
        rows = [INVESTMENT] + [
            [p.ref, "", month, "1", ""] for p in projects for month in ("2023-03", "2023-04")
        ]
        with CaptureQueriesContext(connection) as captured:
            outcome = run("investment-entries", park, officer, rows, commit=False)
        assert outcome.ok and outcome.counts["update"] == outcome.counts["create"] == n
        return len(captured)

    queries(1)  # what a process reads once (the user's memberships) read here
    assert queries(2) == queries(6)


def test_preview_then_commit_of_investment(park, officer, validations):
    project = make_delivery_project(park, ref="XM-1")
    entry = make_investment_entry(park, project=project, month=D(2023, 3, 1), amount="1.00")
    rows = [INVESTMENT, ["XM-1", "", "2023-03", "5", ""], ["XM-1", "", "2023-04", "6", ""]]
    preview = exchange_services.import_preview(
        spec=get_spec("investment-entries"),
        actor=officer,
        park=park,
        data=xlsx_bytes(rows),
        file_name="投资.xlsx",
    )
    assert preview.outcome.ok and preview.outcome.validated is not None
    assert InvestmentEntry.objects.unscoped().count() == 1  # the preview wrote nothing
    assert len(validations) == 2
    outcome = exchange_services.import_commit(
        token=preview.token, actor=officer, register="investment-entries"
    )
    assert len(validations) == 2  # the preview's rows reused: none validated again
    assert outcome.batch is not None and outcome.counts["update"] == outcome.counts["create"] == 1
    entry.refresh_from_db()
    assert entry.amount == Decimal("5.00")
    # The commit's items say what each row changed; undo puts it back.
    exchange_services.import_undo(batch=outcome.batch, actor=officer)
    entry.refresh_from_db()
    assert entry.amount == Decimal("1.00")
    assert InvestmentEntry.objects.unscoped().count() == 1


def test_a_record_changed_between_preview_and_commit_is_validated_again(park, officer, validations):
    """The preview matched (XM-1, 2023-03) as it was; someone changed it since:
    the commit validates the file in full and records the value it replaced."""
    project = make_delivery_project(park, ref="XM-1")
    entry = make_investment_entry(park, project=project, month=D(2023, 3, 1), amount="1.00")
    preview = exchange_services.import_preview(
        spec=get_spec("investment-entries"),
        actor=officer,
        park=park,
        data=xlsx_bytes([INVESTMENT, ["XM-1", "", "2023-03", "5", ""]]),
        file_name="投资.xlsx",
    )
    InvestmentEntry.objects.unscoped().filter(pk=entry.pk).update(amount="2.00")
    outcome = exchange_services.import_commit(
        token=preview.token, actor=officer, register="investment-entries"
    )
    assert len(validations) == 2  # the file validated again, in full
    item = ImportItem.objects.unscoped().get(batch=outcome.batch)
    assert item.before["amount"] == "2.00"
    entry.refresh_from_db()
    assert entry.amount == Decimal("5.00")


# ------------------------------------------------------------------ annual plans
PLANS = ["项目编号", "年度", "年度计划投资"]


def test_plans_match_by_project_and_year(park, officer):
    project = make_delivery_project(park, ref="XM-1")
    plan = make_annual_plan(park, project=project, year=2023, amount="1.00")
    rows = [PLANS, ["XM-1", "2023", "2亿元"], ["XM-1", 2024, "5000"]]
    outcome = run("annual-plans", park, officer, rows)
    assert [r.action for r in outcome.rows] == ["update", "create"]
    plan.refresh_from_db()
    assert plan.amount == Decimal("200000000.00")
    assert AnnualPlan.objects.unscoped().filter(project=project).count() == 2


@pytest.mark.parametrize(
    "year, message",
    [
        ("二〇二三", "“二〇二三” is not a year: a year is four digits, e.g. 2023."),
        ("2023.5", "“2023.5” is not a year: a year is four digits, e.g. 2023."),
        ("2023-13", "“2023-13” is not a year: a year is four digits, e.g. 2023."),
        ("23", "“23” is not a year: a year is four digits, e.g. 2023."),
        ("1999", "Ensure this value is greater than or equal to 2000."),
    ],
)
def test_a_bad_year_is_refused_naming_the_column(park, officer, year, message):
    make_delivery_project(park, ref="XM-1")
    outcome = run("annual-plans", park, officer, [PLANS, ["XM-1", year, "1"]])
    assert problems(outcome) == [(2, "年度", message)]
    assert not AnnualPlan.objects.unscoped().exists()


def test_a_bad_year_says_in_chinese_what_a_year_looks_like(park, officer):
    make_delivery_project(park, ref="XM-1")
    with translation.override("zh-hans"):
        outcome = run("annual-plans", park, officer, [PLANS, ["XM-1", "2023-13", "1"]])
    assert problems(outcome) == [(2, "年度", "“2023-13”不是年度：年度应为四位数字，如 2023。")]


def test_the_same_project_and_year_twice_is_named(park, officer):
    make_delivery_project(park, ref="XM-1")
    outcome = run("annual-plans", park, officer, [PLANS, ["XM-1", 2023, "1"], ["XM-1", 2023, "2"]])
    assert problems(outcome) == [(3, "年度", "The same 项目编号+年度 as row 2.")]


# -------------------------------------------------------------------- milestones
MILESTONES = ["项目", "节点类型", "节点名称", "计划日期", "实际日期", "责任人", "是否核验", "备注"]


def test_milestones_match_by_project_and_name(park, officer):
    project = make_signed_project(park, ref="XM-1")
    other = make_signed_project(park, ref="XM-2")
    land = make_milestone(park, project=project, name="供地", planned_on=D(2023, 6, 30))
    same_name = make_milestone(park, project=other, name="供地", planned_on=D(2023, 6, 30))
    rows = [
        MILESTONES,
        ["XM-1", "供地", "供地", "2023-07-15", "", "赵项目", "否", "推迟半月"],
        ["XM-1", "开工", "主体开工", "2023-09-01", "", "", "否", ""],
    ]
    before = audited(Milestone)
    outcome = run("milestones", park, officer, rows)
    assert outcome.ok, problems(outcome)
    assert [r.action for r in outcome.rows] == ["update", "create"]
    land.refresh_from_db()
    same_name.refresh_from_db()
    assert (land.planned_on, land.notes) == (D(2023, 7, 15), "推迟半月")
    assert land.responsible_officer == officer
    assert same_name.planned_on == D(2023, 6, 30)
    assert audited(Milestone) == before + 2


def test_an_actual_date_is_recorded_through_the_pages_service(park, officer):
    project = make_signed_project(park, ref="XM-1")
    land = make_milestone(park, project=project, name="供地")
    rows = [MILESTONES, ["XM-1", "供地", "供地", "2023-06-30", "2023-06-20", "", "否", ""]]
    outcome = run("milestones", park, officer, rows)
    assert outcome.ok, problems(outcome)
    land.refresh_from_db()
    assert (land.actual_on, land.actual_by, land.verified_at) == (D(2023, 6, 20), officer, None)


def test_a_file_never_verifies_a_milestone(park, officer):
    project = make_signed_project(park, ref="XM-1")
    make_milestone(park, project=project, name="供地", actual_on=D(2023, 6, 1))
    rows = [MILESTONES, ["XM-1", "供地", "供地", "2023-06-30", "2023-06-01", "", "是", ""]]
    before = audited(Milestone)
    outcome = run("milestones", park, officer, rows)
    [problem] = outcome.problems
    assert (problem.column, problem.header) == ("G", "是否核验")
    assert "a file cannot verify it" in problem.message
    assert not Milestone.objects.unscoped().filter(verified_at__isnull=False).exists()
    assert audited(Milestone) == before


def test_a_verified_milestones_actual_date_is_not_changed_by_a_file(park, officer):
    verifier = make_user(Role.PARK_LEADER, park=park)
    project = make_signed_project(park, ref="XM-1")
    make_milestone(
        park,
        project=project,
        name="供地",
        actual_on=D(2023, 6, 1),
        verified_by=verifier,
        verified_at=datetime.datetime(2023, 6, 2, tzinfo=datetime.UTC),
    )
    rows = [MILESTONES, ["XM-1", "供地", "供地", "2023-06-30", "2023-06-05", "", "是", ""]]
    outcome = run("milestones", park, officer, rows)
    assert problems(outcome) == [
        (2, "实际日期", "The milestone is verified: its actual date can no longer change.")
    ]


def test_milestones_of_a_project_not_signed_yet_are_refused_with_the_rule(park, officer):
    make_project(park, ref="XM-L")
    rows = [MILESTONES, ["XM-L", "开工", "主体开工", "2023-09-01", "", "", "否", ""]]
    outcome = run("milestones", park, officer, rows)
    assert problems(outcome) == [
        (2, "项目", "Milestones are planned from signing on, by the project officers.")
    ]
    assert not Milestone.objects.unscoped().exists()


def test_another_parks_project_is_a_milestone_row_error(park, officer):
    make_signed_project(make_park(), ref="XM-OTHER")
    rows = [MILESTONES, ["XM-OTHER", "开工", "主体开工", "2023-09-01", "", "", "否", ""]]
    outcome = run("milestones", park, officer, rows)
    assert problems(outcome) == [(2, "项目", "No 项目 “XM-OTHER” in this park.")]


# ----------------------------------------------------------------- stage changes
STAGES = ["项目编号", "原阶段", "新阶段", "生效日期", "签约金额", "说明", "原因"]


def test_each_row_is_a_new_stage_change_through_the_transition_service(park, officer):
    project = make_negotiating_project(park, ref="XM-1")
    rows = [
        STAGES,
        ["XM-1", "在谈", "签约", "2023-02-01", "1.5亿元", "在推介会上签约", ""],
        ["XM-1", "签约", "达开工条件", "2023-03-01", "", "", ""],
    ]
    before = audited(ProjectEvent)
    outcome = run("stage-changes", park, officer, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.count("create") == 2
    project.refresh_from_db()
    assert (project.stage, project.stage_on) == (Stage.READY, D(2023, 3, 1))
    assert project.signed_amount == Decimal("150000000.00")
    signing = ProjectEvent.objects.unscoped().get(project=project, to_stage=Stage.SIGNED)
    assert (signing.recorded_by, signing.note) == (officer, "在推介会上签约")
    assert audited(ProjectEvent) == before + 2


def test_a_move_the_table_does_not_allow_is_refused_and_nothing_is_written(park, officer):
    project = make_negotiating_project(park, ref="XM-1")
    rows = [
        STAGES,
        ["XM-1", "在谈", "签约", "2023-02-01", "100", "", ""],
        ["XM-1", "签约", "投产", "2023-03-01", "", "", ""],
    ]
    events, entries = ProjectEvent.objects.unscoped().count(), AuditEntry.objects.count()
    outcome = run("stage-changes", park, officer, rows)
    assert problems(outcome) == [
        (3, "新阶段", "A project at “signed” cannot move to “in production”.")
    ]
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    assert ProjectEvent.objects.unscoped().count() == events
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    "row, problem",
    [
        (
            ["XM-1", "在谈", "签约", "2023-01-03", "100", "", ""],
            (2, "生效日期", "The date cannot be before the previous stage change (2023-01-05)."),
        ),
        (
            ["XM-1", "在谈", "签约", "2023-02-01", "", "", ""],
            (2, "签约金额", "Give the amount of the signed agreement (yuan)."),
        ),
        (
            ["XM-1", "在谈", "暂缓", "2023-02-01", "", "", ""],
            (2, "原因", "Give the reason for dropping the project or putting it on hold."),
        ),
        (
            ["XM-1", "线索", "在谈", "2023-02-01", "", "", ""],
            (2, "原阶段", "“%s” is at “negotiating” now, not “lead”."),
        ),
    ],
)
def test_the_pages_date_and_stage_rules_apply_to_a_row(park, officer, row, problem):
    project = make_negotiating_project(park, ref="XM-1")
    outcome = run("stage-changes", park, officer, [STAGES, row])
    if "%s" in problem[2]:
        problem = (problem[0], problem[1], problem[2] % project.name)
    assert problems(outcome) == [problem]
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING


def test_a_recorded_change_read_back_is_unchanged_and_never_edited(park, officer):
    project = make_delivery_project(park, ref="XM-1")
    rows = [STAGES, ["XM-1", "在谈", "签约", "2023-01-10", "", "", ""]]
    outcome = run("stage-changes", park, officer, rows)
    assert outcome.ok and [r.action for r in outcome.rows] == ["unchanged"]
    rows[1][5] = "改写的说明"
    outcome = run("stage-changes", park, officer, rows)
    assert [(p.header, "not edited by a file" in p.message) for p in outcome.problems] == [
        ("说明", True)
    ]
    assert not ProjectEvent.objects.unscoped().filter(project=project, note="改写的说明").exists()


def test_another_parks_project_is_a_stage_row_error(park, officer):
    make_negotiating_project(make_park(), ref="XM-OTHER")
    rows = [STAGES, ["XM-OTHER", "在谈", "签约", "2023-02-01", "100", "", ""]]
    outcome = run("stage-changes", park, officer, rows)
    assert problems(outcome) == [(2, "项目编号", "No 项目编号 “XM-OTHER” in this park.")]


def test_a_stage_change_import_is_not_undone(park, officer):
    project = make_negotiating_project(park, ref="XM-1")
    rows = [STAGES, ["XM-1", "在谈", "签约", "2023-02-01", "100", "", ""]]
    outcome = run("stage-changes", park, officer, rows)
    with pytest.raises(ValidationError, match="cannot be undone"):
        exchange_services.import_undo(batch=outcome.batch, actor=officer)
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert ImportBatch.objects.unscoped().get().status == ImportBatch.Status.COMMITTED


def test_a_stage_change_batch_page_offers_no_undo_and_says_why(client, park, officer):
    make_negotiating_project(park, ref="XM-1")
    rows = [STAGES, ["XM-1", "在谈", "签约", "2023-02-01", "100", "", ""]]
    batch = run("stage-changes", park, officer, rows).batch
    undo = reverse("exchange:importbatch_undo", args=[batch.pk])
    sign_in(client, officer)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert f'action="{undo}"' not in page and "撤销此次导入" not in page
    assert "data-no-undo" in page and "此次导入不能撤销" in page
    refused = client.post(undo, follow=True).content.decode()  # the endpoint still refuses
    assert "该台账的导入不能撤销。" in refused
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED


def test_the_export_shows_each_change_with_its_correction(client, park, officer):
    make_signing_corrected(park, ref="XM-1", reason="协议落款日期")
    make_project(make_park(), ref="XM-OTHER", name="外园区项目")
    sign_in(client, officer)
    response = client.get(reverse("exchange:export", args=["stage-changes"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:4] == ["项目编号", "项目名称", "原阶段", "新阶段"]
    by_stage = {row[header.index("新阶段")]: row for row in rows[1:]}
    assert set(by_stage) == {"线索", "在谈", "签约"}  # stage changes only, this park's
    signed = by_stage["签约"]
    assert signed[header.index("生效日期")].date() == D(2023, 1, 10)
    assert signed[header.index("更正后日期")].date() == D(2023, 1, 12)
    assert signed[header.index("更正原因")] == "协议落款日期"
    assert Decimal(str(signed[header.index("签约金额（元）")])) == Decimal(100_000_000)


def test_the_project_page_links_its_stage_changes(client, park, officer):
    project = make_project(park)
    sign_in(client, officer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("exchange:export", args=["stage-changes"]) + f"?project={project.pk}" in page


def test_the_stage_change_register_in_the_api_is_scoped(client, park, officer):
    from parkops.core.testing import make_token

    project = make_delivery_project(park, ref="XM-1")
    make_delivery_project(make_park(), ref="XM-OTHER")
    token = make_token(officer)
    response = client.get(reverse("api:projectevent_list"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["project_id"] for item in items} == {project.pk}
    assert {item["to_stage"] for item in items} == {"lead", "negotiating", "signed"}
    assert Project.objects.unscoped().count() == 2
