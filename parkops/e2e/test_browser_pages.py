"""End-to-end, in Debian's Chromium: what a person meets on the pages themselves
(a phone shown and hidden again, the skip link)."""

import re

import pytest

from parkops.e2e.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_revealed_phone_can_be_hidden_again(page):
    log_in(page, "service")
    page.goto("/enterprises/?q=聚成科技")
    page.get_by_role("link", name="聚成科技（宿迁）有限公司").click()
    page.wait_for_url("**/enterprises/*/")
    phone = page.locator("[id^=phone-]").first
    masked = phone.inner_text()
    assert "****" in masked
    phone.get_by_role("button", name="显示").click()
    phone.get_by_role("button", name="隐藏").wait_for()
    assert re.search(r"\d{11}|\d{3,4}-\d{7,8}", phone.inner_text())
    phone.get_by_role("button", name="隐藏").click()
    phone.get_by_role("button", name="显示").wait_for()
    assert phone.inner_text() == masked
    assert page.csp_violations == []


def test_the_first_tab_offers_to_skip_the_menu(page):
    log_in(page, "leader")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
