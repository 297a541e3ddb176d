"""Promotion events (招商活动): the rules through the service (dates, partner parks
of the alliance, participants, those met), visits made during an event, a joint
event kept from its partner parks, the pages, the API and the spreadsheet."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parkops.core.exchange import writers
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.permissions import Role
from parkops.core.testing import (
    make_alliance,
    make_park,
    make_token,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.enterprises.testing import make_enterprise
from parkops.promotion import selectors, services
from parkops.promotion.models import PromotionEvent, Visit
from parkops.promotion.testing import (
    make_event,
    make_institution,
    make_officer,
    make_unit,
    make_visit,
)

MAY_14, MAY_21 = datetime.date(2023, 5, 14), datetime.date(2023, 5, 21)


@pytest.fixture
def park(db):
    return make_park(name="苏宿测试园区")


@pytest.fixture
def partner(park):
    other = make_park(name="吴中宿城测试园")
    make_alliance([park, other])
    return other


@pytest.fixture
def unit(park):
    return make_unit(park, code="ZSB", name="招商办")


@pytest.fixture
def officer(park, unit):
    officer = make_officer(park, unit)
    officer.full_name = "王招商"
    officer.save()
    return officer


def trip(park, officer, unit, **fields):
    data = {
        "name": "赴日本新加坡招商推介",
        "kind": PromotionEvent.Kind.OVERSEAS,
        "start_date": MAY_14,
        "end_date": MAY_21,
        "country": "日本、新加坡",
        "organiser_unit": unit,
        "staff": [officer],
    }
    return services.event_create(park=park, actor=officer, **{**data, **fields})


def refused(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# ------------------------------------------------------------------ the rules
def test_an_event_cannot_end_before_it_starts(park, officer, unit):
    errors = refused(lambda: trip(park, officer, unit, end_date=datetime.date(2023, 5, 1)))
    assert errors["end_date"] == ["结束日期不能早于开始日期。"]
    assert not PromotionEvent.objects.unscoped().exists()


def test_partner_parks_are_other_parks_of_the_alliance(park, officer, unit, partner):
    outsider = make_park(name="联盟外园区")
    make_alliance([outsider, make_park()])
    assert refused(lambda: trip(park, officer, unit, partner_parks=[outsider]))[
        "partner_parks"
    ] == ["合作园区须为本园区所在联盟的其他园区。"]
    assert "partner_parks" in refused(lambda: trip(park, officer, unit, partner_parks=[park]))
    event = trip(park, officer, unit, kind="joint", partner_parks=[partner])
    assert list(selectors.event_partner_parks(user=officer, event=event)) == [partner]


def test_participants_are_promotion_officers_of_the_park(park, officer, unit):
    for outsider in (make_officer(make_park()), make_user(Role.SERVICE_OFFICER, park=park)):
        errors = refused(lambda o=outsider: trip(park, officer, unit, staff=[officer, o]))
        assert errors["staff"] == ["参加人员须为本园区的招商人员。"]


def test_those_met_are_records_of_the_park(park, officer, unit):
    elsewhere = make_park()
    assert "enterprises" in refused(
        lambda: trip(park, officer, unit, enterprises=[make_enterprise(elsewhere)])
    )
    assert "institutions" in refused(
        lambda: trip(park, officer, unit, institutions=[make_institution(elsewhere)])
    )
    prospect = make_enterprise(park, uscc="", status="prospect", name="Example Pte. Ltd.")
    event = trip(park, officer, unit, enterprises=[prospect, make_enterprise(park)])
    assert selectors.event_enterprises(user=officer, event=event).count() == 2


def test_a_visit_during_an_event_is_dated_within_it(park, officer, unit):
    event = trip(park, officer, unit)
    data = {
        "unit": unit,
        "staff": [officer],
        "purpose": "拜访企业日本研发中心",
        "enterprise": make_enterprise(park),
        "event": event,
    }
    errors = refused(
        lambda: services.visit_create(
            park=park, actor=officer, date=datetime.date(2023, 5, 22), **data
        )
    )
    assert errors["event"] == ["拜访日期不在该活动的日期内（2023-05-14 至 2023-05-21）。"]
    visit = services.visit_create(park=park, actor=officer, date=MAY_21, **data)
    assert list(selectors.event_visits(user=officer, event=event)) == [visit]
    # Moved out of the event's dates, or the event moved away from it: refused.
    assert "event" in refused(
        lambda: services.visit_update(visit=visit, actor=officer, date=datetime.date(2023, 6, 1))
    )
    assert "start_date" in refused(
        lambda: services.event_update(
            event=event,
            actor=officer,
            start_date=datetime.date(2023, 6, 1),
            end_date=datetime.date(2023, 6, 3),
        )
    )


def test_a_visit_cannot_name_another_parks_event(park, officer, unit):
    other = make_event(make_park())
    errors = refused(
        lambda: services.visit_create(
            park=park,
            actor=officer,
            date=MAY_14,
            unit=unit,
            staff=[officer],
            purpose="对接",
            enterprise=make_enterprise(park),
            event=other,
        )
    )
    assert "event" in errors


def test_a_joint_event_stays_the_host_parks_record(client, park, officer, unit, partner):
    event = trip(park, officer, unit, kind="joint", partner_parks=[partner])
    partner_officer = make_officer(partner)
    sign_in(client, partner_officer)
    assert client.get(event.get_absolute_url()).status_code == 404
    listed = client.get(reverse("promotion:promotionevent_list")).content.decode()
    assert event.name not in listed
    token = make_token(partner_officer)
    api = client.get(
        reverse("api:promotionevent_detail", args=[event.pk]),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 404


# ------------------------------------------------------------------- the pages
def test_the_detail_page_shows_who_went_whom_they_met_and_the_visits(client, park, officer, unit):
    company = make_enterprise(park, name="东京精密电子株式会社", uscc="", status="prospect")
    chamber = make_institution(park, name="新加坡中华总商会")
    event = trip(park, officer, unit, enterprises=[company], institutions=[chamber])
    visit = make_visit(
        park, unit=unit, staff=[officer], enterprise=company, date=MAY_14, event=event
    )
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    html = client.get(event.get_absolute_url()).content.decode()
    for text in ("王招商", "东京精密电子株式会社", "新加坡中华总商会", visit.get_absolute_url()):
        assert text in html
    visit_page = client.get(visit.get_absolute_url()).content.decode()
    assert event.get_absolute_url() in visit_page


def test_the_list_finds_events_by_pinyin_initials_and_place(client, park, officer, unit):
    trip(park, officer, unit)
    trip(
        park,
        officer,
        unit,
        name="深圳电子信息推介会",
        kind="roadshow",
        country="中国",
        city="深圳",
        start_date=datetime.date(2023, 3, 2),
        end_date=datetime.date(2023, 3, 2),
    )
    sign_in(client, officer)
    url = reverse("promotion:promotionevent_list")
    by_initials = client.get(url, {"q": "frbxjp"}).content.decode()
    assert "赴日本新加坡招商推介" in by_initials and "深圳电子信息推介会" not in by_initials
    by_place = client.get(url, {"place": "深圳"}).content.decode()
    assert "深圳电子信息推介会" in by_place and "赴日本新加坡招商推介" not in by_place
    in_may = client.get(url, {"date_after": "2023-05-20"}).content.decode()
    assert "赴日本新加坡招商推介" in in_may and "深圳电子信息推介会" not in in_may


def test_the_visit_form_links_a_visit_to_an_event(client, park, officer, unit):
    event = trip(park, officer, unit)
    sign_in(client, officer)
    data = {
        "date": "2023-05-16",
        "unit": unit.pk,
        "staff": [officer.pk],
        "enterprise": make_enterprise(park).pk,
        "purpose": "洽谈",
        "country": "日本",
        "event": event.pk,
    }
    response = client.post(reverse("promotion:visit_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Visit.objects.unscoped().get(park=park).event == event
    late = client.post(reverse("promotion:visit_add"), {**data, "date": "2023-05-30"})
    assert "拜访日期不在该活动的日期内" in late.content.decode()


def test_the_event_form_offers_only_the_alliances_other_parks(client, park, officer, partner):
    outsider = make_park(name="联盟外测试园")
    sign_in(client, officer)
    html = client.get(reverse("promotion:promotionevent_add")).content.decode()
    assert "吴中宿城测试园" in html and "联盟外测试园" not in html
    assert outsider.pk


# --------------------------------------------------------------------- the API
def test_the_api_refuses_a_partner_outside_the_alliance_and_links_visits(
    client, park, officer, unit, partner
):
    token = make_token(officer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "name": "联盟联合推介会",
        "kind": "joint",
        "start_date": "2023-06-08",
        "end_date": "2023-06-08",
        "organiser_unit_id": unit.pk,
        "staff_ids": [officer.pk],
        "partner_park_ids": [make_park().pk],
    }
    url = reverse("api:promotionevent_list")
    response = client.post(url, body, content_type="application/json", **auth)
    assert response.status_code == 422
    assert "partner_parks" in response.json()["errors"]
    response = client.post(
        url, {**body, "partner_park_ids": [partner.pk]}, content_type="application/json", **auth
    )
    assert response.status_code == 201, response.content
    event_id = response.json()["id"]
    assert response.json()["partner_park_ids"] == [partner.pk]
    visit = client.post(
        reverse("api:visit_list"),
        {
            "date": "2023-06-08",
            "unit_id": unit.pk,
            "staff_ids": [officer.pk],
            "enterprise_id": make_enterprise(park).pk,
            "purpose": "联合推介会上洽谈",
            "event_id": event_id,
        },
        content_type="application/json",
        **auth,
    )
    assert visit.status_code == 201, visit.content
    assert visit.json()["event_id"] == event_id
    detail = client.get(reverse("api:promotionevent_detail", args=[event_id]), **auth).json()
    assert detail["visit_ids"] == [visit.json()["id"]]
    listed = client.get(url, **auth).json()
    assert [row["id"] for row in listed["items"]] == [event_id]


# ----------------------------------------------------------- the spreadsheets
def test_events_import_by_reference_with_names_and_visits_by_event(park, officer, unit, partner):
    company = make_enterprise(park, name="Example Pte. Ltd.", uscc="", status="prospect")
    chamber = make_institution(park, name="新加坡中华总商会")
    header = [
        "编号", "活动名称", "活动类型", "开始日期", "结束日期", "国家", "组织单元",
        "参加人员", "合作园区", "对接企业", "对接机构",
    ]  # fmt: skip
    row = [
        "HD-9", "赴日本新加坡招商推介", "境外招商出访", "2023-05-14", "2023-05-21",
        "日本、新加坡", "ZSB", "王招商", "吴中宿城测试园", "Example Pte. Ltd.", "新加坡中华总商会",
    ]  # fmt: skip

    def imported(register, rows):
        return run_import(
            spec=get_spec(register),
            actor=officer,
            park=park,
            data=xlsx_bytes(rows),
            file_name="活动.xlsx",
            commit=True,
        )

    bad = imported("promotion-events", [header, [*row[:-3], "不在联盟的园区", *row[-2:]]])
    assert not bad.ok and "合作园区" in str(bad.problems)
    outcome = imported("promotion-events", [header, row])
    assert outcome.ok, outcome.problems
    event = PromotionEvent.objects.unscoped().get(park=park, ref="HD-9")
    assert (list(event.staff.all()), list(event.partner_parks.all())) == ([officer], [partner])
    assert (list(event.enterprises.all()), list(event.institutions.all())) == ([company], [chamber])
    again = imported("promotion-events", [header, [*row[:5], "日本", *row[6:]]])
    assert again.ok and PromotionEvent.objects.unscoped().get(pk=event.pk).country == "日本"
    assert PromotionEvent.objects.unscoped().count() == 1

    visit_header = ["拜访日期", "招商单元", "拜访人员", "拜访企业", "拜访事由", "活动"]
    visits = imported(
        "visits",
        [visit_header, ["2023-05-16", "ZSB", "王招商", "Example Pte. Ltd.", "洽谈", "HD-9"]],
    )
    assert visits.ok, visits.problems
    visit = Visit.objects.unscoped().get(park=park)
    assert visit.event_id == event.pk
    spec = get_spec("visits")
    exported = list(
        writers.export_rows(spec, Visit.objects.unscoped().filter(pk=visit.pk), officer)
    )
    headers = [str(column.header) for column in spec.columns]
    assert exported[0][headers.index("活动")] == "赴日本新加坡招商推介 (HD-9)"
