"""Projects in spreadsheets: every column out, leads in (created or updated by
their 编号). A project's stage and first contact are not changed by a file:
stages move on the project's page (dated events), the first contact only by a
park leader (项目首招负责制); a row that tries is refused, naming the column."""

import copy

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from parkops.core.exchange.spec import (
    CHOICE,
    DATE,
    DECIMAL,
    INT,
    MONEY,
    REF,
    Column,
    RegisterSpec,
    declare,
)
from parkops.core.models import Industry
from parkops.enterprises.models import Enterprise
from parkops.projects import services
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    Milestone,
    MilestoneKind,
    ParkInvestmentPlan,
    Project,
    Stage,
)
from parkops.projects.selectors import (
    annual_plan_list,
    investment_entry_list,
    milestone_list,
    park_investment_plan_list,
    project_list,
    terms_reader,
)
from parkops.promotion.models import PromotionEvent, PromotionUnit

# Shown in the file, never set by it.
READ_ONLY = ("stage", "stage_on", "signed_amount")


def _person_label(user) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _investor_label(project) -> str:
    investor = project.investor
    return f"{investor.name} ({investor.uscc})" if investor.uscc else investor.name


def _event_label(event) -> str:
    """An event as the 来源活动 column reads it: name with its number, or the name."""
    if event is None:
        return ""
    return f"{event.name} ({event.ref})" if event.ref else event.name


def _officer(park, name, field):
    """The park's promotion officer a cell names (full name or user name)."""
    from parkops.accounts.selectors import users_with_role
    from parkops.core.permissions import Role

    if not name or hasattr(name, "pk"):
        return name or None
    officers = users_with_role(role=Role.PROMOTION_OFFICER, park=park)
    match = list(officers.filter(Q(full_name=name) | Q(username=name))[:2])
    if len(match) != 1:
        raise ValidationError(
            {field: _t("“%(name)s” is not one promotion officer of this park.") % {"name": name}}
        )
    return match[0]


def _values(park, values: dict) -> dict:
    values = dict(values)
    for name in ("first_contact_officer", "owner_officer"):
        if name in values:
            values[name] = _officer(park, values[name], name)
    return values


def _read_only_check(current, values: dict) -> None:
    """A row may repeat a project's stage, stage date and signed amount (an export
    read back) but not change them."""
    errors = {}
    for name in READ_ONLY:
        if name not in values or values[name] in (None, ""):
            continue
        if current is None:
            if name == "stage" and values[name] != Stage.LEAD:
                errors[name] = _t(
                    "A new project starts as a lead; move its stage on the project's page."
                )
            if name == "signed_amount":
                errors[name] = _t("A signing is recorded with the move to “signed”.")
            continue
        if values[name] != getattr(current, name):
            errors[name] = _t(
                "The stage is changed on the project's page, as a dated stage change, "
                "not by a file."
            )
    if errors:
        raise ValidationError(errors)


def _create(*, park, actor, **values):
    _read_only_check(None, values)
    on_date = values.get("stage_on") or None
    values = {n: v for n, v in values.items() if n not in READ_ONLY}
    return services.project_create(park=park, actor=actor, on_date=on_date, **_values(park, values))


def _update(obj, *, actor, **values):
    _read_only_check(obj, values)
    values = {n: v for n, v in values.items() if n not in READ_ONLY}
    return services.project_update(project=obj, actor=actor, **_values(obj.park, values))


def _as_read_by(user):
    """Each project as ``user`` may read it: its terms blank unless the one rule
    (``selectors.terms_reader``) lets them read them."""
    may_read = terms_reader(user)

    def row(project):
        if may_read(project):
            return project
        shown = copy.copy(project)
        shown.terms = ""
        return shown

    return row


