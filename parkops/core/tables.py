"""Table base for list pages, and the tables of core registers."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from parkops.core.models import Alliance, AuditEntry, ImportBatch, Industry, Park
from parkops.core.text import format_cst


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped"}


class ChinaTimeColumn(tables.Column):
    """A datetime as users see it everywhere (China Standard Time, one format)."""

    def render(self, value):
        return format_cst(value)

    def value(self, value):
        return format_cst(value)


class ParkTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(accessor="region_name", verbose_name=_("region"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Park
        fields = ("name", "short_name", "code", "region")


class AllianceTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Alliance
        fields = ("name", "lead_park")


class IndustryTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Industry
        fields = ("code", "name", "level", "parent")
        order_by = ("code",)


class AuditEntryTable(BaseTable):
    time = tables.DateTimeColumn(linkify=True, format="Y-m-d H:i:s")

    class Meta(BaseTable.Meta):
        model = AuditEntry
        fields = ("time", "actor_name", "action", "object_type", "object_repr", "park", "client_ip")


class ImportBatchTable(BaseTable):
    created_at = ChinaTimeColumn(linkify=True)
    register = tables.Column(
        accessor="register_title",
        order_by="register",
        verbose_name=ImportBatch._meta.get_field("register").verbose_name,
    )

    class Meta(BaseTable.Meta):
        model = ImportBatch
        fields = (
            "created_at",
            "register",
            "file_name",
            "actor",
            "created_count",
            "updated_count",
            "unchanged_count",
            "status",
        )
