"""Filters that choose among a park's records (an investor, a visit, a unit) are
drawn as search-as-you-type pickers (``core.pickers``): the list page draws only
the record chosen, and the picker's endpoint offers at most 20 matches of the
filter's own choices, never another park's."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.pickers import PICKER_LIMIT
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise
from parkops.projects.testing import make_project
from parkops.promotion.testing import make_unit, make_visit

pytestmark = pytest.mark.django_db

PROJECTS = reverse("projects:project_list")
INVESTORS = reverse("core:picker", args=["projects.ProjectFilterSet", "investor"])


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def leader(client, park):
    user = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, user)
    return user


def select_html(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def offered(client, url, q=""):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_a_filter_of_many_records_draws_a_picker_not_every_record(client, park, leader):
    for index in range(30):
        make_project(park, investor=make_enterprise(park, name=f"投资方{index:02d}有限公司"))
    html = client.get(PROJECTS).content.decode()
    for name in ("investor", "visit", "source_visit", "first_contact_unit", "industry"):
        select = select_html(html, name)
        assert "data-picker-url=" in select, name
        assert select.count("<option") == 1, name  # "all" only
    assert "投资方" not in select_html(html, "investor")
    assert f'data-picker-url="{INVESTORS}"' in select_html(html, "investor")


def test_the_chosen_record_is_shown_after_filtering(client, park, leader):
    investor = make_enterprise(park, name="宿迁芯微电子有限公司")
    make_project(park, investor=investor)
    make_project(park, investor=make_enterprise(park, name="另一家有限公司"))
    response = client.get(PROJECTS, {"investor": investor.pk})
    select = select_html(response.content.decode(), "investor")
    chosen = rf'<option value="{investor.pk}" selected>宿迁芯微电子有限公司</option>'
    assert re.search(chosen, select)
    assert "另一家" not in select
    assert response.context["table"].paginator.count == 1


def test_the_picker_offers_matches_of_the_users_parks_only(client, park, leader):
    other = make_park()
    make_project(park, investor=make_enterprise(park, name="苏州芯微电子有限公司"))
    make_project(other, investor=make_enterprise(other, name="苏州芯微光电有限公司"))
    make_project(park, investor=make_enterprise(park, name="宿迁食品有限公司"))
    assert offered(client, INVESTORS, "芯微") == ["苏州芯微电子有限公司"]
    # As the enterprise list searches: pinyin initials find it too.
    assert offered(client, INVESTORS, "szxw") == ["苏州芯微电子有限公司"]
    assert "苏州芯微光电有限公司" not in offered(client, INVESTORS)
    # Another park's record named in the list's filter is not shown either.
    theirs = make_enterprise(other, name="别园企业有限公司")
    html = client.get(PROJECTS, {"investor": theirs.pk}).content.decode()
    assert "别园企业" not in html


def test_the_picker_offers_what_the_filter_offers(client, park, leader):
    # The visit filter offers visits some project came from or links, not every visit.
    source = make_visit(park, enterprise=make_enterprise(park, name="来源企业有限公司"))
    make_visit(park, enterprise=make_enterprise(park, name="无关企业有限公司"))
    make_project(park, source_visit=source)
    url = reverse("core:picker", args=["projects.ProjectFilterSet", "visit"])
    assert [text.split(" ", 1)[1] for text in offered(client, url)] == ["来源企业有限公司"]


def test_the_picker_offers_at_most_twenty_in_constant_queries(client, park, leader):
    url = reverse("core:picker", args=["promotion.VisitFilterSet", "unit"])
    for index in range(3):
        make_unit(park, name=f"招商一局{index}")
    offered(client, url)  # the first request after sign-in refreshes the session
    with CaptureQueriesContext(connection) as few:
        assert len(offered(client, url, "招商")) == 3
    for index in range(3, PICKER_LIMIT + 5):
        make_unit(park, name=f"招商一局{index}")
    with CaptureQueriesContext(connection) as many:
        assert len(offered(client, url, "招商")) == PICKER_LIMIT
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_picker_is_refused_to_a_user_who_may_not_read_the_list(client, park):
    sign_in(client, make_user(Role.STATISTICS_OFFICER, park=park))
    assert client.get(INVESTORS).status_code == 403


def test_the_picker_serves_only_filters_of_records(client, park, leader):
    bad = [("projects.ProjectFilterSet", "stage"), ("projects.Nothing", "investor")]
    for key, field in bad:
        assert client.get(reverse("core:picker", args=[key, field])).status_code == 404