PROJECTS = declare(
    RegisterSpec(
        key="projects",
        model=Project,
        title=Project._meta.verbose_name_plural,
        natural_key="ref",
        columns=[
            Column(
                "ref",
                "编号",
                synonyms=("项目编号", "序号"),
                help=_(
                    "The project's number: a row with the same number updates it (without "
                    "one, the project of the same name)."
                ),
                example="XM-2023-001",
                fold=True,
            ),
            Column(
                "name",
                "项目名称",
                required=True,
                synonyms=("名称",),
                example="新型储能电池项目",
                width=30,
            ),
            Column(
                "investor",
                "投资方",
                kind=REF,
                ref_model=Enterprise,
                ref_field="uscc",
                required=True,
                synonyms=("投资企业", "企业名称"),
                export=_investor_label,
                example="宿迁示例科技有限公司",
                width=30,
            ),
            Column(
                "industry",
                "所属产业",
                kind=REF,
                ref_model=Industry,
                synonyms=("产业", "产业链"),
                example="EI",
            ),
            Column(
                "planned_investment",
                "计划总投资",
                kind=MONEY,
                synonyms=("总投资", "计划投资"),
                example="50000000",
            ),
            Column(
                "planned_investment_usd",
                "计划投资（美元）",
                kind=DECIMAL,
                synonyms=("外资金额（美元）",),
                help=_("Foreign investment: the amount in US dollars, with the rate."),
            ),
            Column("usd_rate", "汇率", kind=DECIMAL, synonyms=("美元汇率",), example=""),
            Column(
                "source",
                "项目来源",
                kind=CHOICE,
                choices=Project.Source,
                synonyms=("来源",),
                example="拜访",
            ),
            Column(
                "source_event",
                "来源活动",
                kind=REF,
                ref_model=PromotionEvent,
                ref_field="ref",
                synonyms=("招商活动", "来源招商活动"),
                help=_("For a lead from a promotion event: the event, by its number or name."),
                export=lambda project: _event_label(project.source_event),
                width=24,
            ),
            Column(
                "origin_region",
                "来源地行政区划代码",
                synonyms=("来源地", "区划代码"),
                help=_("GB/T 2260 code, six digits, e.g. 320500."),
                example="320500",
                fold=True,
            ),
            Column(
                "first_contact_unit",
                "首招单位",
                kind=REF,
                ref_model=PromotionUnit,
                required=True,
                synonyms=("首招负责单位", "首招单元"),
                help=_("Set on a new project only; a park leader changes it on its page."),
                example="FJ-EI",
            ),
            Column(
                "first_contact_officer",
                "首招负责人",
                synonyms=("首招人",),
                help=_("One promotion officer of the park, by name."),
                export=lambda project: _person_label(project.first_contact_officer),
            ),
            Column(
                "owner_unit",
                "承办单位",
                kind=REF,
                ref_model=PromotionUnit,
                synonyms=("负责单位",),
                help=_("Who handles the project now; the first contact unit if left empty."),
            ),
            Column(
                "owner_officer",
                "承办人",
                synonyms=("负责人",),
                export=lambda project: _person_label(project.owner_officer),
            ),
            Column(
                "stage",
                "项目阶段",
                kind=CHOICE,
                choices=Stage,
                synonyms=("阶段",),
                help=_("Shown, not changed, by a file: stages move on the project's page."),
                example="线索",
            ),
            Column(
                "stage_on",
                "阶段日期",
                kind=DATE,
                synonyms=("日期",),
                help=_("On a new project, the lead's date."),
                example="2023-05-16",
            ),
            Column("signed_amount", "签约金额", kind=MONEY),
            Column("terms", "洽谈条件", synonyms=("合作条件",), width=30),
            Column("notes", "备注", width=30),
        ],
        create=_create,
        update=_update,
        select_related=(
            "investor",
            "industry",
            "source_event",
            "first_contact_unit",
            "first_contact_officer",
            "owner_unit",
            "owner_officer",
        ),
        selector=project_list,
        row_for=_as_read_by,
        extra={"fallback_key": "name"},
    )
)


# ------------------------------------------------------- milestones (里程碑)
def _project_label(milestone) -> str:
    project = milestone.project
    return f"{project.name} ({project.ref})" if project.ref else project.name


