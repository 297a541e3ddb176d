"""A promotion officer logs a visit on a phone (390x844), as after a meeting."""

import pytest

from parkops.e2e.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_logs_a_visit_on_a_phone(phone_context):
    from parkops.promotion.models import Visit

    page = phone_context.new_page()
    log_in(page, "promoter")
    page.goto("/promotion/visits/new/")
    width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] == width[1], "the visit form is wider than the phone"
    page.select_option("select[name=enterprise]", label="聚成科技（宿迁）有限公司")
    page.fill("input[name=city]", "宿迁市")
    page.fill("input[name=purpose]", "手机登记：扩产项目对接")
    page.fill("input[name=next_step]", "报送扩产方案")
    page.fill("input[name=next_step_working_days]", "3")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/promotion/visits/*/")
    assert "手机登记：扩产项目对接" in page.content()
    visit = Visit.objects.unscoped().get(purpose="手机登记：扩产项目对接")
    # Filled in for the officer: their unit, themselves, a due date counted in working days.
    assert visit.unit.code == "FJ-EI"
    assert [user.username for user in visit.staff.all()] == ["promoter"]
    assert visit.next_step_due is not None and visit.next_step_due > visit.date
