"""Reads on accounts."""

import datetime

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from parkops.accounts.models import Lockout, Membership, User
from parkops.core import permissions


def users_with_role(*, role: str, park) -> QuerySet:
    """Active users holding ``role`` in ``park`` (for owner and commissioner choices)."""
    if park is None:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, memberships__role=role, memberships__park=park)
        .distinct()
        .order_by("username")
    )


def inactive_days() -> int:
    return settings.INACTIVE_ACCOUNT_DAYS


def inactive_users() -> QuerySet:
    """Active accounts unused for INACTIVE_ACCOUNT_DAYS (never used counts from creation)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.INACTIVE_ACCOUNT_DAYS)
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def user_list(*, query: str = "", status: str = "") -> QuerySet:
    memberships = Prefetch(
        "memberships", queryset=Membership.objects.select_related("park", "alliance")
    )
    # 排序按拼音: by the pinyin of the name the list shows (阿 < 北 < 长 < 张).
    ordering = ("name_pinyin", "full_name", "username")
    users = User.objects.prefetch_related(memberships).order_by(*ordering)
    if status == "inactive":
        users = inactive_users().prefetch_related(memberships).order_by(*ordering)
    elif status == "disabled":
        users = users.filter(is_active=False)
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    return users


def lockouts_active() -> QuerySet:
    return Lockout.objects.filter(locked_until__gt=timezone.now(), lifted_at__isnull=True)


def needs_two_factor(user) -> bool:
    """Administrators and park admins must use a second factor (settings).

    Demo accounts are exempt while the installation runs in demo mode, so that
    the demo can be tried without an authenticator app.
    """
    if user.is_demo and settings.DEMO_MODE:
        return False
    return bool(set(settings.TWO_FACTOR_REQUIRED_ROLES) & permissions.roles_of(user))
