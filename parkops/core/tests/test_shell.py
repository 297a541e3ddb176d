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
