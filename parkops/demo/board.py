"""The demo's traffic-light board (项目推进红绿灯) today: 苏宿工业园区's
projects under delivery carry progress notes, planned milestones and, for the
major projects, this year's plan and monthly investment, dated back or ahead
from today (China time) when the demo is loaded, so that the board, which opens
on today, shows what a leader expects to see: most projects green, several
amber and a few red, each for a different rule (``TrafficRule.DEFAULTS``).

``TROUBLE`` names the projects in trouble and how; every other project on the
board had progress recorded within the last few weeks and has its next
milestone months ahead. The investment of this year is entered up to the last
month that has ended (none in January, when the pace rule is silent).

Nothing here touches the 2023 figures the demo reproduces: progress notes and
milestones change no stage, and the plans and investment are this year's (none
while the demo's year, 2023, runs), the park's target of this year included.
Last week's snapshot of the lights (as of last Monday) is taken so that the
board shows what changed colour since. Through the services as SYSTEM; a note is
added only when the project's latest progress is older than the date the demo
gives it, a milestone only when its kind is missing, a plan or a month's entry
only when absent, the snapshot only when last week has none: loading twice the
same day adds nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from parkops.core import audit
from parkops.core.permissions import SYSTEM
from parkops.core.text import today_cst
from parkops.projects import lights, selectors, services
from parkops.projects.deadlines import WorkdayIndex
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    Milestone,
    MilestoneKind,
    ParkInvestmentPlan,
    Project,
    ProjectEvent,
    Stage,
    TrafficSnapshot,
)
from parkops.workdays.selectors import working_calendar

WAN = Decimal(10000)  # 万元
DELIVERY_YEAR = 2023  # the year of the delivery demo's figures

# ref: (what goes wrong, the light it gives with the default rules)
TROUBLE = {
    "XM-2022-01": "not_started",  # start planned last month: amber
    "XM-2022-03": "not_started_long",  # start planned four months ago: red
    "XM-2022-04": "start_due",  # start due within a week: amber
    "ZD-2023-08": "milestone_due",  # topping out due in a few working days: amber
    # trial production planned yesterday: red since today, amber (due) last week
    "XM-2021-07": "overdue",
    "XM-2021-11": "quiet",  # nothing recorded for two and a half months: amber
    "XM-2021-05": "silent",  # nothing recorded for four months: red
    "XM-2021-03": "statistics_late",  # producing, not yet in the statistics: amber
    "ZD-2023-04": "behind",  # 20 points behind pace: amber from March
    "ZD-2023-06": "far_behind",  # 40 points behind pace: red from June
}

# The next milestone of a project on plan, by its stage.
NEXT = {
    Stage.SIGNED: (MilestoneKind.LAND_SUPPLIED, "土地交付"),
    Stage.READY: (MilestoneKind.STARTED, "开工"),
    Stage.STARTED: (MilestoneKind.TOPPED_OUT, "主体封顶"),
    Stage.COMPLETED: (MilestoneKind.TRIAL_PRODUCTION, "试生产"),
}

PROGRESS = [
    "召开项目推进会，梳理施工许可办理问题清单并明确责任部门。",
    "协调供电部门完成专线接入方案，施工用电已接通。",
    "施工单位进场，主体结构按计划施工。",
    "设备采购合同签订，首批设备已到货。",
    "厂房钢结构吊装完成，正在进行屋面施工。",
    "走访企业了解用工需求，对接人社部门开展专场招聘。",
]


def load_board(*, main) -> None:
    """The board's facts of ``main`` as of today (inside the demo's transaction)."""
    with audit.chain_held():
        _load(main)


def _load(main) -> None:
    today = today_cst()
    index = WorkdayIndex(working_calendar(park=main.pk))
    projects = list(
        Project.objects.unscoped()
        .filter(park=main, stage__in=lights.BOARD_STAGES)
        .order_by("ref", "pk")
    )
    facts = selectors.traffic_facts(projects, as_of=today)
    planned = set(
        Milestone.objects.unscoped()
        .filter(park=main, project__in=[p.pk for p in projects])
        .values_list("project_id", "kind")
    )
    for project in projects:
        trouble = TROUBLE.get(project.ref, "on_plan")
        last = facts[project.pk].last_progress_on
        for kind, name, on in _milestones(project, trouble, today, index):
            if (project.pk, kind) not in planned:
                services.milestone_create(
                    project=project, actor=SYSTEM, kind=kind, name=name, planned_on=on
                )
        progress_on = _progress_on(project, trouble, today, index)
        if project.stage in lights.UNDER_WAY and (last is None or last < progress_on):
            services.project_note(
                project=project,
                kind=ProjectEvent.Kind.PROGRESS,
                on_date=progress_on,
                note=random.Random(project.ref).choice(PROGRESS),
                actor=SYSTEM,
            )
        if project.ref.startswith("ZD-") and today.year > DELIVERY_YEAR:
            _investment(project, trouble, today)
    if today.year > DELIVERY_YEAR:
        _park_plan(main, today.year)
    _last_week(main, today)


def _park_plan(main, year: int) -> None:
    """The park's investment target of ``year``: its 2023 target again."""
    plans = ParkInvestmentPlan.objects.unscoped().filter(park=main)
    base = plans.filter(year=DELIVERY_YEAR).first()
    if base is not None and not plans.filter(year=year).exists():
        services.park_investment_plan_create(
            park=main, year=year, amount=base.amount, actor=SYSTEM, note=base.note
        )


