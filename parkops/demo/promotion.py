"""The demo's promotion work: units of the partner parks, promotion officers,
institutions and visits that reproduce the report card's promotion figures
(MECHANISMS.md: 累计拜访企业 and 对接各类行业机构 in H1 2023).

Idempotent and quick: visits carry a reference (编号); a run creates only the
references not yet there, through the same services users go through.
"""

from __future__ import annotations

import datetime
import random

from parkops.core import audit
from parkops.core.models import Industry, Park
from parkops.core.permissions import SYSTEM, Role
from parkops.core.regions import region_name
from parkops.demo import data
from parkops.enterprises import services as enterprise_services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.uscc import make_uscc
from parkops.promotion import services
from parkops.promotion.models import Institution, PromotionUnit, Visit

# Half years: (first day, number of days) of the visits' dates.
H1_2023 = (datetime.date(2023, 1, 3), 178)
H1_2022 = (datetime.date(2022, 1, 4), 177)


def _day(rng: random.Random, span) -> datetime.date:
    first, days = span
    return first + datetime.timedelta(days=rng.randrange(days))


def _targets(park: Park, industries: dict, count: int) -> list[Enterprise]:
    """``count`` prospects courted from other cities (named from TARGET_CITIES)."""
    rng = random.Random(f"{park.code}-targets")
    cores = [(lead, core) for lead, names in data.NAME_CORES.items() for core in names]
    segments = {
        lead: [seg for _c, _n, segs in chains for seg, _s in segs]
        for lead, _name, chains in data.INDUSTRIES
    }
    wanted, names = [], set()
    while len(wanted) < count:
        city, region = rng.choice(data.TARGET_CITIES)
        lead, core = rng.choice(cores)
        name = f"{city}{core}{rng.choice(data.TARGET_FORMS)}"
        if name not in names:
            names.add(name)
            wanted.append((name, region, rng.choice(segments[lead])))
    existing = {
        e.name: e
        for e in Enterprise.objects.unscoped().filter(park=park, name__in=[w[0] for w in wanted])
    }
    found = []
    for name, region, segment in wanted:
        enterprise = existing.get(name)
        if enterprise is None:
            digits = "".join(rng.choice("0123456789") for _ in range(9))
            enterprise = enterprise_services.enterprise_create(
                park=park,
                actor=SYSTEM,
                name=name,
                uscc=make_uscc("91" + region + digits),
                registered_region=region,
                industry=industries.get(segment),
                status=Enterprise.Status.PROSPECT,
            )
        found.append(enterprise)
    return found


def _institutions(park: Park, industries: list[Industry], count: int) -> list[Institution]:
    rng = random.Random(f"{park.code}-institutions")
    existing = {i.name: i for i in Institution.objects.unscoped().filter(park=park)}
    found = []
    for name, kind, region in data.INSTITUTIONS[:count]:
        institution = existing.get(name)
        if institution is None:
            institution = services.institution_create(
                park=park,
                actor=SYSTEM,
                name=name,
                kind=kind,
                region=region,
                industries=rng.sample(industries, k=min(2, len(industries))),
            )
        found.append(institution)
    return found


def _officers(users_by_park: dict, units: dict, park: Park):
    """The park's (unit, officers) pairs that log visits."""
    pairs = []
    for unit_code, officers in users_by_park.get(park.code, {}).items():
        pairs.append((units[(park.code, unit_code)], officers))
    return pairs


