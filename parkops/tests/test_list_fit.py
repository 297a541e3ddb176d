"""Lists fit a 1366 px screen: the important columns first (a project's next
deadline right after its name), secondary ones only on wider screens, long texts
cut with their whole text in the tooltip; a place without a city reads 中国."""

import pytest

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.projects.models import Project
from parkops.projects.tables import ProjectTable
from parkops.promotion.models import PromotionEvent
from parkops.promotion.tables import PromotionEventTable
from parkops.promotion.testing import make_visit

pytestmark = pytest.mark.django_db

WIDE_ONLY = "d-xxl-table-cell"


def columns(table):
    return {column.name: column for column in table.columns}


def test_a_projects_deadline_follows_its_name_and_secondary_columns_wait_for_width():
    table = ProjectTable(Project.objects.none())
    assert list(table.columns.names())[:3] == ["name", "deadline", "stage"]
    shown = columns(table)
    for name in ("industry", "stage_on", "first_contact_unit"):
        assert WIDE_ONLY in shown[name].attrs["td"]["class"], name
    for name in ("name", "deadline", "stage", "investor", "planned_investment"):
        assert WIDE_ONLY not in (shown[name].attrs["td"].get("class") or ""), name
    assert "cell-truncate" in shown["name"].attrs["td"]["class"]


def test_events_show_unit_and_enterprises_met_before_the_secondary_columns():
    names = list(PromotionEventTable(PromotionEvent.objects.none()).columns.names())
    assert names[:4] == ["start_date", "name", "organiser_unit", "enterprises_met"]


def test_a_long_name_is_cut_with_its_whole_text_in_the_tooltip(client):
    park = make_park()
    visit = make_visit(park, city="", country="中国", purpose="考察" * 40)
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    html = client.get("/promotion/visits/").content.decode()
    assert f'title="{visit.purpose}"' in html and "cell-truncate" in html
    detail = client.get(visit.get_absolute_url()).content.decode()
    assert "—（中国）" not in detail and ">中国</dd>" in detail
