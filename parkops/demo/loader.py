"""Load the demo data set idempotently, through the same services users go through."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from parkops.accounts import services as account_services
from parkops.accounts.models import Membership, User
from parkops.core import services as core_services
from parkops.core.models import Alliance, Industry, Park
from parkops.core.permissions import SYSTEM
from parkops.demo import data
from parkops.demo.board import load_board
from parkops.demo.delivery import load_delivery
from parkops.demo.projects import load_projects
from parkops.demo.promotion import load_promotion
from parkops.enterprises import services as enterprise_services
from parkops.enterprises.models import Contact, Enterprise
from parkops.enterprises.uscc import make_uscc
from parkops.promotion import services as promotion_services
from parkops.promotion.models import PromotionUnit

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(rng: random.Random) -> str:
    """A nine-character organisation code with its GB 11714 check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def demo_uscc(rng: random.Random, region: str) -> str:
    """A valid credit code of a company (登记管理部门 9, 类别 1) registered in ``region``."""
    return make_uscc("91" + region + organisation_code(rng))


def _park(spec: dict) -> Park:
    park = Park.objects.filter(code=spec["code"]).first()
    fields = {k: v for k, v in spec.items() if k != "code"}
    if park is None:
        return core_services.park_create(actor=SYSTEM, code=spec["code"], **fields)
    return core_services.park_update(park=park, actor=SYSTEM, **fields)


def _industries(park: Park, tree) -> dict[str, Industry]:
    by_code: dict[str, Industry] = {}

    def upsert(code, name, parent):
        existing = Industry.objects.unscoped().filter(park=park, code=code).first()
        if existing is None:
            node = core_services.industry_create(
                park=park, actor=SYSTEM, code=code, name=name, parent=parent
            )
        else:
            node = core_services.industry_update(
                industry=existing, actor=SYSTEM, name=name, parent=parent
            )
        by_code[code] = node
        return node

    for code, name, chains in tree:
        leading = upsert(code, name, None)
        for chain_code, chain_name, segments in chains:
            chain = upsert(chain_code, chain_name, leading)
            for segment_code, segment_name in segments:
                upsert(segment_code, segment_name, chain)
    return by_code


def _units(park: Park) -> dict[str, PromotionUnit]:
    units: dict[str, PromotionUnit] = {}

    def upsert(code, name, kind, parent):
        existing = PromotionUnit.objects.unscoped().filter(park=park, code=code).first()
        fields = {"name": name, "kind": kind, "parent": parent}
        if existing is None:
            unit = promotion_services.unit_create(park=park, actor=SYSTEM, code=code, **fields)
        else:
            unit = promotion_services.unit_update(unit=existing, actor=SYSTEM, **fields)
        units[code] = unit
        return unit

    office = upsert(*data.OFFICE, PromotionUnit.Kind.OFFICE, None)
    for code, name in data.BUREAUS:
        upsert(code, name, PromotionUnit.Kind.BUREAU, office)
    for code, name in data.REGIONAL_CENTRES:
        upsert(code, name, PromotionUnit.Kind.REGIONAL_CENTRE, office)
    for code, name in data.DEPT_TEAMS:
        upsert(code, name, PromotionUnit.Kind.DEPT_TEAM, office)
    return units


def _enterprise_specs(rng: random.Random, count: int, *, named: bool) -> list[dict]:
    """``count`` enterprises; the article's named ones first when ``named``."""
    specs = [
        {"name": name, "segment": segment, "status": status, "above_scale": above, "region": region}
        for name, segment, status, above, region in (data.NAMED_ENTERPRISES if named else [])
    ]
    names = {spec["name"] for spec in specs}
    segments = [
        (leading, segment_code)
        for leading, _name, chains in data.INDUSTRIES
        for _chain, _chain_name, segs in chains
        for segment_code, _segment_name in segs
    ]
    while len(specs) < count:
        leading, segment = rng.choice(segments)
        prospect = rng.random() < 0.3
        region = rng.choice(data.PROSPECT_REGIONS) if prospect else data.SETTLED_REGION
        place = "（宿迁）" if not prospect and rng.random() < 0.4 else ""
        name = f"{rng.choice(data.NAME_HEADS)}{rng.choice(data.NAME_CORES[leading])}{place}有限公司"
        if name in names:
            continue
        names.add(name)
        specs.append(
            {
                "name": name,
                "segment": segment,
                "status": "prospect" if prospect else "settled",
                "above_scale": (not prospect) and rng.random() < 0.35,
                "region": region,
            }
        )
    return specs


# 列统入规 per half year in the demo's main park: 2023-H1 against 2022-H1 is
# six against four (+50%); the rest entered statistics in other half years.
ENTERED_STATISTICS = ((2023, 1, 6), (2022, 1, 4))


