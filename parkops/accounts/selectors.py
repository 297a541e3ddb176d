"""Reads on accounts."""

import datetime

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from parkops.accounts.filters import UserFilterSet
from parkops.accounts.models import Lockout, Membership, User
from parkops.core import permissions
from parkops.core.selectors import list_selector, scoped_list


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


def inactive_condition() -> Q:
    """Active accounts unused for INACTIVE_ACCOUNT_DAYS (never used counts from creation)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.INACTIVE_ACCOUNT_DAYS)
    return Q(is_active=True) & (
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def inactive_users() -> QuerySet:
    """Active accounts unused for INACTIVE_ACCOUNT_DAYS (never used counts from creation)."""
    return User.objects.filter(inactive_condition())


@list_selector(model=User, filterset_class=UserFilterSet)
def user_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The accounts, for administrators who may view them (none for anyone else),
    with their roles, by the pinyin of the name the list shows (阿 < 北 < 长 < 张).
    Accounts belong to no park: ``park_id`` narrows nothing."""
    allowed = permissions.has_global(user, User, permissions.VIEW)
    memberships = Prefetch(
        "memberships", queryset=Membership.objects.select_related("park", "alliance")
    )
    return scoped_list(
        User,
        user=user,
        filters=filters,
        filterset_class=UserFilterSet,
        queryset=(User.objects.all() if allowed else User.objects.none()),
        ordering=("name_pinyin", "full_name", "username"),
    ).prefetch_related(memberships)


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
