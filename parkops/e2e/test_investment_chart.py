"""The project page's investment chart in a browser: drawn from the page's own
data by the vendored ECharts, under the strict Content-Security-Policy."""

import pytest

from parkops.e2e.helpers import log_in
from parkops.projects.models import AnnualPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_sees_a_major_projects_investment_against_its_pace(page, settings):
    settings.DEMO_MODE = True
    log_in(page, "leader")
    plan = AnnualPlan.objects.unscoped().select_related("project").order_by("pk").first()
    page.goto(plan.project.get_absolute_url())
    chart = page.locator("[data-investment-chart]")
    chart.locator("canvas").first.wait_for()
    assert chart.bounding_box()["height"] > 100
    assert page.csp_violations == []
