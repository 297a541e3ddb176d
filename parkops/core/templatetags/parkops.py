"""Template filters: masking, region names, money in 万元/亿元."""

from django import template

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
