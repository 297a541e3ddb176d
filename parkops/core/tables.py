"""Table base for list pages, and the tables of core registers."""

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.base import LinkTransform

from parkops.core.models import Alliance, AuditEntry, ImportBatch, Industry, Park
from parkops.core.pagination import CURSOR_PARAMS
from parkops.core.text import format_cst

# Lists fit a 1366 px office screen with the menu open: the important columns
# first, secondary ones shown only from 1400 px (``WIDE_ONLY``), long texts cut
# with … and whole in their tooltip (``truncated``); narrower screens scroll
# the table sideways inside its card.
WIDE_ONLY = {
    "th": {"class": "d-none d-xxl-table-cell"},
    "td": {"class": "d-none d-xxl-table-cell"},
}


def _cell_title(value):
    return strip_tags(str(value)) if value not in (None, "") else None


def truncated(*, wide_only=False) -> dict:
    """A column's ``attrs``: its cells cut at a width with …, the whole text in
    the tooltip (and in exports, which do not read the table)."""
    hidden = " d-none d-xxl-table-cell" if wide_only else ""
    return {
        "th": {"class": f"cell-truncate{hidden}"},
        "td": {"class": f"cell-truncate{hidden}", "title": _cell_title},
    }


class BaseTable(tables.Table):
    """A list page's table. The page's rows are drawn by ``body_html`` in one
    pass instead of a template loop over rows and cells, which cost most of a
    list page: each column's ``<td>`` attributes are worked out once per page,
    and the common cell — a plain ``Column`` showing a field of the row (its
    choice's label, if it has choices), maybe linked to the row's page — is
    drawn directly; any other cell as django-tables2 draws it (``get_cell``).
    ``tests/test_list_pages.py`` checks both draw the same."""

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped list-table"}
        template_name = "core/table.html"

    def _plain_cell(self, bound):
        """For a column whose cells may be drawn directly: (field name, the
        model field or None, linked to the row's page?); else None."""
        column = bound.column
        accessor = str(bound.accessor)
        if (
            type(column) is not tables.Column
            or getattr(bound.render, "__func__", None) is not tables.Column.render
            or bound.localize is not None
            or not accessor.isidentifier()
            or "__" in accessor
        ):
            return None
        link = bound.link
        if link is not None and (
            type(link) is not LinkTransform
            or link.url is not None
            or link.accessor is not None
            or link.attrs
            or link.reverse_args
        ):
            return None
        model = getattr(getattr(self.data, "model", None), "_meta", None)
        try:
            field = model.get_field(accessor) if model else None
        except FieldDoesNotExist:
            field = None
        return accessor, field, link is not None

    def _boolean_cell(self, bound):
        """For a stock ``BooleanColumn`` of a non-null model field without
        choices, shown unlinked: (field name, {True: cell, False: cell}), the
        two cells drawn once per page; else None."""
        column = bound.column
        accessor = str(bound.accessor)
        if (
            type(column) is not tables.BooleanColumn
            or getattr(bound.render, "__func__", None) is not tables.BooleanColumn.render
            or column.empty_values != ()
            or bound.localize is not None
            or bound.link is not None
            or not accessor.isidentifier()
        ):
            return None
        model = getattr(getattr(self.data, "model", None), "_meta", None)
        try:
            field = model.get_field(accessor) if model else None
        except FieldDoesNotExist:
            return None
        if field is None or field.choices:
            return None
        # Without a record, BooleanColumn.render takes the value as it is.
        return accessor, {value: column.render(value, None, bound) for value in (True, False)}

    def header_html(self):
        """The header's ``<th>`` cells, each sortable column's a link sorting by
        it (the request's filters kept, its page and cursor dropped): the link
        ``{% querystring sort=… page=None after=None before=None %}`` gives,
        with the request's query copied once per page, not once per column."""
        context = Context(autoescape=True)
        request = getattr(self, "request", None)
        base = request.GET.copy() if request is not None else QueryDict(mutable=True)
        for name in ("page", *CURSOR_PARAMS):
            base.pop(name, None)
        cells = []
        for column in self.columns:
            header = render_value_in_context(column.header, context)
            if column.orderable:
                params = base.copy()
                params["sort"] = column.order_by_alias.next
                header = f'<a href="{escape("?" + params.urlencode())}">{header}</a>'
            cells.append(f'<th {column.attrs["th"].as_html()} scope="col">{header}</th>')
        return mark_safe("\n".join(cells))  # noqa: S308 - every part escaped above

    def body_html(self):
        """The ``<tr>`` rows of the page shown (``paginated_rows``), as HTML."""
        context = Context(autoescape=True)
        columns = []
        for column in self.columns:
            td = column.column.attrs.get("td", {})
            per_cell = any(callable(value) for value in td.values())
            attrs = None if per_cell else column.attrs["td"].as_html()
            opening = f"<td {attrs}>" if attrs else "<td>"
            plain = None if per_cell else self._plain_cell(column)
            boolean = None if per_cell or plain else self._boolean_cell(column)
            draw = _plain_drawer(column, plain) if plain else None
            columns.append((column, attrs, opening, draw, boolean))
        # Rows' attributes alternate "even" and "odd"; without per-row values
        # they are worked out once for each.
        fixed_row_attrs = not any(callable(value) for value in self.row_attrs.values())
        row_openings = {}
        html = []
        for row in self.paginated_rows:
            cells = []
            record = row.record
            for column, td_attrs, opening, draw, boolean in columns:
                if boolean:
                    cell = boolean[1][bool(getattr(record, boolean[0]))]
                else:
                    cell = draw(record) if draw else _NOT_PLAIN
                if cell is _NOT_PLAIN:
                    cell = row.get_cell(column.name)
                if td_attrs is None:  # attributes that depend on the row
                    column.current_value, column.current_record = cell, record
                    opening = f"<td {column.attrs['td'].as_html()}>"
                if column.localize is not None:
                    cell = localize(cell, use_l10n=column.localize)
                cells.append(f"{opening}{render_value_in_context(cell, context)}</td>")
            if fixed_row_attrs:
                parity = row.get_even_odd_css_class()
                if parity not in row_openings:
                    row_openings[parity] = format_html("<tr {}>", row.attrs.as_html())
                tr = row_openings[parity]
            else:
                tr = format_html("<tr {}>", row.attrs.as_html())
            html.append(tr + "".join(cells) + "</tr>")
        return mark_safe("\n".join(html))  # noqa: S308 - every part escaped above


