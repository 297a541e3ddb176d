"""等保2.0 level 3 controls, each tested the way an attacker or a careless user
would try to get round it."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from parkops.accounts import services
from parkops.accounts.models import Lockout, Membership, User, UserSession
from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import PASSWORD, make_park, make_user, sign_in

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


# ------------------------------------------------------------------ passwords
class TestPasswordRules:
    @pytest.mark.parametrize(
        "weak",
        [
            "Short1!",  # under 10 characters
            "alllowercaseletters",  # one class only
            "lowercase123456",  # two classes
            "Wang-Xiaoming-2026",  # contains the username
            "Password123",  # a common password
        ],
    )
    def test_weak_password_is_refused(self, weak):
        with pytest.raises(ValidationError):
            services.user_create(username="wang-xiaoming", password=weak, actor=SYSTEM)
        assert not User.objects.filter(username="wang-xiaoming").exists()

    def test_last_five_passwords_cannot_be_reused(self):
        user = services.user_create(username="zhao", password="First-pass-001", actor=SYSTEM)
        for n in range(2, 6):
            services.password_change(user=user, new_password=f"Next-pass-00{n}")
        with pytest.raises(ValidationError):
            services.password_change(user=user, new_password="First-pass-001")
        services.password_change(user=user, new_password="Next-pass-006")
        # The first is now six passwords back: allowed again.
        services.password_change(user=user, new_password="First-pass-001")

    def test_account_created_by_an_administrator_must_change_password(self, client):
        admin = make_user(Role.SYSTEM_ADMIN)
        user = services.user_create(username="newbie", password="Temp-pass-2026", actor=admin)
        login(client, "newbie", "Temp-pass-2026")
        response = client.get(reverse("enterprises:enterprise_list"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_change")
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "Temp-pass-2026",
                "new_password1": "My-own-pass-77",
                "new_password2": "My-own-pass-77",
            },
        )
        user.refresh_from_db()
        assert not user.must_change_password
        assert client.get(reverse("core:home")).status_code == 200

    def test_expired_password_forces_a_change(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        User.objects.filter(pk=user.pk).update(
            password_changed_at=timezone.now()
            - datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
        )
        login(client, user.username)
        response = client.get(reverse("core:home"))
        assert response["Location"] == reverse("accounts:password_change")

    def test_demo_accounts_are_exempt_only_in_demo_mode(self, client, settings):
        user = make_user(Role.PARK_LEADER, park=make_park())
        User.objects.filter(pk=user.pk).update(is_demo=True, must_change_password=True)
        settings.DEMO_MODE = True
        login(client, user.username)
        assert client.get(reverse("core:home")).status_code == 200
        settings.DEMO_MODE = False
        assert client.get(reverse("core:home")).status_code == 302

    def test_asvs_policy_drops_the_composition_rule_but_not_length(self):
        from django.contrib.auth.password_validation import (
            get_password_validators,
            validate_password,
        )

        from parkops.settings import password_validators

        asvs = get_password_validators(password_validators("asvs", 15, 5))
        dengbao = get_password_validators(password_validators("dengbao", 10, 5))
        lower_case_passphrase = "correct horse battery staple"
        validate_password(lower_case_passphrase, password_validators=asvs)
        with pytest.raises(ValidationError):
            validate_password(lower_case_passphrase, password_validators=dengbao)
        with pytest.raises(ValidationError):
            validate_password("Short-1a", password_validators=asvs)


# ------------------------------------------------------------------- lockouts
class TestLockout:
    def test_sixth_attempt_is_refused_even_with_the_right_password(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park(), username="target")
        for _ in range(5):
            login(client, "target", "wrong-password")
        response = login(client, "target")
        assert not signed_in(client)
        assert "账户已锁定至" in response.content.decode()
        lockout = AuditEntry.objects.get(action="lockout", object_repr__contains="target")
        assert lockout.after["kind"] == "username"
        assert user.pk  # the account itself is untouched, only locked

    def test_guessing_the_old_password_in_a_signed_in_session_is_locked_out(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        sign_in(client, user)

        def change(old):
            return client.post(
                reverse("accounts:password_change"),
                {
                    "old_password": old,
                    "new_password1": "Brand-new-pass-1",
                    "new_password2": "Brand-new-pass-1",
                },
            )

        for _ in range(5):
            change("wrong-password")
        change(PASSWORD)  # the right one, now refused
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        assert Lockout.objects.filter(key=user.username.lower()).exists()

    def test_a_password_typed_as_the_username_is_not_kept_in_the_audit_log(self, client):
        for _ in range(5):
            login(client, "Secret-Pass-2026", "x")
        entries = AuditEntry.objects.filter(action__in=["login_failed", "lockout"])
        assert entries.count() == 6  # five failures and the username's lock
        assert not any("ecret-Pass" in f"{e.object_repr}{e.after}" for e in entries)
        assert sum("se***" in e.object_repr for e in entries) == 6

    def test_unknown_and_known_usernames_get_the_same_answer_when_locked(self, client):
        make_user(username="known")
        for _ in range(5):
            login(client, "known", "bad", ip="10.0.0.2")
            login(client, "ghost", "bad", ip="10.0.0.3")
        # Both were locked for the same span, a moment apart: the same minute here.
        Lockout.objects.update(locked_until=timezone.now() + datetime.timedelta(minutes=30))
        known = login(client, "known", "bad", ip="10.0.0.4").context["form"].errors
        ghost = login(client, "ghost", "bad", ip="10.0.0.5").context["form"].errors
        assert known == ghost

    def test_a_locked_out_user_is_told_until_when_in_beijing_time(self, client):
        """ "Locked, but until when?": the refusal names the time the lock ends, the
        same for a username without an account, which is locked alike."""
        make_user(username="known")
        for _ in range(5):
            login(client, "known", "bad", ip="10.0.0.2")
            login(client, "ghost", "bad", ip="10.0.0.3")
        assert set(Lockout.objects.values_list("key", flat=True)) == {"known", "ghost"}
        until = datetime.datetime(2099, 1, 1, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Beijing
        Lockout.objects.update(locked_until=until)
        expected = (
            "登录失败次数过多，账户已锁定至 2099-01-01 09:30（北京时间），"
            "届时可再试，或请联系安全管理员解锁。"
        )
        for username, ip in (("known", "10.0.0.4"), ("ghost", "10.0.0.5")):
            response = login(client, username, PASSWORD, ip=ip)
            assert response.context["form"].non_field_errors() == [expected]
            assert expected in response.content.decode()

    def test_lock_expires_after_its_time(self, client):
        make_user(Role.PARK_LEADER, park=make_park(), username="patient")
        for _ in range(5):
            login(client, "patient", "bad")
        Lockout.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
        from parkops.accounts.models import LoginAttempt

        LoginAttempt.objects.update(time=timezone.now() - datetime.timedelta(minutes=20))
        login(client, "patient")
        assert signed_in(client)

    def test_security_admin_sees_and_lifts_the_lock_and_it_is_audited(self, client):
        make_user(Role.PARK_LEADER, park=make_park(), username="locked")
        for _ in range(5):
            login(client, "locked", "bad")
        admin = make_user(Role.SECURITY_ADMIN)
        admin_client = Client()
        sign_in(admin_client, admin)
        page = admin_client.get(reverse("accounts:lockout_list")).content.decode()
        assert "locked" in page
        lockout = Lockout.objects.get(kind="username")
        admin_client.post(reverse("accounts:lockout_lift", args=[lockout.pk]))
        assert AuditEntry.objects.filter(action="unlock", actor=admin).exists()
        login(client, "locked", ip="10.0.0.77")
        assert signed_in(client)

    def test_park_users_cannot_lift_locks(self, client):
        lockout = Lockout.objects.create(
            kind="username", key="x", locked_until=timezone.now() + datetime.timedelta(hours=1)
        )
        sign_in(client, make_user(Role.PARK_ADMIN, park=make_park()))
        assert client.post(reverse("accounts:lockout_lift", args=[lockout.pk])).status_code == 403
        lockout.refresh_from_db()
        assert lockout.lifted_at is None


# ------------------------------------------------------------------- sessions
class TestSessions:
    def test_session_key_rotates_at_login(self, client):
        make_user(Role.PARK_LEADER, park=make_park(), username="rot")
        client.get(LOGIN)
        before = client.session.session_key
        login(client, "rot")
        assert client.session.session_key != before

    def test_idle_session_is_signed_out(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user.username)
        UserSession.objects.update(
            last_seen_at=timezone.now()
            - datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
        )
        assert not signed_in(client)
        ended = AuditEntry.objects.get(action=AuditEntry.Action.SESSION_END, actor=user)
        assert ended.after["reason"] == "idle"

    def test_session_older_than_the_maximum_is_signed_out(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user.username)
        UserSession.objects.update(
            created_at=timezone.now() - datetime.timedelta(hours=settings.SESSION_MAX_HOURS + 1)
        )
        assert not signed_in(client)

    def test_logout_invalidates_the_session_server_side(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user.username)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.post(reverse("accounts:logout"))
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
        assert not signed_in(replay)

    def test_changing_the_password_ends_the_other_sessions(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        other = Client()
        login(other, user.username)
        login(client, user.username)
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Brand-new-pass-1",
                "new_password2": "Brand-new-pass-1",
            },
        )
        assert signed_in(client)
        assert not signed_in(other)

    def test_disabling_a_user_ends_all_their_sessions(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user.username)
        services.user_set_active(user=user, active=False, actor=make_user(Role.SYSTEM_ADMIN))
        assert not signed_in(client)
        assert AuditEntry.objects.filter(action="disable", object_id=str(user.pk)).exists()

    def test_security_admin_can_end_any_session(self, client):
        user = make_user(Role.PARK_LEADER, park=make_park())
        login(client, user.username)
        admin = make_user(Role.SECURITY_ADMIN)
        admin_client = Client()
        sign_in(admin_client, admin)
        record = UserSession.objects.get(user=user)
        admin_client.post(reverse("accounts:usersession_end", args=[user.pk, record.pk]))
        assert not signed_in(client)
        assert AuditEntry.objects.filter(action="session_end", actor=admin).exists()

    def test_signed_in_pages_are_not_cached(self, client):
        sign_in(client, make_user(Role.PARK_LEADER, park=make_park()))
        assert client.get(reverse("core:home"))["Cache-Control"] == "no-store"


# ----------------------------------------------------------------- two-factor
def current_code(device) -> str:
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


class TestTwoFactor:
    def test_administrator_without_second_factor_is_sent_to_enrol(self, client):
        auditor = make_user(Role.AUDIT_ADMIN, username="auditor1")
        login(client, "auditor1")
        response = client.get(reverse("core:auditentry_list"))
        assert response["Location"] == reverse("accounts:otp_setup")
        api = client.get(reverse("api:auditentry_list"))
        assert api.status_code == 403
        assert auditor.pk

    def test_enrolment_then_login_needs_the_code(self, client):
        make_user(Role.SECURITY_ADMIN, username="sec1")
        login(client, "sec1")
        client.get(reverse("accounts:otp_setup"))
        client.get(reverse("accounts:otp_setup"))  # a reload keeps the same pending device
        device = TOTPDevice.objects.get(user__username="sec1")
        response = client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
        assert len(response.context["recovery_codes"]) == 10
        assert client.get(reverse("accounts:lockout_list")).status_code == 200
        client.post(reverse("accounts:logout"))

        login(client, "sec1")
        assert not signed_in(client)  # password alone is not enough now
        client.post(reverse("accounts:login_verify"), {"token": "000000"})
        assert not signed_in(client)
        device.refresh_from_db()
        device.last_t = -1  # allow the same time step again in this test
        device.throttle_reset(commit=False)  # django-otp slows down guessing after a miss
        device.save()
        client.post(reverse("accounts:login_verify"), {"token": current_code(device)})
        assert client.get(reverse("accounts:lockout_list")).status_code == 200

    def test_opening_the_2fa_page_writes_no_audit_entry(self, client):
        user = make_user(Role.SECURITY_ADMIN, username="sec3")
        login(client, "sec3")
        before = AuditEntry.objects.count()
        assert client.get(reverse("accounts:otp_setup")).status_code == 200
        client.get(reverse("accounts:otp_setup"))  # a reload keeps the same pending device
        assert AuditEntry.objects.count() == before
        assert TOTPDevice.objects.filter(user=user).count() == 1

    def test_confirming_a_2fa_device_writes_one_entry_naming_the_device(self, client):
        user = make_user(Role.SECURITY_ADMIN, username="sec4")
        login(client, "sec4")
        client.get(reverse("accounts:otp_setup"))
        device = TOTPDevice.objects.get(user=user)
        client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
        entry = AuditEntry.objects.get(object_type="otp_totp.totpdevice")
        assert (entry.action, entry.actor, entry.object_id) == ("otp_enrol", user, str(device.pk))
        assert entry.object_repr == str(user)

    def test_recovery_code_works_once(self, client):
        make_user(Role.SECURITY_ADMIN, username="sec2")
        login(client, "sec2")
        client.get(reverse("accounts:otp_setup"))
        device = TOTPDevice.objects.get(user__username="sec2")
        codes = client.post(reverse("accounts:otp_setup"), {"token": current_code(device)}).context[
            "recovery_codes"
        ]
        client.post(reverse("accounts:logout"))
        login(client, "sec2")
        client.post(reverse("accounts:login_verify"), {"token": codes[0]})
        assert signed_in(client)
        client.post(reverse("accounts:logout"))
        login(client, "sec2")
        client.post(reverse("accounts:login_verify"), {"token": codes[0]})
        assert not signed_in(client)

    def test_security_admin_resets_someone_elses_second_factor_not_their_own(self):
        admin = make_user(Role.SECURITY_ADMIN)
        TOTPDevice.objects.create(user=admin, name="a", confirmed=True)
        other = make_user(Role.PARK_ADMIN, park=make_park())
        TOTPDevice.objects.create(user=other, name="b", confirmed=True)
        services.otp_reset(user=other, actor=admin)
        assert not TOTPDevice.objects.filter(user=other).exists()
        assert AuditEntry.objects.filter(action="otp_reset", actor=admin).exists()
        with pytest.raises(ValidationError):
            services.otp_reset(user=admin, actor=admin)

    def test_demo_administrators_are_exempt_only_in_demo_mode(self, client, settings):
        admin = make_user(Role.AUDIT_ADMIN)
        User.objects.filter(pk=admin.pk).update(is_demo=True)
        settings.DEMO_MODE = True
        login(client, admin.username)
        assert client.get(reverse("core:auditentry_list")).status_code == 200
        settings.DEMO_MODE = False
        assert client.get(reverse("core:auditentry_list")).status_code == 302

    def test_api_tokens_are_unaffected_by_two_factor(self, client):
        from parkops.core.testing import make_token

        auditor = make_user(Role.AUDIT_ADMIN)
        response = client.get(
            reverse("api:auditentry_list"), HTTP_AUTHORIZATION=f"Bearer {make_token(auditor)}"
        )
        assert response.status_code == 200


# ------------------------------------------------------ separation of duties
ADMIN_PAGES = [
    ("accounts:user_list", [], "get"),
    ("accounts:user_export", [], "get"),
    ("accounts:user_export_csv", [], "get"),
    ("accounts:user_add", [], "get"),
    ("accounts:lockout_list", [], "get"),
]


class TestSeparationOfDuties:
    @pytest.mark.parametrize("admin_role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
    def test_administrators_and_staff_roles_never_share_an_account(self, admin_role):
        security = make_user(Role.SECURITY_ADMIN)
        park = make_park()
        admin = make_user(admin_role)
        with pytest.raises(ValidationError):
            services.membership_grant(user=admin, role=Role.PARK_LEADER, park=park, actor=security)
        staff = make_user(Role.PARK_LEADER, park=park)
        with pytest.raises(ValidationError):
            services.membership_grant(user=staff, role=admin_role, actor=security)
        assert set(admin.memberships.values_list("role", flat=True)) == {admin_role}
        assert set(staff.memberships.values_list("role", flat=True)) == {Role.PARK_LEADER}

    def test_system_admin_cannot_grant_themselves_security_admin(self, client):
        admin = make_user(Role.SYSTEM_ADMIN)
        with pytest.raises(PermissionDenied):
            services.membership_grant(user=admin, role=Role.SECURITY_ADMIN, actor=admin)
        sign_in(client, admin)
        response = client.post(
            reverse("accounts:membership_grant", args=[admin.pk]), {"role": Role.SECURITY_ADMIN}
        )
        assert response.status_code == 403
        assert list(admin.memberships.values_list("role", flat=True)) == [Role.SYSTEM_ADMIN]

    def test_security_admin_cannot_change_own_roles(self, client):
        admin = make_user(Role.SECURITY_ADMIN)
        sign_in(client, admin)
        client.post(
            reverse("accounts:membership_grant", args=[admin.pk]),
            {"role": Role.PARK_LEADER, "park": make_park().pk},
        )
        assert list(admin.memberships.values_list("role", flat=True)) == [Role.SECURITY_ADMIN]
        assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=admin).exists()

    def test_security_admin_grants_and_revokes_a_park_role(self, client):
        admin = make_user(Role.SECURITY_ADMIN)
        user, park = make_user(), make_park()
        sign_in(client, admin)
        client.post(
            reverse("accounts:membership_grant", args=[user.pk]),
            {"role": Role.PARK_LEADER, "park": park.pk},
        )
        membership = Membership.objects.get(user=user)
        client.post(reverse("accounts:membership_revoke", args=[user.pk, membership.pk]))
        assert not Membership.objects.filter(user=user).exists()
        assert AuditEntry.objects.filter(object_type="accounts.membership").count() == 2

    def test_the_role_form_names_no_promotion_unit(self, client):
        """Which unit an officer works in is kept on the unit, by the park; the
        security administrator's page lists no unit, of any park."""
        from parkops.promotion.testing import make_unit

        park = make_park()
        secret_unit = make_unit(park, name="本园保密专班")
        user = make_user()
        sign_in(client, make_user(Role.SECURITY_ADMIN))
        page = reverse("accounts:user_detail", args=[user.pk])
        for query in ({}, {"park": park.pk}):
            html = client.get(page, query).content.decode()
            assert secret_unit.name not in html
            assert "promotion_unit" not in html

    def test_system_admin_creates_a_user_with_a_temporary_password(self, client):
        admin = make_user(Role.SYSTEM_ADMIN)
        sign_in(client, admin)
        response = client.post(reverse("accounts:user_add"), {"username": "newcomer"})
        password = response.context["password"]
        user = User.objects.get(username="newcomer")
        assert user.check_password(password) and user.must_change_password

    @pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
    def test_account_admins_cannot_read_business_data_or_the_audit_log(self, client, role):
        sign_in(client, make_user(role))
        assert client.get(reverse("enterprises:enterprise_list")).status_code == 403
        assert client.get(reverse("core:auditentry_list")).status_code == 403

    @pytest.mark.parametrize(("name", "args", "method"), ADMIN_PAGES)
    @pytest.mark.parametrize("role", [Role.PARK_LEADER, Role.PARK_ADMIN, Role.AUDIT_ADMIN])
    def test_account_pages_are_refused_to_other_roles(self, client, name, args, method, role):
        park = make_park() if role in (Role.PARK_LEADER, Role.PARK_ADMIN) else None
        sign_in(client, make_user(role, park=park))
        assert getattr(client, method)(reverse(name, args=args)).status_code == 403

    def test_audit_admin_cannot_open_enterprise_pages(self, client):
        sign_in(client, make_user(Role.AUDIT_ADMIN))
        assert client.get(reverse("enterprises:enterprise_list")).status_code == 403

    def test_inactive_accounts_are_listed_for_the_security_admin(self, client):
        stale = make_user(Role.PARK_LEADER, park=make_park(), username="stale")
        User.objects.filter(pk=stale.pk).update(
            last_login=timezone.now() - datetime.timedelta(days=settings.INACTIVE_ACCOUNT_DAYS + 1)
        )
        fresh = make_user(Role.PARK_LEADER, park=make_park(), username="fresh")
        User.objects.filter(pk=fresh.pk).update(last_login=timezone.now())
        sign_in(client, make_user(Role.SECURITY_ADMIN))
        page = client.get(reverse("accounts:user_list"), {"status": "inactive"}).content.decode()
        assert ">stale<" in page and ">fresh<" not in page


