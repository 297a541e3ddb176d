"""Password rules beyond Django's own (GB/T 22239-2019 level 3 identification).

Configured in settings.AUTH_PASSWORD_VALIDATORS, so they apply wherever Django
validates a password: our services, the change-password page, commands.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("symbol", lambda c: not c.isalnum()),
)


class CharacterClassValidator:
    """At least ``classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password, user=None):
        present = sum(any(test(c) for c in password) for _name, test in CLASSES)
        if present < self.classes:
            raise ValidationError(
                _(
                    "Use at least %(n)d of these: lower-case letters, capital letters, "
                    "digits, symbols."
                ),
                code="password_classes",
                params={"n": self.classes},
            )

    def get_help_text(self):
        return _("At least %(n)d of: lower-case letters, capital letters, digits, symbols.") % {
            "n": self.classes
        }


class UsernameNotContainedValidator:
    """The password may not contain the username (in either direction, any case)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and (
            username in password.lower() or username[::-1] in password.lower()
        ):
            raise ValidationError(
                _("The password may not contain the username."), code="password_has_username"
            )

    def get_help_text(self):
        return _("It may not contain your username.")


class HistoryValidator:
    """None of the user's last ``count`` passwords may be used again."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None or self.count <= 0:
            return
        from parkops.accounts.models import PasswordHistory

        recent = PasswordHistory.objects.filter(user=user)[: self.count]
        if any(check_password(password, entry.password) for entry in recent):
            raise ValidationError(
                ngettext(
                    "You used this password recently; choose one you have not used.",
                    "It must differ from your last %(n)d passwords.",
                    self.count,
                )
                % {"n": self.count},
                code="password_reused",
            )

    def get_help_text(self):
        return _("It must differ from your last %(n)d passwords.") % {"n": self.count}


def password_expires_at(user) -> datetime.datetime | None:
    """When the user's password expires, or None when passwords do not expire."""
    if settings.PASSWORD_MAX_AGE_DAYS <= 0:
        return None
    changed = user.password_changed_at or user.date_joined
    return changed + datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def must_change_password(user) -> bool:
    """True when the user must set a new password before doing anything else.

    Demo accounts are exempt only while the installation runs in demo mode.
    """
    if user.is_demo and settings.DEMO_MODE:
        return False
    if user.must_change_password:
        return True
    expires = password_expires_at(user)
    return expires is not None and expires <= timezone.now()
