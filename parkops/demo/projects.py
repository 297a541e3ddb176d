"""The demo's projects (线索、在谈、签约): 苏宿工业园区's leads from visits and
promotion events in 2022–2023 and the partner parks' signings, reproducing the
report card (MECHANISMS.md):

- ``promotion.projects_negotiating``: 46 projects of 苏宿工业园区 at NEGOTIATING
  on 2023-06-30, by the as-of rule (some of them signed, dropped or put on
  hold later; others were negotiating earlier and signed or dropped before);
- the article's named signings in H1 2023 (聚申元, 印势新材料, 苏大天宫产业园)
  and a signing in every month of the half (天天在招商，月月有签约);
- across the "1+5" alliance, 41 projects signed in H1 2023, 23 of them from
  Suzhou (origin region 3205xx): ``alliance.signed_projects`` and
  ``alliance.signed_from_suzhou``.

Idempotent by reference (编号): a run creates only the projects whose reference
is not there yet, through ``projects.services`` as SYSTEM.

Each lead is handled within the park's deadlines (线索处理, ``projects.deadlines``):
an owner from the day it came in, assessed and fed back a few working days
later. The projects still open (线索、在谈) carry progress notes up to recently,
dated back from today (China time) when the demo is loaded: most are within
their interval, a couple due in a day or two and a handful overdue by a few
working days, so that the overdue list means something. A note is added only
when its kind is missing, progress only when the latest is older than the
date the demo gives it: loading twice the same day adds nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from parkops.core import audit
from parkops.core.models import Industry, Park
from parkops.core.permissions import SYSTEM
from parkops.core.text import today_cst
from parkops.demo import data
from parkops.enterprises import services as enterprise_services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.uscc import make_uscc
from parkops.projects import services
from parkops.projects.deadlines import Policy, WorkdayIndex
from parkops.projects.models import FINAL, Project, ProjectEvent, Stage
from parkops.projects.selectors import OPEN_LEAD_STAGES, lead_policy, with_lead_dates
from parkops.promotion.models import PromotionEvent, PromotionUnit, Visit
from parkops.workdays.selectors import working_calendar

D = datetime.date
H1_2023 = (D(2023, 1, 1), D(2023, 6, 30))
AS_OF = D(2023, 6, 30)
SUZHOU = "3205"  # GB/T 2260: 苏州市 and its districts and county-level cities

DROP_REASONS = [
    "企业投资计划调整，项目取消",
    "企业最终选址其他地区",
    "项目资金未落实，企业暂缓对外投资",
    "项目能耗指标与园区产业定位不符",
]
HOLD_REASONS = [
    "等待企业母公司董事会审批",
    "项目用地指标待落实",
    "受行业周期影响，企业推迟投资决策",
]
KINDS = ["生产基地项目", "扩产项目", "研发及生产项目", "智能制造项目"]
# Brands of the partner parks' investors (apart from the names of their enterprises).
BRANDS = ["德鑫", "汇川", "晨光", "鼎泰", "联创", "嘉禾", "中科", "天弘", "精研", "瑞丰", "宏图"]


@dataclass
class Spec:
    """One project of the plan: who, what, where from and its dated stages."""

    ref: str
    name: str
    investor: Enterprise
    industry: Industry | None
    planned: Decimal
    lead_on: datetime.date
    unit: PromotionUnit
    officer: object = None
    source: str = Project.Source.OTHER
    source_visit: Visit | None = None
    source_event: PromotionEvent | None = None
    origin_region: str = ""
    usd: Decimal | None = None
    rate: Decimal | None = None
    notes: str = ""
    # (stage, date, reason) after the lead; a SIGNED move records ``planned`` as its amount.
    moves: list = field(default_factory=list)


def _between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _yuan(rng: random.Random, low_wan: int, high_wan: int) -> Decimal:
    """An investment between ``low_wan`` and ``high_wan`` 万元, in whole 100万."""
    return Decimal(rng.randrange(low_wan // 100, high_wan // 100 + 1) * 100) * 10_000


def _short(name: str) -> str:
    for tail in ("集团有限公司", "股份有限公司", "私人有限公司", "有限公司", "株式会社"):
        if name.endswith(tail):
            return name[: -len(tail)]
    return name


def _first_member(unit: PromotionUnit):
    members = sorted(unit.members.all(), key=lambda user: user.username)
    return members[0] if members else None


def _create(park: Park, spec: Spec, handling: _Handling) -> None:
    owner = handling.owner(spec.unit, spec.industry) if spec.officer is None else {}
    project = services.project_create(
        park=park,
        actor=SYSTEM,
        on_date=spec.lead_on,
        ref=spec.ref,
        name=spec.name,
        investor=spec.investor,
        industry=spec.industry,
        planned_investment=spec.planned,
        planned_investment_usd=spec.usd,
        usd_rate=spec.rate,
        source=spec.source,
        source_visit=spec.source_visit,
        source_event=spec.source_event,
        origin_region=spec.origin_region,
        first_contact_unit=spec.unit,
        first_contact_officer=spec.officer,
        notes=spec.notes,
        **owner,
    )
    handling.first_steps(project, spec.lead_on)
    for stage, on, reason in spec.moves:
        project = services.project_advance(
            project=project,
            to_stage=stage,
            on_date=on,
            actor=SYSTEM,
            reason=reason,
            signing_amount=spec.planned if stage == Stage.SIGNED else None,
        )


def load_projects(*, main: Park, partners: list[Park]) -> None:
    """The projects of the main park and the partner parks (inside the demo's
    transaction, the audit chain held once for their entries), and their
    handling up to today."""
    today = today_cst()
    parks = [main, *partners]
    handlings = {park.pk: _Handling(park, today) for park in parks}
    with audit.chain_held():
        for park, specs in [(main, _main_plan(main)), *((p, _partner_plan(p)) for p in partners)]:
            existing = set(
                Project.objects.unscoped()
                .filter(park=park, ref__in=[s.ref for s in specs])
                .values_list("ref", flat=True)
            )
            for spec in specs:
                if spec.ref not in existing:
                    _create(park, spec, handlings[park.pk])
        _handle_open(parks, handlings)


# ------------------------------------------------------------ lead handling
ASSESSMENTS = [
    "研判：项目符合园区主导产业定位，投资强度和亩均税收预期达标，建议重点跟进。",
    "研判：企业经营稳健，项目用地、能耗需求与园区承载条件匹配，列入在谈储备。",
    "研判：项目属产业链补链环节，需进一步核实投资方资金来源和技术来源。",
]
FEEDBACKS = [
    "已向企业反馈研判意见及园区招商政策，约定近期来园实地考察。",
    "已将可选地块和标准厂房情况反馈企业，企业正在内部评估。",
    "已反馈园区配套条件和政策兑现流程，企业提出补充用地需求。",
]
PROGRESS = [
    "与企业负责人电话沟通，了解项目最新进展和决策时间表。",
    "陪同企业实地踏勘意向地块，介绍周边配套。",
    "企业提交项目可行性研究报告，已转相关部门预审。",
    "就厂房租赁价格和装修补贴与企业进一步洽谈。",
    "组织经发、规建部门与企业召开项目对接会，梳理落地问题清单。",
    "企业高层来园考察，双方就投资协议主要条款交换意见。",
]
# Open leads and negotiations, in order across the parks: the latest progress
# note a few working days before today, turn by turn: in every twelve, one
# overdue by one to four working days; in every twenty-four, one due in a day
# or two.
PROGRESS_TURN = 12
OVERDUE_AT, DUE_SOON_AT = 7, 2


class _Handling:
    """The handling steps the demo records in one park, within its deadlines
    (``projects.deadlines``) counted in its working calendar."""

    def __init__(self, park: Park, today: datetime.date):
        self.park = park
        self.today = today
        self.policy = Policy.of(lead_policy(park.pk))
        self.index = WorkdayIndex(working_calendar(park=park.pk))
        units = PromotionUnit.objects.unscoped().filter(park=park).prefetch_related("members")
        self.units = {unit.pk: unit for unit in units.order_by("code")}

    def owner(self, unit: PromotionUnit, industry: Industry | None) -> dict:
        """Who handles a lead whose first contact named no officer: an officer
        of its unit or the nearest one above it; for a department team with
        none (部门小分队), of the industry's bureau (FJ-EI for 电子信息 …)."""
        by_code = {unit.code: unit for unit in self.units.values()}
        bureau = by_code.get(f"FJ-{industry.code.split('-')[0]}") if industry else None
        candidates = []
        while unit is not None:
            candidates.append(self.units.get(unit.pk, unit))
            unit = self.units.get(unit.parent_id)
        candidates += [bureau, *self.units.values()]
        for candidate in candidates:
            officer = _first_member(candidate) if candidate is not None else None
            if officer is not None:
                return {"owner_unit": candidate, "owner_officer": officer}
        return {}

    def _note(self, project, kind, on, note) -> None:
        services.project_note(project=project, kind=kind, on_date=on, note=note, actor=SYSTEM)

    def first_steps(self, project, lead_on, *, assessed=False, fed_back=False) -> None:
        """Assessed and fed back within their deadlines after ``lead_on``."""
        rng = random.Random(f"{project.ref}-handling")
        policy = self.policy
        assess_days = (
            policy.assess_major_days
            if policy.is_major(project.planned_investment)
            else policy.assess_days
        )
        assess_n = rng.randint(1, assess_days)
        feedback_n = rng.randint(min(assess_n, policy.feedback_days), policy.feedback_days)
        Kind = ProjectEvent.Kind
        if not assessed:
            self._note(
                project, Kind.ASSESSMENT, self.index.add(lead_on, assess_n), rng.choice(ASSESSMENTS)
            )
        if not fed_back:
            self._note(
                project, Kind.FEEDBACK, self.index.add(lead_on, feedback_n), rng.choice(FEEDBACKS)
            )

    def _back(self, n: int) -> datetime.date:
        """The day ``n`` working days before today (today itself if ``n`` is 0)."""
        day = self.today
        while n > 0:
            day -= datetime.timedelta(days=1)
            n -= self.index.calendar.is_workday(day)
        return day

    def recent_progress(self, project, turn: int, *, since: datetime.date) -> None:
        """Progress notes up to ``turn``'s day before today, one an interval
        apart, each only if after ``since`` (the latest note or feedback)."""
        place = turn % PROGRESS_TURN
        if place == OVERDUE_AT:
            offset = self.policy.progress_days + 1 + (turn // PROGRESS_TURN) % 4
        elif place == DUE_SOON_AT and turn // PROGRESS_TURN % 2 == 0:
            left = 1 + turn // (2 * PROGRESS_TURN) % 2  # working days left
            offset = max(self.policy.progress_days - left, 0)
        else:
            recent = max(min(6, self.policy.progress_days - 3), 1)
            offset = random.Random(f"{project.ref}-progress").randint(1, recent)
        rng = random.Random(f"{project.ref}-{self.today.isoformat()}")
        step = max(self.policy.progress_days - 2, 1)
        for back in (offset + 2 * step, offset + step, offset):
            on = self._back(back)
            if on > since:
                self._note(project, ProjectEvent.Kind.PROGRESS, on, rng.choice(PROGRESS))


def _handle_open(parks: list[Park], handlings: dict[int, _Handling]) -> None:
    """The steps still missing from the projects not closed (those loaded before
    the demo recorded handling), and progress notes on the open leads and
    negotiations up to recently."""
    rows = with_lead_dates(
        Project.objects.unscoped()
        .filter(park__in=parks)
        .exclude(stage__in=FINAL)
        .select_related("first_contact_unit", "industry")
        .order_by("park_id", "ref", "pk")
    )
    turn = 0
    for project in rows:
        handling = handlings[project.park_id]
        if project.lead_on is None:
            continue
        is_open = project.stage in OPEN_LEAD_STAGES
        if is_open and project.assigned_on is None:
            owner = handling.owner(project.first_contact_unit, project.industry)
            if owner:
                services.project_update(project=project, actor=SYSTEM, **owner)
        if project.assessed_on is None or project.feedback_on is None:
            handling.first_steps(
                project,
                project.lead_on,
                assessed=project.assessed_on is not None,
                fed_back=project.feedback_on is not None,
            )
        if is_open:
            feedback_on = project.feedback_on or handling.index.add(
                project.lead_on, handling.policy.feedback_days
            )
            since = max(day for day in (project.progress_on, feedback_on) if day is not None)
            handling.recent_progress(project, turn, since=since)
            turn += 1


# ------------------------------------------------------------ 苏宿工业园区
class _MainPlanner:
    """Picks investors, sources and first contacts for the main park's projects."""

    def __init__(self, park: Park):
        self.park = park
        self.rng = random.Random("sszy-projects")
        self.units = {u.code: u for u in PromotionUnit.objects.unscoped().filter(park=park)}
        self.segments = list(
            Industry.objects.unscoped()
            .filter(park=park, level=Industry.Level.SEGMENT)
            .order_by("code")
        )
        enterprises = list(
            Enterprise.objects.unscoped()
            .filter(park=park)
            .select_related("industry")
            .order_by("name_pinyin", "pk")
        )
        self.by_name = {e.name: e for e in enterprises}
        reserved = {name for name, *_rest in data.NAMED_ENTERPRISES} | {
            name for name, _code in data.TRIP_PROSPECTS
        }
        self.pool = [e for e in enterprises if e.name not in reserved and e.registered_region]
        self.used: set[int] = set()
        self.visits: dict[int, list[Visit]] = {}
        for visit in (
            Visit.objects.unscoped()
            .filter(park=park, enterprise__isnull=False)
            .exclude(ref__startswith=f"BF-{park.code}-TRIP-")
            .prefetch_related("staff")
            .select_related("unit")
            .order_by("date", "ref")
        ):
            self.visits.setdefault(visit.enterprise_id, []).append(visit)
        self.events = {
            e.ref: e
            for e in PromotionEvent.objects.unscoped()
            .filter(park=park)
            .select_related("organiser_unit")
            .prefetch_related("staff", "enterprises")
        }
        # First contacts of leads that came neither from a visit nor an event:
        # the office, the bureaus, the regional centres and the department teams.
        self.other_units = [
            self.units[code]
            for code in [
                data.OFFICE[0],
                *(c for c, _n in data.BUREAUS),
                *(c for c, _n in data.REGIONAL_CENTRES),
                *(c for c, _n in data.DEPT_TEAMS),
            ]
        ]
        self.other_turn = 0
        self.unit_of = {
            user.pk: unit
            for unit in sorted(self.units.values(), key=lambda unit: unit.code, reverse=True)
            for user in unit.members.all()
        }
        self.specs: list[Spec] = []

    # -- investors
    def _is_suzhou(self, enterprise) -> bool:
        return enterprise.registered_region.startswith(SUZHOU)

    def investor(self, *, suzhou: bool, near: datetime.date | None = None):
        """An unused enterprise from Suzhou or not, preferably one visited in the
        30 days before ``near`` (the visit the lead came from)."""
        candidates = [
            e for e in self.pool if e.pk not in self.used and self._is_suzhou(e) == suzhou
        ]
        if near is not None:
            for enterprise in candidates:
                for visit in self.visits.get(enterprise.pk, []):
                    if near - datetime.timedelta(days=30) <= visit.date <= near:
                        self.used.add(enterprise.pk)
                        return enterprise, visit
        enterprise = candidates[self.rng.randrange(len(candidates))]
        self.used.add(enterprise.pk)
        return enterprise, None

    # -- one project
    def add(
        self,
        *,
        lead_on,
        moves=(),
        suzhou=False,
        investor=None,
        event=None,
        planned=None,
        kind=None,
        name=None,
        usd=None,
        notes="",
        source=None,
    ) -> Spec:
        rng = self.rng
        visit = None
        if investor is None and event is None:
            # Leads come mostly from visits: look for one just before the lead.
            investor, visit = self.investor(suzhou=suzhou, near=lead_on)
        elif investor is None:
            met = [
                e
                for e in sorted(event.enterprises.all(), key=lambda e: (e.name_pinyin, e.pk))
                if e.pk not in self.used and e.registered_region and self._is_suzhou(e) == suzhou
            ]
            investor = met[0] if met else self.investor(suzhou=suzhou)[0]
            self.used.add(investor.pk)
        else:
            self.used.add(investor.pk)
        if visit is not None:
            lead_on = min(visit.date + datetime.timedelta(days=rng.randrange(0, 8)), lead_on)
            unit, officer = visit.unit, _first_member_of(visit.staff.all())
            source = Project.Source.VISIT
        elif event is not None:
            # The participant who met the investor, turn by turn, and their unit.
            staff = sorted(event.staff.all(), key=lambda user: user.username)
            officer = staff[len(self.specs) % len(staff)] if staff else None
            unit = self.unit_of.get(getattr(officer, "pk", None), event.organiser_unit)
            source = Project.Source.EVENT
        else:
            unit = self.other_units[self.other_turn % len(self.other_units)]
            self.other_turn += 1
            officer = _first_member(unit)
            source = source or rng.choice(
                [Project.Source.REFERRAL, Project.Source.REFERRAL, Project.Source.ONLINE]
            )
        industry = investor.industry
        if industry is None or industry.level != Industry.Level.SEGMENT:
            industry = rng.choice(self.segments)
        kind = kind or rng.choice(KINDS)
        spec = Spec(
            ref=f"XM-{self.park.code}-{len(self.specs) + 1:03d}",
            name=name or _project_name(investor, industry, kind),
            investor=investor,
            industry=industry,
            planned=planned if planned is not None else _yuan(rng, 3000, 45000),
            lead_on=lead_on,
            unit=unit,
            officer=officer,
            source=source,
            source_visit=visit,
            source_event=event,
            origin_region=investor.registered_region,
            notes=notes,
            moves=list(moves),
        )
        if usd is not None:
            spec.usd, spec.rate = usd, Decimal("7.0000")
            spec.planned = (usd * spec.rate).quantize(Decimal("0.01"))
        self.specs.append(spec)
        return spec


def _project_name(investor, industry, kind: str) -> str:
    """``上海芯微电子芯片设计扩产项目``; without the segment when the investor's
    name already says it (``常州高分子材料扩产项目``)."""
    short = _short(investor.name)
    pairs = {industry.name[i : i + 2] for i in range(len(industry.name) - 1)}
    if any(pair in short for pair in pairs):
        return f"{short}{kind}"
    return f"{short}{industry.name}{kind}"


def _first_member_of(users):
    users = sorted(users, key=lambda user: user.username)
    return users[0] if users else None


def _main_plan(park: Park) -> list[Spec]:
    p = _MainPlanner(park)
    rng = p.rng
    N, S, DR, OH, RD = (
        Stage.NEGOTIATING,
        Stage.SIGNED,
        Stage.DROPPED,
        Stage.ON_HOLD,
        Stage.READY,
    )
    ev = p.events

    # The article's named signings (H1 2023).
    p.add(
        investor=p.by_name["聚申元新材料（苏州）有限公司"],
        name="聚申元功能高分子新材料项目",
        planned=Decimal("320000000.00"),
        lead_on=D(2022, 9, 14),
        source=Project.Source.REFERRAL,
        notes="苏州市宿迁商会推荐，苏州区域招商中心首谈。",
        moves=[(N, D(2022, 11, 8), ""), (S, D(2023, 2, 16), "")],
    ).unit = p.units["ZX-SUZ"]
    p.specs[-1].officer = _first_member(p.units["ZX-SUZ"])
    p.add(
        investor=p.by_name["印势新材料科技（苏州）有限公司"],
        name="印势新材料电子功能材料项目",
        planned=Decimal("150000000.00"),
        lead_on=D(2022, 10, 20),
        source=Project.Source.REFERRAL,
        moves=[(N, D(2023, 1, 9), ""), (S, D(2023, 4, 18), "")],
    ).unit = p.units["FJ-NE"]
    p.specs[-1].officer = _first_member(p.units["FJ-NE"])
    tiangong = p.add(
        investor=p.by_name["江苏苏大天宫创业投资管理有限公司"],
        name="苏大天宫产业园项目",
        planned=Decimal("600000000.00"),
        lead_on=D(2022, 8, 26),
        source=Project.Source.REFERRAL,
        notes="苏州大学科技成果转化载体，承接苏州转移项目。",
        moves=[(N, D(2022, 10, 18), ""), (S, D(2023, 6, 16), "")],
    )
    tiangong.unit, tiangong.officer = p.units[data.OFFICE[0]], None
    tiangong.origin_region = "320508"  # 苏州大学, 姑苏区: the investor comes from Suzhou
    tiangong.industry = next(s for s in p.segments if s.code == "EI-IC-D")

    # Fourteen more signings in H1 2023, one at least in every month; four from Suzhou.
    months = [1, 1, 2, 3, 3, 3, 4, 5, 5, 5, 6, 6, 2, 4]
    from_suzhou = {1, 4, 7, 10}
    from_event = {2: "HD-sszy-2022-01", 5: "HD-sszy-2022-02", 10: "HD-sszy-2023-01"}
    for index, month in enumerate(months):
        signed = D(2023, month, rng.randint(5, 27))
        code = from_event.get(index)
        event = ev[code] if code else None
        if event is not None:
            lead = event.end_date + datetime.timedelta(days=rng.randint(2, 10))
            negotiating = _between(rng, lead + datetime.timedelta(days=14), signed)
        else:
            negotiating = signed - datetime.timedelta(days=rng.randint(40, 150))
            lead = negotiating - datetime.timedelta(days=rng.randint(20, 90))
        planned = Decimal("1200000000.00") if index == 8 else None
        moves = [(N, negotiating, ""), (S, signed, "")]
        if index in (0, 3):  # signed early in the year, ready to start in the autumn
            moves.append((RD, D(2023, 9, rng.randint(1, 28)), ""))
        p.add(
            lead_on=lead,
            suzhou=index in from_suzhou,
            event=event,
            planned=planned,
            moves=moves,
        )

    # The 46 negotiating on 2023-06-30.
    def negotiating_by_june(lead_first=None, lead_last=None):
        lead = _between(rng, lead_first or D(2022, 3, 1), lead_last or D(2023, 5, 31))
        negotiating = _between(rng, lead + datetime.timedelta(days=10), D(2023, 6, 28))
        return lead, negotiating

    events_46 = [
        ("HD-sszy-2022-02", D(2022, 12, 15), D(2023, 2, 20)),
        ("HD-sszy-2023-01", D(2023, 3, 20), D(2023, 4, 25)),
        ("HD-sszy-2023-01", D(2023, 3, 24), D(2023, 5, 30)),
        ("HD-sszy-2023-02", D(2023, 4, 24), D(2023, 6, 5)),
        ("HD-sszy-2023-02", D(2023, 4, 27), D(2023, 6, 19)),
    ]
    for code, lead, negotiating in events_46:
        p.add(event=ev[code], lead_on=lead, moves=[(N, negotiating, "")])
    trip = ev[data.TRIP_REF]
    p.add(
        event=trip,
        investor=p.by_name["东洋精密电子株式会社"],
        name="东洋精密电子增资扩产项目",
        kind="增资扩产",
        usd=Decimal("45000000.00"),
        lead_on=D(2023, 5, 23),
        notes="日资企业在园区增资扩产，新增被动元件生产线。",
        moves=[(N, D(2023, 6, 20), "")],
    )
    p.add(
        event=trip,
        investor=p.by_name["新加坡星联半导体私人有限公司"],
        name="星联半导体封装测试项目",
        usd=Decimal("30000000.00"),
        lead_on=D(2023, 5, 24),
        moves=[(N, D(2023, 6, 26), "")],
    )
    big = {3: Decimal("800000000.00")}
    for index in range(26):  # still negotiating today
        lead, negotiating = negotiating_by_june()
        moves = [(N, negotiating, "")]
        if index == 0:  # on hold in spring, talks resumed in May: negotiating on 06-30
            lead, negotiating = D(2022, 11, 3), D(2023, 1, 12)
            moves = [
                (N, negotiating, ""),
                (OH, D(2023, 3, 10), HOLD_REASONS[0]),
                (N, D(2023, 5, 8), ""),
            ]
        p.add(lead_on=lead, moves=moves, planned=big.get(index))
    for month in (7, 8, 9, 10, 11, 11):  # negotiating on 06-30, signed after
        lead, negotiating = negotiating_by_june()
        signed = D(2023, month, rng.randint(3, 28))
        p.add(lead_on=lead, moves=[(N, negotiating, ""), (S, signed, "")])
    for index in range(4):  # negotiating on 06-30, dropped after
        lead, negotiating = negotiating_by_june()
        dropped = D(2023, (7, 8, 10, 12)[index], rng.randint(3, 28))
        p.add(lead_on=lead, moves=[(N, negotiating, ""), (DR, dropped, DROP_REASONS[index])])
    for index in range(3):  # negotiating on 06-30, on hold after
        lead, negotiating = negotiating_by_june()
        held = D(2023, 8 + index, rng.randint(3, 28))
        p.add(lead_on=lead, moves=[(N, negotiating, ""), (OH, held, HOLD_REASONS[index])])

    # Not negotiating on 06-30: dropped or held before it.
    for index in range(3):
        lead, negotiating = negotiating_by_june(lead_last=D(2023, 2, 28))
        dropped = _between(rng, negotiating + datetime.timedelta(days=7), D(2023, 6, 29))
        p.add(lead_on=lead, moves=[(N, negotiating, ""), (DR, dropped, DROP_REASONS[index])])
    for index in range(2):
        lead = D(2022, 4 + 3 * index, rng.randint(3, 28))
        dropped = lead + datetime.timedelta(days=rng.randint(30, 90))
        p.add(lead_on=lead, moves=[(DR, dropped, DROP_REASONS[2 + index])])
    for index in range(2):
        lead, negotiating = negotiating_by_june(lead_last=D(2023, 1, 31))
        held = _between(rng, negotiating + datetime.timedelta(days=7), D(2023, 6, 29))
        p.add(lead_on=lead, moves=[(N, negotiating, ""), (OH, held, HOLD_REASONS[1 + index])])

    # Leads (线索) on 06-30: from the trip, the forum and visits; four in talks later.
    p.add(
        event=trip,
        investor=p.by_name["关西精工机械株式会社"],
        name="关西精工数控机床生产基地项目",
        usd=Decimal("20000000.00"),
        lead_on=D(2023, 5, 22),
    )
    p.add(
        event=trip,
        investor=p.by_name["狮城新能源科技私人有限公司"],
        name="狮城新能源储能电池项目",
        usd=Decimal("60000000.00"),
        lead_on=D(2023, 5, 25),
        moves=[(N, D(2023, 9, 12), "")],
    )
    forum = ev["HD-sszy-2023-04"]
    p.add(event=forum, lead_on=D(2023, 6, 12))
    p.add(event=forum, lead_on=D(2023, 6, 14))
    for index in range(11):
        lead = _between(rng, D(2023, 1, 10), D(2023, 6, 28))
        moves = [(N, D(2023, 8 + index, 10), "")] if index < 3 else []
        p.add(lead_on=lead, moves=moves)

    # Signed in 2022 and not yet carried further: the delivery demo
    # (demo/delivery.py) owns the later stages, whose counts the card reports.
    for month in (6, 8, 9, 10, 11, 12):
        signed = D(2022, month, rng.randint(3, 28))
        negotiating = signed - datetime.timedelta(days=rng.randint(40, 120))
        lead = negotiating - datetime.timedelta(days=rng.randint(20, 60))
        p.add(lead_on=lead, moves=[(N, negotiating, ""), (S, signed, "")])

    # Leads of the import expo in November 2023.
    expo = ev["HD-sszy-2023-05"]
    for day in (13, 15, 20):
        p.add(event=expo, lead_on=D(2023, 11, day))
    return p.specs


# ---------------------------------------------------------------- partner parks
# Per partner park: its Suzhou partner's place (name, region code), and its
# H1 2023 signings as (month, from Suzhou?): 24 in all, 16 from Suzhou.
PARTNER_SIGNINGS = {
    "ksgx": (("昆山", "320583"), [(1, True), (2, True), (3, True), (5, True), (6, False)]),
    "wjsy": (("吴江", "320509"), [(1, True), (3, True), (4, False), (5, True), (6, False)]),
    "cssh": (("常熟", "320581"), [(2, True), (3, False), (4, True), (5, True), (6, False)]),
    "zjgsy": (("张家港", "320582"), [(1, False), (3, True), (4, True), (6, True), (6, False)]),
    "wzsc": (("吴中", "320506"), [(2, True), (4, True), (5, False), (6, True)]),
}
OTHER_PLACES = [("上海", "310112"), ("无锡", "320214"), ("宿迁", "321300"), ("宁波", "330212")]


def _partner_investor(park: Park, rng, place, lead: str, industries, used: set) -> Enterprise:
    city, region = place
    while True:
        name = (
            f"{city}{rng.choice(BRANDS)}{rng.choice(data.NAME_CORES[lead])}"
            f"{rng.choice(data.TARGET_FORMS)}"
        )
        if name not in used:
            used.add(name)
            break
    digits = "".join(rng.choice("0123456789") for _ in range(9))  # drawn on every run
    existing = Enterprise.objects.unscoped().filter(park=park, name=name).first()
    if existing is not None:
        return existing
    return enterprise_services.enterprise_create(
        park=park,
        actor=SYSTEM,
        name=name,
        uscc=make_uscc("91" + region + digits),
        registered_region=region,
        industry=industries[lead],
        status=Enterprise.Status.PROSPECT,
    )


def _partner_plan(park: Park) -> list[Spec]:
    rng = random.Random(f"{park.code}-projects")
    suzhou_place, signings = PARTNER_SIGNINGS[park.code]
    industries = {i.code: i for i in Industry.objects.unscoped().filter(park=park)}
    office = PromotionUnit.objects.unscoped().get(park=park, code=data.PARTNER_OFFICE[0])
    officer = _first_member(office)
    events = {e.ref: e for e in PromotionEvent.objects.unscoped().filter(park=park)}
    fair = events.get(f"HD-{park.code}-2022-01")
    roadshow = events.get(f"HD-{park.code}-2023-01")
    specs: list[Spec] = []
    used: set[str] = set()

    def add(*, suzhou: bool, lead_on, moves, event=None, source=Project.Source.REFERRAL):
        lead = rng.choice(list(data.NAME_CORES))
        place = suzhou_place if suzhou else rng.choice(OTHER_PLACES)
        investor = _partner_investor(park, rng, place, lead, industries, used)
        specs.append(
            Spec(
                ref=f"XM-{park.code}-{len(specs) + 1:03d}",
                name=f"{_short(investor.name)}{rng.choice(KINDS)}",
                investor=investor,
                industry=industries[lead],
                planned=_yuan(rng, 2000, 30000),
                lead_on=lead_on,
                unit=office,
                officer=officer,
                source=Project.Source.EVENT if event else source,
                source_event=event,
                origin_region=place[1],
                notes="苏州共建方推荐" if suzhou and not event else "",
                moves=moves,
            )
        )

    for index, (month, suzhou) in enumerate(signings):
        signed = D(2023, month, rng.randint(4, 26))
        event = None
        if month >= 5 and roadshow is not None and index % 2 == 0:
            event, lead = roadshow, D(2023, 3, 30)
            negotiating = D(2023, 4, rng.randint(10, 28))
        else:
            if index == 0 and fair is not None:
                event = fair
                lead = D(2022, 9, 26)
            else:
                lead = signed - datetime.timedelta(days=rng.randint(90, 200))
            negotiating = _between(rng, lead + datetime.timedelta(days=15), signed)
        add(
            suzhou=suzhou,
            event=event,
            lead_on=lead,
            moves=[(Stage.NEGOTIATING, negotiating, ""), (Stage.SIGNED, signed, "")],
        )
    # A signing of 2022, two in talks, a lead and a project dropped.
    add(
        suzhou=True,
        lead_on=D(2022, 5, 16),
        moves=[(Stage.NEGOTIATING, D(2022, 7, 4), ""), (Stage.SIGNED, D(2022, 11, 22), "")],
    )
    for day in (11, 25):
        add(
            suzhou=day == 11,
            event=roadshow,
            lead_on=D(2023, 4, day - 8),
            moves=[(Stage.NEGOTIATING, D(2023, 5, day), "")],
        )
    add(suzhou=False, lead_on=D(2023, 6, 8), moves=[], source=Project.Source.ONLINE)
    add(
        suzhou=False,
        lead_on=D(2022, 10, 12),
        moves=[
            (Stage.NEGOTIATING, D(2022, 12, 6), ""),
            (Stage.DROPPED, D(2023, 3, 15), DROP_REASONS[1]),
        ],
    )
    return specs
