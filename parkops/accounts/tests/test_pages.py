"""The account pages as administrators read them."""

import re

import pytest
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in

pytestmark = pytest.mark.django_db


def test_the_user_list_shows_each_role_with_where_it_is_held(client):
    park = make_park(short_name="苏宿园区")
    make_user(Role.PARK_LEADER, park=park, username="leader1")
    sign_in(client, make_user(Role.SYSTEM_ADMIN))
    html = client.get(reverse("accounts:user_list")).content.decode()
    row = re.search(r"leader1</a></td>.*?</tr>", html, re.S).group(0)
    assert re.search(r"<td\s*>园区领导 · 苏宿园区</td>", row)


def test_the_user_list_filters_sorts_pages_and_exports_as_every_list(client):
    for i in range(26):
        make_user(username=f"pager{i:02d}")
    sign_in(client, make_user(Role.SECURITY_ADMIN))
    response = client.get(reverse("accounts:user_list"), {"q": "pager", "sort": "-username"})
    rows = [row.record.username for row in response.context["table"].page.object_list]
    assert rows == [f"pager{i:02d}" for i in range(25, 0, -1)]
    page_two = client.get(
        reverse("accounts:user_list"), {"q": "pager", "sort": "-username", "page": 2}
    )
    assert [row.record.username for row in page_two.context["table"].page.object_list] == [
        "pager00"
    ]
    html = response.content.decode()
    assert f"{reverse('accounts:user_export')}?q=pager" in html
    assert f"{reverse('accounts:user_export_csv')}?q=pager" in html
    # The security administrator reads accounts but does not create them.
    assert reverse("accounts:user_add") not in html


def test_the_system_administrator_is_offered_a_new_account(client):
    sign_in(client, make_user(Role.SYSTEM_ADMIN))
    html = client.get(reverse("accounts:user_list")).content.decode()
    assert f'href="{reverse("accounts:user_add")}"' in html
