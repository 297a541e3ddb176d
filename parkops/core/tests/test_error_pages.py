"""Errors a user may see: the product's own 404 and 500 pages, also while DEBUG is
on (``make run``); Django's technical pages only for a developer who asks
(PARKOPS_DEBUG_PAGES=1)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in

pytestmark = pytest.mark.django_db

DJANGO_DEBUG_PAGE = "you have <code>DEBUG = True</code>"


@pytest.fixture
def leader(client):
    user = make_user(Role.PARK_LEADER, park=make_park())
    sign_in(client, user)
    return user


@pytest.fixture
def broken_home(monkeypatch):
    """The home page fails as a bug would."""

    def fail(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("parkops.core.views.selectors.park_counts", fail)


def assert_product_page(html: str) -> None:
    assert "vendor/tabler/tabler.min.css" in html
    assert "ParkOps" in html
    assert '<a href="/" class="btn btn-primary">返回首页</a>' in html
    assert DJANGO_DEBUG_PAGE not in html


@override_settings(DEBUG=True)
def test_a_missing_record_shows_the_products_404_page_with_debug_on(client, leader):
    response = client.get(reverse("enterprises:enterprise_detail", args=[999999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert_product_page(html)
    assert "不存在" in html


@override_settings(DEBUG=True)
def test_an_unknown_address_does_not_list_the_sites_url_patterns(client, leader):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_product_page(html)
    assert "URLconf" not in html and "accounts/" not in html


@override_settings(DEBUG=True)
def test_an_address_without_its_slash_still_redirects(client, leader):
    response = client.get("/enterprises")
    assert response.status_code == 301
    assert response["Location"] == "/enterprises/"


@override_settings(DEBUG=True)
def test_a_failure_shows_the_products_500_page_with_debug_on(client, leader, broken_home):
    client.raise_request_exception = False
    response = client.get(reverse("core:home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert_product_page(html)
    assert "RuntimeError" not in html and "Traceback" not in html


def test_a_failure_shows_the_products_500_page_in_production(client, leader, broken_home):
    client.raise_request_exception = False
    response = client.get(reverse("core:home"))
    assert response.status_code == 500
    assert_product_page(response.content.decode())


@override_settings(DEBUG=True)
def test_a_failure_is_still_logged(client, leader, broken_home, caplog):
    client.raise_request_exception = False
    client.get(reverse("core:home"))
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert logged and logged[0].exc_info[0] is RuntimeError


@override_settings(DEBUG=True, PARKOPS_DEBUG_PAGES=True)
def test_a_developer_may_ask_for_djangos_debug_pages(client, leader):
    response = client.get(reverse("enterprises:enterprise_detail", args=[999999]))
    assert response.status_code == 404
    assert DJANGO_DEBUG_PAGE in response.content.decode()


@override_settings(DEBUG=True)
def test_the_api_still_answers_a_missing_record_in_json(client, leader):
    response = client.get(reverse("api:enterprise_detail", args=[999999]))
    assert response.status_code == 404
    assert response.json()["detail"]
