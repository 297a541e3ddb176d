"""The working-day calendar on a phone (390x844): the whole week fits the screen."""

import datetime

import pytest
from django.core.management import call_command

from parkops.core.models import Park
from parkops.core.testing import make_override
from parkops.core.tests.test_workdays import UNCOVERED
from parkops.demo.data import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


@pytest.fixture
def phone(browser, live_server, settings):
    # The demo's park administrator signs in without an authenticator app.
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    park = Park.objects.get(code="sszy")
    make_override(park, date=datetime.date(UNCOVERED, 1, 1), note="元旦")
    make_override(park, date=datetime.date(UNCOVERED, 2, 20), kind="workday", note="调休上班")
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "parkadmin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    yield page
    context.close()


@pytest.mark.parametrize("month", ["2023-10", f"{UNCOVERED}-01"])
def test_the_month_grid_fits_a_phone_with_all_seven_weekdays(phone, month):
    phone.goto(f"/calendar/?month={month}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    headers = phone.locator(".workdays-grid thead th")
    assert [headers.nth(i).inner_text().strip() for i in range(7)] == WEEKDAYS
    for i in range(7):
        box = headers.nth(i).bounding_box()
        assert headers.nth(i).is_visible()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Saturday and Sunday cells are there too, inside the screen.
    sunday = phone.locator(".workdays-grid tbody tr").first.locator("td").nth(6).bounding_box()
    assert sunday["x"] + sunday["width"] <= PHONE["width"]


def test_park_adjustments_keep_dates_and_kinds_on_one_line(phone):
    phone.goto(f"/calendar/?month={UNCOVERED}-01")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row = phone.locator("[data-table=overrides] tbody tr").first
    for cell in (row.locator("td").nth(0), row.locator("td").nth(1)):
        # One line: every box of the cell's text starts at the same height.
        lines = cell.evaluate(
            "c => { const r = document.createRange(); r.selectNodeContents(c);"
            " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
        )
        assert lines == 1, cell.inner_text()
