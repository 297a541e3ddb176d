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


def test_a_note_under_the_search_box_leaves_the_filters_beside_it_in_place(page, monkeypatch):
    """A short search in a long list gets a three-line note under the box; the
    fields beside it stayed at the bottom of the taller row, ~50 px lower."""
    from parkops.enterprises import search_index

    monkeypatch.setattr(search_index, "SCAN_LIMIT", 2)  # the demo park is "long"
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, "stats")
    page.goto("/enterprises/?q=苏")
    assert page.locator("#filter-note-q").inner_text().strip()
    search = page.locator(".filter-form input[name=q]").bounding_box()
    for field in ("select[name=status]", "select[name=industry] + .ts-wrapper"):
        beside = page.locator(f".filter-form {field}").bounding_box()
        assert abs(beside["y"] - search["y"]) < 0.5, (field, beside, search)
    assert page.csp_violations == []


def test_the_upload_button_is_level_with_the_file_field(page):
    """The hint under the file field pushed 上传并预览 half a field lower."""
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, "stats")
    page.goto("/exchange/enterprises/import/")
    field = page.locator("input[type=file]").bounding_box()
    button = page.get_by_role("button", name="上传并预览").bounding_box()
    assert abs(field["y"] - button["y"]) < 0.5, (field, button)
    assert page.csp_violations == []
