"""Promotion-unit factories and the unit register's test declaration."""

from __future__ import annotations

from parkops.core.permissions import Role
from parkops.core.testing import Declaration, declare, unique
from parkops.core.text import pinyin_sort_key
from parkops.promotion.models import PromotionUnit


def make_unit(park, **fields) -> PromotionUnit:
    defaults = {"code": unique("U"), "name": unique("招商分局"), "kind": PromotionUnit.Kind.BUREAU}
    data = {**defaults, **fields}
    return PromotionUnit.objects.create(
        park=park, name_pinyin=pinyin_sort_key(data["name"]), **data
    )


def unit_form(park) -> dict:
    return {"code": "FJ-X", "name": "新兴产业招商分局", "kind": PromotionUnit.Kind.BUREAU}


def unit_form_without_kind(park) -> tuple[dict, str]:
    return {"code": "FJ-Y", "name": "某分局", "kind": ""}, "kind"


UNIT = declare(
    Declaration(
        model=PromotionUnit,
        make=make_unit,
        reader_role=Role.PROMOTION_OFFICER,
        writer_role=Role.PARK_ADMIN,
        form_data=unit_form,
        invalid_form_data=unit_form_without_kind,
        exempt={
            "promotion:promotionunit_add": "no id; creates in the active park (promotion tests)"
        },
    )
)
