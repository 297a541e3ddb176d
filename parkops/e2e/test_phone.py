"""Lists on a phone: at 390x844 (an iPhone 12-15) no list page is wider than the
screen; tables scroll inside their cards and filters fold behind a button."""

import pytest

from parkops.e2e.helpers import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(phone_context):
    return phone_context.new_page()


def menu_links(page) -> list[str]:
    """The list pages the navigation offers this user (home and API docs aside)."""
    hrefs = page.locator("#sidebar-menu a.nav-link[href]").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    return [href for href in hrefs if href not in ("/", "/api/docs")]


def overflow(page, path) -> tuple[int, int]:
    page.goto(path)
    page.wait_for_load_state("load")
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def test_no_list_page_of_the_park_leader_is_wider_than_a_phone(phone):
    log_in(phone, "leader")
    links = menu_links(phone)
    assert "/enterprises/" in links  # the navigation was read, not an empty menu
    too_wide = {}
    for path in links:
        scroll_width, viewport = overflow(phone, path)
        if scroll_width != viewport:
            too_wide[path] = scroll_width
    assert too_wide == {}, f"wider than {PHONE['width']} px: {too_wide}"


def test_the_audit_log_is_not_wider_than_a_phone(phone):
    log_in(phone, "auditor")
    assert "/audit/" in menu_links(phone)
    scroll_width, viewport = overflow(phone, "/audit/")
    assert scroll_width == viewport


def test_the_user_list_is_not_wider_than_a_phone(phone):
    log_in(phone, "sysadmin")
    assert "/accounts/users/" in menu_links(phone)
    scroll_width, viewport = overflow(phone, "/accounts/users/")
    assert scroll_width == viewport


def test_the_security_administrators_pages_are_not_wider_than_a_phone(phone):
    from parkops.accounts.models import User

    log_in(phone, "secadmin")
    promoter = User.objects.get(username="promoter")
    pages = [*menu_links(phone), f"/accounts/users/{promoter.pk}/", "/accounts/tokens/"]
    too_wide = {}
    for path in pages:
        scroll_width, viewport = overflow(phone, path)
        if scroll_width != viewport:
            too_wide[path] = scroll_width
    assert too_wide == {}, f"wider than {PHONE['width']} px: {too_wide}"


def test_filters_fold_behind_a_button_on_a_phone(phone):
    log_in(phone, "leader")
    phone.goto("/enterprises/")
    search = phone.locator("input[name=q]")
    assert not search.is_visible()
    phone.get_by_role("button", name="筛选条件").click()
    search.wait_for(state="visible")
    # A long name keeps one line: its cell is as tall as a one-line cell.
    name = phone.locator("table tbody tr td a").first
    height = name.evaluate("a => a.getClientRects().length")
    assert height == 1
