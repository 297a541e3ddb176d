"""A province of synthetic parks for the benchmark harness (issue #16).

    generate_province(parks=50, scale=1.0, seed=16) -> {model label: rows}

Scale 1.0 is a park of average size: 1,200 enterprises, 400 projects (each
with its stage events and 5 milestones), 6,000 visits, 20 institutions, and
the monthly investment, annual plans and major listings of the projects that
started. Parks differ in size (log-normal weights of mean 1), so 50 parks at
scale 1.0 are issue #16's province: about 60,000 enterprises, 20,000 projects,
100,000 milestones and 300,000 visits.

The same ``seed`` on an empty database gives the same rows (``checksum``): each
park draws from its own random stream, ``Random(f"{seed}-{park number}")``.
Dates fall between 2022 and October 2026; projects move along
``projects.models.TRANSITIONS`` one dated STAGE event at a time, and stop where
the next date would pass the end, so recent leads stay early, as in a real
pipeline.

What is written, and how:

- Parks and their alliances go through the services as ``SYSTEM``
  (``core.services.park_create``, ``alliance_create``): audited, so the audit
  trail records that the province was generated and the chain stays verifiable.
- Everything else is synthetic, not users' writes, and is inserted in bulk
  (``core.inserts``), bypassing the per-row audit exactly as ``bench_pages``
  does: an audit entry per generated row would measure the generator, not the
  pages, and would make the trail claim writes nobody made. Values are
  prepared as the write path prepares them (pinyin keys, credit codes with
  their GB 32100 check character, first-of-month investment months).
- Each park has one user per park role (``<park code>-<role>``), each alliance
  an alliance viewer, the province one assessor; all share one password
  (``PASSWORD``, hashed once). Pages can be requested signed in as any of them.
- The whole run is one transaction: it writes everything or nothing.
- It refuses a database that already has parks unless ``append=True``, which
  adds the new parks after the existing ones (codes ``js<number>`` continue).
"""

from __future__ import annotations

import bisect
import datetime
import functools
import hashlib
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import translation

from parkops.core import inserts
from parkops.core.permissions import PARK_ROLES, SYSTEM, Role
from parkops.core.text import CHINA_TIME, pinyin_keys

# One park of average size at scale 1.0.
PER_PARK = {"enterprises": 1200, "institutions": 20, "visits": 6000, "projects": 400}
MILESTONES_PER_PROJECT = 5
PARKS_PER_ALLIANCE = 6  # a lead park and five partners ("1+5")
PASSWORD = "ParkOps-Bench-2026"  # noqa: S105 - the documented password of generated accounts
START = datetime.date(2022, 1, 1)
END = datetime.date(2026, 10, 31)
WAN = Decimal(10000)

# Where a project ends up, in per cent: skewed to the early stages.
STAGE_WEIGHTS = {
    "lead": 30,
    "negotiating": 20,
    "signed": 12,
    "ready": 8,
    "started": 10,
    "completed": 5,
    "producing": 5,
    "dropped": 8,
    "on_hold": 2,
}
# The co-built parks' southern partner (苏州, 无锡, …) and northern host cities.
SOUTH = "苏锡常宁镇通泰扬"
NORTH_CITIES = ("3203", "3207", "3208", "3209", "3213")  # 徐州 连云港 淮安 盐城 宿迁
BRAND_CHARS = "鑫汇晨鼎联嘉中天精瑞宏华博恒远通达盛泰丰源创新科凯"
FORMS = ("有限公司", "有限公司", "股份有限公司", "集团有限公司")


@dataclass
class ParkData:
    """What one park's generation has made so far (ids, not model instances)."""

    park: object
    rng: random.Random
    users: dict[str, int] = field(default_factory=dict)
    units: list[int] = field(default_factory=list)
    segments: list[tuple[str, int]] = field(default_factory=list)  # (leading code, id)
    enterprises: list[tuple[int, str]] = field(default_factory=list)  # (id, region)
    enterprise_industry: dict[int, int] = field(default_factory=dict)
    enterprise_region: dict[int, str] = field(default_factory=dict)
    institutions: list[int] = field(default_factory=list)
    visits: list[tuple[datetime.date, int, int | None]] = field(default_factory=list)


