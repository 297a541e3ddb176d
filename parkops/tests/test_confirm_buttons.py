""" "It was done in one click": every destructive button's form carries the question
the browser asks first (data-confirm, see core/app.js), naming what will be lost."""

import datetime

import lxml.html
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from parkops.accounts.models import ApiToken
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_token, make_user, sign_in, xlsx_bytes
from parkops.enterprises.testing import IMPORT_HEADER, make_contact, make_enterprise, random_uscc
from parkops.workdays.testing import make_override

pytestmark = pytest.mark.django_db


def question(client, page_url: str, action: str) -> str:
    """The confirm question of the form on ``page_url`` that posts to ``action``."""
    response = client.get(page_url)
    assert response.status_code == 200
    forms = lxml.html.fromstring(response.content.decode()).xpath(f'//form[@action="{action}"]')
    assert len(forms) == 1, f"no single form posting to {action}"
    return forms[0].get("data-confirm") or ""


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def target(park):
    user = make_user(Role.PROMOTION_OFFICER, park=park, username="wangwu")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def test_disabling_an_account_asks_first(client, target):
    sign_in(client, make_user(Role.SYSTEM_ADMIN))
    page = reverse("accounts:user_detail", args=[target.pk])
    asked = question(client, page, reverse("accounts:user_set_active", args=[target.pk]))
    assert asked == "确定停用账户 wangwu？其所有会话将立即结束，且无法再登录。"


def test_enabling_an_account_again_does_not_ask(client, target):
    target.is_active = False
    target.save()
    sign_in(client, make_user(Role.SYSTEM_ADMIN))
    page = reverse("accounts:user_detail", args=[target.pk])
    assert question(client, page, reverse("accounts:user_set_active", args=[target.pk])) == ""


def test_resetting_a_password_asks_first(client, target):
    sign_in(client, make_user(Role.SYSTEM_ADMIN))
    page = reverse("accounts:user_detail", args=[target.pk])
    asked = question(client, page, reverse("accounts:user_password_reset", args=[target.pk]))
    assert asked.startswith("确定重置 wangwu 的密码？原密码将立即失效")


def test_resetting_two_factor_asks_first(client, target):
    sign_in(client, make_user(Role.SECURITY_ADMIN))
    page = reverse("accounts:user_detail", args=[target.pk])
    asked = question(client, page, reverse("accounts:otp_reset", args=[target.pk]))
    assert asked.startswith("确定重置 wangwu 的双因素认证？其验证器和恢复码将失效")


def test_revoking_a_role_asks_first_naming_the_role_and_the_button_reads_revoke(client, target):
    sign_in(client, make_user(Role.SECURITY_ADMIN))
    membership = target.memberships.get()
    page = reverse("accounts:user_detail", args=[target.pk])
    action = reverse("accounts:membership_revoke", args=[target.pk, membership.pk])
    # Which grant, when a user holds one role in two parks or units.
    assert question(client, page, action).startswith(
        f"确定撤销 wangwu 在“{membership.park.name}”的角色“招商人员”？"
    )
    html = lxml.html.fromstring(client.get(page).content.decode())
    assert html.xpath(f'//form[@action="{action}"]//button')[0].text_content().strip() == "撤销"


def test_revoking_an_api_token_asks_first(client, target):
    make_token(target)
    sign_in(client, target)
    token = ApiToken.objects.get(user=target)
    asked = question(
        client,
        reverse("accounts:apitoken_list"),
        reverse("accounts:apitoken_revoke", args=[token.pk]),
    )
    assert asked == "确定吊销 API 令牌 test？使用它的程序将立即被拒绝。"


def test_erasing_a_contacts_personal_data_asks_first(client, park):
    enterprise = make_enterprise(park)
    contact = make_contact(park, enterprise=enterprise, name="张伟", phone="13815270001")
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    asked = question(
        client,
        enterprise.get_absolute_url(),
        reverse("enterprises:contact_anonymise", args=[contact.pk]),
    )
    assert asked == "确定删除 张伟 的个人信息？姓名、职务、电话和邮箱将被永久删除。"


def test_undoing_an_import_asks_first_counting_the_records(client, park):
    officer = make_user(Role.STATISTICS_OFFICER, park=park)
    rows = [IMPORT_HEADER] + [
        [f"宿迁撤销{i}有限公司", random_uscc(), "在园企业", "321300", "", "否", ""]
        for i in range(12)
    ]
    batch = run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=xlsx_bytes(rows),
        file_name="企业.xlsx",
        commit=True,
    ).batch
    sign_in(client, officer)
    asked = question(
        client, batch.get_absolute_url(), reverse("exchange:importbatch_undo", args=[batch.pk])
    )
    assert asked.startswith("确定撤销此次导入？将删除本次新建的 12 条记录")


def test_deleting_a_calendar_override_asks_first_naming_the_day(client, park):
    override = make_override(park, date=datetime.date.today().replace(month=12, day=31))
    admin = make_user(Role.PARK_ADMIN, park=park)
    sign_in(client, admin)
    asked = question(
        client,
        reverse("workdays:calendaroverride_list"),
        reverse("workdays:calendaroverride_delete", args=[override.pk]),
    )
    assert asked.startswith(f"确定删除 {override.date:%Y-%m-%d} 的调整（")
