import pytest
from django.urls import reverse

from parkops.accounts.middleware import ACTIVE_PARK_SESSION_KEY
from parkops.core.permissions import Role
from parkops.core.testing import grant, make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise

pytestmark = pytest.mark.django_db


class TestHome:
    def test_home_shows_the_users_parks_with_live_counts(self, client):
        park_a, park_b, park_c = make_park(), make_park(), make_park()
        for _ in range(3):
            make_enterprise(park_a)
        make_enterprise(park_a, status="prospect", uscc="")
        make_enterprise(park_c)
        leader = make_user(Role.PARK_LEADER, park=park_a)
        grant(leader, Role.PARK_LEADER, park=park_b)
        sign_in(client, leader)
        response = client.get(reverse("core:home"))
        rows = {row["park"]: row for row in response.context["park_rows"]}
        assert set(rows) == {park_a, park_b}
        assert rows[park_a]["settled"] == 3
        assert rows[park_a]["prospects"] == 1
        assert rows[park_b]["settled"] == 0

    def test_home_query_count_does_not_grow_with_parks(self, client, django_assert_max_num_queries):
        leader = make_user(Role.PARK_LEADER, park=make_park())
        sign_in(client, leader)
        client.get(reverse("core:home"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as one:
            client.get(reverse("core:home"))
        for _ in range(4):
            grant(leader, Role.PARK_LEADER, park=make_park())
        with CaptureQueriesContext(connection) as five:
            client.get(reverse("core:home"))
        assert len(one) == len(five)

    def test_home_tallies_each_register_in_one_aggregate_query(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from parkops.enterprises.models import Enterprise

        park = make_park()
        make_enterprise(park, above_scale=True)
        make_enterprise(park)
        make_enterprise(park, status="prospect", uscc="")
        leader = make_user(Role.PARK_LEADER, park=park)
        sign_in(client, leader)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("core:home"))
        table = Enterprise._meta.db_table
        scans = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert len(scans) == 1
        row = response.context["park_rows"][0]
        assert (row["settled"], row["prospects"], row["above_scale"]) == (2, 1, 1)

    def test_anonymous_home_redirects_to_login(self, client):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302


class TestParkSwitch:
    def test_switching_changes_which_park_lists_show(self, client):
        park_a, park_b = make_park(), make_park()
        in_a, in_b = make_enterprise(park_a), make_enterprise(park_b)
        user = make_user(Role.PARK_LEADER, park=park_a)
        grant(user, Role.PARK_LEADER, park=park_b)
        sign_in(client, user)
        client.post(reverse("core:park_switch"), {"park": park_b.pk})
        page = client.get(reverse("enterprises:enterprise_list")).content.decode()
        assert in_b.name in page and in_a.name not in page
        client.post(reverse("core:park_switch"), {"park": park_a.pk})
        page = client.get(reverse("enterprises:enterprise_list")).content.decode()
        assert in_a.name in page and in_b.name not in page

    def test_switching_to_a_park_not_yours_is_refused(self, client):
        park_a, park_b = make_park(), make_park()
        user = make_user(Role.PARK_LEADER, park=park_a)
        sign_in(client, user)
        response = client.post(reverse("core:park_switch"), {"park": park_b.pk})
        assert response.status_code == 403
        assert client.session.get(ACTIVE_PARK_SESSION_KEY) is None

    def test_create_goes_into_the_active_park(self, client):
        park_a, park_b = make_park(), make_park()
        user = make_user(Role.SERVICE_OFFICER, park=park_a)
        grant(user, Role.SERVICE_OFFICER, park=park_b)
        sign_in(client, user)
        client.post(reverse("core:park_switch"), {"park": park_b.pk})
        client.post(
            reverse("enterprises:enterprise_add"), {"name": "乙园企业", "status": "prospect"}
        )
        from parkops.enterprises.models import Enterprise

        assert Enterprise.objects.unscoped().get(name="乙园企业").park == park_b


class TestErrorPages:
    def test_404_page_is_in_chinese(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        sign_in(client, user)
        response = client.get("/enterprises/999999/")
        assert response.status_code == 404
        assert "不存在" in response.content.decode()


class TestSecurityHeaders:
    def test_csp_forbids_inline_script_and_style(self, client):
        response = client.get(reverse("accounts:login"))
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy

    def test_pages_contain_no_inline_script(self, client):
        park = make_park()
        user = make_user(Role.SERVICE_OFFICER, park=park)
        enterprise = make_enterprise(park)
        sign_in(client, user)
        import re

        for url in (
            reverse("core:home"),
            reverse("enterprises:enterprise_list"),
            enterprise.get_absolute_url(),
            reverse("enterprises:enterprise_add"),
        ):
            html = client.get(url).content.decode()
            inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
            assert not inline, f"{url} has an inline script"
            assert " style=" not in html, f"{url} has an inline style"
