"""The working-day calendar in the menu, among the park's settings."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import PARK, HomeNotice, NavItem, declare_home_notice, declare_item

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


def _next_year_notice(request) -> dict | None:
    """For the park administrator: next year's calendar is still to be entered."""
    from parkops.core import permissions
    from parkops.core.generic import active_park
    from parkops.workdays import selectors
    from parkops.workdays.models import CalendarOverride

    user = request.user
    park = active_park(user)
    if park is None or not permissions.can(user, CalendarOverride, permissions.ADD, park):
        return None
    year = selectors.next_year_missing(park=park)
    return {"missing_year": year} if year else None


declare_home_notice(HomeNotice("workdays/partials/next_year_notice.html", _next_year_notice))
