"""End-to-end: a person logs in, switches park, searches by pinyin initials and
opens an enterprise, in Debian's Chromium."""

import pytest
from playwright.sync_api import expect

from parkops.e2e.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_by_pinyin_initials_and_open_the_enterprise(page):
    log_in(page, "service")
    page.goto("/enterprises/")
    page.fill("input[name=q]", "jckj")
    page.keyboard.press("Enter")
    # The unfiltered first page may hold the same link (names sort by pinyin):
    # wait for the filtered table, not just for the link.
    expect(page.locator("table tbody tr")).to_have_count(1)
    link = page.get_by_role("link", name="聚成科技（宿迁）有限公司")
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/enterprises/*/")
    assert page.locator("h2.page-title").inner_text() == "聚成科技（宿迁）有限公司"
    assert page.locator("#uscc").inner_text().startswith("91321300")
    assert page.csp_violations == []


def test_leader_switches_park_and_sees_that_parks_register(page):
    log_in(page, "leader")
    page.goto("/enterprises/?q=聚成科技")
    assert "聚成科技（宿迁）有限公司" in page.content()
    with page.expect_response(lambda response: "/parks/switch/" in response.url):
        page.select_option("#park-switcher", label="吴中宿城园")
    page.wait_for_load_state()
    # The search is kept: the other park has no such enterprise.
    page.get_by_text("没有符合筛选条件的记录。").wait_for()
    assert page.get_by_role("link", name="聚成科技（宿迁）有限公司").count() == 0
    assert page.locator("#park-switcher option:checked").inner_text() == "吴中宿城园"


def test_create_and_edit_an_enterprise_in_chinese(page):
    log_in(page, "service")
    page.goto("/enterprises/new/")
    page.fill("input[name=name]", "宿迁浏览器测试有限公司")
    page.select_option("select[name=status]", "prospect")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/enterprises/*/")
    assert "已创建" in page.content()
    page.click("text=编辑")
    page.fill("input[name=uscc]", "91350100M000100Y44")
    page.get_by_role("button", name="保存").click()
    error = page.locator("[data-field=uscc]")
    assert "校验码" in error.inner_text()


def test_inline_script_is_blocked_by_the_csp(page):
    log_in(page, "service")
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__injected = true'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__injected === true") is False


def test_api_docs_page_lists_the_endpoints_offline(page):
    log_in(page, "service")
    page.goto("/api/docs")
    page.locator("[data-path='/api/enterprises']").first.wait_for()
    assert page.csp_violations == []


def test_import_a_spreadsheet_preview_fix_and_commit(page, tmp_path):
    from parkops.core.testing import xlsx_bytes
    from parkops.enterprises.testing import random_uscc

    header = ["企业名称", "统一社会信用代码", "状态"]
    bad = tmp_path / "企业-有错.xlsx"
    bad.write_bytes(xlsx_bytes([header, ["浏览器导入有限公司", "123", "在园企业"]]))
    good = tmp_path / "企业.xlsx"
    good.write_bytes(xlsx_bytes([header, ["浏览器导入有限公司", random_uscc(), "在园企业"]]))
    log_in(page, "stats")
    page.goto("/enterprises/")
    page.get_by_role("link", name="从 Excel 导入").click()
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并预览").click()
    assert "18 位" in page.locator("#problems").inner_text()
    assert page.get_by_role("button", name="确认导入").count() == 0
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="上传并预览").click()
    assert page.locator("[data-count=create]").inner_text() == "1"
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/exchange/batches/*/")
    assert "新建 1 条" in page.content()
    assert page.csp_violations == []
