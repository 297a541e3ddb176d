"""Demo project delivery (项目推进) of 苏宿工业园区: projects signed in 2021 or in
the second half of 2022 carried through ready to start, started, completed and
in production, and the nine provincial and municipal major projects of 2023
with their monthly investment and annual plans; the park's own investment
target of 2023 and its milestone template for industrial projects.

The dates are chosen so that the report card for 2023-H1 reads as the article:
new projects ready to start 9 against 5 in 2022-H1 (+80%), new starts 9
against 3 (+200%), new completions 6 against 4 (+50%); nine major projects
started in 2023-H1, with 1,300,000,000 yuan completed by 2023-06-30, 52% of
their 2,500,000,000 yuan of plans. Some dates sit on the boundaries (1 January,
30 June, 1 July, 31 December) on purpose.

None of these projects was signed in 2023-H1 nor was negotiating on 2023-06-30
or 2022-06-30 (leads and negotiations are the promotion demo's): they leave
the promotion figures alone. Everything goes through the services as SYSTEM;
a project whose ``ref`` exists is left as it is, so loading twice adds nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from parkops.core import audit
from parkops.core.models import Park
from parkops.core.permissions import SYSTEM
from parkops.enterprises.models import Enterprise
from parkops.projects import services
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    MajorListing,
    MilestoneKind,
    MilestoneTemplate,
    ParkInvestmentPlan,
    Project,
    Stage,
)
from parkops.promotion.models import PromotionUnit

WAN = Decimal(10000)  # 万元

# (ref, name, investor's name or None, signed, ready, started, completed, producing)
# Signed in 2021: four completed in 2022-H1, five ready and three started in
# 2022-H1, six completed in 2023-H1; one completed on 2023-07-01 (not in H1).
SIGNED_2021 = [
    (
        "XM-2021-01",
        "高端精密传动部件扩产项目",
        "2021-03-15",
        "2021-05-10",
        "2021-08-02",
        "2022-03-18",
        "2022-09-01",
    ),
    (
        "XM-2021-02",
        "智能数控设备生产线项目",
        "2021-03-22",
        "2021-05-20",
        "2021-08-16",
        "2022-05-06",
        "2022-10-10",
    ),
    (
        "XM-2021-03",
        "光伏组件封装材料项目",
        "2021-04-08",
        "2021-06-01",
        "2021-08-30",
        "2022-06-30",
        "2023-01-05",
    ),
    (
        "XM-2021-04",
        "汽车电子元件项目",
        "2021-02-26",
        "2021-04-12",
        "2021-07-19",
        "2022-01-01",
        "2022-06-01",
    ),
    (
        "XM-2021-05",
        "储能电池模组项目",
        "2021-09-06",
        "2022-02-11",
        "2022-05-09",
        "2023-03-20",
        None,
    ),
    (
        "XM-2021-06",
        "高分子新材料项目",
        "2021-09-17",
        "2022-01-01",
        "2022-06-30",
        "2023-06-30",
        None,
    ),
    (
        "XM-2021-07",
        "精密电子连接器项目",
        "2021-10-12",
        "2022-02-20",
        "2022-04-15",
        "2023-01-01",
        None,
    ),
    (
        "XM-2021-08",
        "工业机器人本体项目",
        "2021-11-03",
        "2022-04-12",
        "2022-09-05",
        "2023-05-16",
        None,
    ),
    (
        "XM-2021-09",
        "氢能装备制造项目",
        "2021-11-24",
        "2022-06-30",
        "2022-10-10",
        "2023-04-28",
        None,
    ),
    (
        "XM-2021-10",
        "半导体封测项目",
        "2021-04-19",
        "2021-06-21",
        "2021-12-31",
        "2023-02-14",
        "2023-06-20",
    ),
    ("XM-2021-11", "显示模组项目", "2021-05-10", "2021-07-05", "2022-07-01", "2023-07-01", None),
]
# XM-2021-09 was put on hold after it became ready (land not yet delivered) and resumed.
ON_HOLD = {"XM-2021-09": ("2022-07-15", "2022-08-20", "用地尚未交付，暂缓推进")}

# The nine major projects of 2023 (列省/列市重大项目), signed in 2022-H2, all
# started in 2023-H1: (ref, name, investor, level, signed, ready, started,
# plan 2023 in 万元, completed Jan–Jun 2023 in 万元).
MAJOR_2023 = [
    (
        "ZD-2023-01",
        "中运锚链项目",
        "中运锚链（宿迁）有限公司",
        "provincial",
        "2022-08-08",
        "2023-01-01",
        "2023-02-20",
        40000,
        23000,
    ),
    (
        "ZD-2023-02",
        "聚成金刚石三期项目",
        "江苏聚成金刚石科技有限公司",
        "provincial",
        "2022-08-16",
        "2023-01-12",
        "2023-03-06",
        35000,
        16000,
    ),
    (
        "ZD-2023-03",
        "智慧信息产业园项目",
        "宿迁智慧信息产业园发展有限公司",
        "provincial",
        "2022-09-02",
        "2023-02-10",
        "2023-04-03",
        50000,
        25000,
    ),
    (
        "ZD-2023-04",
        "新能源汽车零部件项目",
        None,
        "municipal",
        "2022-09-20",
        "2023-02-25",
        "2023-05-08",
        30000,
        15600,
    ),
    (
        "ZD-2023-05",
        "高端装备产业园项目",
        None,
        "municipal",
        "2022-10-11",
        "2023-03-15",
        "2023-06-30",
        25000,
        14000,
    ),
    (
        "ZD-2023-06",
        "电子信息材料项目",
        None,
        "municipal",
        "2022-10-25",
        "2023-03-28",
        "2023-06-01",
        20000,
        10000,
    ),
    (
        "ZD-2023-07",
        "光电显示器件项目",
        None,
        "municipal",
        "2022-08-20",
        "2022-11-15",
        "2023-01-01",
        20000,
        11000,
    ),
    (
        "ZD-2023-08",
        "智能制造装备项目",
        None,
        "municipal",
        "2022-09-05",
        "2022-12-31",
        "2023-01-16",
        15000,
        8000,
    ),
    (
        "ZD-2023-09",
        "新型储能材料项目",
        None,
        "municipal",
        "2022-11-08",
        "2022-12-20",
        "2023-02-06",
        15000,
        7400,
    ),
]

# Signed in 2022-H2, not major: three ready in 2023-H1 (one then put on hold),
# one ready on 2023-07-01 (not in H1).
SIGNED_2022 = [
    ("XM-2022-01", "精密模具项目", "2022-09-14", "2023-04-10"),
    ("XM-2022-02", "锂电隔膜项目", "2022-10-18", "2023-05-22"),
    ("XM-2022-03", "智能传感器项目", "2022-11-21", "2023-06-30"),
    ("XM-2022-04", "环保新材料项目", "2022-12-06", "2023-07-01"),
]
HELD_2023 = {"XM-2022-02": ("2023-06-15", None, "等待施工许可")}

# Entered the statistics (列统入规) after starting.
ENTERED = {
    "XM-2021-01": "2021-10-20",
    "XM-2021-02": "2021-11-15",
    "ZD-2023-01": "2023-04-18",
    "ZD-2023-02": "2023-05-10",
}


# The park's investment target of 2023 (年度固定资产投资计划), in yuan: the base
# of the park line on the major-projects board. It is the park's own target,
# over all its projects (the majors' own plans sum to 2,500,000,000 yuan), and
# changes none of the majors' figures.
PARK_PLAN_2023 = Decimal(3_000_000_000)

# The milestone template a project officer applies to an industrial project:
# (kind, name, days after the signing).
TEMPLATE_NAME = "工业项目标准节点"
TEMPLATE_ITEMS = [
    (MilestoneKind.LAND_SUPPLIED, "土地交付", 90),
    (MilestoneKind.PLANNING_PERMIT, "规划许可", 120),
    (MilestoneKind.CONSTRUCTION_PERMIT, "施工许可", 150),
    (MilestoneKind.STARTED, "开工", 180),
    (MilestoneKind.TOPPED_OUT, "主体封顶", 360),
    (MilestoneKind.EQUIPMENT_IN, "设备进场", 450),
    (MilestoneKind.TRIAL_PRODUCTION, "试生产", 540),
    (MilestoneKind.PRODUCTION, "投产", 600),
    (MilestoneKind.ENTERED_STATISTICS, "列统入规", 720),
]


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def load_delivery(*, main: Park) -> None:
    """Load the delivery demo of ``main`` (inside the demo's transaction)."""
    with audit.chain_held():
        _load(main)


def _load(main: Park) -> None:
    _park_setup(main)
    existing = set(
        Project.objects.unscoped().filter(park=main).exclude(ref="").values_list("ref", flat=True)
    )
    units = list(
        PromotionUnit.objects.unscoped()
        .filter(park=main, kind=PromotionUnit.Kind.BUREAU)
        .order_by("code", "pk")
    )
    named = {
        e.name: e
        for e in Enterprise.objects.unscoped().filter(park=main).order_by("pk")
        if e.status == Enterprise.Status.SETTLED
    }
    taken = {name for _r, _n, name, *_rest in MAJOR_2023 if name}
    spare = iter([e for name, e in named.items() if name not in taken])
    count = 0

    def project(ref, name, investor, signed, planned):
        nonlocal count
        unit = units[count % len(units)]
        count += 1
        signed_on = _day(signed)
        investor = investor or next(spare)
        created = services.project_create(
            park=main,
            actor=SYSTEM,
            on_date=signed_on - datetime.timedelta(days=30),
            ref=ref,
            name=name,
            investor=investor,
            industry=investor.industry,
            planned_investment=planned,
            source=Project.Source.VISIT,
            first_contact_unit=unit,
            # The bureau's head follows the project through delivery (承办人),
            # named with the lead: the board says whom to call.
            owner_officer=unit.head,
        )
        created = advance(created, Stage.NEGOTIATING, signed_on - datetime.timedelta(days=15))
        return services.project_advance(
            project=created,
            to_stage=Stage.SIGNED,
            on_date=signed_on,
            actor=SYSTEM,
            signing_amount=planned,
        )

    def advance(project_, stage, on, **kwargs):
        return services.project_advance(
            project=project_, to_stage=stage, on_date=on, actor=SYSTEM, **kwargs
        )

    def hold(project_, held, resumed, reason):
        at = project_.stage
        project_ = advance(project_, Stage.ON_HOLD, _day(held), reason=reason)
        if resumed:
            project_ = advance(project_, at, _day(resumed), note="恢复推进")
        return project_

    for ref, name, signed, ready, started, completed, producing in SIGNED_2021:
        if ref in existing:
            continue
        p = project(ref, name, None, signed, Decimal(300_000_000))
        p = advance(p, Stage.READY, _day(ready))
        if ref in ON_HOLD:
            p = hold(p, *ON_HOLD[ref])
        p = advance(p, Stage.STARTED, _day(started))
        p = advance(p, Stage.COMPLETED, _day(completed))
        if producing:
            p = advance(p, Stage.PRODUCING, _day(producing))
        if ref in ENTERED:
            services.project_entered_statistics(project=p, on_date=_day(ENTERED[ref]), actor=SYSTEM)

    for ref, name, investor_name, level, signed, ready, started, plan, done in MAJOR_2023:
        if ref not in existing:
            investor = named.get(investor_name) if investor_name else None
            p = project(ref, name, investor, signed, plan * WAN * Decimal("2.5"))
            p = advance(p, Stage.READY, _day(ready))
            p = advance(p, Stage.STARTED, _day(started))
            if ref in ENTERED:
                services.project_entered_statistics(
                    project=p, on_date=_day(ENTERED[ref]), actor=SYSTEM
                )
        p = Project.objects.unscoped().get(park=main, ref=ref)
        _major(p, level=level, plan=plan, done=done, started=_day(started))

    for ref, name, signed, ready in SIGNED_2022:
        if ref in existing:
            continue
        p = project(ref, name, None, signed, Decimal(150_000_000))
        p = advance(p, Stage.READY, _day(ready))
        if ref in HELD_2023:
            hold(p, *HELD_2023[ref])


def _park_setup(main: Park) -> None:
    """The park's 2023 investment target and its industrial milestone template,
    each only when absent."""
    plans = ParkInvestmentPlan.objects.unscoped().filter(park=main, year=2023)
    if not plans.exists():
        services.park_investment_plan_create(
            park=main, year=2023, amount=PARK_PLAN_2023, actor=SYSTEM, note="年度计划"
        )
    if not MilestoneTemplate.objects.unscoped().filter(park=main, name=TEMPLATE_NAME).exists():
        services.milestone_template_create(
            park=main,
            actor=SYSTEM,
            name=TEMPLATE_NAME,
            project_type="工业项目",
            items=[
                {"kind": str(kind), "name": name, "offset_days": days}
                for kind, name, days in TEMPLATE_ITEMS
            ],
            notes="偏移天数自签约日起算。",
        )


def _major(project: Project, *, level: str, plan: int, done: int, started) -> None:
    """The 2023 listing, plan and monthly investment (from the month it started
    to June, whole 万元, the remainder in June) of a major project; what exists
    is kept."""
    rows = MajorListing.objects.unscoped().filter(park=project.park, project=project, year=2023)
    if not rows.exists():
        services.major_listing_create(project=project, year=2023, level=level, actor=SYSTEM)
    plans = AnnualPlan.objects.unscoped().filter(park=project.park, project=project, year=2023)
    if not plans.exists():
        services.annual_plan_create(project=project, year=2023, amount=plan * WAN, actor=SYSTEM)
    months = list(range(started.month, 7))
    share = done // len(months)
    entered = set(
        InvestmentEntry.objects.unscoped()
        .filter(park=project.park, project=project)
        .values_list("month", flat=True)
    )
    for index, month in enumerate(months):
        amount = share if index < len(months) - 1 else done - share * (len(months) - 1)
        day = datetime.date(2023, month, 1)
        if day not in entered:
            services.investment_entry_create(
                project=project, month=day, amount=amount * WAN, actor=SYSTEM
            )
