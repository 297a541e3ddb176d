"""Table base for list pages, and the tables of core registers."""

import datetime
import html
from urllib.parse import urlencode

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import QueryDict
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.encoding import force_str
from django.utils.formats import date_format, localize
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.base import LinkTransform, library
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import AttributeDict, signature

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
    if value in (None, ""):
        return None
    text = str(value)
    return strip_tags(text) if "<" in text else text  # strip_tags leaves it so


def truncated(*, wide_only=False) -> dict:
    """A column's ``attrs``: its cells cut at a width with …, the whole text in
    the tooltip (and in exports, which do not read the table)."""
    hidden = " d-none d-xxl-table-cell" if wide_only else ""
    return {
        "th": {"class": f"cell-truncate{hidden}"},
        "td": {"class": f"cell-truncate{hidden}", "title": _cell_title},
    }


def _own_attribute(name: str) -> bool:
    """Is accessor ``name`` an attribute of the row's record itself (read with
    ``getattr``), not a path through a relation (``park__name``), which
    django-tables2's accessor resolves?"""
    return name.isidentifier() and "__" not in name


class BaseTable(tables.Table):
    """A list page's table. The page's rows are drawn by ``body_html`` in one
    pass instead of a template loop over rows and cells, which cost most of a
    list page: what is the same for every row of a column (its ``<td>``
    attributes, its choices' labels, the arguments its render method takes) is
    worked out once per page, and each cell drawn from its record directly.
    ``tests/test_list_pages.py`` checks every list draws what django-tables2's
    own template draws."""

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped list-table"}
        template_name = "core/table.html"

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
        # ``sort`` goes last, where setting it in a copy of the query puts it,
        # unless the query has one (then it keeps its place).
        kept = None if "sort" in base else base.urlencode()
        cells = []
        for column in self.columns:
            header = render_value_in_context(column.header, context)
            if column.orderable:
                sort = column.order_by_alias.next
                if kept is None:
                    params = base.copy()
                    params["sort"] = sort
                    query = params.urlencode()
                else:
                    query = "&".join(part for part in (kept, urlencode({"sort": sort})) if part)
                header = f'<a href="{escape("?" + query)}">{header}</a>'
            cells.append(f'<th {column.attrs["th"].as_html()} scope="col">{header}</th>')
        return mark_safe("\n".join(cells))  # noqa: S308 - every part escaped above

    def body_html(self):
        """The ``<tr>`` rows of the page shown (``paginated_rows``), as HTML."""
        context = Context(autoescape=True)
        cells = [self._cell_drawer(column, context) for column in self.columns]
        # Rows' attributes alternate "even" and "odd"; without per-row values
        # they are worked out once for each.
        fixed_row_attrs = not any(callable(value) for value in self.row_attrs.values())
        row_openings = {}
        html = []
        for row in self.paginated_rows:
            if fixed_row_attrs:
                parity = row.get_even_odd_css_class()
                if parity not in row_openings:
                    row_openings[parity] = format_html("<tr {}>", row.attrs.as_html())
                tr = row_openings[parity]
            else:
                tr = format_html("<tr {}>", row.attrs.as_html())
            html.append(tr + "".join([draw(row) for draw in cells]) + "</tr>")
        return mark_safe("\n".join(html))  # noqa: S308 - every part escaped below

    def _cell_drawer(self, bound, context):
        """``draw(row)``: the column's ``<td>`` cell of ``row``, escaped, as
        django-tables2's template draws ``<td {{ column.attrs.td.as_html }}>{{ cell }}</td>``."""
        content = (
            self._plain_content(bound)
            or self._boolean_content(bound)
            or self._rendered_content(bound)
            or (lambda row: _NOT_PLAIN)
        )
        opening = self._td_opening(bound)
        localized = bound.localize

        def draw(row):
            cell = content(row)
            if cell is _NOT_PLAIN:
                cell = row.get_cell(bound.name)
            td = opening if isinstance(opening, str) else opening(row.record, cell)
            if localized is not None:
                cell = localize(cell, use_l10n=localized)
            return f"{td}{_html(cell, context)}</td>"

        return draw

    def _td_opening(self, bound):
        """The column's opening ``<td …>`` tag: a string when it is the same for
        every cell; else a function of the cell's record and content giving what
        ``bound.attrs["td"]`` gives (a tooltip of the cell's text, say), the
        arguments its callables take found once."""
        declared = {**self.attrs, **bound.column.attrs}
        td = declared.get("td", declared.get("cell", {}))
        if not any(callable(value) for value in td.values()):
            attrs = bound.attrs["td"].as_html()
            return f"<td {attrs}>" if attrs else "<td>"
        if callable(td.get("class")) or any(isinstance(value, dict) for value in td.values()):

            def opening(record, cell):  # as django-tables2 works it out, cell by cell
                bound.current_value, bound.current_record = cell, record
                return f"<td {bound.attrs['td'].as_html()}>"

            return opening
        # Each attribute as (name, its value's HTML or None, or how to work it
        # out for a cell), in the order ``AttributeDict.as_html`` writes them.
        attributes = [
            (escape(key), None, _caller(value))
            if callable(value)
            else (escape(key), None if value is None else _escaped(value), None)
            for key, value in {**td, "class": bound.get_td_class(td)}.items()
            if key not in AttributeDict.blacklist
        ]

        def opening(record, cell):
            arguments = {"table": self, "bound_column": bound}
            if record is not None and cell is not None:
                arguments.update(record=record, value=cell)
            shown = []
            for name, escaped, call in attributes:
                if call is not None:
                    value = call(arguments)
                    escaped = None if value is None else _escaped(value)
                if escaped is not None:
                    shown.append(f'{name}="{escaped}"')
            return f"<td {' '.join(shown)}>"

        return opening

    def _model_field(self, name):
        model = getattr(getattr(self.data, "model", None), "_meta", None)
        try:
            return model.get_field(name) if model else None
        except FieldDoesNotExist:
            return None

    def _plain_content(self, bound):
        """For a plain ``Column`` showing a field or attribute of the row (its
        choice's label, if it has choices), maybe linked to the row's page:
        ``content(row)``, the cell as ``BoundRow.get_cell`` gives it, or
        ``_NOT_PLAIN`` where the value is a model (a linked cell then links to
        it); else None."""
        column = bound.column
        name = str(bound.accessor)
        if (
            type(column) is not tables.Column
            or getattr(bound.render, "__func__", None) is not tables.Column.render
            or not _own_attribute(name)
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
        labels = _choice_labels(self._model_field(name))
        empty_values, default = column.empty_values, bound.default

        def content(row):
            record = row.record
            value = _value_of(record, name, labels)
            if value is _NOT_PLAIN:
                return value
            if value in empty_values:
                return default
            if link is not None:
                if hasattr(value, "get_absolute_url"):
                    return _NOT_PLAIN
                url = _escaped(record.get_absolute_url())
                return mark_safe(f'<a href="{url}">{_escaped(value)}</a>')  # noqa: S308
            return value

        return content

    def _boolean_content(self, bound):
        """For a stock ``BooleanColumn`` of a non-null model field without
        choices, shown unlinked: ``content(row)``, its two cells drawn once per
        page; else None."""
        column = bound.column
        name = str(bound.accessor)
        if (
            type(column) is not tables.BooleanColumn
            or getattr(bound.render, "__func__", None) is not tables.BooleanColumn.render
            or column.empty_values != ()
            or bound.link is not None
            or not _own_attribute(name)
        ):
            return None
        field = self._model_field(name)
        if field is None or field.choices:
            return None
        # Without a record, BooleanColumn.render takes the value as it is.
        cells = {value: column.render(value, None, bound) for value in (True, False)}
        return lambda row: cells[bool(getattr(row.record, name))]

    def _rendered_content(self, bound):
        """For any other column showing a field or attribute of the row through a
        render method (the table's ``render_<name>``, or its column type's):
        ``content(row)``, the cell as ``BoundRow.get_cell`` gives it, the
        method's arguments found once per page (django-tables2 reads the
        method's signature again for every cell); else None."""
        column = bound.column
        name = str(bound.accessor)
        if isinstance(column, ManyToManyColumn | BaseLinkColumn) or not _own_attribute(name):
            return None
        labels = _choice_labels(self._model_field(name))
        empty_values, default, link = column.empty_values, bound.default, bound.link
        render = _caller(bound.render)

        def content(row):
            record = row.record
            value = _value_of(record, name, labels)
            if value is _NOT_PLAIN:
                return value
            if value in empty_values:
                return default
            arguments = {
                "value": value,
                "record": record,
                "column": column,
                "bound_column": bound,
                "bound_row": row,
                "table": self,
            }
            cell = render(arguments)
            return link(cell, **arguments) if link else cell

        return content


_NOT_PLAIN = object()
_AUTOESCAPE = Context(autoescape=True)


def _html(value, context=_AUTOESCAPE) -> str:
    """``{{ value }}`` as a template draws it (localized, escaped unless safe);
    texts and records, which nothing localizes, directly: the template's way
    costs more than most cells."""
    if isinstance(value, str | models.Model):
        return _escaped(str(value))
    return render_value_in_context(value, context)


def _escaped(value) -> str:
    """``conditional_escape(value)`` (not localized: attributes, link texts),
    plain text directly."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


def _choice_labels(field) -> dict | None:
    """A field's choices' labels by value, as ``get_<field>_display`` finds them."""
    if field is None or not field.choices:
        return None
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


def _value_of(record, name, labels):
    """The value a cell of the field or attribute ``name`` shows for ``record``,
    as django-tables2 reads it (``get_<name>_display`` for a field with choices,
    methods called, nothing where reading fails); ``_NOT_PLAIN`` where it reads
    otherwise (a record that is no model instance)."""
    if not isinstance(record, models.Model):
        return _NOT_PLAIN
    if labels is not None:
        value = getattr(record, name, None)
        try:
            return labels.get(value, value)
        except TypeError:  # unhashable: as the model would show it
            return getattr(record, f"get_{name}_display")()
    try:
        value = getattr(record, name)
        if callable(value):
            if getattr(value, "alters_data", False):
                return None
            if not getattr(value, "do_not_call_in_templates", False):
                value = value()
    except Exception:  # django-tables2 shows such a cell empty
        return None
    return value


def _caller(function):
    """``function`` called as django-tables2 calls a column's render method or a
    callable attribute (``call_with_appropriate``): with those of the arguments
    offered that it takes, or not at all (None) if it wants one not offered;
    its signature read once."""
    wanted, catch_all = signature(function)

    def call(arguments):
        if catch_all:
            return function(**arguments)
        chosen = {}
        for name in wanted:
            if name not in arguments:
                return None
            chosen[name] = arguments[name]
        return function(**chosen)

    return call


@library.register
class DateColumn(tables.Column):
    """The column of a date field: the short date (``SHORT_DATE_FORMAT``), as
    django-tables2's ``DateColumn`` shows it, drawn in Python: that column
    draws each cell through a template it compiles again for every cell, which
    cost more than the rest of the row. Registered, so that tables take it for
    their date fields (not for date and time fields: ``DateTimeColumn``)."""

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value, bound_column):
        try:
            shown = date_format(value, "SHORT_DATE_FORMAT")
        except AttributeError:  # not a date: the template's ``date`` filter shows nothing
            shown = ""
        return shown or bound_column.default

    def value(self, value, **kwargs):
        if isinstance(value, datetime.date):
            return value.isoformat()
        return super().value(value=value, **kwargs)


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
