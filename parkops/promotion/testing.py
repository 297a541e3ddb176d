"""Promotion factories and the test declarations of its registers."""

from __future__ import annotations

import datetime

from parkops.core.permissions import Role
from parkops.core.testing import Declaration, Endpoint, declare, make_user, unique
from parkops.core.text import pinyin_sort_key
from parkops.enterprises.testing import make_enterprise
from parkops.promotion.models import (
    Institution,
    InstitutionContact,
    PromotionEvent,
    PromotionEventEnterprise,
    PromotionEventInstitution,
    PromotionEventPark,
    PromotionEventStaff,
    PromotionUnit,
    PromotionUnitMember,
    Visit,
    VisitStaff,
)


def make_unit(park, **fields) -> PromotionUnit:
    defaults = {"code": unique("U"), "name": unique("招商分局"), "kind": PromotionUnit.Kind.BUREAU}
    data = {**defaults, **fields}
    return PromotionUnit.objects.create(
        park=park, name_pinyin=pinyin_sort_key(data["name"]), **data
    )


def make_officer(park, unit=None):
    """A promotion officer of ``park``, member of ``unit`` if given."""
    officer = make_user(Role.PROMOTION_OFFICER, park=park)
    if unit is not None:
        PromotionUnitMember.objects.create(park=park, unit=unit, user=officer)
    return officer


def unit_form(park) -> dict:
    return {"code": "FJ-X", "name": "新兴产业招商分局", "kind": PromotionUnit.Kind.BUREAU}


def unit_form_without_kind(park) -> tuple[dict, str]:
    return {"code": "FJ-Y", "name": "某分局", "kind": ""}, "kind"


def unit_round_trip(park):
    office = make_unit(park, code="ZSB", name="招商办", kind=PromotionUnit.Kind.OFFICE)
    make_unit(park, parent=office)
    make_unit(park, parent=office, kind=PromotionUnit.Kind.DEPT_TEAM)


UNIT = declare(
    Declaration(
        model=PromotionUnit,
        make=make_unit,
        round_trip=unit_round_trip,
        reader_role=Role.PROMOTION_OFFICER,
        writer_role=Role.PARK_ADMIN,
        form_data=unit_form,
        invalid_form_data=unit_form_without_kind,
        exempt={
            "promotion:structure": "no id; the active park's units only (test_structure)",
        },
    )
)


# ------------------------------------------------------------------ institutions
def make_institution(park, **fields) -> Institution:
    name = fields.pop("name", unique("江苏省测试产业协会"))
    defaults = {"kind": Institution.Kind.ASSOCIATION, "region": "320100"}
    return Institution.objects.create(
        park=park, name=name, name_pinyin=pinyin_sort_key(name), **{**defaults, **fields}
    )


def make_institution_contact(park, **fields) -> InstitutionContact:
    institution = fields.pop("institution", None) or make_institution(park)
    defaults = {"name": "李四", "phone": "13912345678"}
    return InstitutionContact.objects.create(
        park=park, institution=institution, **{**defaults, **fields}
    )


def institution_form(park) -> dict:
    return {
        "name": "苏州市集成电路行业协会",
        "kind": Institution.Kind.ASSOCIATION,
        "region": "320500",
    }


def institution_form_without_kind(park) -> tuple[dict, str]:
    return {**institution_form(park), "kind": ""}, "kind"


def institution_api_create(park) -> dict:
    return {"name": "宿迁市新能源商会", "kind": "chamber", "region": "321300"}


def institution_round_trip(park):
    make_institution(park, name="江苏省测试行业协会")
    make_institution(park, name="测试投资基金", kind="fund", region="", notes="两行\n备注")