class DatabaseNotEmpty(Exception):
    """The database already has parks, and appending was not asked for."""


# ------------------------------------------------------------------ helpers
def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _new_ids(model, count: int) -> list[int]:
    """``count`` ids for new rows of ``model``: from its sequence on PostgreSQL
    (safe beside other writers); on SQLite after the highest ever given (the
    generation's transaction holds the database's write lock)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [value for (value,) in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)}")  # noqa: S608 - names from the model
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        used = cursor.fetchone()
        start = max(highest, used[0] if used else 0) + 1
    return list(range(start, start + count))


def _store(model, rows: list[dict]) -> list[int]:
    """INSERT ``rows`` (attribute name → value; a field left out gets its
    default) and return their ids: COPY on PostgreSQL, one ``executemany`` on
    SQLite. Values are prepared by their fields (``core.inserts.preparer``)."""
    if not rows:
        return []
    ids = _new_ids(model, len(rows))
    fields = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    steps = [(f.attname, defaults.get(f.attname), inserts.preparer(f, connection)) for f in fields]
    pk = model._meta.pk.attname
    values = (
        [pk_value if name == pk else prep(row.get(name, default)) for name, default, prep in steps]
        for pk_value, row in zip(ids, rows, strict=True)
    )
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values))  # noqa: S608 - names from the model
    return ids


@functools.cache
def _part_keys(part: str) -> tuple[str, str]:
    return pinyin_keys(part)


def _keys(*parts: str) -> tuple[str, str]:
    """``pinyin_keys`` of the name ``parts`` make, read part by part (each
    part once: pypinyin takes milliseconds a name). The generated names'
    parts are whole words, so this is what the write path stores (a test checks)."""
    keys = [_part_keys(part) for part in parts]
    return "".join(k[0] for k in keys), "".join(k[1] for k in keys)


def _between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _at(day: datetime.date) -> datetime.datetime:
    """10:00 China time on ``day``: when a generated record was entered."""
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=CHINA_TIME)


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _wan(value: float) -> Decimal:
    """``value`` 万元 in yuan, to the 万."""
    return Decimal(max(1, round(value))) * WAN


def _to_wan(amount: Decimal) -> Decimal:
    """``amount`` yuan rounded to the 万 (what parks report)."""
    return (amount / WAN).quantize(Decimal(1)) * WAN


def park_sizes(parks: int, seed: int) -> list[float]:
    """Each park's size relative to the average (log-normal, mean 1)."""
    rng = random.Random(f"{seed}-sizes")  # noqa: S311 - reproducible data, not a secret
    weights = [rng.lognormvariate(0, 0.6) for _ in range(parks)]
    mean = sum(weights) / parks
    return [weight / mean for weight in weights]


def planned(base: int, scale: float, size: float) -> int:
    """How many of a record a park of ``size`` gets at ``scale`` (at least one)."""
    return max(1, round(base * scale * size))


# -------------------------------------------------------- parks and alliances
def _county_names() -> list[tuple[str, str]]:
    """(region code, short name) of the counties of the northern host cities."""
    from parkops.core.regions import region_choices, region_name

    counties = []
    for code, _full_name in region_choices():
        name = region_name(code)
        if code[:4] in NORTH_CITIES and not code.endswith("00") and name != "市辖区":
            short = name[:-1] if len(name) > 2 and name[-1] in "区县市" else name
            counties.append((code, short))
    return counties


