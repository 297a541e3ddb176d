"""The working-day calendar in the menu, among the park's settings."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import PARK, NavItem, declare_item

declare_item(
    PARK,
    NavItem(
        "workdays:calendaroverride_list",
        "calendar",
        "workdays.CalendarOverride",
        label=_("Working-day calendar"),
    ),
    order=40,
)
