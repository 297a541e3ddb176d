"""A new app is its folder and one settings line.

The sample app (parkops/core/tests/sample_app: one model, its declaration
modules) is installed only by the test settings; no line of core names it. It
still reaches the menu, the home page, its add and edit pages, the API (read
and write, by ``add_read_routes`` and ``add_write_routes``), the exports and
imports, the shared register tests and the scoping suite, and leaving its
endpoints undeclared fails the coverage test.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkops.api import api
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import (
    WritableRegisterTestCase,
    audit_entries,
    make_park,
    make_token,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.core.tests import test_scoping
from parkops.core.tests.sample_app.models import Widget
from parkops.core.tests.sample_app.testing import WIDGET, make_widget

pytestmark = pytest.mark.django_db

SAMPLE_ENDPOINTS = {
    "sample:widget_list",
    "sample:widget_detail",
    "sample:widget_edit",
    "api:widget_list",
    "api:widget_detail",
    "api:widget_edit",
}
# Routes with no id: checked for the park a new widget goes into.
SAMPLE_ADD_ROUTES = {"sample:widget_add", "api:widget_add"}


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def leader(park):
    return make_user(Role.PARK_LEADER, park=park)


@pytest.fixture
def admin(park):
    return make_user(Role.PARK_ADMIN, park=park)


def api_send(client, method, path, user, data):
    token = make_token(user)
    return getattr(client, method)(
        path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


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
    checked = {check.id for check in test_scoping.ADD_CHECKS}
    assert not SAMPLE_ADD_ROUTES - checked


def test_an_undeclared_endpoint_fails_the_coverage_test():
    """Without the sample app's declaration its pages and API, add routes
    included, are reported missing."""
    everything = [*test_scoping.ENDPOINTS, *test_scoping.ADD_CHECKS]
    others = [
        e
        for e in everything
        if getattr(e, "make", None) is not make_widget
        and getattr(e, "declaration", None) is not WIDGET
    ]
    missing = test_scoping.uncovered(others, test_scoping.EXEMPT, test_scoping.EXPOSED)
    assert missing == sorted(SAMPLE_ENDPOINTS | SAMPLE_ADD_ROUTES)
    assert test_scoping.uncovered(everything, test_scoping.EXEMPT, test_scoping.EXPOSED) == []


def test_the_sample_pages_find_their_addresses_from_the_model(client, park, leader, admin):
    """Its views name no URL: the detail page links back to the list by the
    model's ``sample:widget_list``, and to its edit page for who may edit."""
    from parkops.core.generic import model_url_name

    assert model_url_name(Widget, "list") == "sample:widget_list"
    assert model_url_name(Widget, "edit") == "sample:widget_edit"
    widget = make_widget(park)
    sign_in(client, leader)
    page = client.get(reverse("sample:widget_detail", args=[widget.pk])).content.decode()
    assert f'href="{reverse("sample:widget_list")}"' in page
    assert reverse("sample:widget_edit", args=[widget.pk]) not in page
    sign_in(client, admin)
    page = client.get(reverse("sample:widget_detail", args=[widget.pk])).content.decode()
    assert f'href="{reverse("sample:widget_edit", args=[widget.pk])}"' in page


def test_the_sample_app_gets_the_writable_register_tests():
    """Its declaration names a writer and form and API data, so the shared suite
    runs the create, edit, API write, audit and 404 tests on it."""
    from parkops.tests import test_declared_registers

    cls = test_declared_registers.TestWidgetRegister
    assert issubclass(cls, WritableRegisterTestCase)
    for test in (
        "test_create_by_writer_creates_in_own_park_and_audits",
        "test_edit_of_other_park_object_is_404",
        "test_api_create_by_writer_creates_in_own_park_and_audits",
        "test_api_update_of_other_park_object_is_404",
    ):
        assert callable(getattr(cls, test)), test