def _parks(count: int, first_number: int) -> list:
    """``count`` parks named after a southern partner and a northern county
    (苏泗工业园区), created through the park service (audited)."""
    from parkops.core import services as core_services
    from parkops.core.models import Park

    counties = _county_names()
    parks = []
    for number in range(first_number, first_number + count):
        region, county = counties[(number - 1) % len(counties)]
        south = SOUTH[(number - 1) % len(SOUTH)]
        round_ = (number - 1) // (len(counties) * len(SOUTH))
        name = f"{south}{county}共建园区" + (f"{round_ + 1}区" if round_ else "")
        code = f"js{number:03d}"
        if Park.objects.filter(code=code).exists() or Park.objects.filter(name=name).exists():
            raise DatabaseNotEmpty(f"A park named {name} or coded {code} already exists.")
        parks.append(
            core_services.park_create(
                actor=SYSTEM,
                code=code,
                name=name,
                short_name=f"{south}{county}园区",
                region=region,
                shares_figures_with_alliance=number % 3 != 0,
            )
        )
    return parks


def _alliances(parks: list) -> list:
    from parkops.core import services as core_services

    alliances = []
    for members in _chunks(parks, PARKS_PER_ALLIANCE):
        lead = members[0]
        alliances.append(
            core_services.alliance_create(
                actor=SYSTEM,
                name=f"{lead.short_name}“1+{len(members) - 1}”联动发展联盟",
                lead_park=lead,
                members=members,
            )
        )
    return alliances


# ------------------------------------------------------------------- people
def _users(parks: list, alliances: list, seed: int) -> dict[int, dict[str, int]]:
    """One user per park role in each park, an alliance viewer per alliance and
    a province assessor; one password hash for all. Returns park id → role → user id."""
    from django.contrib.auth.hashers import make_password

    from parkops.accounts.models import Membership, User

    # Hashing is slow on purpose: once, with a salt from the seed (reproducible).
    password = make_password(PASSWORD, salt=f"bench{seed}")
    now = datetime.datetime.now(tz=datetime.UTC)
    with translation.override("zh-hans"):
        labels = {role: str(Role(role).label) for role in PARK_ROLES}
    people = []  # (username, full name, role, park or alliance)
    for park in parks:
        for role in sorted(PARK_ROLES):
            people.append((f"{park.code}-{role}", f"{park.short_name}{labels[role]}", role, park))
    for alliance in alliances:
        lead = alliance.lead_park
        name = f"{lead.code}-alliance_viewer"
        people.append((name, f"{lead.short_name}联盟查看", Role.ALLIANCE_VIEWER, alliance))
    if parks:
        people.append((f"{parks[0].code}-province", "省级考核", Role.PROVINCE_ASSESSOR, None))
    users = _store(
        User,
        [
            {
                "username": username,
                "full_name": full_name,
                "name_pinyin": pinyin_keys(full_name)[0],
                "password": password,
                "password_changed_at": now,
                "date_joined": now,
            }
            for username, full_name, _role, _where in people
        ],
    )
    memberships, by_park = [], defaultdict(dict)
    for user, (_username, _name, role, where) in zip(users, people, strict=True):
        in_park = role in PARK_ROLES
        memberships.append(
            {
                "user_id": user,
                "role": role,
                "park_id": where.pk if in_park else None,
                "alliance_id": where.pk if role == Role.ALLIANCE_VIEWER else None,
                "can_view_personal_data": False,
            }
        )
        if in_park:
            by_park[where.pk][role] = user
    _store(Membership, memberships)
    return by_park