def _plan(rng, enterprises, institutions, spans) -> list[tuple]:
    """(date, enterprise or None, institution or None) per visit. ``spans`` is
    [(span, distinct enterprises, distinct institutions, repeat visits)]."""
    plan = []
    for span, n_enterprises, n_institutions, repeats in spans:
        chosen = rng.sample(enterprises, n_enterprises)
        engaged = rng.sample(institutions, n_institutions)
        plan += [(_day(rng, span), e, None) for e in chosen]
        plan += [(_day(rng, span), None, i) for i in engaged]
        # Second visits: they do not change the distinct counts.
        plan += [(_day(rng, span), rng.choice(chosen), None) for _ in range(repeats)]
        plan += [(_day(rng, span), None, rng.choice(engaged)) for _ in range(repeats // 4)]
    return plan


def _log(park: Park, pairs, plan, rng) -> int:
    refs = set(Visit.objects.unscoped().filter(park=park).values_list("ref", flat=True))
    created = 0
    for number, (day, enterprise, institution) in enumerate(plan, 1):
        unit, officers = pairs[number % len(pairs)]
        ref = f"BF-{park.code}-{number:04d}"
        if ref in refs:
            continue
        purpose = rng.choice(data.VISIT_PURPOSES)
        fields = {}
        if number % 5 == 0:
            fields = {
                "next_step": "报送项目资料并安排来园考察",
                "next_step_working_days": 5,
                "next_step_owner": officers[0],
            }
        services.visit_create(
            park=park,
            actor=SYSTEM,
            ref=ref,
            date=day,
            unit=unit,
            staff=officers,
            enterprise=enterprise,
            institution=institution,
            city=region_name(enterprise.registered_region) if enterprise else "苏州市",
            country="中国",
            purpose=purpose,
            outcome=rng.choice(data.VISIT_OUTCOMES),
            **fields,
        )
        created += 1
    return created


def load_promotion(*, main: Park, partners: list[Park], users: dict, make_user, grant) -> None:
    """Partner offices, promotion staff, institutions and visits. Called inside
    the demo's transaction, which holds the audit chain head once for its
    thousand-odd entries (as an import does)."""
    with audit.chain_held():
        _load_promotion(main=main, partners=partners, users=users, make_user=make_user, grant=grant)


def _load_promotion(*, main: Park, partners: list[Park], users: dict, make_user, grant) -> None:
    units = {
        (park.code, unit.code): unit
        for park in [main, *partners]
        for unit in PromotionUnit.objects.unscoped().filter(park=park)
    }
    for partner in partners:
        key = (partner.code, data.PARTNER_OFFICE[0])
        if key not in units:
            units[key] = services.unit_create(
                park=partner,
                actor=SYSTEM,
                code=data.PARTNER_OFFICE[0],
                name=data.PARTNER_OFFICE[1],
                kind=PromotionUnit.Kind.OFFICE,
            )
    staff: dict[str, dict[str, list]] = {}
    for username, full_name, park_code, unit_code in data.PROMOTION_STAFF:
        user = users.get(username) or make_user(username, full_name)
        park = main if park_code == main.code else next(p for p in partners if p.code == park_code)
        grant(user, Role.PROMOTION_OFFICER, park=park)
        unit = units[(park_code, unit_code)]
        if not unit.members.filter(pk=user.pk).exists():
            units[(park_code, unit_code)] = services.unit_update(
                unit=unit, actor=SYSTEM, members=[*unit.members.all(), user], head=unit.head or user
            )
        staff.setdefault(park_code, {}).setdefault(unit_code, []).append(user)
    # The main park's demo promotion officer logs with the electronics bureau.
    staff[main.code].setdefault("FJ-EI", []).insert(0, users["promoter"])

    # 苏宿工业园区: the article's figures in H1 2023, the same half of 2022 to compare.
    main_industries = {i.code: i for i in Industry.objects.unscoped().filter(park=main)}
    settled = list(Enterprise.objects.unscoped().filter(park=main).order_by("name_pinyin", "pk"))
    targets = _targets(main, main_industries, 260)
    pool = [*settled, *targets]
    segments = [i for i in main_industries.values() if i.level == Industry.Level.SEGMENT]
    institutions = _institutions(main, segments, len(data.INSTITUTIONS))
    rng = random.Random("sszy-visits")
    plan = _plan(
        rng,
        pool,
        institutions,
        [
            (H1_2023, data.VISITED_ENTERPRISES_2023_H1, data.ENGAGED_INSTITUTIONS_2023_H1, 40),
            (H1_2022, data.VISITED_ENTERPRISES_2022_H1, data.ENGAGED_INSTITUTIONS_2022_H1, 12),
        ],
    )
    _log(main, _officers(staff, units, main), plan, rng)

    # The partner parks: a smaller office's work over the same halves.
    for partner in partners:
        rng = random.Random(f"{partner.code}-visits")
        leading = list(Industry.objects.unscoped().filter(park=partner))
        enterprises = list(Enterprise.objects.unscoped().filter(park=partner).order_by("pk"))
        institutions = _institutions(partner, leading, 8)
        plan = _plan(
            rng,
            enterprises,
            institutions,
            [(H1_2023, min(10, len(enterprises)), 5, 4), (H1_2022, min(6, len(enterprises)), 3, 0)],
        )
        _log(partner, _officers(staff, units, partner), plan, rng)
