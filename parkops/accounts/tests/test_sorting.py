"""The user list and its export sort people by the pinyin of their names
(排序按拼音): 阿 < 北 < 长 < 张, which code-point order gets wrong; an account
without a full name sorts by its username, the name the list shows."""

import importlib
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkops.accounts import services
from parkops.accounts.models import User
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import PASSWORD, make_user, sign_in

pytestmark = pytest.mark.django_db

# By username, zhao < chen < bei < an: the reverse of the names' pinyin order.
PEOPLE = [("zhao", "阿强"), ("chen", "北辰"), ("bei", "长江"), ("an", "张伟")]
NAMES = [full_name for _username, full_name in PEOPLE]


@pytest.fixture
def admin():
    for username, full_name in reversed(PEOPLE):
        services.user_create(
            username=username, full_name=full_name, password=PASSWORD, actor=SYSTEM
        )
    return make_user(Role.SECURITY_ADMIN, username="secadmin", full_name="安全管理员")


def ours(names):
    return [name for name in names if name in [*NAMES, "dai"]]


def listed(client, **params) -> list[str]:
    response = client.get(reverse("accounts:user_list"), params)
    assert response.status_code == 200
    rows = response.context["table"].page.object_list
    return [row.record.full_name or row.record.username for row in rows]


def test_users_sort_by_pinyin_of_their_names_in_the_list(client, admin):
    sign_in(client, admin)
    assert ours(listed(client)) == NAMES


def test_users_sort_by_pinyin_of_their_names_in_the_export(client, admin):
    sign_in(client, admin)
    response = client.get(reverse("accounts:user_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ours([row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]) == NAMES


def test_an_account_without_a_full_name_sorts_by_its_username(client, admin):
    services.user_create(username="dai", password=PASSWORD, actor=SYSTEM)
    sign_in(client, admin)
    # "dai" between 长江 (changjiang) and 张伟 (zhangwei).
    assert ours(listed(client)) == [*NAMES[:3], "dai", NAMES[3]]


def test_the_data_migration_gives_existing_accounts_the_services_key(client, admin):
    from django.apps import apps

    migration = importlib.import_module("parkops.accounts.migrations.0006_name_pinyin")
    User.objects.update(name_pinyin="")
    migration.fill_name_pinyin(apps, None)
    sign_in(client, admin)
    assert ours(listed(client)) == NAMES
