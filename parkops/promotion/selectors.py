"""Reads on the promotion structure."""

from __future__ import annotations

from django.db.models import QuerySet

from parkops.core.selectors import list_selector, scoped_list
from parkops.promotion.filters import PromotionUnitFilterSet
from parkops.promotion.models import PromotionUnit


@list_selector(model=PromotionUnit, filterset_class=PromotionUnitFilterSet)
def promotion_unit_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The promotion units ``user`` may view, with parent and head, by park and code."""
    return scoped_list(
        PromotionUnit,
        user=user,
        filters=filters,
        filterset_class=PromotionUnitFilterSet,
        park_id=park_id,
        select_related=("parent", "head"),
    )


def promotion_unit_children(*, user, unit) -> QuerySet:
    """The units directly under ``unit`` that ``user`` may view."""
    return PromotionUnit.objects.restrict(user).filter(parent=unit)


def promotion_unit_members(*, unit) -> QuerySet:
    """The members of ``unit``, by user name."""
    return unit.members.order_by("username")
