"""Destructive buttons ask first: "I clicked 撤销此次导入 / 撤销 by mistake and it
was done at once." Cancelling the browser's question leaves the record as it was;
confirming does the deed."""

import pytest
from django.urls import reverse

from parkops.accounts.models import Membership, User
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import ImportBatch, Park
from parkops.core.testing import xlsx_bytes
from parkops.e2e.helpers import log_in
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import IMPORT_HEADER, random_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_next_question(page, accept: bool) -> list[str]:
    """Answer the next confirm dialog; returns the list its text is appended to."""
    asked = []

    def handle(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", handle)
    return asked


def test_undoing_an_import_asks_first_and_cancelling_keeps_its_records(page):
    stats = User.objects.get(username="stats")
    rows = [IMPORT_HEADER] + [
        [f"宿迁确认测试{i}有限公司", random_uscc(), "在园企业", "321300", "", "否", ""]
        for i in range(3)
    ]
    outcome = run_import(
        spec=get_spec("enterprises"),
        actor=stats,
        park=Park.objects.get(code="sszy"),
        data=xlsx_bytes(rows),
        file_name="企业.xlsx",
        commit=True,
    )
    batch = outcome.batch
    log_in(page, "stats")
    page.goto(batch.get_absolute_url())

    asked = answer_next_question(page, accept=False)
    page.get_by_role("button", name="撤销此次导入").click()
    page.wait_for_timeout(300)  # a submit would navigate; nothing must happen
    assert asked == [
        "确定撤销此次导入？将删除本次新建的 3 条记录，并把本次更新的 0 条记录恢复原值。"
    ]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Enterprise.objects.unscoped().filter(name__startswith="宿迁确认测试").count() == 3

    asked = answer_next_question(page, accept=True)
    with page.expect_navigation():
        page.get_by_role("button", name="撤销此次导入").click()
    assert len(asked) == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert not Enterprise.objects.unscoped().filter(name__startswith="宿迁确认测试").exists()


def test_revoking_a_role_asks_first_and_cancelling_keeps_the_role(page):
    partner = User.objects.get(username="partner")
    membership = Membership.objects.get(user=partner)
    log_in(page, "secadmin")
    page.goto(reverse("accounts:user_detail", args=[partner.pk]))

    asked = answer_next_question(page, accept=False)
    page.get_by_role("button", name="撤销", exact=True).click()
    page.wait_for_timeout(300)
    assert len(asked) == 1
    assert asked[0].startswith("确定撤销 陈伙伴 在“吴中宿城工业园”的角色“招商人员”？")
    assert Membership.objects.filter(pk=membership.pk).exists()

    asked = answer_next_question(page, accept=True)
    with page.expect_navigation():
        page.get_by_role("button", name="撤销", exact=True).click()
    assert len(asked) == 1
    assert not Membership.objects.filter(pk=membership.pk).exists()
