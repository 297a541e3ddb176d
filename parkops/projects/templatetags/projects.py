"""Template filters of the projects pages."""

from django import template

from parkops.projects.tables import stage_badge as _stage_badge
from parkops.projects.tables import wan_yuan as _wan_yuan

register = template.Library()


@register.filter
def stage_badge(stage):
    """A project stage as its coloured badge."""
    return _stage_badge(stage) if stage else ""


@register.filter
def wan_yuan(amount):
    """Yuan as 万元 with two decimals, as the project lists and boards show amounts."""
    return _wan_yuan(amount)
