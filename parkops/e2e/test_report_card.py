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
