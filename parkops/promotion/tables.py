import django_tables2 as tables

from parkops.core.tables import BaseTable
from parkops.promotion.models import PromotionUnit


class PromotionUnitTable(BaseTable):
    # 排序按拼音 when sorted by name; the list itself opens in code order.
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))

    class Meta(BaseTable.Meta):
        model = PromotionUnit
        fields = ("code", "name", "kind", "parent", "head")
        order_by = ("code",)
