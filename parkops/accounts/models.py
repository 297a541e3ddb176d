"""Users, their memberships (park or alliance, role) and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkops.core.permissions import ALLIANCE_ROLES, GLOBAL_ROLES, PARK_ROLES, Role
from parkops.core.text import format_cst, format_cst_date


class User(AbstractUser):
    """A person who signs in. Chinese names go whole into ``full_name``."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    # 排序按拼音: the user list and its export sort by this key, the pinyin of
    # the name the list shows (the full name, else the username); set by the services.
    name_pinyin = models.CharField(_("name pinyin"), max_length=400, blank=True, editable=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    # Demo accounts are exempt from password expiry only while settings.DEMO_MODE is on.
    is_demo = models.BooleanField(_("demo account"), default=False)

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    # Accounts are what the audit administrator reviews; the e-mail address is
    # personal data.
    audit_public_fields = (
        "__str__",
        "username",
        "full_name",
        "name_pinyin",
        "is_active",
        "is_staff",
        "is_superuser",
        "must_change_password",
        "password_changed_at",
        "language",
        "is_demo",
        "last_login",
        "date_joined",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A role a user holds in one park, one alliance, or (global roles) everywhere."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    park = models.ForeignKey(
        "core.Park",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("park"),
    )
    alliance = models.ForeignKey(
        "core.Alliance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alliance"),
    )
    # ROLES.md: full personal numbers need this on top of the role.
    can_view_personal_data = models.BooleanField(_("may view personal data"), default=False)

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = (
        "__str__",
        "user",
        "role",
        "park",
        "alliance",
        "can_view_personal_data",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        # One constraint per kind of membership, because SQLite has no
        # NULLS NOT DISTINCT.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "park"],
                condition=models.Q(park__isnull=False),
                name="membership_unique_park",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "alliance"],
                condition=models.Q(alliance__isnull=False),
                name="membership_unique_alliance",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(park__isnull=True, alliance__isnull=True),
                name="membership_unique_global",
            ),
        ]

    def __str__(self) -> str:
        where = self.park or self.alliance or _("all parks")
        return f"{self.user} · {self.get_role_display()} · {where}"

    @property
    def scope_label(self) -> str:
        """Where the role holds, as users name it: 苏宿工业园区."""
        return str(self.park or self.alliance or _("all parks"))

    @property
    def role_label(self) -> str:
        """The role with where it is held, as the user list shows it: 园区领导 · 苏宿园区."""
        role = str(self.get_role_display())
        if self.park_id:
            return f"{role} · {self.park.short_name}"
        if self.alliance_id:
            return f"{role} · {self.alliance.name}"
        return role

    def clean(self) -> None:
        if self.role in PARK_ROLES and (self.park_id is None or self.alliance_id is not None):
            raise ValidationError({"park": _("This role is held in one park.")})
        if self.role in ALLIANCE_ROLES and (self.alliance_id is None or self.park_id is not None):
            raise ValidationError({"alliance": _("This role is held in one alliance.")})
        if self.role in GLOBAL_ROLES and (self.park_id or self.alliance_id):
            raise ValidationError({"role": _("This role is held without park or alliance.")})


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the key is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = ("__str__", "user", "name", "prefix", "read_only", "revoked_at")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate_key() -> str:
        return "pk_" + secrets.token_urlsafe(32)


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so that recent ones are not reused."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("password history")
        verbose_name_plural = _("password history")

    def __str__(self) -> str:
        return f"{self.user} {format_cst_date(self.created_at)}"


class LoginAttempt(models.Model):
    """A sign-in attempt counted for lockouts (by username and by client address):
    a failure, or one still ``pending`` while its password or code is checked.

    An attempt is recorded before its check and deleted if the check succeeds, so
    that parallel guesses cannot all be checked before the first failure counts.
    """

    username = models.CharField(_("username"), max_length=150, db_index=True)
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True, db_index=True)
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    pending = models.BooleanField(_("being checked"), default=True)

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {format_cst(self.time)}"


class Lockout(models.Model):
    """Until ``locked_until``: an account refused sign-in, or a client address
    whose failed sign-ins are answered slowly."""

    class Kind(models.TextChoices):
        USERNAME = "username", _("account")
        # A client address is slowed down, never refused (see services.credential_check).
        IP = "ip", _("client address (slowed down)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("locked"), max_length=150)
    locked_until = models.DateTimeField(_("locked until"))
    created_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = ("__str__", "kind", "key", "locked_until", "lifted_at", "lifted_by")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "key", "locked_until"], name="lockout_lookup")]
        verbose_name = _("lockout")
        verbose_name_plural = _("lockouts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class UserSession(models.Model):
    """A signed-in session, so that it can be listed, timed out and ended.

    Its ``sid`` is kept in the Django session and survives key rotation; the
    middleware refuses a session whose record is ended or expired.
    """

    sid = models.CharField(_("session id"), max_length=32, unique=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("user")
    )
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_reason = models.CharField(_("reason"), max_length=30, blank=True)

    # Values any audit-log reader may see; the rest is masked (core/audit_display.py).
    audit_public_fields = ("__str__", "user", "ip", "user_agent", "ended_at", "ended_reason")

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user} {format_cst(self.created_at)}"
