"""Table base for list pages, and the tables of core registers."""

import django_tables2 as tables
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from parkops.core.models import Alliance, AuditEntry, ImportBatch, Industry, Park
from parkops.core.text import format_cst


class BaseTable(tables.Table):
    """A list page's table. The page's rows are drawn by ``body_html`` in one
    pass (the cells as django-tables2 renders them, each column's ``<td>``
    attributes worked out once per page, not once per cell) instead of a
    template loop over rows and cells, which cost most of a list page."""

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped list-table"}
        template_name = "core/table.html"

    def body_html(self):
        """The ``<tr>`` rows of the page shown (``paginated_rows``), as HTML."""
        context = Context(autoescape=True)
        columns = []
        for column in self.columns:
            td = column.column.attrs.get("td", {})
            per_cell = any(callable(value) for value in td.values())
            columns.append((column, None if per_cell else column.attrs["td"].as_html()))
        html = []
        for row in self.paginated_rows:
            cells = []
            for column, td_attrs in columns:
                cell = row.get_cell(column.name)
                if td_attrs is None:  # attributes that depend on the row
                    column.current_value, column.current_record = cell, row.record
                    attrs = column.attrs["td"].as_html()
                else:
                    attrs = td_attrs
                if column.localize is not None:
                    from django.utils.formats import localize

                    cell = localize(cell, use_l10n=column.localize)
                cells.append(
                    f"<td {attrs}>{render_value_in_context(cell, context)}</td>"
                    if attrs
                    else f"<td>{render_value_in_context(cell, context)}</td>"
                )
            html.append(format_html("<tr {}>", row.attrs.as_html()) + "".join(cells) + "</tr>")
        return mark_safe("\n".join(html))  # noqa: S308 - every part escaped above


class ChinaTimeColumn(tables.Column):
    """A datetime as users see it everywhere (China Standard Time, one format)."""

    def render(self, value):
        return format_cst(value)

    def value(self, value):
        return format_cst(value)


class ParkTable(BaseTable):
    # 排序按拼音: by the stored pinyin key (张 after 长 and 北), not by code point.
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))
    region = tables.Column(accessor="region_name", verbose_name=_("region"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Park
        fields = ("name", "short_name", "code", "region")
        order_by = ("name",)


class AllianceTable(BaseTable):
    name = tables.Column(linkify=True, order_by=("name_pinyin", "name"))
    lead_park = tables.Column(order_by=("lead_park__name_pinyin", "lead_park__name"))

    class Meta(BaseTable.Meta):
        model = Alliance
        fields = ("name", "lead_park")
        order_by = ("name",)


class IndustryTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Industry
        fields = ("code", "name", "level", "parent")
        order_by = ("code",)


class AuditEntryTable(BaseTable):
    """Entries as ``AuditReader`` shows them to the reader: names for people,
    objects whose names are confidential hidden, the fields that changed."""

    time = ChinaTimeColumn(linkify=True)
    actor_name = tables.Column(verbose_name=_("actor"), empty_values=())
    object_type = tables.Column(verbose_name=_("object type"))
    # Not sortable: the order of confidential names would hint at them.
    object_repr = tables.Column(verbose_name=_("object"), empty_values=(), orderable=False)
    changes = tables.Column(verbose_name=_("changed fields"), empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = AuditEntry
        fields = ("time", "actor_name", "action", "object_type", "object_repr", "park", "client_ip")
        sequence = (*fields[:5], "changes", *fields[5:])

    def __init__(self, *args, reader, **kwargs):
        super().__init__(*args, **kwargs)
        self.reader = reader
        self._shown: dict[int, object] = {}

    def _display(self, record):
        if record.pk not in self._shown:
            self._shown[record.pk] = self.reader.display(record, values=False)
        return self._shown[record.pk]

    def render_actor_name(self, record):
        return self._display(record).actor_name

    def render_object_type(self, record):
        return self._display(record).object_type_name

    def render_object_repr(self, record):
        shown = self._display(record)
        name = shown.object_name or "—"
        return f"#{record.object_id} {name}" if record.object_id else name

    def render_changes(self, record):
        return self._display(record).changed_field_names or "—"


class ImportBatchTable(BaseTable):
    created_at = ChinaTimeColumn(linkify=True)
    register = tables.Column(
        accessor="register_title",
        order_by="register",
        verbose_name=ImportBatch._meta.get_field("register").verbose_name,
    )

    def render_register(self, value):
        from parkops.core.exchange.spec import get_spec

        try:
            return get_spec(value).title
        except KeyError:  # a register since removed: its key is all there is
            return value

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
