import django_tables2 as tables

from parkops.core.tables import BaseTable
from parkops.promotion.models import PromotionUnit


class PromotionUnitTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = PromotionUnit
        fields = ("code", "name", "kind", "parent", "head")
        order_by = ("code",)