# ------------------------------------------------------- one park's records
def _industries(data: ParkData) -> None:
    """The demo's industry tree: three leading industries, chains, segments."""
    from parkops.core.models import Industry
    from parkops.demo.data import INDUSTRIES

    def level(nodes, number):
        rows = [
            {
                "park_id": data.park.pk,
                "code": code,
                "name": name,
                "parent_id": parent,
                "level": number,
            }
            for parent, code, name in nodes
        ]
        return _store(Industry, rows)

    leading = level([(None, code, name) for code, name, _ in INDUSTRIES], 1)
    chains = [
        (top, code, name, segments)
        for top, (_c, _n, tree) in zip(leading, INDUSTRIES, strict=True)
        for code, name, segments in tree
    ]
    chain_ids = level([(top, code, name) for top, code, name, _ in chains], 2)
    segments = [
        (chain, code, name)
        for chain, (_top, _c, _n, pairs) in zip(chain_ids, chains, strict=True)
        for code, name in pairs
    ]
    ids = level(segments, 3)
    data.segments = [
        (code[:2], pk) for pk, (_chain, code, _name) in zip(ids, segments, strict=True)
    ]


def _units(data: ParkData) -> None:
    """An office with its bureaus and regional centres; the park's promotion
    officer is a member of each and heads the office."""
    from parkops.demo import data as demo
    from parkops.promotion.models import PromotionUnit, PromotionUnitMember

    park, officer = data.park, data.users[Role.PROMOTION_OFFICER]

    def unit(code, name, kind, parent=None, head=None):
        return {
            "park_id": park.pk,
            "code": code,
            "name": name,
            "name_pinyin": _keys(name)[0],
            "kind": kind,
            "parent_id": parent,
            "head_id": head,
        }

    [office] = _store(PromotionUnit, [unit(*demo.OFFICE, PromotionUnit.Kind.OFFICE, head=officer)])
    below = [unit(c, n, PromotionUnit.Kind.BUREAU, office) for c, n in demo.BUREAUS]
    below += [
        unit(c, n, PromotionUnit.Kind.REGIONAL_CENTRE, office) for c, n in demo.REGIONAL_CENTRES
    ]
    data.units = [office, *_store(PromotionUnit, below)]
    _store(
        PromotionUnitMember,
        [{"park_id": park.pk, "unit_id": pk, "user_id": officer} for pk in data.units],
    )


def _enterprise_name(rng: random.Random, leading: str) -> tuple[str, ...]:
    """The parts of an invented company name: place, brand, trade, form."""
    from parkops.demo import data as demo

    head = rng.choice(demo.NAME_HEADS + [city for city, _region in demo.TARGET_CITIES])
    return (
        head,
        rng.choice(BRAND_CHARS),
        rng.choice(BRAND_CHARS),
        rng.choice(demo.NAME_CORES[leading]),
        rng.choice(FORMS),
    )


def _enterprises(data: ParkData, count: int) -> None:
    """Settled enterprises (70 %: the park's region, a commissioner, a third of
    them above-scale) and prospects courted elsewhere (30 %)."""
    from parkops.demo import data as demo
    from parkops.demo.loader import demo_uscc
    from parkops.enterprises.models import Enterprise

    park, rng = data.park, data.rng
    commissioner = data.users[Role.SERVICE_OFFICER]
    names, codes, rows = set(), set(), []
    while len(rows) < count:
        leading, industry = rng.choice(data.segments)
        parts = _enterprise_name(rng, leading)
        name = "".join(parts)
        if name in names:
            continue
        prospect = rng.random() < 0.3
        region = rng.choice(demo.TARGET_CITIES)[1] if prospect else park.region
        uscc = demo_uscc(rng, region)
        if uscc in codes:
            continue
        names.add(name)
        codes.add(uscc)
        settled_on = since = None
        entered = _between(rng, START, END)
        if not prospect:
            settled_on = _between(rng, datetime.date(2010, 1, 1), END)
            entered = max(settled_on, START)
            if rng.random() < 0.35:
                since = settled_on + datetime.timedelta(days=rng.randint(180, 1500))
                since = since if since <= END else None
        full, initials = _keys(*parts)
        rows.append(
            {
                "park_id": park.pk,
                "name": name,
                "uscc": uscc,
                "registered_region": region,
                "industry_id": industry,
                "status": "prospect" if prospect else "settled",
                "settled_on": settled_on,
                "above_scale": since is not None,
                "above_scale_since": since,
                "commissioner_id": None if prospect else commissioner,
                "name_pinyin": full,
                "name_initials": initials,
                "created_at": _at(entered),
                "updated_at": _at(entered),
            }
        )
    ids = _store(Enterprise, rows)
    data.enterprises = [(pk, row["registered_region"]) for pk, row in zip(ids, rows, strict=True)]
    data.enterprise_industry = {pk: row["industry_id"] for pk, row in zip(ids, rows, strict=True)}
    data.enterprise_region = dict(data.enterprises)


