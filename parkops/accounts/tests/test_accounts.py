import lxml.html
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from parkops.accounts import services
from parkops.accounts.models import ApiToken, Membership, User
from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import PASSWORD, make_park, make_user, sign_in

pytestmark = pytest.mark.django_db


class TestLogin:
    def test_login_is_audited(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park(), username="wang")
        response = client.post(
            reverse("accounts:login"), {"username": "wang", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert AuditEntry.objects.filter(action="login", actor=user).exists()

    def test_failed_login_says_the_same_for_unknown_and_known_users(self, client):
        make_user(username="known")
        known = client.post(
            reverse("accounts:login"), {"username": "known", "password": "wrong-pass"}
        )
        unknown = client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
        assert (
            known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
        )
        assert AuditEntry.objects.filter(action="login_failed").count() == 2

    def test_password_never_reaches_the_audit_trail(self, client):
        client.post(reverse("accounts:login"), {"username": "x", "password": "Secret-123456"})
        services.user_create(username="newbie", password="Another-Secret-99", actor=SYSTEM)
        dump = str(list(AuditEntry.objects.values()))
        assert "Secret-123456" not in dump
        assert "Another-Secret-99" not in dump
        assert "pbkdf2" not in dump

    def test_logout_is_audited(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        sign_in(client, user)
        client.post(reverse("accounts:logout"))
        assert AuditEntry.objects.filter(action="logout", actor=user).exists()


class TestSeparationOfDuties:
    @pytest.mark.parametrize(
        ("first", "second"),
        [
            (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
            (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
            (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN),
        ],
    )
    def test_no_account_holds_two_administrator_roles(self, first, second):
        user = make_user()
        services.membership_grant(user=user, role=first, actor=SYSTEM)
        with pytest.raises(ValidationError) as caught:
            services.membership_grant(user=user, role=second, actor=SYSTEM)
        assert "role" in caught.value.message_dict
        assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [first]

    def test_security_admin_cannot_change_their_own_roles(self):
        admin = make_user(Role.SECURITY_ADMIN)
        with pytest.raises(ValidationError):
            services.membership_grant(
                user=admin, role=Role.PARK_LEADER, park=make_park(), actor=admin
            )

    def test_system_admin_cannot_grant_roles(self):
        admin = make_user(Role.SYSTEM_ADMIN)
        with pytest.raises(PermissionDenied):
            services.membership_grant(user=make_user(), role=Role.SECURITY_ADMIN, actor=admin)

    def test_park_role_needs_a_park(self):
        with pytest.raises(ValidationError) as caught:
            services.membership_grant(user=make_user(), role=Role.PARK_LEADER, actor=SYSTEM)
        assert "park" in caught.value.message_dict


class TestMembershipForm:
    """ "A grant without choosing a role became 园区领导": the role must be chosen."""

    def test_the_role_select_starts_at_please_choose_and_no_role_is_preselected(self, client):
        target = make_user()
        sign_in(client, make_user(Role.SECURITY_ADMIN))
        page = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
        select = lxml.html.fromstring(page).xpath('//select[@name="role"]')[0]
        first = select.xpath("option")[0]
        assert (first.get("value"), first.text_content()) == ("", "请选择")
        assert [option.get("value") for option in select.xpath("option[@selected]")] == [""]

    def test_a_grant_without_a_role_grants_nothing_and_says_the_role_is_required(self, client):
        target = make_user()
        sign_in(client, make_user(Role.SECURITY_ADMIN))
        response = client.post(
            reverse("accounts:membership_grant", args=[target.pk]),
            {"role": "", "park": make_park().pk},
            follow=True,
        )
        assert not Membership.objects.filter(user=target).exists()
        assert "角色: 这个字段是必填项。" in [str(m) for m in response.context["messages"]]


class TestTokens:
    def test_token_is_stored_hashed_and_shown_once(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        sign_in(client, user)
        response = client.post(reverse("accounts:apitoken_list"), {"name": "数据中台"})
        key = response.context["new_key"]
        assert key.startswith("pk_")
        token = ApiToken.objects.get(user=user)
        assert key not in token.key_hash
        assert key not in client.get(reverse("accounts:apitoken_list")).content.decode()
        assert AuditEntry.objects.filter(action="token_create", actor=user).exists()

    def test_revoked_token_no_longer_authenticates(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        _token, key = services.api_token_create(user=user, name="t", actor=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        assert client.get(reverse("api:park_list"), **headers).status_code == 200
        sign_in(client, user)
        client.post(reverse("accounts:apitoken_revoke", args=[_token.pk]))
        client.logout()
        assert client.get(reverse("api:park_list"), **headers).status_code == 401

    def test_a_password_reset_stops_the_accounts_tokens(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        _token, key = services.api_token_create(user=user, name="t", actor=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        assert client.get(reverse("api:park_list"), **headers).status_code == 401
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        assert client.get(reverse("api:park_list"), **headers).status_code == 200
        services.password_reset(user=user, actor=make_user(Role.SYSTEM_ADMIN))
        User.objects.filter(pk=user.pk).update(must_change_password=False)  # changed since
        assert client.get(reverse("api:park_list"), **headers).status_code == 401

    def test_cannot_revoke_someone_elses_token(self, client):
        owner = make_user()
        token, _key = services.api_token_create(user=owner, name="t", actor=owner)
        sign_in(client, make_user())
        response = client.post(reverse("accounts:apitoken_revoke", args=[token.pk]))
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_create_api_token_command_prints_a_working_key(self, client, capsys):
        make_user(Role.PARK_LEADER, park=make_park(), username="cli")
        call_command("create_api_token", "cli")
        key = capsys.readouterr().out.strip()
        response = client.get(reverse("api:park_list"), HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200


class TestCreateAdmin:
    def test_creates_an_admin_with_the_given_password(self, monkeypatch):
        monkeypatch.setenv("PARKOPS_ADMIN_PASSWORD", "Strong-admin-pass-1")
        call_command("create_admin", "root", "--role", "security_admin")
        user = User.objects.get(username="root")
        assert user.check_password("Strong-admin-pass-1")
        assert list(user.memberships.values_list("role", flat=True)) == ["security_admin"]

    def test_weak_password_is_refused(self, monkeypatch):
        from django.core.management.base import CommandError

        monkeypatch.setenv("PARKOPS_ADMIN_PASSWORD", "123")
        with pytest.raises(CommandError):
            call_command("create_admin", "root")
        assert not User.objects.filter(username="root").exists()


class TestLanguage:
    def test_user_can_switch_to_english(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        sign_in(client, user)
        client.post(reverse("accounts:language_switch"), {"language": "en"})
        user.refresh_from_db()
        assert user.language == "en"
        assert client.get(reverse("core:home")).headers["Content-Language"] == "en"
