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
from parkops.promotion.models import (
    Institution,
    PromotionEvent,
    PromotionEventEnterprise,
    PromotionUnit,
    Visit,
)

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

    # After the visits: the trip's new prospects must not change their plan.
    _load_events(main=main, partners=partners, staff=staff, units=units, users=users)


# ---------------------------------------------------------------------- events
def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _event(park: Park, ref: str, existing: dict, **fields) -> PromotionEvent:
    """The event ``ref`` of ``park``, created through the service if missing."""
    if ref in existing:
        return existing[ref]
    event = services.event_create(park=park, actor=SYSTEM, ref=ref, **fields)
    existing[ref] = event
    return event


def _trip_prospects(park: Park) -> list[Enterprise]:
    """The foreign prospects first met on the trip (registered abroad: no credit code)."""
    industries = {i.code: i for i in Industry.objects.unscoped().filter(park=park)}
    existing = {
        e.name: e
        for e in Enterprise.objects.unscoped().filter(
            park=park, name__in=[name for name, _code in data.TRIP_PROSPECTS]
        )
    }
    found = []
    for name, segment in data.TRIP_PROSPECTS:
        enterprise = existing.get(name) or enterprise_services.enterprise_create(
            park=park,
            actor=SYSTEM,
            name=name,
            industry=industries.get(segment),
            status=Enterprise.Status.PROSPECT,
        )
        found.append(enterprise)
    return found


def _visited_in_h1_2023(park: Park, party: str) -> list:
    """Ids of the ``party`` records visited in H1 2023 (the trip's own visits aside)."""
    first, days = H1_2023
    rows = (
        Visit.objects.unscoped()
        .filter(park=park, date__gte=first, date__lt=first + datetime.timedelta(days=days))
        .filter(**{f"{party}__isnull": False})
        .exclude(ref__startswith=f"BF-{park.code}-TRIP-")
    )
    return sorted(set(rows.values_list(f"{party}_id", flat=True)))


def _load_trip(main: Park, trip: PromotionEvent, unit, officers) -> None:
    """The enterprises and institutions met in Japan and Singapore, and the
    visits made there. The visits go to prospects and institutions already
    visited in H1 2023: the card's distinct counts (312, 34) do not move."""
    visited = set(_visited_in_h1_2023(main, "enterprise"))
    courted = list(
        Enterprise.objects.unscoped()
        .filter(park=main, pk__in=visited, status=Enterprise.Status.PROSPECT)
        # Courted from other cities: companies with offices abroad.
        .filter(registered_region__in=[region for _city, region in data.TARGET_CITIES])
        .order_by("name_pinyin", "pk")
    )
    rng = random.Random("sszy-trip")
    called_on = rng.sample(courted, k=min(len(data.TRIP_VISITS), len(courted)))
    engaged = set(_visited_in_h1_2023(main, "institution"))
    institutions = list(
        Institution.objects.unscoped().filter(park=main, name__in=data.TRIP_INSTITUTIONS)
    )
    if not PromotionEventEnterprise.objects.unscoped().filter(event=trip).exists():
        services.event_update(
            event=trip,
            actor=SYSTEM,
            enterprises=[*_trip_prospects(main), *called_on],
            institutions=institutions,
        )
    refs = set(
        Visit.objects.unscoped()
        .filter(park=main, ref__startswith=f"BF-{main.code}-TRIP-")
        .values_list("ref", flat=True)
    )
    # Institutions by country of the city, only those engaged in the half already.
    by_country = {
        "日本": [i for i in institutions if i.pk in engaged and ("日本" in i.name)],
        "新加坡": [i for i in institutions if i.pk in engaged and ("新加坡" in i.name)],
    }
    plan = [
        (day, city, country, purpose, enterprise, None)
        for (day, city, country, purpose), enterprise in zip(
            data.TRIP_VISITS, called_on, strict=False
        )
    ]
    for day, city, country, purpose in data.TRIP_INSTITUTION_VISITS:
        if by_country[country]:
            plan.append((day, city, country, purpose, None, by_country[country][0]))
    for number, (day, city, country, purpose, enterprise, institution) in enumerate(plan, 1):
        ref = f"BF-{main.code}-TRIP-{number:02d}"
        if ref in refs:
            continue
        services.visit_create(
            park=main,
            actor=SYSTEM,
            ref=ref,
            date=_date(day),
            unit=unit,
            staff=officers,
            enterprise=enterprise,
            institution=institution,
            city=city,
            country=country,
            purpose=purpose,
            outcome=rng.choice(data.VISIT_OUTCOMES),
            event=trip,
        )


def _load_events(*, main: Park, partners: list[Park], staff: dict, units: dict, users) -> None:
    """招商活动: 苏宿工业园区's fairs, roadshows, forum, the joint event of the
    alliance and the May 2023 trip to Japan and Singapore; two events for each
    partner park. Idempotent by reference (编号)."""
    people = {
        user.username: user for units_ in staff.values() for us in units_.values() for user in us
    }
    people["promoter"] = users["promoter"]
    parks = {park.code: park for park in partners}
    existing = {
        e.ref: e for e in PromotionEvent.objects.unscoped().filter(park__in=[main, *partners])
    }
    main_enterprises = list(
        Enterprise.objects.unscoped().filter(park=main).order_by("name_pinyin", "pk")
    )
    rng = random.Random("sszy-events")
    for (
        ref,
        name,
        kind,
        first,
        last,
        city,
        country,
        unit_code,
        who,
        partner_codes,
    ) in data.MAIN_EVENTS:
        fields = {}
        if ref != data.TRIP_REF:
            fields["enterprises"] = rng.sample(main_enterprises, k=4)
        event = _event(
            main,
            ref,
            existing,
            name=name,
            kind=kind,
            start_date=_date(first),
            end_date=_date(last),
            city=city,
            country=country,
            organiser_unit=units[(main.code, unit_code)],
            staff=[people[username] for username in who],
            partner_parks=[parks[code] for code in partner_codes],
            description=data.TRIP_DESCRIPTION if ref == data.TRIP_REF else "",
            outcome=data.TRIP_OUTCOME if ref == data.TRIP_REF else "",
            **fields,
        )
        if ref == data.TRIP_REF:
            trip_staff = [people[username] for username in who]
            _load_trip(main, event, units[(main.code, unit_code)], trip_staff)

    for partner in partners:
        city = data.PARTNER_EVENT_CITIES[partner.code]
        office = units[(partner.code, data.PARTNER_OFFICE[0])]
        officers = [user for us in staff.get(partner.code, {}).values() for user in us]
        enterprises = list(
            Enterprise.objects.unscoped().filter(park=partner).order_by("name_pinyin", "pk")
        )
        prng = random.Random(f"{partner.code}-events")
        for ref, name, kind, first, last, where in (
            (
                f"HD-{partner.code}-2022-01",
                "2022中国（江苏）国际装备制造业博览会",
                "fair",
                "2022-09-21",
                "2022-09-23",
                "南京",
            ),
            (
                f"HD-{partner.code}-2023-01",
                f"{partner.short_name}（{city}）产业招商推介会",
                "roadshow",
                "2023-03-28",
                "2023-03-28",
                city,
            ),
        ):
            _event(
                partner,
                ref,
                existing,
                name=name,
                kind=kind,
                start_date=_date(first),
                end_date=_date(last),
                city=where,
                country="中国",
                organiser_unit=office,
                staff=officers,
                enterprises=prng.sample(enterprises, k=min(3, len(enterprises))),
            )
