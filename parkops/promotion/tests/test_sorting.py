"""Promotion units open in code order, and sorting by name sorts by pinyin
(排序按拼音): 阿 < 北 < 长 < 张, which code-point order gets wrong."""

import importlib

import pytest
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.promotion import services
from parkops.promotion.models import PromotionUnit

pytestmark = pytest.mark.django_db

UNITS = ["阿里招商分局", "北方招商分局", "长江招商分局", "张家港招商分局"]


@pytest.fixture
def admin():
    park = make_park()
    user = make_user(Role.PARK_ADMIN, park=park)
    # Codes in the reverse of pinyin order, so code order and name order differ.
    for n, name in enumerate(reversed(UNITS)):
        services.unit_create(
            park=park, actor=user, code=f"U{n}", name=name, kind=PromotionUnit.Kind.BUREAU
        )
    return user


def listed(client, **params) -> list[str]:
    response = client.get(reverse("promotion:promotionunit_list"), params)
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].page.object_list]


def test_units_open_in_code_order(client, admin):
    sign_in(client, admin)
    assert listed(client) == UNITS[::-1]


def test_units_sorted_by_name_sort_by_pinyin(client, admin):
    sign_in(client, admin)
    assert listed(client, sort="name") == UNITS


def test_units_sorted_by_name_descending_sort_by_pinyin_backwards(client, admin):
    sign_in(client, admin)
    assert listed(client, sort="-name") == UNITS[::-1]


def test_a_renamed_unit_moves_to_its_new_place(client, admin):
    first = PromotionUnit.objects.restrict(admin).get(name=UNITS[0])
    services.unit_update(unit=first, actor=admin, name="周庄招商分局")
    sign_in(client, admin)
    assert listed(client, sort="name") == [*UNITS[1:], "周庄招商分局"]


def test_the_data_migration_gives_existing_units_the_services_key(client, admin):
    from django.apps import apps

    migration = importlib.import_module("parkops.promotion.migrations.0004_name_pinyin")
    PromotionUnit.objects.unscoped().update(name_pinyin="")
    migration.fill_name_pinyin(apps, None)
    sign_in(client, admin)
    assert listed(client, sort="name") == UNITS
