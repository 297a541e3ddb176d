"""The report card in a browser: the leader opens it and drills down to the records."""

import pytest

from parkops.e2e.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_clicks_a_figure_through_to_its_records(page, settings):
    settings.DEMO_MODE = True  # the demo's leader signs in without an authenticator app
    log_in(page, "leader")
    page.get_by_role("link", name="成绩单").first.click()
    page.select_option("select[name=period]", "2023-H1")
    page.get_by_role("button", name="显示").click()
    row = page.locator("[data-figure='enterprises.entered_statistics_new']")
    assert "新增列统入规企业6家" in row.inner_text()
    row.locator("a[data-records]").click()
    page.wait_for_url("**/enterprises/?**")
    assert page.locator("table tbody tr").count() == 6
    assert page.csp_violations == []


def test_the_card_reads_on_a_phone(phone_context, settings):
    # 390 px: the sentences keep the width (the method goes under them, not
    # beside them) and a value stays on one line with its unit.
    settings.DEMO_MODE = True
    page = phone_context.new_page()
    log_in(page, "leader")
    page.goto("/reports/card/?park=sszy&period=2023-H1")
    row = page.locator("[data-figure='enterprises.entered_statistics_new_yoy_pct']")
    count_lines = (
        "c => { const r = document.createRange(); r.selectNodeContents(c);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )
    sentence = row.locator("td").first
    assert sentence.evaluate("c => c.getBoundingClientRect().width") >= 150
    assert "同比增长50.0%" in sentence.inner_text()
    value = row.locator("td").nth(1)
    assert "50.0" in value.inner_text()
    assert value.evaluate(count_lines) == 1, value.inner_text()
    # How it is computed is still there to read, under the sentence.
    assert row.locator("[data-note=phone]").is_visible()
