from django import template
from django.utils.translation import pgettext

from parkops.core import permissions
from parkops.core.generic import active_park

register = template.Library()


@register.inclusion_tag("workdays/partials/next_year_notice.html", takes_context=True)
def next_year_notice(context):
    """For the park administrator: next year's calendar is still to be entered."""
    from parkops.workdays import selectors
    from parkops.workdays.models import CalendarOverride

    user = context["request"].user
    park = active_park(user)
    year = None
    if park is not None and permissions.can(user, CalendarOverride, permissions.ADD, park):
        year = selectors.next_year_missing(park=park)
    return {"missing_year": year}


# Tabler badge colours per kind of day (core.workdays.DayKind).
BADGES = {
    "workday": "bg-green-lt",
    "weekend": "bg-secondary-lt",
    "holiday": "bg-red-lt",
    "makeup": "bg-orange-lt",
    "override_workday": "bg-purple-lt",
    "override_holiday": "bg-purple-lt",
}


@register.filter
def day_badge(day) -> str:
    return BADGES.get(str(day.kind), "")


@register.filter
def office_hours_text(intervals) -> str:
    """``09:00–12:00、13:30–17:30``: the list separator of the active language."""
    separator = pgettext("list separator", ", ")
    return separator.join(f"{start:%H:%M}–{end:%H:%M}" for start, end in intervals)