_NOT_PLAIN = object()


def _plain_drawer(bound, plain):
    """A function giving a plain cell's content from its record, as
    ``BoundRow.get_cell`` would give it, or ``_NOT_PLAIN`` where the value is a
    model (a linked cell then links to it). A choice's labels are looked up
    once per page."""
    name, field, linked = plain
    empty_values, default = bound.column.empty_values, bound.default
    labels = None
    if field is not None and field.choices:
        labels = {
            make_hashable(value): force_str(label, strings_only=True)
            for value, label in field.flatchoices
        }

    def draw(record):
        if labels is not None:
            value = getattr(record, name, None)
            try:
                value = labels.get(value, value)
            except TypeError:  # unhashable: as the model would show it
                value = getattr(record, f"get_{name}_display")()
        else:
            value = getattr(record, name, None)
            if callable(value) and not getattr(value, "do_not_call_in_templates", False):
                if getattr(value, "alters_data", False):
                    return _NOT_PLAIN
                value = value()
        if value in empty_values:
            return default
        if linked:
            if hasattr(value, "get_absolute_url"):
                return _NOT_PLAIN
            url = escape(record.get_absolute_url())
            return mark_safe(f'<a href="{url}">{conditional_escape(value)}</a>')  # noqa: S308
        return value

    return draw


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
