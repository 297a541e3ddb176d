"""The sign-in lockout under attack: parallel guessing against one account, and
guessing across many usernames from an address an office shares (issue #8).

The parallel tests send real concurrent requests to a live server whose every
request thread has its own database connection, as under a threaded or
multi-process server.
"""

import datetime
import http.client
import http.cookies
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import django_otp
import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from parkops.accounts import services
from parkops.accounts.models import Lockout, LoginAttempt, User
from parkops.core.models import AuditEntry
from parkops.core.testing import PASSWORD, make_user, sign_in

LOGIN = "/accounts/login/"
BURST = 20
WRONG = "Wrong-guess-0000"


# The live server: ``threaded_server`` in parkops/conftest.py.
@pytest.fixture
def server(threaded_server):
    return threaded_server


class Browser:
    """A client of the live server keeping its cookies (one per person)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        with self._lock:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        with self._lock:
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    for morsel in http.cookies.SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value
        return response.status, text

    def post(self, path: str, data: dict):
        if "csrftoken" not in self.cookies:
            self.request("GET", LOGIN)
        return self.request("POST", path, data)

    def burst(self, path: str, forms: list[dict]) -> list[int]:
        """POST every form at once (all threads released together); the statuses."""
        if "csrftoken" not in self.cookies:
            self.request("GET", LOGIN)
        start = threading.Barrier(len(forms))

        def send(form):
            start.wait(timeout=30)
            return self.request("POST", path, form)[0]

        with ThreadPoolExecutor(max_workers=len(forms)) as pool:
            return list(pool.map(send, forms))


@pytest.fixture
def counted(monkeypatch):
    """Count the credential checks that really ran, in any thread."""
    calls = {"password": 0, "code": 0}
    lock = threading.Lock()
    check_password, match_token = User.check_password, django_otp.match_token

    def counting_check_password(user, raw_password):
        with lock:
            calls["password"] += 1
        return check_password(user, raw_password)

    def counting_match_token(user, token):
        with lock:
            calls["code"] += 1
        return match_token(user, token)

    monkeypatch.setattr(User, "check_password", counting_check_password)
    monkeypatch.setattr(django_otp, "match_token", counting_match_token)
    return calls


def current_code(device) -> str:
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def failures_checked() -> int:
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.LOGIN_FAILED, after__reason="credentials"
    ).count()


# ---------------------------------------------- parallel guesses, one account
class TestParallelGuessing:
    def test_a_burst_of_wrong_passwords_gets_five_checks_and_locks_the_account(
        self, server, counted
    ):
        make_user(username="target")
        attacker = Browser(server)
        statuses = attacker.burst(LOGIN, [{"username": "target", "password": WRONG}] * BURST)
        assert statuses == [200] * BURST  # every guess answered, none signed in
        assert counted["password"] == 5
        assert failures_checked() == 5
        assert Lockout.objects.filter(kind="username", key="target").count() == 1

        status, _page = attacker.post(LOGIN, {"username": "target", "password": PASSWORD})
        assert status == 200  # the right password, after the burst: refused
        assert counted["password"] == 5

    def test_the_right_password_sent_while_five_guesses_are_checked_is_refused(
        self, server, monkeypatch
    ):
        make_user(username="target")
        checking, release = threading.Semaphore(0), threading.Event()
        check_password = User.check_password

        def slow_for_wrong_guesses(user, raw_password):
            if raw_password == WRONG:
                checking.release()
                release.wait(timeout=30)  # hold the guess mid-check
            return check_password(user, raw_password)

        monkeypatch.setattr(User, "check_password", slow_for_wrong_guesses)
        attacker = Browser(server)
        attacker.request("GET", LOGIN)
        with ThreadPoolExecutor(max_workers=1) as background:
            burst = background.submit(
                attacker.burst, LOGIN, [{"username": "target", "password": WRONG}] * BURST
            )
            for _ in range(5):
                assert checking.acquire(timeout=30)
            status, _page = attacker.post(LOGIN, {"username": "target", "password": PASSWORD})
            release.set()
            statuses = burst.result(timeout=60)
        assert status == 200  # refused: five guesses were in flight
        assert statuses == [200] * BURST
        assert not checking.acquire(blocking=False)  # no sixth guess was checked
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()

    def test_a_burst_of_old_password_guesses_in_a_stolen_session_gets_five_checks(
        self, server, counted
    ):
        user = make_user(username="victim")
        thief = Browser(server)
        assert thief.post(LOGIN, {"username": "victim", "password": PASSWORD})[0] == 302
        change = reverse("accounts:password_change")
        guess = {"new_password1": "Brand-new-pass-1", "new_password2": "Brand-new-pass-1"}
        checks_at_sign_in = counted["password"]

        statuses = thief.burst(change, [{**guess, "old_password": WRONG}] * BURST)
        assert statuses == [200] * BURST
        assert counted["password"] - checks_at_sign_in == 5
        assert failures_checked() == 5

        status, _page = thief.post(change, {**guess, "old_password": PASSWORD})
        assert status == 200  # refused: the account is locked
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_a_burst_of_wrong_codes_at_the_second_step_gets_five_checks(
        self, server, counted, settings
    ):
        # django-otp's own per-device delay is off, so that only the lockout
        # stands between the burst and the correct code.
        settings.OTP_TOTP_THROTTLE_FACTOR = 0
        user = make_user(username="second")
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        attacker = Browser(server)
        status, _page = attacker.post(LOGIN, {"username": "second", "password": PASSWORD})
        assert status == 302  # password right: on to the code
        verify = reverse("accounts:login_verify")

        statuses = attacker.burst(verify, [{"token": "000000"}] * BURST)
        assert statuses == [200] * BURST
        assert counted["code"] == 5
        assert failures_checked() == 5

        status, _page = attacker.post(verify, {"token": current_code(device)})
        assert status == 200  # the correct code, at the limit: refused
        assert counted["code"] == 5
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()


# ------------------------------------ counted before the check, in one process
@pytest.mark.django_db
class TestAttemptCountedBeforeTheCheck:
    def attempts_seen_by(self, monkeypatch, owner, attribute):
        """While ``owner.attribute`` runs, note the attempts already counted."""
        seen = []
        original = getattr(owner, attribute)

        def observing(*args, **kwargs):
            seen.append(list(LoginAttempt.objects.values_list("username", "pending")))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, attribute, observing)
        return seen

    def test_a_password_is_checked_only_after_its_attempt_is_counted(self, client, monkeypatch):
        make_user(username="early")
        seen = self.attempts_seen_by(monkeypatch, User, "check_password")
        client.post(LOGIN, {"username": "early", "password": WRONG})
        assert seen == [[("early", True)]]

    def test_an_old_password_is_checked_only_after_its_attempt_is_counted(
        self, client, monkeypatch
    ):
        user = make_user(username="changer")
        sign_in(client, user)
        seen = self.attempts_seen_by(monkeypatch, User, "check_password")
        client.post(
            reverse("accounts:password_change"),
            {"old_password": WRONG, "new_password1": "New-pass-2026", "new_password2": "x"},
        )
        assert seen == [[("changer", True)]]

    def test_a_code_is_checked_only_after_its_attempt_is_counted(self, client, monkeypatch):
        user = make_user(username="coder")
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        client.post(LOGIN, {"username": "coder", "password": PASSWORD})
        seen = self.attempts_seen_by(monkeypatch, django_otp, "match_token")
        client.post(reverse("accounts:login_verify"), {"token": "000000"})
        assert seen == [[("coder", True)]]


@pytest.mark.django_db
class TestAtTheLimit:
    def test_attempts_still_being_checked_refuse_the_next_without_checking_it(
        self, client, counted
    ):
        make_user(username="busy")
        # Five guesses in flight elsewhere, their passwords not yet checked.
        LoginAttempt.objects.bulk_create([LoginAttempt(username="busy") for _ in range(5)])
        response = client.post(LOGIN, {"username": "busy", "password": PASSWORD})
        assert response.status_code == 200
        assert counted["password"] == 0

    def test_the_correct_code_is_refused_after_five_wrong_ones(self, client, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = 0
        user = make_user(username="coded")
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        client.post(LOGIN, {"username": "coded", "password": PASSWORD})
        verify = reverse("accounts:login_verify")
        for _ in range(5):
            client.post(verify, {"token": "000000"})
        response = client.post(verify, {"token": current_code(device)})
        assert response.status_code == 200
        assert "账户已锁定至" in response.content.decode()

    def test_a_lock_made_while_the_password_was_checked_refuses_the_sign_in(
        self, client, monkeypatch
    ):
        make_user(username="raced")
        check_password = User.check_password

        def check_while_others_lock(user, raw_password):
            # Meanwhile, other requests have locked the account.
            Lockout.objects.create(
                kind="username",
                key="raced",
                locked_until=timezone.now() + datetime.timedelta(minutes=30),
            )
            return check_password(user, raw_password)

        monkeypatch.setattr(User, "check_password", check_while_others_lock)
        response = client.post(LOGIN, {"username": "raced", "password": PASSWORD})
        assert response.status_code == 200
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()


# ------------------------------------------ one address shared by an office
@pytest.mark.django_db
class TestSharedAddress:
    OFFICE = "10.9.9.9"

    def guess(self, client, username):
        return client.post(
            LOGIN, {"username": username, "password": WRONG}, REMOTE_ADDR=self.OFFICE
        )

    def test_a_stranger_guessing_many_usernames_does_not_lock_out_a_colleague(
        self, client, settings, monkeypatch
    ):
        monkeypatch.setattr(services, "_pause", lambda seconds: None)
        make_user(username="colleague")
        for _ in range(5):
            self.guess(client, "nobody-here")  # locks that username only
        for n in range(settings.LOCKOUT_ADDRESS_FAILURES):
            self.guess(client, f"guess{n}")
        response = client.post(
            LOGIN, {"username": "colleague", "password": PASSWORD}, REMOTE_ADDR=self.OFFICE
        )
        assert response.status_code == 302

    def test_past_the_threshold_failures_from_the_address_are_answered_slowly(
        self, client, settings, monkeypatch
    ):
        settings.LOCKOUT_ADDRESS_FAILURES = 10
        settings.LOCKOUT_ADDRESS_DELAY_SECONDS = 4
        pauses = []
        monkeypatch.setattr(services, "_pause", pauses.append)
        make_user(username="colleague")
        for n in range(10):
            self.guess(client, f"guess{n}")
        assert pauses == [4]  # the tenth failure slowed the address down
        slowed = AuditEntry.objects.get(action=AuditEntry.Action.LOCKOUT)
        assert slowed.after["kind"] == "ip"
        assert slowed.after["key"] == self.OFFICE

        self.guess(client, "guess-more")
        assert pauses == [4, 4]
        response = client.post(
            LOGIN, {"username": "colleague", "password": PASSWORD}, REMOTE_ADDR=self.OFFICE
        )
        assert response.status_code == 302
        assert pauses == [4, 4]  # a correct password does not wait

    def test_parallel_failures_from_a_slowed_address_hold_at_most_one_thread(self, monkeypatch):
        """A burst of wrong guesses must not put every server thread to sleep."""
        started, release = threading.Event(), threading.Event()
        pauses = []

        def slow_pause(seconds):
            pauses.append(seconds)
            started.set()
            release.wait(timeout=10)

        monkeypatch.setattr(services, "_pause", slow_pause)
        first = threading.Thread(target=services._pause_if_free, args=(3,))
        first.start()
        assert started.wait(timeout=10)
        try:
            # While the first answer is paused, the others are answered at once.
            assert services._pause_if_free(3) is False
            assert services._pause_if_free(3) is False
        finally:
            release.set()
            first.join(timeout=10)
        assert pauses == [3]
        assert services._pause_if_free(0) is True  # the slot is free again
