"""A promotion officer logs a visit, records a lead from it, takes it through
negotiation to signing and reads the date of each stage on the project page."""

import pytest

from parkops.e2e.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_takes_a_lead_from_a_visit_to_signing(page):
    from parkops.core.text import today_cst
    from parkops.projects.models import Project

    log_in(page, "promoter")
    page.goto("/promotion/visits/new/")
    page.select_option("select[name=enterprise]", label="宿迁智慧信息产业园发展有限公司")
    page.fill("input[name=city]", "宿迁市")
    page.fill("input[name=purpose]", "浏览器测试：扩建智慧信息产业园二期")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/promotion/visits/*/")

    # The visit's page lists the projects it started, and offers to record one.
    panel = page.locator("[data-panel=visit-projects]")
    assert "暂无来源为本次拜访或关联了本次拜访的项目。" in panel.inner_text()
    panel.locator("[data-add-lead]").click()
    page.wait_for_url("**/projects/new/?source_visit=*")
    assert page.locator("select[name=source]").input_value() == "visit"
    assert page.locator("select[name=source_visit]").input_value() != ""
    investor = page.locator("select[name=investor] option:checked").inner_text()
    assert investor == "宿迁智慧信息产业园发展有限公司"
    page.fill("input[name=name]", "智慧信息产业园二期项目")
    page.fill("input[name=planned_investment]", "120000000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/projects/*/")
    assert "智慧信息产业园二期项目" in page.locator("h2.page-title").inner_text()

    today = today_cst().isoformat()
    page.select_option("select[name=to_stage]", "negotiating")
    page.fill("input[name=on_date]", today)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/projects/*/")
    page.select_option("select[name=to_stage]", "signed")
    page.fill("input[name=on_date]", today)
    page.fill("input[name=signing_amount]", "118000000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/projects/*/")

    dates = page.locator("[data-stage-dates]").inner_text()
    for stage in ("线索", "在谈", "签约"):
        assert stage in dates
    assert dates.count(today) == 3
    assert "1.18亿元" in page.content()
    project = Project.objects.unscoped().get(name="智慧信息产业园二期项目")
    assert project.stage == "signed" and project.source_visit.purpose.startswith("浏览器测试")
    # Back on the visit's page, the project is listed.
    page.goto(project.source_visit.get_absolute_url())
    assert "智慧信息产业园二期项目" in page.locator("[data-panel=visit-projects]").inner_text()
    assert page.csp_violations == []
