"""The project list's filters by the investor's origin region (a GB/T 2260
prefix) and by major projects (the park's threshold)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.projects.testing import make_lead_policy, make_project

pytestmark = pytest.mark.django_db


def _names(client, query: str) -> str:
    response = client.get(f"{reverse('projects:project_list')}?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_origin_region_filter_takes_a_province_city_or_county_prefix(client, park):
    make_project(park, name="吴中项目", origin_region="320506")
    make_project(park, name="南京项目", origin_region="320102")
    make_project(park, name="上海项目", origin_region="310115")
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    for code in ("3205", "320500"):
        html = _names(client, f"origin_region={code}")
        assert "吴中项目" in html and "南京项目" not in html and "上海项目" not in html
        assert "江苏省苏州市" in html  # the region's name in the filter
    html = _names(client, "origin_region=32")
    assert "吴中项目" in html and "南京项目" in html and "上海项目" not in html
    html = _names(client, "origin_region=320506")
    assert "吴中项目" in html and "南京项目" not in html
    html = _names(client, "origin_region=3299")
    assert "地区代码为2、4或6位" in html


def test_the_major_filter_follows_each_parks_threshold(client, park):
    make_lead_policy(park, major_threshold=Decimal("500000000"))
    make_project(park, name="五亿项目", planned_investment=Decimal("500000000"))
    make_project(park, name="一亿项目", planned_investment=Decimal("100000000"))
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    html = _names(client, "major=true")
    assert "五亿项目" in html and "一亿项目" not in html
    html = _names(client, "major=false")
    assert "一亿项目" in html and "五亿项目" not in html


def test_a_park_without_a_policy_uses_the_default_threshold(client):
    from parkops.projects.models import LeadPolicy

    park = make_park()
    default = LeadPolicy.DEFAULTS["major_threshold"]
    make_project(park, name="达标项目", planned_investment=default)
    make_project(park, name="小项目", planned_investment=default - 1)
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    html = _names(client, "major=true")
    assert "达标项目" in html and "小项目" not in html