def _institutions(data: ParkData, count: int) -> None:
    from parkops.demo import data as demo
    from parkops.promotion.models import Institution

    rows = []
    for number in range(count):
        name, kind, region = demo.INSTITUTIONS[number % len(demo.INSTITUTIONS)]
        if number >= len(demo.INSTITUTIONS):
            name = f"{name}（第{number // len(demo.INSTITUTIONS) + 1}联络处）"
        rows.append(
            {
                "park_id": data.park.pk,
                "name": name,
                "name_pinyin": pinyin_keys(name)[0],
                "kind": kind,
                "region": region,
            }
        )
    data.institutions = _store(Institution, rows)


def _visits(data: ParkData, count: int) -> None:
    """Visits spread over the years, 85 % to enterprises, in date order, each
    made by the park's promotion officer (one ``VisitStaff`` row)."""
    from parkops.demo import data as demo
    from parkops.promotion.models import Visit, VisitStaff

    park, rng = data.park, data.rng
    officer = data.users[Role.PROMOTION_OFFICER]
    cities = {region: city for city, region in demo.TARGET_CITIES}
    plan = []
    for _ in range(count):
        day = _between(rng, START, END)
        if data.institutions and rng.random() < 0.15:
            plan.append((day, None, rng.choice(data.institutions), ""))
        else:
            enterprise, region = rng.choice(data.enterprises)
            plan.append((day, enterprise, None, cities.get(region, "")))
    plan.sort(key=lambda row: row[0])
    rows = [
        {
            "park_id": park.pk,
            "date": day,
            "unit_id": rng.choice(data.units),
            "enterprise_id": enterprise,
            "institution_id": institution,
            "city": city,
            "purpose": rng.choice(demo.VISIT_PURPOSES),
            "outcome": rng.choice(demo.VISIT_OUTCOMES),
            "created_at": _at(day),
        }
        for day, enterprise, institution, city in plan
    ]
    ids = _store(Visit, rows)
    _store(VisitStaff, [{"park_id": park.pk, "visit_id": pk, "user_id": officer} for pk in ids])
    data.visits = [
        (day, pk, enterprise) for pk, (day, enterprise, _i, _c) in zip(ids, plan, strict=True)
    ]


def _path(rng: random.Random) -> list[str]:
    """The stages a project passes through, LEAD first, to the one it is meant
    to end at (the dates may stop it earlier)."""
    from parkops.projects.models import LIFECYCLE, Stage

    target = rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()))[0]
    if target in (Stage.DROPPED, Stage.ON_HOLD):
        held_at = rng.choices(LIFECYCLE[:5], weights=[40, 30, 15, 10, 5])[0]
        return [*LIFECYCLE[: LIFECYCLE.index(held_at) + 1], target]
    return list(LIFECYCLE[: LIFECYCLE.index(target) + 1])


@dataclass
class _Plan:
    """One project's lifecycle as generated: its stage dates and amounts."""

    id: int
    owner_unit: int
    lead_on: datetime.date
    reached: dict[str, datetime.date]
    moves: list[tuple[str, str, datetime.date]]
    planned: Decimal


def _lifecycle(rng: random.Random, lead_on: datetime.date) -> list[tuple[str, str, datetime.date]]:
    """(from, to, date) of each move, ``("", lead)`` first; each 15–150 days
    after the one before, none after ``END``."""
    moves, day, previous = [], lead_on, ""
    for stage in _path(rng):
        if previous:
            day += datetime.timedelta(days=rng.randint(15, 150))
            if day > END:
                break
        moves.append((previous, stage, day))
        previous = stage
    return moves


