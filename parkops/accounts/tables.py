"""The user list's table (the system and security administrators' page)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from parkops.accounts.models import User
from parkops.core.tables import BaseTable, ChinaTimeColumn


class UserTable(BaseTable):
    username = tables.Column(
        verbose_name=_("Username"), linkify=("accounts:user_detail", [tables.A("pk")])
    )
    # 排序按拼音, by the name the list shows (the username when there is none).
    full_name = tables.Column(order_by=("name_pinyin", "full_name", "username"))
    roles = tables.Column(verbose_name=_("Roles"), empty_values=(), orderable=False)
    last_login = ChinaTimeColumn()
    is_active = tables.Column(verbose_name=_("status"))

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "full_name", "roles", "last_login", "is_active")

    def render_roles(self, record):
        # The memberships come prefetched by ``user_list``.
        return "、".join(m.role_label for m in record.memberships.all())

    def value_roles(self, record):
        return self.render_roles(record)

    def render_is_active(self, value):
        if value:
            label, badge = pgettext("account status", "active"), "bg-green-lt"
        else:
            label, badge = gettext("Disabled"), "bg-secondary-lt"
        return format_html('<span class="badge {}">{}</span>', badge, label)