MILESTONES = declare(
    RegisterSpec(
        key="milestones",
        model=Milestone,
        title=_("milestones"),
        natural_key="name",
        # Export only for now: milestones are planned on the project's page or
        # from a template, their actual dates recorded and verified there.
        columns=[
            Column("project", "项目", export=_project_label, width=30),
            Column("kind", "节点类型", kind=CHOICE, choices=MilestoneKind),
            Column("name", "节点名称", width=20),
            Column("planned_on", "计划日期", kind=DATE),
            Column("actual_on", "实际日期", kind=DATE),
            Column(
                "responsible_unit",
                "责任单位",
                export=lambda m: m.responsible_unit.name if m.responsible_unit else "",
            ),
            Column(
                "responsible_officer",
                "责任人",
                export=lambda m: _person_label(m.responsible_officer),
            ),
            Column("verified", "是否核验", export=lambda m: "是" if m.verified_at else "否"),
            Column("verified_by", "核验人", export=lambda m: _person_label(m.verified_by)),
            Column("notes", "备注", width=30),
        ],
        select_related=("project", "responsible_unit", "responsible_officer", "verified_by"),
        selector=milestone_list,
    )
)


# ------------------------------------------------------------------ delivery
# Monthly investment and annual plans, exported for now (项目编号 is the
# project's 编号): their import, keyed by project and month (or year), is the
# next step of issue #14.
def _month_label(entry) -> str:
    return entry.month.strftime("%Y-%m")


INVESTMENT_ENTRIES = declare(
    RegisterSpec(
        key="investment-entries",
        model=InvestmentEntry,
        title=InvestmentEntry._meta.verbose_name_plural,
        natural_key="month",
        columns=[
            Column(
                "project",
                "项目编号",
                kind=REF,
                ref_model=Project,
                ref_field="ref",
                required=True,
                synonyms=("编号",),
                example="XM-2023-001",
            ),
            Column(
                "project_name",
                "项目名称",
                export=lambda entry: entry.project.name,
                width=30,
            ),
            Column(
                "month", "月份", required=True, export=_month_label, example="2023-06", fold=True
            ),
            Column(
                "amount",
                "完成投资",
                kind=MONEY,
                required=True,
                synonyms=("当月完成投资", "月度完成投资"),
                example="12000000",
            ),
            Column("note", "备注", width=30),
        ],
        select_related=("project",),
        selector=investment_entry_list,
    )
)

ANNUAL_PLANS = declare(
    RegisterSpec(
        key="annual-plans",
        model=AnnualPlan,
        title=AnnualPlan._meta.verbose_name_plural,
        natural_key="year",
        columns=[
            Column(
                "project",
                "项目编号",
                kind=REF,
                ref_model=Project,
                ref_field="ref",
                required=True,
                synonyms=("编号",),
                example="XM-2023-001",
            ),
            Column(
                "project_name",
                "项目名称",
                export=lambda plan: plan.project.name,
                width=30,
            ),
            Column("year", "年度", kind=INT, required=True, example="2023"),
            Column(
                "amount",
                "年度计划投资",
                kind=MONEY,
                required=True,
                synonyms=("计划投资",),
                example="250000000",
            ),
        ],
        select_related=("project",),
        selector=annual_plan_list,
    )
)


# ------------------------------------------------------ the park's annual plan
# Export only for now: one row per year of the park. Its import (keyed by 年度)
# is the next step: the round-trip test found the INT key read back as 2024.0
# not matching the stored year, so a re-import tried to add the year again.
PARK_INVESTMENT_PLANS = declare(
    RegisterSpec(
        key="park-investment-plans",
        model=ParkInvestmentPlan,
        title=ParkInvestmentPlan._meta.verbose_name_plural,
        natural_key="year",
        columns=[
            Column("year", "年度", kind=INT, required=True, example="2023"),
            Column(
                "amount",
                "年度计划投资",
                kind=MONEY,
                required=True,
                synonyms=("计划投资", "年度固定资产投资计划", "固定资产投资计划"),
                example="2500000000",
            ),
            Column("note", "备注", width=30),
        ],
        selector=park_investment_plan_list,
    )
)