def _demo_dates(park: Park, specs: list[dict]) -> list[tuple]:
    """(settled_on, above_scale_since) per spec, the same on every run: settled
    enterprises settled between 2012 and 2023, above-scale ones entered statistics
    later, ``ENTERED_STATISTICS`` of them in the report card's half years."""
    rng = random.Random(f"{park.code}-dates")  # apart from the names' random stream
    quota = [(year, half) for year, half, count in ENTERED_STATISTICS for _ in range(count)]
    if park.code != data.MAIN_PARK["code"]:
        quota = []
    dates = []
    for spec in specs:
        if spec["status"] != "settled":
            dates.append((None, None))
            continue
        since = None
        if spec["above_scale"]:
            if quota:
                year, half = quota.pop(0)
                month = rng.randint(6 * half - 5, 6 * half)
            else:
                year, month = rng.choice([*range(2016, 2022), 2022, 2023]), 12
            since = datetime.date(year, month, rng.randint(1, 28))
            settled = datetime.date(rng.randint(2012, year - 1), rng.randint(1, 12), 1)
        else:
            settled = datetime.date(rng.randint(2012, 2023), rng.randint(1, 12), rng.randint(1, 28))
        dates.append((settled, since))
    return dates


def _enterprises(
    park: Park, industries, rng: random.Random, count: int, commissioner, *, named=False
) -> int:
    created = 0
    specs = _enterprise_specs(rng, count, named=named)
    for spec, (settled_on, since) in zip(specs, _demo_dates(park, specs), strict=True):
        uscc = demo_uscc(rng, spec["region"])
        fields = {
            "name": spec["name"],
            "uscc": uscc,
            "registered_region": spec["region"],
            "industry": industries.get(spec["segment"]),
            "status": spec["status"],
            "settled_on": settled_on,
            "above_scale": spec["above_scale"],
            "above_scale_since": since,
            "commissioner": commissioner if spec["status"] == "settled" else None,
        }
        existing = Enterprise.objects.unscoped().filter(park=park, name=spec["name"]).first()
        if existing is None:
            enterprise_services.enterprise_create(park=park, actor=SYSTEM, **fields)
            created += 1
        else:
            enterprise_services.enterprise_update(enterprise=existing, actor=SYSTEM, **fields)
    return created


def _user(username: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            username=username,
            password=data.DEMO_PASSWORD,
            full_name=full_name,
            actor=SYSTEM,
            must_change=False,
            is_demo=True,
        )
    return user


def _grant(user, role, *, park=None, alliance=None) -> None:
    held = Membership.objects.filter(user=user, role=role, park=park, alliance=alliance)
    if not held.exists():
        account_services.membership_grant(
            user=user,
            role=role,
            park=park,
            alliance=alliance,
            actor=SYSTEM,
            can_view_personal_data=user.username in data.PERSONAL_DATA_USERS and park is not None,
        )


def _contacts(park: Park) -> None:
    for enterprise_name, name, title, phone in data.CONTACTS:
        enterprise = Enterprise.objects.unscoped().get(park=park, name=enterprise_name)
        if not Contact.objects.unscoped().filter(enterprise=enterprise, name=name).exists():
            enterprise_services.contact_create(
                enterprise=enterprise, actor=SYSTEM, name=name, title=title, phone=phone
            )


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Create or refresh the demo data; return (username, full name, role) per demo user."""
    main = _park(data.MAIN_PARK)
    partners = [_park(spec) for spec in data.PARTNER_PARKS]
    parks = {park.code: park for park in [main, *partners]}

    alliance = Alliance.objects.filter(name=data.ALLIANCE_NAME).first()
    members = list(parks.values())
    if alliance is None:
        alliance = core_services.alliance_create(
            actor=SYSTEM, name=data.ALLIANCE_NAME, lead_park=main, members=members
        )

    industries = _industries(main, data.INDUSTRIES)
    units = _units(main)
    for partner in partners:
        _industries(partner, [(code, name, []) for code, name, _chains in data.INDUSTRIES])

    users = {}
    printed = []
    for username, full_name, role, where, _unit_code in data.DEMO_USERS:
        user = _user(username, full_name)
        users[username] = user
        if where == "alliance":
            _grant(user, role, alliance=alliance)
        elif where is None:
            _grant(user, role)
        else:
            _grant(user, role, park=parks[where])
        printed.append((username, full_name, role))
    for username, role, where in data.EXTRA_MEMBERSHIPS:
        _grant(users[username], role, park=parks[where])

    # Officers work in a unit as its members (PromotionUnitMember); the first
    # named for a unit heads it.
    for username, _full_name, _role, _where, unit_code in data.DEMO_USERS:
        unit = units.get(unit_code) if unit_code else None
        if unit is None or unit.members.filter(pk=users[username].pk).exists():
            continue
        units[unit_code] = promotion_services.unit_update(
            unit=unit,
            actor=SYSTEM,
            members=[*unit.members.all(), users[username]],
            head=unit.head or users[username],
        )

    rng = random.Random(20230630)  # fixed seed: the same data on every run
    _enterprises(main, industries, rng, 80, users["service"], named=True)
    _contacts(main)
    for index, partner in enumerate(partners):
        partner_rng = random.Random(index + 1)
        partner_industries = {
            code: Industry.objects.unscoped().get(park=partner, code=code[:2])
            for _lead, _n, chains in data.INDUSTRIES
            for _c, _cn, segs in chains
            for code, _sn in segs
        }
        _enterprises(partner, partner_industries, partner_rng, 12, None)
    load_promotion(main=main, partners=partners, users=users, make_user=_user, grant=_grant)
    # Delivery first: the projects demo then records the handling steps of every
    # project not closed, the delivery demo's included, in one pass.
    load_delivery(main=main)
    load_projects(main=main, partners=partners)
    # Last: the board of today, over the projects both loaded.
    load_board(main=main)
    return printed
