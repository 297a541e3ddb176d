"""Accounts in the administration menu."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import ADMINISTRATION, NavItem, declare_item

# These two pages have their own templates; their headings say the same.
declare_item(
    ADMINISTRATION, NavItem("accounts:user_list", "users", "accounts.User", _("Users")), order=10
)
declare_item(
    ADMINISTRATION,
    NavItem("accounts:lockout_list", "lock", "accounts.Lockout", _("Locked sign-ins")),
    order=20,
)
