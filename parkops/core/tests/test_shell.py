"""The page shell every signed-in page shares."""

import pytest
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in

pytestmark = pytest.mark.django_db


def test_a_keyboard_user_can_skip_the_menu_to_the_content(client):
    sign_in(client, make_user(Role.PARK_LEADER, park=make_park()))
    html = client.get(reverse("core:home")).content.decode()
    body = html.split("<body", 1)[1]
    first_link = body[body.index("<a ") : body.index("</a>")]
    assert 'href="#main-content"' in first_link and "跳到正文" in first_link
    assert 'id="main-content" tabindex="-1"' in html


def menu_of(client) -> str:
    html = client.get(reverse("core:home")).content.decode()
    return html[html.index('id="sidebar-menu"') : html.index("</aside>")]


def test_each_user_sees_the_menu_of_their_own_roles_though_menus_are_drawn_once(client):
    park = make_park()
    audit_list = reverse("core:auditentry_list")
    sign_in(client, make_user(Role.AUDIT_ADMIN))
    assert audit_list in menu_of(client)
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    assert audit_list not in menu_of(client)
    assert reverse("enterprises:enterprise_list") in menu_of(client)


def test_the_menu_is_in_the_users_language(client):
    user = make_user(Role.PARK_LEADER, park=make_park())
    sign_in(client, user)
    assert "企业" in menu_of(client)
    type(user).objects.filter(pk=user.pk).update(language="en")
    assert "Enterprises" in menu_of(client)
