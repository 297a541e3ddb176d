"""Filters of the account list (page and export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkops.accounts.models import User
from parkops.core.filters import BaseFilterSet


def status_choices() -> list[tuple[str, str]]:
    from django.conf import settings
    from django.utils.translation import gettext

    days = settings.INACTIVE_ACCOUNT_DAYS
    return [
        ("inactive", gettext("Unused for %(inactive_days)s days") % {"inactive_days": days}),
        ("disabled", gettext("Disabled")),
    ]


class UserFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        method="by_status", choices=status_choices, label=_("status")
    )

    class Meta:
        model = User
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))

    def by_status(self, queryset, name, value):
        from parkops.accounts.selectors import inactive_condition

        if value == "inactive":
            return queryset.filter(inactive_condition())
        if value == "disabled":
            return queryset.filter(is_active=False)
        return queryset
