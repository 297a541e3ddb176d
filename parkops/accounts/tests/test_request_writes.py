"""A signed-in request reads what it needs and writes nothing unless something
changed: the session only when its data changes, the session's last-seen time
and an API token's last use at most once a minute."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parkops.accounts import services
from parkops.accounts.models import ApiToken, UserSession
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import PASSWORD, grant, make_park, make_user

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def login(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302


class TestSignedInRequests:
    def test_a_page_request_writes_nothing_when_nothing_changed(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user)
        client.get(reverse("core:home"))  # the first page after signing in
        for name in ("core:home", "enterprises:enterprise_list"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            assert writes(queries.captured_queries) == []

    def test_last_seen_is_written_once_a_minute_at_most(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user)
        two_minutes_ago = timezone.now() - datetime.timedelta(minutes=2)
        UserSession.objects.update(last_seen_at=two_minutes_ago)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("core:home"))
        assert len(writes(queries.captured_queries)) == 1
        assert UserSession.objects.get().last_seen_at > two_minutes_ago
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("core:home"))
        assert writes(queries.captured_queries) == []

    def test_a_request_that_changes_the_session_saves_it(self, client):
        park, other = make_park(), make_park()
        user = make_user(Role.PARK_LEADER, park=park)
        grant(user, Role.PARK_LEADER, park=other)
        login(client, user)
        client.get(reverse("core:home"))
        with CaptureQueriesContext(connection) as queries:
            client.post(reverse("core:park_switch"), {"park": other.pk})
        assert writes(queries.captured_queries)  # the session, with the park chosen
        assert client.session["parkops_active_park"] == other.pk
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("core:home"))
        assert writes(queries.captured_queries) == []
        assert client.session["parkops_active_park"] == other.pk

    def test_an_active_user_stays_signed_in_past_the_idle_minutes(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user)
        # Active all along: last seen a minute ago, signed in longer than the idle time.
        UserSession.objects.update(
            created_at=timezone.now()
            - datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES * 2),
            last_seen_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        assert client.get(reverse("core:home")).status_code == 200

    def test_the_idle_timeout_still_signs_out_and_is_audited(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user)
        client.get(reverse("core:home"))
        UserSession.objects.update(
            last_seen_at=timezone.now()
            - datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
        )
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
        ended = AuditEntry.objects.get(action=AuditEntry.Action.SESSION_END, actor=user)
        assert ended.after["reason"] == "idle"
        assert client.get(reverse("core:home")).status_code == 302

    def test_sign_in_and_sign_out_are_audited_as_before(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user)
        client.get(reverse("core:home"))
        client.post(reverse("accounts:logout"))
        actions = list(
            AuditEntry.objects.filter(actor=user).order_by("pk").values_list("action", flat=True)
        )
        assert actions == [
            AuditEntry.Action.LOGIN,
            AuditEntry.Action.SESSION_END,  # reason "logout"
            AuditEntry.Action.LOGOUT,
        ]


class TestApiTokenLastUse:
    def test_last_use_is_written_at_most_once_a_minute(self):
        user = make_user(Role.PARK_LEADER, park=make_park())
        token, key = services.api_token_create(user=user, name="t", actor=user)
        assert services.api_token_authenticate(key) == user
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        assert first is not None
        with CaptureQueriesContext(connection) as queries:
            assert services.api_token_authenticate(key) == user
        assert writes(queries.captured_queries) == []
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=first - datetime.timedelta(minutes=2)
        )
        services.api_token_authenticate(key)
        assert ApiToken.objects.get(pk=token.pk).last_used_at > first - datetime.timedelta(
            minutes=1
        )