def _projects(data: ParkData, count: int) -> None:
    """Projects with their STAGE events (following ``TRANSITIONS``), five
    milestones each, and for those that started their monthly investment,
    annual plans and (the big ones) major listings."""
    from parkops.demo.projects import KINDS
    from parkops.projects.models import Project, Stage

    park, rng = data.park, data.rng
    promoter = data.users[Role.PROMOTION_OFFICER]
    project_officer = data.users[Role.PROJECT_OFFICER]
    visit_days = [visit[0] for visit in data.visits]
    rows, plans = [], []
    for number in range(count):
        lead_on = _between(rng, START, END)
        investor, region = rng.choice(data.enterprises)
        # No promotion events are generated, so no lead comes from one.
        source, source_visit = rng.choice(["referral", "online", "other"]), None
        # Two in five leads come from a recent visit to the investor.
        if rng.random() < 0.4:
            before = bisect.bisect_left(visit_days, lead_on)
            recent = [v for v in data.visits[max(0, before - 200) : before] if v[2]]
            if recent:
                _day, source_visit, investor = rng.choice(recent)
                source = Project.Source.VISIT
                region = data.enterprise_region[investor]
        moves = _lifecycle(rng, lead_on)
        reached = {to: day for _from, to, day in moves}
        planned_wan = min(max(rng.lognormvariate(math.log(20000), 1.0), 300), 1_000_000)
        signed = Stage.SIGNED in reached
        unit = rng.choice(data.units)
        brand, kind = _brand(number), rng.choice(KINDS)
        rows.append(
            {
                "park_id": park.pk,
                "name": f"{brand}{kind}",
                "name_pinyin": _keys(brand[0], brand[1], kind)[0],
                "investor_id": investor,
                "industry_id": data.enterprise_industry[investor],
                "planned_investment": _wan(planned_wan),
                "source": source,
                "source_visit_id": source_visit,
                "origin_region": region,
                "first_contact_unit_id": unit,
                "first_contact_officer_id": promoter,
                "owner_unit_id": unit,
                "owner_officer_id": project_officer if signed else promoter,
                "stage": moves[-1][1],
                "stage_on": moves[-1][2],
                "signed_amount": _wan(planned_wan * rng.uniform(0.8, 1.0)) if signed else None,
                "created_at": _at(lead_on),
            }
        )
        plans.append(_Plan(0, unit, lead_on, reached, moves, _wan(planned_wan)))
    for pk, plan in zip(_store(Project, rows), plans, strict=True):
        plan.id = pk
    _stage_events(data, plans)
    _milestones(data, plans)
    _investment(data, plans)


def _stage_events(data: ParkData, plans: list[_Plan]) -> None:
    """One STAGE event per move, recorded by the officer of its stage, with a
    reason for a drop or a hold."""
    from parkops.demo.projects import DROP_REASONS, HOLD_REASONS
    from parkops.projects.models import ProjectEvent, Stage

    rng = data.rng
    reasons = {Stage.DROPPED: DROP_REASONS, Stage.ON_HOLD: HOLD_REASONS}
    rows = []
    for plan in plans:
        for from_stage, to_stage, day in plan.moves:
            early = to_stage in (Stage.LEAD, Stage.NEGOTIATING)
            rows.append(
                {
                    "park_id": data.park.pk,
                    "project_id": plan.id,
                    "kind": ProjectEvent.Kind.STAGE,
                    "from_stage": from_stage,
                    "to_stage": to_stage,
                    "on_date": day,
                    "recorded_by_id": data.users[
                        Role.PROMOTION_OFFICER if early else Role.PROJECT_OFFICER
                    ],
                    "recorded_at": _at(day),
                    "reason": rng.choice(reasons[to_stage]) if to_stage in reasons else "",
                    "details": {},
                }
            )
    _store(ProjectEvent, rows)


