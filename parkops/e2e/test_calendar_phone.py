"""The working-day calendar on a phone (390x844): the whole week fits the screen."""

import datetime

import pytest

from parkops.core.models import Park
from parkops.core.tests.test_workdays import UNCOVERED
from parkops.e2e.helpers import PHONE, log_in
from parkops.workdays.testing import make_override

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


@pytest.fixture
def phone(phone_context, settings):
    # The demo's park administrator signs in without an authenticator app.
    settings.DEMO_MODE = True
    park = Park.objects.get(code="sszy")
    make_override(park, date=datetime.date(UNCOVERED, 1, 1), note="元旦")
    make_override(park, date=datetime.date(UNCOVERED, 2, 20), kind="workday", note="调休上班")
    page = phone_context.new_page()
    log_in(page, "parkadmin")
    return page


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