def test_the_sample_api_writes_through_add_write_routes(client, park, leader, admin):
    schema_ids = {
        op["operationId"]
        for path in api.get_openapi_schema()["paths"].values()
        for op in path.values()
    }
    assert {"widget_add", "widget_edit"} <= schema_ids
    url = reverse("api:widget_list")
    created = api_send(client, "post", url, admin, {"name": "新接口物件"})
    assert created.status_code == 201, created.content
    widget = Widget.objects.unscoped().get(pk=created.json()["id"])
    assert (widget.park, widget.name) == (park, "新接口物件")
    assert audit_entries(widget, action=AuditEntry.Action.CREATE, actor=admin).exists()

    # The reader may not add (the park named, or their only one), nor edit.
    refused = api_send(client, "post", f"{url}?park={park.pk}", leader, {"name": "不行"})
    assert refused.status_code == 403
    detail = reverse("api:widget_edit", args=[widget.pk])
    assert api_send(client, "patch", detail, leader, {"name": "不行"}).status_code == 403

    edited = api_send(client, "patch", detail, admin, {"name": "改名物件"})
    assert edited.status_code == 200, edited.content
    assert edited.json() == {"id": widget.pk, "park_id": park.pk, "name": "改名物件"}
    entry = audit_entries(widget, action=AuditEntry.Action.UPDATE).get()
    assert (entry.before["name"], entry.after["name"]) == ("新接口物件", "改名物件")

    foreign = make_widget(make_park())
    other = api_send(client, "patch", reverse("api:widget_edit", args=[foreign.pk]), admin, {})
    assert other.status_code == 404
    invalid = api_send(client, "post", url, admin, {"name": ""})
    assert invalid.status_code == 422 and "name" in invalid.json()["errors"]


def test_the_sample_pages_add_and_edit(client, park, admin):
    sign_in(client, admin)
    response = client.post(reverse("sample:widget_add"), {"name": "页面物件"})
    assert response.status_code == 302
    widget = Widget.objects.unscoped().get(name="页面物件")
    assert widget.park == park
    response = client.post(reverse("sample:widget_edit", args=[widget.pk]), {"name": "页面改名"})
    assert response.status_code == 302
    widget.refresh_from_db()
    assert widget.name == "页面改名"
    assert audit_entries(widget).count() == 2


def test_the_sample_register_imports_all_or_nothing(park, admin):
    spec = get_spec("widgets")
    assert spec.importable
    existing = make_widget(park, name="已有物件")
    outcome = run_import(
        spec=spec,
        actor=admin,
        park=park,
        data=xlsx_bytes([["名称"], ["导入物件甲"], ["已有物件"], ["导入物件乙"]]),
        file_name="物件.xlsx",
        commit=True,
    )
    assert outcome.ok, outcome.problems or outcome.file_errors
    assert sorted(row.action for row in outcome.rows) == ["create", "create", "unchanged"]
    names = set(Widget.objects.unscoped().filter(park=park).values_list("name", flat=True))
    assert names == {"已有物件", "导入物件甲", "导入物件乙"}
    created = Widget.objects.unscoped().get(name="导入物件甲")
    assert audit_entries(created, action=AuditEntry.Action.CREATE, actor=admin).exists()
    assert existing.pk in Widget.objects.unscoped().values_list("pk", flat=True)

    # A row the model refuses (a name over 50 characters) refuses the whole file.
    failed = run_import(
        spec=spec,
        actor=admin,
        park=park,
        data=xlsx_bytes([["名称"], ["又一个物件"], ["长" * 51]]),
        file_name="坏.xlsx",
        commit=True,
    )
    assert not failed.ok
    assert not Widget.objects.unscoped().filter(name="又一个物件").exists()


def test_the_sample_register_has_a_round_trip_case():
    from parkops.tests import test_exchange_registers

    assert "widgets" in test_exchange_registers.POPULATE


def test_the_sample_app_adds_panels_to_its_detail_page(client, park, leader):
    """``core.panels``: declared in the app's ``panels.py``, shown in order by the
    generic detail template, each with the object; None shows nothing."""
    widget = make_widget(park)
    sign_in(client, leader)
    html = client.get(reverse("sample:widget_detail", args=[widget.pk])).content.decode()
    first = html.index(f"first panel of {widget.name} ({widget.pk})")
    second = html.index(f"second panel of {widget.name} ({widget.pk})")
    assert first < second and html.count("data-sample-panel") == 2
