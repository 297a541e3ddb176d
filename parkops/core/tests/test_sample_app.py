"""A new app is its folder and one settings line.

The sample app (parkops/core/tests/sample_app: one model, its declaration
modules) is installed only by the test settings; no line of core names it. It
still reaches the menu, the home page, the API, the exports and the scoping
suite, and leaving its endpoints undeclared fails the coverage test.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkops.api import api
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_token, make_user, sign_in
from parkops.core.tests import test_scoping
from parkops.core.tests.sample_app.testing import make_widget

pytestmark = pytest.mark.django_db

SAMPLE_ENDPOINTS = {
    "sample:widget_list",
    "sample:widget_detail",
    "api:widget_list",
    "api:widget_detail",
}


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def leader(park):
    return make_user(Role.PARK_LEADER, park=park)


def test_the_sample_app_is_in_the_menu(client, leader):
    sign_in(client, leader)
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("sample:widget_list")}"' in html
    assert "样例物件" in html


def test_the_sample_app_counts_on_the_home_card(client, park, leader):
    make_widget(park)
    make_widget(park)
    make_widget(make_park())
    sign_in(client, leader)
    response = client.get(reverse("core:home"))
    (row,) = response.context["park_rows"]
    assert row["widgets"] == 2
    assert 'data-count="widgets"' in response.content.decode()


def test_the_sample_app_serves_its_list_page_and_api(client, park, leader):
    own, foreign = make_widget(park), make_widget(make_park())
    sign_in(client, leader)
    page = client.get(reverse("sample:widget_list")).content.decode()
    assert own.name in page and foreign.name not in page
    schema_ids = {
        op["operationId"]
        for path in api.get_openapi_schema()["paths"].values()
        for op in path.values()
    }
    assert {"widget_list", "widget_detail"} <= schema_ids
    token = make_token(leader)
    body = client.get(reverse("api:widget_list"), HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [item["id"] for item in body["items"]] == [own.pk]


def test_the_sample_register_exports(client, park, leader):
    own, foreign = make_widget(park), make_widget(make_park())
    sign_in(client, leader)
    response = client.get(reverse("exchange:export", args=["widgets"]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    cells = {
        c for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row
    }
    assert own.name in cells and foreign.name not in cells


def test_the_scoping_suite_requests_the_sample_apps_endpoints():
    requested = {endpoint.id for endpoint in test_scoping.ENDPOINTS}
    assert (
        SAMPLE_ENDPOINTS | {"exchange:export/widgets", "exchange:export_csv/widgets"} <= requested
    )


def test_an_undeclared_endpoint_fails_the_coverage_test():
    """Without the sample app's declaration its pages and API are reported missing."""
    others = [e for e in test_scoping.ENDPOINTS if e.make is not make_widget]
    missing = test_scoping.uncovered(others, test_scoping.EXEMPT, test_scoping.EXPOSED)
    assert missing == sorted(SAMPLE_ENDPOINTS)
    assert (
        test_scoping.uncovered(test_scoping.ENDPOINTS, test_scoping.EXEMPT, test_scoping.EXPOSED)
        == []
    )


def test_the_sample_pages_find_their_addresses_from_the_model(client, park, leader):
    """Its views name no URL: the detail page links back to the list by the
    model's ``sample:widget_list``, and offers no edit page, since it has none."""
    from parkops.core.generic import model_url_name
    from parkops.core.tests.sample_app.models import Widget

    assert model_url_name(Widget, "list") == "sample:widget_list"
    assert model_url_name(Widget, "edit") is None
    widget = make_widget(park)
    sign_in(client, leader)
    page = client.get(reverse("sample:widget_detail", args=[widget.pk])).content.decode()
    assert f'href="{reverse("sample:widget_list")}"' in page
    assert "ti-edit" not in page


def test_the_sample_app_adds_panels_to_its_detail_page(client, park, leader):
    """``core.panels``: declared in the app's ``panels.py``, shown in order by the
    generic detail template, each with the object; None shows nothing."""
    widget = make_widget(park)
    sign_in(client, leader)
    html = client.get(reverse("sample:widget_detail", args=[widget.pk])).content.decode()
    first = html.index(f"first panel of {widget.name} ({widget.pk})")
    second = html.index(f"second panel of {widget.name} ({widget.pk})")
    assert first < second and html.count("data-sample-panel") == 2
