"""Writes on accounts: users, passwords, memberships, sign-in, lockouts,
sessions, two-factor devices, API tokens. Every one is audited."""

from __future__ import annotations

import datetime
import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from parkops.accounts import selectors
from parkops.accounts.models import (
    ApiToken,
    Lockout,
    LoginAttempt,
    Membership,
    PasswordHistory,
    User,
    UserSession,
    hash_token,
)
from parkops.core import audit, hotpath, permissions
from parkops.core.models import AuditEntry
from parkops.core.permissions import SEPARATED_ADMIN_ROLES
from parkops.core.text import format_cst, pinyin_sort_key, to_cst

Action = AuditEntry.Action
SESSION_ID_KEY = "parkops_sid"
TOKEN_LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

# The code of a ValidationError that refuses an action (separation of duties, own
# account) rather than correcting input: the views audit it as a denied attempt.
DENIED = "denied"


def _refusal(field: str, message) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=DENIED)})


def _user_snapshot(user: User) -> dict:
    data = audit.snapshot(user)
    data.pop("password", None)  # never in the audit trail, not even hashed
    return data


def _record_user(actor, action, user, before=None) -> None:
    audit.record(actor=actor, action=action, obj=user, before=before, after=_user_snapshot(user))


def _set_password(user: User, password: str) -> None:
    """Validate and set ``password``, remembering it for the history rule."""
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = list(
        PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            : max(settings.PASSWORD_HISTORY, 1)
        ]
    )
    PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()


# ---------------------------------------------------------------------- users
def user_create(
    *,
    username: str,
    password: str,
    actor,
    full_name: str = "",
    email: str = "",
    must_change: bool = True,
    is_demo: bool = False,
) -> User:
    """Create an account. One created by an administrator must change its password
    at first sign-in; ``actor`` is ``permissions.SYSTEM`` for commands."""
    permissions.require(actor, User, permissions.ADD)
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            name_pinyin=pinyin_sort_key(full_name or username),
            email=email,
            must_change_password=must_change,
            is_demo=is_demo,
        )
        user.full_clean(exclude=["password"])
        _set_password(user, password)
        _record_user(actor, Action.CREATE, user)
    return user


