"""The promotion structure in spreadsheets."""

from django.utils.translation import gettext_lazy as _

from parkops.core.exchange.spec import CHOICE, REF, Column, RegisterSpec, declare
from parkops.promotion import services
from parkops.promotion.filters import PromotionUnitFilterSet
from parkops.promotion.models import PromotionUnit

UNITS = declare(
    RegisterSpec(
        key="promotion-units",
        model=PromotionUnit,
        title=PromotionUnit._meta.verbose_name_plural,
        natural_key="code",
        columns=[
            Column(
                "code",
                "代码",
                required=True,
                synonyms=("单元代码", "编号"),
                example="FJ-EI",
                fold=True,
            ),
            Column(
                "name",
                "名称",
                required=True,
                synonyms=("单元名称",),
                example="电子信息产业招商分局",
                width=28,
            ),
            Column(
                "kind",
                "类型",
                kind=CHOICE,
                choices=PromotionUnit.Kind,
                required=True,
                example="专业招商分局",
            ),
            Column(
                "parent",
                "上级单元",
                kind=REF,
                ref_model=PromotionUnit,
                synonyms=("上级",),
                help=_(
                    "The parent unit as the 选项 sheet lists it, name with code, or its code "
                    "or name alone; list parents before their units."
                ),
                example="ZSB",
            ),
        ],
        create=lambda *, park, actor, **values: services.unit_create(
            park=park, actor=actor, **values
        ),
        update=lambda obj, *, actor, **values: services.unit_update(
            unit=obj, actor=actor, **values
        ),
        select_related=("parent",),
        filterset_class=PromotionUnitFilterSet,
    )
)
