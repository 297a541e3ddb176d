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


# ------------------------------------------------- the browser walk's complaints
def test_no_permission_page_sends_the_user_to_the_security_administrator(client):
    sign_in(client, make_user(Role.PARK_LEADER, park=make_park()))
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "请向安全管理员申请相应角色" in html
    assert "园区管理员" not in html


@pytest.mark.parametrize("debug", [False, True])
def test_opening_a_post_only_address_shows_the_products_405_page(client, leader, debug):
    with override_settings(DEBUG=debug):
        response = client.get(reverse("exchange:importbatch_undo", args=[1]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert_product_page(html)
    assert "无法直接打开" in html


def test_the_api_keeps_its_own_405_answer(client, leader):
    response = client.delete(reverse("api:enterprise_list"))
    assert response.status_code == 405
    assert "返回首页" not in response.content.decode()
