"""Parks and alliances sort by pinyin (排序按拼音), in the list and in its export:
阿 < 北 < 长 < 张, which code-point order gets wrong (长 U+957F comes after 张 U+5F20).
And a list page past the end shows the last page, not a 404."""

import importlib
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core import services
from parkops.core.models import Alliance, Park
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise

pytestmark = pytest.mark.django_db

PARKS = ["阿里示例园区", "北方示例园区", "长江示例园区", "张家港示例园区"]
ALLIANCES = ["阿里示例联盟", "北方示例联盟", "长江示例联盟", "张家港示例联盟"]


def ours(names, expected):
    """``names`` in their order, keeping only this test's rows."""
    return [name for name in names if name in expected]


def listed(client, url_name, **params) -> list[str]:
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].page.object_list]


def exported(client, register) -> list[str]:
    response = client.get(reverse("exchange:export", args=[register]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def admin():
    # Created out of order, through the services that keep the sort key.
    parks = [
        services.park_create(
            actor=SYSTEM, name=name, short_name=name[:2], code=f"s{n}", region="321300"
        )
        for n, name in enumerate(reversed(PARKS))
    ]
    for name in reversed(ALLIANCES):
        services.alliance_create(actor=SYSTEM, name=name, lead_park=parks[0], members=parks)
    return make_user(Role.SYSTEM_ADMIN)


def test_code_point_order_would_be_wrong():
    assert sorted(PARKS) != PARKS and sorted(ALLIANCES) != ALLIANCES


def test_parks_sort_by_pinyin_in_the_list(client, admin):
    sign_in(client, admin)
    assert ours(listed(client, "core:park_list"), PARKS) == PARKS


def test_parks_sort_by_pinyin_backwards_when_the_name_is_sorted_descending(client, admin):
    sign_in(client, admin)
    assert ours(listed(client, "core:park_list", sort="-name"), PARKS) == PARKS[::-1]


def test_parks_sort_by_pinyin_in_the_export(client, admin):
    sign_in(client, admin)
    assert ours(exported(client, "parks"), PARKS) == PARKS


def test_a_renamed_park_moves_to_its_new_place(client, admin):
    first = Park.objects.get(name=PARKS[0])
    services.park_update(park=first, actor=admin, name="周庄示例园区")
    sign_in(client, admin)
    expected = [*PARKS[1:], "周庄示例园区"]
    assert ours(listed(client, "core:park_list"), expected) == expected


def test_alliances_sort_by_pinyin_in_the_list(client, admin):
    sign_in(client, admin)
    assert ours(listed(client, "core:alliance_list"), ALLIANCES) == ALLIANCES


def test_alliances_sort_by_pinyin_in_the_export(client, admin):
    sign_in(client, admin)
    assert ours(exported(client, "alliances"), ALLIANCES) == ALLIANCES


def test_the_data_migration_gives_existing_rows_the_services_key(client, admin):
    # Rows saved before the key existed have it blank; the migration fills it in.
    from django.apps import apps

    migration = importlib.import_module("parkops.core.migrations.0009_name_pinyin")
    Park.objects.update(name_pinyin="")
    Alliance.objects.update(name_pinyin="")
    migration.fill_name_pinyin(apps, None)
    sign_in(client, admin)
    assert ours(listed(client, "core:park_list"), PARKS) == PARKS
    assert ours(listed(client, "core:alliance_list"), ALLIANCES) == ALLIANCES


def test_a_page_past_the_end_shows_the_last_page(client):
    park = make_park()
    officer = make_user(Role.SERVICE_OFFICER, park=park)
    for _ in range(27):  # two pages of 25
        make_enterprise(park)
    sign_in(client, officer)
    response = client.get(reverse("enterprises:enterprise_list"), {"page": 999})
    assert response.status_code == 200
    page = response.context["table"].page
    assert (page.number, len(page.object_list)) == (2, 2)
