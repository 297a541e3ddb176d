from django import template
from django.utils.translation import pgettext

register = template.Library()


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