def user_set_active(*, user: User, active: bool, actor) -> User:
    """Disable (ending every session) or re-enable an account."""
    permissions.require(actor, User, permissions.CHANGE)
    if actor.pk is not None and actor.pk == user.pk:
        raise _refusal("user", _("You cannot disable your own account."))
    with transaction.atomic():
        before = _user_snapshot(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _end_sessions(user, reason="disabled", actor=actor)
        _record_user(actor, Action.ENABLE if active else Action.DISABLE, user, before)
    return user


def temporary_password() -> str:
    """A random password that meets every composition rule."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14)) + "-#"
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


def password_reset(*, user: User, actor) -> str:
    """Give ``user`` a temporary password (returned once) to change at next sign-in."""
    permissions.require(actor, User, permissions.CHANGE)
    password = temporary_password()
    with transaction.atomic():
        _set_password(user, password)
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        _end_sessions(user, reason="password_reset", actor=actor)
        # A reset means the account may be in the wrong hands: its tokens go too.
        revoked = ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
        audit.record(
            actor=actor,
            action=Action.PASSWORD_RESET,
            obj=user,
            after={"api_tokens_revoked": revoked},
        )
    return password


def password_change(*, user: User, new_password: str, keep_sid: str | None = None) -> User:
    """The user's own change; every other session of theirs ends."""
    with transaction.atomic():
        _set_password(user, new_password)
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
        _end_sessions(user, reason="password_change", actor=user, keep_sid=keep_sid)
        audit.record(actor=user, action=Action.PASSWORD_CHANGE, obj=user)
    return user


def user_set_language(*, user: User, language: str, actor) -> User:
    valid = {code for code, _name in User._meta.get_field("language").choices}
    if language not in valid:
        raise ValidationError({"language": _("Unknown language.")})
    with transaction.atomic():
        before = _user_snapshot(user)
        user.language = language
        user.save(update_fields=["language"])
        _record_user(actor, Action.UPDATE, user, before)
    return user


# ---------------------------------------------------------------- memberships
def membership_grant(
    *,
    user: User,
    role: str,
    actor,
    park=None,
    alliance=None,
    can_view_personal_data: bool = False,
) -> Membership:
    """Give ``user`` a role. 三员分立: the three administrator roles exclude each other,
    and nobody changes their own roles."""
    permissions.require(actor, Membership, permissions.ADD)
    if actor.pk is not None and actor.pk == user.pk:
        raise _refusal("user", _("Nobody may change their own roles."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        held = set(user.memberships.values_list("role", flat=True))
        if role in SEPARATED_ADMIN_ROLES and (held & SEPARATED_ADMIN_ROLES) - {role}:
            raise _refusal(
                "role",
                _(
                    "The system, security and audit administrator roles "
                    "cannot be held by one account."
                ),
            )
        # An administrator reads no business data: their accounts hold no business
        # role, and a staff account does not become an administrator.
        if held and (role in SEPARATED_ADMIN_ROLES) != bool(held & SEPARATED_ADMIN_ROLES):
            raise _refusal(
                "role",
                _(
                    "Administrator accounts (system, security, audit) hold no other "
                    "roles; use a separate account."
                ),
            )
        membership = Membership(
            user=user,
            role=role,
            park=park,
            alliance=alliance,
            can_view_personal_data=can_view_personal_data,
        )
        membership.full_clean()
        membership.save()
        audit.record(
            actor=actor,
            action=Action.CREATE,
            obj=membership,
            park=park,
            after=audit.snapshot(membership),
        )
    permissions.clear_cache(user)
    return membership


def membership_revoke(*, membership: Membership, actor) -> None:
    permissions.require(actor, Membership, permissions.DELETE)
    if actor.pk is not None and actor.pk == membership.user_id:
        raise _refusal("user", _("Nobody may change their own roles."))
    with transaction.atomic():
        before = audit.snapshot(membership)
        audit.record(
            actor=actor,
            action=Action.DELETE,
            obj=membership,
            park=membership.park,
            before=before,
        )
        membership.delete()
    permissions.clear_cache(membership.user)


# ------------------------------------------------------- sign-in and lockouts
# 等保2.0 (GB/T 22239-2019, 8.1.4.1 b): failed sign-ins are limited and then the
# account is locked: LOCKOUT_FAILURES failures within LOCKOUT_WINDOW_MINUTES lock it
# for LOCKOUT_MINUTES. A client address is only slowed down, at a higher threshold.
# The same rules hold for the password at sign-in, the old password on the
# password-change page and the code at the second sign-in step.

T = TypeVar("T")


# One paused answer at a time in each server process. A pause holds the thread
# that answers; an attacker sending many wrong guesses in parallel from a slowed
# address would otherwise hold every thread, and colleagues could not be served
# at all. Past the first, failures are answered at once: the pause slows a
# guesser who waits for answers, it cannot slow one who does not.
_PAUSE_SLOT = threading.BoundedSemaphore(1)


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _pause_if_free(seconds: float) -> bool:
    """Pause ``seconds`` unless another answer of this process is paused; True if paused."""
    if not _PAUSE_SLOT.acquire(blocking=False):
        return False
    try:
        _pause(seconds)
    finally:
        _PAUSE_SLOT.release()
    return True


def _window_start(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def _attempt_key(username: str) -> str:
    return username.lower()[:150]


def _take_turns(username: str, ip: str | None) -> None:
    """Make concurrent transactions counting attempts for ``username`` or ``ip``
    take turns until they commit, so that none counts before another's write.

    PostgreSQL: a transaction-scoped advisory lock per username and per address,
    taken in one (sorted) order so that two transactions never wait on each other
    in a cycle; under READ COMMITTED (Django's default) each later statement sees
    what the previous holder committed. SQLite: every transaction begins
    IMMEDIATE (settings), holding the database's write lock from its start.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        keys = sorted(
            [f"parkops.login.username:{username}"] + ([f"parkops.login.ip:{ip}"] if ip else [])
        )
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    elif connection.vendor == "sqlite":
        if connection.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE"):
            raise ImproperlyConfigured(
                "Sign-in lockouts need SQLite's transaction_mode IMMEDIATE (see settings)."
            )
    else:
        raise ImproperlyConfigured(f"Sign-in lockouts do not support {connection.vendor}.")


def login_locked(*, username: str) -> bool:
    """Is this account (or username that has no account) locked out right now?"""
    key = _attempt_key(username)
    return selectors.lockouts_active().filter(kind=Lockout.Kind.USERNAME, key=key).exists()


def address_slowed(*, ip: str | None) -> bool:
    """Are failed sign-ins from this client address answered slowly right now?"""
    return bool(ip) and selectors.lockouts_active().filter(kind=Lockout.Kind.IP, key=ip).exists()


def loggable_username(username: str) -> str:
    """A username as the audit log may keep it. One that matches no account is
    often a password typed into the wrong field: only its first characters are
    kept, since the log is append-only."""
    if User.objects.filter(username__iexact=username).exists():
        return username
    unknown = _("no such account")
    return f"{username[:2]}***（{unknown}）"


def _record_login_failed(username: str, reason: str) -> None:
    audit.record(
        actor=None,
        action=Action.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=loggable_username(username),
        after={"reason": reason},
    )


def _locked_error(username: str) -> ValidationError:
    """The refusal of a locked sign-in, saying until when the lock holds.

    Usernames without an account are counted and locked alike (see
    ``login_attempt_end``), so the time tells nothing about which exist.
    """
    until = (
        selectors.lockouts_active()
        .filter(kind=Lockout.Kind.USERNAME, key=username)
        .aggregate(until=Max("locked_until"))["until"]
    )
    if until is None:
        # Refused while the failures that will lock it are still being checked.
        return ValidationError(
            _("Too many failed sign-ins. Try again later, or ask the security administrator."),
            code="locked",
        )
    return ValidationError(
        _(
            "Too many failed sign-ins: the account is locked until %(time)s (Beijing time). "
            "Try again then, or ask the security administrator to unlock it."
        )
        % {"time": format_cst(until)},
        code="locked",
    )


def login_permitted(*, username: str) -> None:
    """Raise ValidationError (code ``locked``, audited) if the account is locked now.

    Checked again just before signing in: a lock made by other requests while
    this one's password or code was being checked still holds.
    """
    username = _attempt_key(username)
    if not login_locked(username=username):
        return
    with transaction.atomic():
        _record_login_failed(username, "locked")
    raise _locked_error(username)


def login_attempt_begin(*, username: str, ip: str | None) -> LoginAttempt:
    """Count an attempt before its credential is checked, and return it.

    Raises ValidationError (code ``locked``, audited) without counting when the
    account is locked or its failures and attempts still being checked have
    reached LOCKOUT_FAILURES: of any number of parallel guesses, at most that
    many are ever checked. Usernames without an account are counted alike, so
    the answers do not tell which exist.
    """
    username = _attempt_key(username)
    with transaction.atomic():
        _take_turns(username, ip)
        counted = LoginAttempt.objects.filter(
            username=username, time__gte=_window_start(settings.LOCKOUT_WINDOW_MINUTES)
        )
        refused = login_locked(username=username) or (counted.count() >= settings.LOCKOUT_FAILURES)
        if refused:
            _record_login_failed(username, "locked")
        else:
            return LoginAttempt.objects.create(username=username, ip=ip)
    raise _locked_error(username)


def _lock(kind: str, key: str, shown: str) -> None:
    until = timezone.now() + datetime.timedelta(minutes=settings.LOCKOUT_MINUTES)
    lockout = Lockout.objects.create(kind=kind, key=key, locked_until=until)
    audit.record(
        actor=None,
        action=Action.LOCKOUT,
        obj=lockout,
        object_repr=f"{lockout.get_kind_display()} {shown}",
        after={"kind": kind, "key": shown, "until": to_cst(until).isoformat()},
    )


def login_attempt_end(*, attempt: LoginAttempt, succeeded: bool) -> None:
    """Settle an attempt counted by ``login_attempt_begin``.

    A success no longer counts. A failure is audited and stays counted; the
    LOCKOUT_FAILURES-th within the window locks the account, and the
    LOCKOUT_ADDRESS_FAILURES-th from one address slows that address down.
    """
    username, ip = attempt.username, attempt.ip
    with transaction.atomic():
        _take_turns(username, ip)
        if succeeded:
            LoginAttempt.objects.filter(pk=attempt.pk).delete()
            return
        # Cleared by a lift or a success meanwhile? The failure still happened.
        if not LoginAttempt.objects.filter(pk=attempt.pk).update(pending=False):
            LoginAttempt.objects.create(username=username, ip=ip, pending=False)
        _record_login_failed(username, "credentials")
        failures = LoginAttempt.objects.filter(pending=False)
        account_failures = failures.filter(
            username=username, time__gte=_window_start(settings.LOCKOUT_WINDOW_MINUTES)
        )
        if account_failures.count() >= settings.LOCKOUT_FAILURES and not login_locked(
            username=username
        ):
            _lock(Lockout.Kind.USERNAME, username, loggable_username(username))
        if not ip:
            return
        address_failures = failures.filter(
            ip=ip, time__gte=_window_start(settings.LOCKOUT_ADDRESS_WINDOW_MINUTES)
        )
        if address_failures.count() >= settings.LOCKOUT_ADDRESS_FAILURES and not address_slowed(
            ip=ip
        ):
            _lock(Lockout.Kind.IP, ip, ip)


def credential_check(*, username: str, ip: str | None, check: Callable[[], T]) -> T:
    """Run ``check()``, which raises ValidationError for a wrong password or code,
    under the lockout rules, and return its result.

    The attempt is counted before the check (see ``login_attempt_begin``) and
    settled after it. A failure from a slowed-down address is answered after
    LOCKOUT_ADDRESS_DELAY_SECONDS; a correct password or code never waits for
    the address and is refused only when the account itself is locked.
    """
    attempt = login_attempt_begin(username=username, ip=ip)
    # An unexpected error in check() leaves the attempt pending: it keeps
    # counting until the window passes, as a failure would.
    try:
        result = check()
    except ValidationError:
        login_attempt_end(attempt=attempt, succeeded=False)
        if address_slowed(ip=ip):
            _pause_if_free(settings.LOCKOUT_ADDRESS_DELAY_SECONDS)
        raise
    login_attempt_end(attempt=attempt, succeeded=True)
    return result


def login_code_check(*, user: User, token: str, ip: str | None):
    """The user's device that accepts ``token`` (an authenticator or recovery code)
    at the second sign-in step, checked under the lockout rules; ValidationError
    if none does or the account is locked."""
    import django_otp

    def match():
        device = django_otp.match_token(user, token)
        if device is None:
            raise ValidationError(_("The code is wrong or expired."))
        return device

    return credential_check(username=user.get_username(), ip=ip, check=match)


def lockout_lift(*, lockout: Lockout, actor) -> Lockout:
    permissions.require(actor, Lockout, permissions.CHANGE)
    with transaction.atomic():
        lockout.lifted_at = timezone.now()
        lockout.lifted_by = actor
        lockout.save(update_fields=["lifted_at", "lifted_by"])
        # The failures that caused it no longer count (attempts still being
        # checked are settled by their own requests).
        failures = LoginAttempt.objects.filter(pending=False)
        if lockout.kind == Lockout.Kind.USERNAME:
            failures.filter(username=lockout.key).delete()
        else:
            failures.filter(ip=lockout.key).delete()
        audit.record(
            actor=actor,
            action=Action.UNLOCK,
            obj=lockout,
            after={"kind": lockout.kind, "key": lockout.key},
        )
    return lockout


def session_start(*, request, user: User, record_login: bool = True) -> UserSession:
    """After Django's login(): record the session and (normally) the sign-in."""
    with transaction.atomic():
        LoginAttempt.objects.filter(
            username=_attempt_key(user.get_username()), pending=False
        ).delete()
        user_session = UserSession.objects.create(
            sid=uuid.uuid4().hex,
            user=user,
            ip=audit.current_client_ip(),
            user_agent=request.headers.get("user-agent", "")[:200],
        )
        request.session[SESSION_ID_KEY] = user_session.sid
        if record_login:
            audit.record(actor=user, action=Action.LOGIN, obj=user, object_repr=str(user))
    return user_session


def session_event(*, user, action: str) -> None:
    """Record a sign-out or another session event of the user's own."""
    with transaction.atomic():
        audit.record(actor=user, action=action, obj=user)


def _end_sessions(user: User, *, reason: str, actor, keep_sid: str | None = None) -> int:
    sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_sid:
        sessions = sessions.exclude(sid=keep_sid)
    return sessions.update(ended_at=timezone.now(), ended_reason=reason)


def session_end(*, user_session: UserSession, actor, reason: str = "ended_by_admin") -> None:
    """End a session now; its next request is signed out."""
    if actor.pk != user_session.user_id:
        permissions.require(actor, UserSession, permissions.CHANGE)
    with transaction.atomic():
        if user_session.ended_at is None:
            user_session.ended_at = timezone.now()
            user_session.ended_reason = reason
            user_session.save(update_fields=["ended_at", "ended_reason"])
            audit.record(
                actor=actor,
                action=Action.SESSION_END,
                obj=user_session.user,
                after={"session": user_session.sid[:8], "reason": reason},
            )


# --------------------------------------------------------------- two-factor
def otp_pending_device(*, user: User):
    """The user's unconfirmed authenticator (its secret is shown as a QR code),
    created on first use.

    Not audited: an unconfirmed device signs nobody in, and opening the page is
    not an action anyone took. The entry is written when the device is
    confirmed (``otp_confirm``), the moment it becomes a credential.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="authenticator")
    return device


def otp_confirm(*, user: User, device, token: str) -> list[str]:
    """Confirm a TOTP device with a code from the app; return new recovery codes."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    if not device.verify_token(token):
        raise ValidationError({"token": _("The code is wrong or expired. Try the current one.")})
    with transaction.atomic():
        device.confirmed = True
        device.save()
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="recovery")
        codes = [StaticToken.random_token() for _ in range(10)]
        for code in codes:
            static.token_set.create(token=code)
        audit.record(
            actor=user,
            action=Action.OTP_ENROL,
            obj=device,
            object_repr=str(user),  # whose second factor, not the device's own name
            after={"name": device.name, "confirmed": True},
        )
    return codes


def otp_reset(*, user: User, actor) -> None:
    """Remove a user's two-factor devices so that they enrol again."""
    from django_otp import devices_for_user

    permissions.require(actor, UserSession, permissions.CHANGE)
    if actor.pk == user.pk:
        raise _refusal("user", _("Ask another security administrator."))
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        _end_sessions(user, reason="otp_reset", actor=actor)
        audit.record(actor=actor, action=Action.OTP_RESET, obj=user)


# ----------------------------------------------------------------- API tokens
def api_token_create(
    *, user: User, name: str, read_only: bool = False, actor
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its key (shown only once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system using it.")})
    key = ApiToken.generate_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:60],
            prefix=key[3 : 3 + ApiToken.PREFIX_LENGTH],
            key_hash=hash_token(key),
            read_only=read_only,
        )
        audit.record(
            actor=actor,
            action=Action.TOKEN_CREATE,
            obj=token,
            after={"name": token.name, "prefix": token.prefix, "read_only": read_only},
        )
    return token, key


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor=actor,
                action=Action.TOKEN_REVOKE,
                obj=token,
                after={"name": token.name, "prefix": token.prefix},
            )
    return token


def api_token_authenticate(key: str) -> User | None:
    """The active user owning the (unrevoked) token ``key``, or None."""
    # Read on every API request, so by statements written once (``core.hotpath``),
    # as a session's user is. The hash is unique: one token at most.
    tokens = hotpath.rows(ApiToken, key_hash=hash_token(key or ""))
    if not tokens or tokens[0].revoked_at is not None:
        return None
    token = tokens[0]
    users = hotpath.rows(User, pk=token.user_id)
    # A password the user must change first (reset by an administrator) stops
    # their tokens as it stops their sessions.
    if not users or not users[0].is_active or users[0].must_change_password:
        return None
    token.user = users[0]
    # Last use is bookkeeping, not a user action: no audit entry; and kept to the
    # minute, so that a client calling many times a second writes once a minute.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    token.user.api_token = token
    return token.user