def _last_week(main, today) -> None:
    """Last week's snapshot (what ``manage.py snapshot_traffic_lights`` keeps
    each Monday), the lights computed as of last Monday, so that the board
    shows what changed colour since; taken only when that week has none."""
    monday = lights.monday(today) - datetime.timedelta(days=7)
    if not TrafficSnapshot.objects.unscoped().filter(park=main, week=monday).exists():
        services.traffic_snapshot_take(park=main, as_of=monday)


def _progress_on(project, trouble: str, today, index) -> datetime.date:
    """The day of the latest progress the demo gives ``project``."""
    if trouble == "quiet":
        return lights.add_months(today, -2) - datetime.timedelta(days=15)
    if trouble == "silent":
        return lights.add_months(today, -4)
    back = random.Random(f"{project.ref}-progress").randint(2, 15)
    return lights.working_days_before(index, today, back)


def _milestones(project, trouble: str, today, index) -> list[tuple]:
    """``(kind, name, planned_on)`` of the milestones the demo plans for ``project``."""
    if trouble == "not_started":
        return [(MilestoneKind.STARTED, "开工", lights.add_months(today, -1).replace(day=15))]
    if trouble == "not_started_long":
        return [(MilestoneKind.STARTED, "开工", lights.add_months(today, -4).replace(day=10))]
    if trouble == "start_due":
        return [(MilestoneKind.STARTED, "开工", index.add(today, 5))]
    if trouble == "milestone_due":
        return [(MilestoneKind.TOPPED_OUT, "主体封顶", index.add(today, 3))]
    if trouble == "overdue":
        # The day before today: after last Monday, so it changed colour this week.
        yesterday = today - datetime.timedelta(days=1)
        return [(MilestoneKind.TRIAL_PRODUCTION, "试生产", yesterday)]
    if trouble == "statistics_late":
        late = today - datetime.timedelta(days=45)
        return [(MilestoneKind.ENTERED_STATISTICS, "列统入规", late)]
    if project.stage in NEXT:
        kind, name = NEXT[project.stage]
        months = 2 + random.Random(f"{project.ref}-next").randint(0, 3)
        return [(kind, name, lights.add_months(today, months))]
    return []


def _share(trouble: str, month: int) -> Decimal:
    """The part of the year's plan completed by the end of ``month`` (0: none)."""
    if month == 0:
        return Decimal(0)
    on_pace = Decimal(month) / 12
    behind = {"behind": Decimal("0.2"), "far_behind": Decimal("0.4")}.get(trouble)
    if behind is None:
        return min(on_pace + Decimal("0.03"), Decimal(1))
    return max(on_pace - behind, Decimal(0))


def _investment(project: Project, trouble: str, today) -> None:
    """This year's plan of a major project (its 2023 plan again) and its monthly
    investment, in whole 万元, up to the last month that has ended."""
    year = today.year
    plans = AnnualPlan.objects.unscoped().filter(park=project.park, project=project)
    plan = plans.filter(year=year).first()
    if plan is None:
        base = plans.filter(year=DELIVERY_YEAR).first()
        if base is None:
            return
        plan = services.annual_plan_create(
            project=project, year=year, amount=base.amount, actor=SYSTEM
        )
    entered = set(
        InvestmentEntry.objects.unscoped()
        .filter(park=project.park, project=project, month__year=year)
        .values_list("month", flat=True)
    )
    wan = plan.amount / WAN
    for month in range(1, today.month):
        amount = round(wan * _share(trouble, month)) - round(wan * _share(trouble, month - 1))
        day = datetime.date(year, month, 1)
        if amount > 0 and day not in entered:
            services.investment_entry_create(
                project=project, month=day, amount=amount * WAN, actor=SYSTEM
            )
