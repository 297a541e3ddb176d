"""Reads beside a list or a detail page come from the app's selectors and cost the
same number of queries however many rows they show."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import (
    make_alliance,
    make_industry,
    make_park,
    make_token,
    make_user,
    sign_in,
)
from parkops.promotion.models import PromotionUnitMember
from parkops.promotion.testing import make_unit

pytestmark = pytest.mark.django_db


def _queries(client, url, **headers) -> int:
    client.get(url, **headers)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return len(captured)


def _csv_rows(client, url) -> list[list[str]]:
    response = client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_alliance_export_lists_members_in_joining_order_without_a_query_per_alliance(client):
    assessor = make_user(Role.PROVINCE_ASSESSOR)
    sign_in(client, assessor)
    first, second, third = make_park(), make_park(), make_park()
    make_alliance([third, first, second], name="宿迁联盟")
    url = reverse("exchange:export_csv", args=["alliances"])
    _csv_rows(client, url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        rows = _csv_rows(client, url)
    (row,) = [r for r in rows if r and r[0] == "宿迁联盟"]
    assert row[2] == "、".join(p.name for p in (first, second, third))
    for _ in range(4):
        make_alliance([make_park(), make_park()])
    with CaptureQueriesContext(connection) as five:
        assert len(_csv_rows(client, url)) == len(rows) + 4
    assert len(one) == len(five)


def test_alliance_api_list_reads_members_without_a_query_per_alliance(client):
    assessor = make_user(Role.PROVINCE_ASSESSOR)
    make_alliance([make_park(), make_park()])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(assessor)}"}
    url = reverse("api:alliance_list")
    one = _queries(client, url, **auth)
    for _ in range(4):
        make_alliance([make_park(), make_park()])
    assert _queries(client, url, **auth) == one


def test_industry_page_lists_its_children_in_constant_queries(client):
    park = make_park()
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    parent = make_industry(park)
    child = make_industry(park, parent=parent, level=2)
    url = reverse("core:industry_detail", args=[parent.pk])
    assert child.name in client.get(url).content.decode()
    one = _queries(client, url)
    for _ in range(4):
        make_industry(park, parent=parent, level=2)
    assert _queries(client, url) == one


def test_unit_page_lists_its_subunits_and_members_in_constant_queries(client):
    park = make_park()
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    unit = make_unit(park)
    sub = make_unit(park, parent=unit)
    member = make_user(Role.PROMOTION_OFFICER, park=park)
    PromotionUnitMember.objects.create(park=park, unit=unit, user=member)
    url = reverse("promotion:promotionunit_detail", args=[unit.pk])
    page = client.get(url).content.decode()
    assert sub.name in page and str(member) in page
    one = _queries(client, url)
    for _ in range(4):
        make_unit(park, parent=unit)
        PromotionUnitMember.objects.create(
            park=park, unit=unit, user=make_user(Role.PROMOTION_OFFICER, park=park)
        )
    assert _queries(client, url) == one
