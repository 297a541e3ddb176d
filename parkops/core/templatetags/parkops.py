"""Template filters: masking, region names, money in 万元/亿元, China time, model names."""

from django import template
from django.apps import apps
from django.utils.text import capfirst

from parkops.core import regions, text

register = template.Library()


@register.filter
def mask_phone(value):
    return text.mask_phone(value or "")


@register.filter
def region_name(code):
    return regions.region_full_name(code or "")


@register.filter
def money(amount):
    return text.format_money(amount)


@register.filter
def cst(value):
    """A datetime as users see it (China Standard Time, ``2026-03-01 05:43``)."""
    return text.format_cst(value)


@register.filter
def cst_date(value):
    """The China Standard Time date of a datetime (``2026-03-01``)."""
    return text.format_cst_date(value)


@register.filter
def plural_name(model_label):
    """The name of a register ("enterprises.Enterprise" → 企业), as its menu item,
    list heading and home card all show it."""
    return capfirst(apps.get_model(model_label)._meta.verbose_name_plural)


@register.simple_tag(takes_context=True)
def detail_panels(context, obj):
    """The panels other apps declared for ``obj``'s detail page (``core.panels``),
    rendered within the page's context (its context processors run once)."""
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    from parkops.core import panels

    request = context.get("request")
    if request is None or obj is None:
        return ""
    rendered = []
    for name, values in panels.panel_contexts(request, obj):
        with context.push(**values):
            rendered.append(get_template(name).template.render(context))
    return mark_safe("".join(rendered))  # noqa: S308 (rendered, autoescaped templates)