def _brand(number: int) -> str:
    """A project's brand: two characters, unique-ish within a park."""
    first, second = divmod(number, len(BRAND_CHARS))
    return BRAND_CHARS[first % len(BRAND_CHARS)] + BRAND_CHARS[second]


# (kind, planned days after the base date, the stage whose date is its actual date)
MILESTONES = (
    ("land_supplied", 30, "ready"),
    ("construction_permit", 75, "started"),
    ("started", 120, "started"),
    ("production", 420, "producing"),
    ("entered_statistics", 480, "producing"),
)


def _milestones(data: ParkData, plans: list[_Plan]) -> None:
    """Five milestones per project, planned from the signing (or half a year
    after the lead); reached when the project reached their stage."""
    from parkops.projects.models import Milestone

    park, rng = data.park, data.rng
    officer = data.users[Role.PROJECT_OFFICER]
    rows = []
    for plan in plans:
        base = plan.reached.get("signed", plan.lead_on + datetime.timedelta(days=180))
        for position, (kind, offset, stage) in enumerate(MILESTONES):
            actual = plan.reached.get(stage)
            if actual is not None and kind == "entered_statistics":
                actual += datetime.timedelta(days=rng.randint(30, 200))
                actual = actual if actual <= END else None
            rows.append(
                {
                    "park_id": park.pk,
                    "project_id": plan.id,
                    "kind": kind,
                    "name": "",
                    "position": position,
                    "planned_on": base + datetime.timedelta(days=offset + rng.randint(-10, 20)),
                    "actual_on": actual,
                    "actual_by_id": officer if actual else None,
                    "responsible_unit_id": plan.owner_unit,
                    "responsible_officer_id": officer,
                }
            )
    _store(Milestone, rows)


def _investment(data: ParkData, plans: list[_Plan]) -> None:
    """For each project that started: its investment month by month from the
    start until it was completed (or dropped, held, or the end), an annual plan
    per year, and a provincial (10亿+) or municipal (5亿+) listing per year."""
    from parkops.projects.models import AnnualPlan, InvestmentEntry, MajorListing

    park, rng = data.park, data.rng
    entries, annual, listings = [], [], []
    for plan in plans:
        started = plan.reached.get("started")
        if started is None:
            continue
        last = plan.reached.get("completed") or (
            plan.moves[-1][2] if plan.moves[-1][1] in ("dropped", "on_hold") else END
        )
        monthly = plan.planned / 24
        month = _first_of_month(started)
        while month <= last:
            amount = _to_wan(monthly * Decimal(rng.uniform(0.3, 1.7)))
            entries.append(
                {"park_id": park.pk, "project_id": plan.id, "month": month, "amount": amount}
            )
            month = _next_month(month)
        years = range(started.year, last.year + 1)
        for year in years:
            annual.append(
                {
                    "park_id": park.pk,
                    "project_id": plan.id,
                    "year": year,
                    "amount": _to_wan(plan.planned / 2),
                }
            )
            if plan.planned >= 500_000_000:
                level = "provincial" if plan.planned >= 1_000_000_000 else "municipal"
                listings.append(
                    {"park_id": park.pk, "project_id": plan.id, "year": year, "level": level}
                )
    _store(InvestmentEntry, entries)
    _store(AnnualPlan, annual)
    _store(MajorListing, listings)