INSTITUTION = declare(
    Declaration(
        model=Institution,
        make=make_institution,
        round_trip=institution_round_trip,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROMOTION_OFFICER,
        form_data=institution_form,
        invalid_form_data=institution_form_without_kind,
        api_create=institution_api_create,
        api_update={"name": "江苏省改名产业协会", "notes": "已对接两次"},
        endpoints=(
            Endpoint("promotion:institutioncontact_add", make_institution, "post", method="post"),
            Endpoint(
                "promotion:institutioncontact_phone",
                make_institution_contact,
                "post",
                text=lambda contact: contact.phone,
            ),
        ),
    )
)


# ------------------------------------------------------------------------ visits
def make_visit(park, **fields) -> Visit:
    """A visit to a new enterprise of ``park`` (unless told otherwise) by a new
    promotion officer of a new unit."""
    from parkops.enterprises.testing import make_enterprise

    staff = fields.pop("staff", None)
    unit = fields.pop("unit", None) or make_unit(park)
    if "institution" not in fields and "enterprise" not in fields:
        fields["enterprise"] = make_enterprise(park)
    defaults = {"date": datetime.date(2023, 5, 16), "purpose": unique("项目对接洽谈")}
    visit = Visit.objects.create(park=park, unit=unit, **{**defaults, **fields})
    for user in staff if staff is not None else [make_officer(park, unit)]:
        VisitStaff.objects.create(park=park, visit=visit, user=user)
    return visit


def _purpose(visit) -> str:
    return visit.purpose


def visit_form(park) -> dict:
    from parkops.enterprises.testing import make_enterprise

    unit = make_unit(park)
    officer = make_officer(park, unit)
    return {
        "date": "2023-05-16",
        "unit": unit.pk,
        "staff": [officer.pk],
        "enterprise": make_enterprise(park).pk,
        "purpose": "洽谈扩产项目",
        "country": "中国",
    }


def visit_form_with_both_parties(park) -> tuple[dict, str]:
    return {**visit_form(park), "institution": make_institution(park).pk}, "enterprise"


def visit_api_create(park) -> dict:
    from parkops.enterprises.testing import make_enterprise

    unit = make_unit(park)
    officer = make_officer(park, unit)
    return {
        "date": "2023-05-16",
        "unit_id": unit.pk,
        "staff_ids": [officer.pk],
        "enterprise_id": make_enterprise(park).pk,
        "purpose": "接口登记的拜访",
    }


def visit_round_trip(park):
    make_visit(park, ref="BF-1", city="苏州市", outcome="有意向")
    unit = make_unit(park)
    owner = make_officer(park, unit)
    make_visit(
        park,
        ref="BF-2",
        unit=unit,
        staff=[owner],
        institution=make_institution(park),
        next_step="再访",
        next_step_due=datetime.date(2023, 6, 1),
        next_step_owner=owner,
    )
    make_visit(park, ref="BF-3", enterprise=make_enterprise(park, uscc="", status="prospect"))


VISIT = declare(
    Declaration(
        model=Visit,
        make=make_visit,
        round_trip=visit_round_trip,
        # The unit and enterprise the template's example row names (its spec's examples).
        prerequisites=lambda park: (
            make_unit(park, code="FJ-EI", name="电子信息产业招商分局"),
            make_enterprise(park, name="宿迁示例科技有限公司"),
        ),
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROMOTION_OFFICER,
        form_data=visit_form,
        invalid_form_data=visit_form_with_both_parties,
        api_create=visit_api_create,
        api_update={"purpose": "改过的拜访事由", "outcome": "达成初步意向"},
        text_of=_purpose,
    )
)


