"""Writes on the promotion structure."""

from parkops.core import services
from parkops.promotion.models import PromotionUnit

UNIT_FIELDS = ("code", "name", "kind", "parent", "head")


def unit_create(*, park, actor, members=(), **fields) -> PromotionUnit:
    data = services.with_sort_key({n: v for n, v in fields.items() if n in UNIT_FIELDS})
    return services.object_create(
        model=PromotionUnit, park=park, actor=actor, fields=data, many={"members": members}
    )


def unit_update(*, unit: PromotionUnit, actor, members=None, **fields) -> PromotionUnit:
    data = services.with_sort_key({n: v for n, v in fields.items() if n in UNIT_FIELDS})
    many = None if members is None else {"members": members}
    return services.object_update(obj=unit, actor=actor, fields=data, many=many)
