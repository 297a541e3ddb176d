"""The account list in spreadsheets (export only), for periodic account reviews.

Not in the registers' registry: accounts are no park's register, and the export
has its own address beside the list (``accounts:user_export``)."""

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from parkops.accounts.models import User
from parkops.accounts.selectors import user_list
from parkops.core.exchange.spec import Column, RegisterSpec


def membership_label(membership) -> str:
    """The role with the full name of its park or alliance, for account reviews."""
    where = membership.park or membership.alliance
    role = membership.get_role_display()
    return f"{role}（{where}）" if where else str(role)


def _status(user) -> str:
    return pgettext("account status", "active") if user.is_active else gettext("Disabled")


USERS = RegisterSpec(
    key="users",
    model=User,
    title=_("Users"),
    file_title="用户清单",
    natural_key="username",
    columns=[
        Column("username", _("Username"), width=18),
        Column("full_name", _("full name"), width=16),
        Column(
            "memberships",
            _("Roles"),
            export=lambda u: "、".join(membership_label(m) for m in u.memberships.all()),
            width=60,
        ),
        Column("last_login", _("last login"), width=20),
        Column("password_changed_at", _("password changed"), width=20),
        Column("is_active", _("status"), export=_status, width=10),
    ],
    selector=user_list,
)
