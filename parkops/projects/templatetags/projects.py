"""Template filters of the projects pages."""

from django import template

from parkops.projects.tables import stage_badge as _stage_badge

register = template.Library()


@register.filter
def stage_badge(stage):
    """A project stage as its coloured badge."""
    return _stage_badge(stage) if stage else ""
