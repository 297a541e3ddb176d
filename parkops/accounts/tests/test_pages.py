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
    assert "<td>园区领导 · 苏宿园区</td>" in row
