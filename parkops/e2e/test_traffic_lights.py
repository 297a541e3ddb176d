"""A project officer reads the traffic-light board (项目推进红绿灯), opens a
red project and records its overdue milestone as reached, then an amber one's
milestone due soon, and watches both lights turn green on the project page and
on the board."""

import pytest

from parkops.e2e.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOARD = "/projects/boards/traffic/?park=sszy"


def _row(page, name):
    return page.locator("[data-traffic-board] tr[data-project]").filter(has_text=name)


def test_a_project_officer_turns_a_red_and_an_amber_project_green(page):
    log_in(page, "project")
    page.goto(BOARD)
    # The demo's 精密电子连接器项目 is red: its trial production is overdue.
    red = _row(page, "精密电子连接器项目")
    assert red.get_attribute("data-row-light") == "red"
    assert red.locator("[data-fired=milestone_overdue]").count() == 1
    red.get_by_role("link", name="精密电子连接器项目").click()
    page.wait_for_url("**/projects/*/")
    assert page.locator("[data-project-light]").get_attribute("data-project-light") == "red"

    # Reached today: recorded from the milestone's row.
    _reach(page, "试生产")
    assert page.locator("[data-project-light]").get_attribute("data-project-light") == "green"

    # 智能制造装备项目 is amber: its topping out is due within 10 working days.
    page.goto(BOARD)
    assert _row(page, "精密电子连接器项目").get_attribute("data-row-light") == "green"
    amber = _row(page, "智能制造装备项目")
    assert amber.get_attribute("data-row-light") == "amber"
    assert amber.locator("[data-fired=milestone_due]").count() == 1
    amber.get_by_role("link", name="智能制造装备项目").click()
    page.wait_for_url("**/projects/*/")
    assert page.locator("[data-project-light]").get_attribute("data-project-light") == "amber"
    _reach(page, "主体封顶")
    assert page.locator("[data-project-light]").get_attribute("data-project-light") == "green"
    page.goto(BOARD)
    now = _row(page, "智能制造装备项目")
    assert now.get_attribute("data-row-light") == "green"
    assert "按计划推进" in now.inner_text()
    assert page.csp_violations == []


def _reach(page, milestone):
    """Record ``milestone`` as reached today, from its row on the project page."""
    from parkops.core.text import today_cst

    row = page.locator("[data-milestone]").filter(has_text=milestone)
    row.get_by_role("link", name="登记").click()
    page.wait_for_url("**/milestones/*/actual/")
    assert page.locator("input[name=actual_on]").input_value() == today_cst().isoformat()
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/projects/*/")
