import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from parkops.core.tables import BaseTable
from parkops.enterprises.models import Enterprise


class EnterpriseTable(BaseTable):
    # 排序按拼音: by the stored pinyin key (张 after 长 and 北), not by code point.
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))
    industry = tables.Column(verbose_name=_("industry"))
    above_scale = tables.BooleanColumn(yesno="✔,")

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = ("name", "uscc", "status", "industry", "above_scale", "commissioner")
        order_by = ("name",)
