import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from parkops.core.tables import BaseTable
from parkops.enterprises.models import Enterprise


class EnterpriseTable(BaseTable):
    name = tables.Column(linkify=True)
    industry = tables.Column(verbose_name=_("industry"))
    above_scale = tables.BooleanColumn(yesno="✔,")

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = ("name", "uscc", "status", "industry", "above_scale", "commissioner")
        order_by = ("name",)