# --------------------------------------------------------------- the whole
def generated_models() -> list:
    """The models the generator fills, parents before children."""
    from parkops.accounts.models import Membership, User
    from parkops.core.models import Alliance, Industry, Park
    from parkops.enterprises.models import Enterprise
    from parkops.projects.models import (
        AnnualPlan,
        InvestmentEntry,
        MajorListing,
        Milestone,
        Project,
        ProjectEvent,
    )
    from parkops.promotion.models import (
        Institution,
        PromotionUnit,
        PromotionUnitMember,
        Visit,
        VisitStaff,
    )

    return [
        Park,
        Alliance,
        Alliance.members.through,
        User,
        Membership,
        Industry,
        PromotionUnit,
        PromotionUnitMember,
        Institution,
        Enterprise,
        Visit,
        VisitStaff,
        Project,
        ProjectEvent,
        Milestone,
        InvestmentEntry,
        AnnualPlan,
        MajorListing,
    ]


def _all(model):
    from parkops.core.scoping import ParkScopedModel

    # The generator acts for no user: all parks (the one explicit bypass).
    return model.objects.unscoped() if issubclass(model, ParkScopedModel) else model.objects.all()


def table_counts() -> dict[str, int]:
    """Rows per generated model, by label (``enterprises.enterprise``)."""
    return {model._meta.label_lower: _all(model).count() for model in generated_models()}


def generate_province(
    parks: int = 50, scale: float = 1.0, seed: int = 16, stdout=None, append: bool = False
) -> dict[str, int]:
    """Fill the database with ``parks`` synthetic parks at ``scale`` (see the
    module's docstring); return the rows per generated model."""
    from parkops.core.models import Park

    if parks < 1 or scale <= 0:
        raise ValueError("Give at least one park and a positive scale.")
    existing = Park.objects.count()
    if existing and not append:
        raise DatabaseNotEmpty(
            f"The database already has {existing} parks: generate into an empty database, "
            "or pass --append to add parks after them."
        )

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    started = time.perf_counter()
    sizes = park_sizes(parks, seed)
    with transaction.atomic():
        created = _parks(parks, existing + 1)
        alliances = _alliances(created)
        users = _users(created, alliances, seed)
        for number, (park, size) in enumerate(zip(created, sizes, strict=True), existing + 1):
            rng = random.Random(f"{seed}-{number}")  # noqa: S311 - reproducible data
            data = ParkData(park=park, rng=rng, users=users[park.pk])
            _industries(data)
            _units(data)
            _enterprises(data, planned(PER_PARK["enterprises"], scale, size))
            _institutions(data, planned(PER_PARK["institutions"], scale, size))
            _visits(data, planned(PER_PARK["visits"], scale, size))
            _projects(data, planned(PER_PARK["projects"], scale, size))
            if number % 10 == 0 or number == existing + parks:
                say(f"{number - existing}/{parks} parks ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        # Statistics as autovacuum would leave them: without, PostgreSQL's
        # planner takes freshly filled tables for small ones.
        cursor.execute("ANALYZE")
    return table_counts()


def checksum() -> str:
    """A SHA-256 of every generated row, the same for the same rows whatever
    their ids and order: ids are replaced by each row's place in its table (by id), and
    the users' sign-up and password times (the time of the run) left out."""
    from django.db import models

    skipped = {"password_changed_at", "date_joined", "last_login"}
    places: dict = {}
    for model in generated_models():
        ids = _all(model).order_by("pk").values_list("pk", flat=True)
        places[model] = {pk: place for place, pk in enumerate(ids)}
    digest = hashlib.sha256()
    for model in generated_models():
        fields = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.name not in skipped
        ]
        digest.update(model._meta.label_lower.encode())
        # Each table's rows in the order of their contents, not of their ids:
        # Django adds many-to-many rows (an alliance's members) in the order of
        # a set of ids, which on PostgreSQL, whose sequences a rolled-back run
        # does not rewind, can differ between two runs of the same seed.
        rows = [
            repr(
                [
                    places.get(f.related_model, {}).get(value, value)
                    if isinstance(f, models.ForeignKey)
                    else value
                    for f, value in zip(fields, row, strict=True)
                ]
            )
            for row in _all(model).order_by("pk").values_list(*[f.attname for f in fields])
        ]
        for row in sorted(rows):
            digest.update(row.encode())
    return digest.hexdigest()