class TestAccountList:
    def test_export_is_the_filtered_list_and_is_audited(self, client):
        park = make_park(name="甲园区")
        make_user(Role.PARK_LEADER, park=park, username="leader1")
        make_user(Role.PARK_LEADER, park=park, username="other")
        admin = make_user(Role.SECURITY_ADMIN, username="secadmin")
        sign_in(client, admin)
        response = client.get(reverse("accounts:user_export"), {"q": "leader"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == ["leader1"]
        assert "甲园区" in rows[0][2]
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        assert entry.actor == admin and entry.after == {"filters": {"q": "leader"}, "rows": 1}

    def test_list_is_paginated_with_a_constant_number_of_queries(self, client):
        sign_in(client, make_user(Role.SYSTEM_ADMIN, username="aaa-admin"))
        park = make_park()

        def queries_for_list():
            with CaptureQueriesContext(connection) as captured:
                client.get(reverse("accounts:user_list"))
            return len(captured)

        make_user(Role.PARK_LEADER, park=park, username="user000")
        queries_for_list()  # the first request after sign-in also refreshes the session
        few = queries_for_list()
        for i in range(1, settings.PAGE_SIZE + 5):
            make_user(Role.PARK_LEADER, park=park, username=f"user{i:03d}")
        assert queries_for_list() == few
        last_name = f">user{settings.PAGE_SIZE + 4:03d}<"
        first = client.get(reverse("accounts:user_list")).content.decode()
        assert ">user000<" in first and last_name not in first
        last = client.get(reverse("accounts:user_list"), {"page": 2}).content.decode()
        assert last_name in last and ">user000<" not in last


def test_unused_accounts_are_disabled_automatically_when_configured(settings):
    from django.core.management import call_command

    stale = make_user(Role.PARK_LEADER, park=make_park())
    User.objects.filter(pk=stale.pk).update(
        last_login=timezone.now() - datetime.timedelta(days=settings.INACTIVE_ACCOUNT_DAYS + 1)
    )
    settings.AUTO_DISABLE_INACTIVE = False
    call_command("disable_inactive_accounts")
    stale.refresh_from_db()
    assert stale.is_active
    settings.AUTO_DISABLE_INACTIVE = True
    call_command("disable_inactive_accounts")
    stale.refresh_from_db()
    assert not stale.is_active
    assert AuditEntry.objects.filter(action="disable", object_id=str(stale.pk)).exists()