# ---------------------------------------------------------------------- events
def make_event(park, **fields) -> PromotionEvent:
    """An event of ``park`` (the host), organised by a new unit, with a new
    promotion officer taking part unless ``staff`` is given. ``partner_parks``,
    ``enterprises`` and ``institutions`` are lists of records."""
    from parkops.core.text import pinyin_keys

    staff = fields.pop("staff", None)
    partners = fields.pop("partner_parks", ())
    enterprises = fields.pop("enterprises", ())
    institutions = fields.pop("institutions", ())
    unit = fields.pop("organiser_unit", None) or make_unit(park)
    name = fields.pop("name", unique("深圳电子信息产业招商推介会"))
    full, initials = pinyin_keys(name)
    defaults = {
        "kind": PromotionEvent.Kind.ROADSHOW,
        "start_date": datetime.date(2023, 5, 14),
        "end_date": datetime.date(2023, 5, 21),
        "city": "深圳",
    }
    event = PromotionEvent.objects.create(
        park=park,
        organiser_unit=unit,
        name=name,
        name_pinyin=full,
        name_initials=initials,
        **{**defaults, **fields},
    )
    for user in staff if staff is not None else [make_officer(park, unit)]:
        PromotionEventStaff.objects.create(park=park, event=event, user=user)
    for partner in partners:
        PromotionEventPark.objects.create(park=park, event=event, partner=partner)
    for enterprise in enterprises:
        PromotionEventEnterprise.objects.create(park=park, event=event, enterprise=enterprise)
    for institution in institutions:
        PromotionEventInstitution.objects.create(park=park, event=event, institution=institution)
    return event


def event_form(park) -> dict:
    unit = make_unit(park)
    officer = make_officer(park, unit)
    return {
        "name": "赴日本新加坡招商推介",
        "kind": PromotionEvent.Kind.OVERSEAS,
        "start_date": "2023-05-14",
        "end_date": "2023-05-21",
        "city": "东京、新加坡",
        "country": "日本、新加坡",
        "organiser_unit": unit.pk,
        "staff": [officer.pk],
        "enterprises": [make_enterprise(park).pk],
        "institutions": [make_institution(park).pk],
    }


def event_form_ending_before_it_starts(park) -> tuple[dict, str]:
    return {**event_form(park), "end_date": "2023-05-01"}, "end_date"


def event_api_create(park) -> dict:
    unit = make_unit(park)
    officer = make_officer(park, unit)
    return {
        "name": "上海新能源产业招商推介会",
        "kind": "roadshow",
        "start_date": "2023-04-12",
        "end_date": "2023-04-12",
        "city": "上海",
        "organiser_unit_id": unit.pk,
        "staff_ids": [officer.pk],
        "enterprise_ids": [make_enterprise(park).pk],
    }


def _event_name(event) -> str:
    return event.name


def event_round_trip(park):
    from parkops.core.testing import make_alliance, make_park

    partner = make_park(name="联动测试园区")
    make_alliance([park, partner])
    unit = make_unit(park)
    officer = make_officer(park, unit)
    officer.full_name = "王出访"
    officer.save()
    make_event(
        park,
        ref="HD-1",
        organiser_unit=unit,
        staff=[officer],
        kind=PromotionEvent.Kind.OVERSEAS,
        city="东京、新加坡",
        country="日本、新加坡",
        enterprises=[
            make_enterprise(park),
            make_enterprise(park, uscc="", status="prospect", name="Example Pte. Ltd."),
        ],
        institutions=[make_institution(park)],
        outcome="两行\n成效",
    )
    make_event(
        park,
        ref="HD-2",
        organiser_unit=unit,
        staff=[],
        kind=PromotionEvent.Kind.JOINT,
        partner_parks=[partner],
        start_date=datetime.date(2023, 6, 8),
        end_date=datetime.date(2023, 6, 8),
    )


EVENT = declare(
    Declaration(
        model=PromotionEvent,
        make=make_event,
        round_trip=event_round_trip,
        # The unit and enterprise the template's example row names (its spec's examples).
        prerequisites=lambda park: (
            make_unit(park, code="FJ-EI", name="电子信息产业招商分局"),
            make_enterprise(park, name="宿迁示例科技有限公司"),
        ),
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROMOTION_OFFICER,
        form_data=event_form,
        invalid_form_data=event_form_ending_before_it_starts,
        api_create=event_api_create,
        api_update={"name": "改过名的招商推介会", "outcome": "签约意向两项"},
        text_of=_event_name,
    )
)
