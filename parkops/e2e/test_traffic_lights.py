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
    # The demo's 精密电子连接器项目 is red: its trial production is overdue.
    _open_from_board(page, "精密电子连接器项目", "red", "milestone_overdue")
    _reach(page, "试生产")  # reached today
    assert _project_light(page) == "green"
    # 智能制造装备项目 is amber: its topping out is due within 10 working days.
    _open_from_board(page, "智能制造装备项目", "amber", "milestone_due")
    _reach(page, "主体封顶")
    assert _project_light(page) == "green"
    page.goto(BOARD)
    for name in ("精密电子连接器项目", "智能制造装备项目"):
        row = _row(page, name)
        assert row.get_attribute("data-row-light") == "green"
        assert "按计划推进" in row.inner_text()
    assert page.csp_violations == []


def _project_light(page):
    return page.locator("[data-project-light]").get_attribute("data-project-light")


def _open_from_board(page, name, light, rule):
    """Find project ``name`` on the board with ``light`` for ``rule`` and open it."""
    page.goto(BOARD)
    row = _row(page, name)
    assert row.get_attribute("data-row-light") == light
    assert row.locator(f"[data-fired={rule}]").count() == 1
    row.get_by_role("link", name=name).click()
    page.wait_for_url("**/projects/*/")
    assert _project_light(page) == light


def _reach(page, milestone):
    """Record ``milestone`` as reached today, from its row on the project page."""
    from parkops.core.text import today_cst

    row = page.locator("[data-milestone]").filter(has_text=milestone)
    row.get_by_role("link", name="登记").click()
    page.wait_for_url("**/milestones/*/actual/")
    assert page.locator("input[name=actual_on]").input_value() == today_cst().isoformat()
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/projects/*/")
