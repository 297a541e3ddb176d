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


@register.filter
def light_badge(light):
    """A traffic light (红绿灯) as its coloured badge."""
    from parkops.projects.tables import light_badge as _light_badge

    return _light_badge(light) if light else ""
