"""Pages of a list: one bounded count, and keyset ("cursor") pages for deep lists.

A list page counts its rows once, and only up to ``COUNT_BOUND``: above it the
page says "10,000+ records" (an exact total there tells nobody anything, and a
full COUNT over a big register costs as much as reading it). Numbered pages
(``?page=3``, OFFSET) stay for small lists and for links kept from before.

When the list is sorted by columns of its own table that cannot be empty
(``keyset_keys``: the registers' default orders — name pinyin, date — and any
such column the user sorts by) and it has more than ``KEYSET_FROM`` rows, the
"next" and "previous" links carry a cursor instead of a page number:
``?after=<cursor>`` / ``?before=<cursor>``, the sort key values and id of the
last (first) row shown, so page 500 reads what page 1 reads — 25 rows from an
index range when an index ``(park, <sort keys>)`` serves the order, and at worst
one scan with a top-25 sort, never a sort of everything skipped. ``?page=last``
is the first page of the reversed order. A row added or removed between two
requests neither repeats nor skips a row. The cursor names its sort keys: one
made for another sort (a link kept after sorting by another column) is ignored
and the list starts at its first page. Sorting by a related column (the
industry, the commissioner) or by a column that may be empty falls back to
numbered pages.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django_tables2.rows import BoundRows
from ninja import Field, Schema
from ninja.pagination import PaginationBase

COUNT_BOUND = 10_000
KEYSET_FROM = 1_000  # rows; fewer than this keep numbered pages (40 pages of 25)
CURSOR_PARAMS = ("after", "before")


def bounded_count(queryset, bound: int | None = None) -> tuple[int, bool]:
    """``(n, capped)``: the number of rows, counted up to ``bound`` + 1 only."""
    bound = COUNT_BOUND if bound is None else bound
    counted = queryset.order_by()[: bound + 1].count()
    return (bound, True) if counted > bound else (counted, False)


def with_tie_breaker(queryset):
    """``queryset`` with its order ending in the id (in the first key's
    direction), so that every page is well defined whatever the ties."""
    query = queryset.query
    model = queryset.model
    ordering = list(query.order_by) or (
        list(model._meta.ordering) if query.default_ordering else []
    )
    if not ordering or not all(isinstance(term, str) and term != "?" for term in ordering):
        return queryset
    pk_names = {"pk", model._meta.pk.name, model._meta.pk.attname}
    if any(term.lstrip("-") in pk_names for term in ordering):
        return queryset.order_by(*ordering) if not query.order_by else queryset
    return queryset.order_by(*ordering, ("-" if ordering[0].startswith("-") else "") + "pk")


def keyset_keys(queryset) -> list[tuple[str, object, bool]] | None:
    """The queryset's order as ``(name, field, descending)``, ending in the id,
    if every key is a non-null column of the model's own table; else None."""
    model = queryset.model
    keys = []
    for term in queryset.query.order_by:
        if not isinstance(term, str) or term == "?":
            return None
        descending = term.startswith("-")
        name = term.lstrip("-")
        if "__" in name:
            return None
        try:
            model_field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if model_field.is_relation or not model_field.concrete or model_field.null:
            return None
        keys.append((model_field.attname, model_field, descending))
        if model_field.primary_key:
            return keys  # unique: any keys after it never decide
    return None  # no id in the order: ties would be undefined


def encode_cursor(keys, record) -> str:
    values = [str(getattr(record, name)) for name, _field, _desc in keys]
    raw = json.dumps([[name for name, _f, _d in keys], values], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(keys, cursor: str) -> list | None:
    """The cursor's key values (as the fields' Python values), or None if it is
    malformed or was made for another order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        names, values = json.loads(raw.decode())
        if names != [name for name, _f, _d in keys] or len(values) != len(keys):
            return None
        return [field.to_python(value) for (_n, field, _d), value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, ValidationError, UnicodeDecodeError):
        return None


def _beyond(keys, values, *, backwards: bool) -> Q:
    """Rows after ``values`` in ``keys``' order (before them if ``backwards``):
    (k1 > v1) or (k1 = v1 and k2 > v2) or ..., with ``>`` meaning "later" for
    each key's direction; led by ``k1 >= v1`` so an index on k1 narrows it."""
    condition = Q()
    equal = Q()
    for (name, _field, descending), value in zip(keys, values, strict=True):
        later = "lt" if descending != backwards else "gt"
        condition |= equal & Q(**{f"{name}__{later}": value})
        equal &= Q(**{name: value})
    name, _field, descending = keys[0]
    lead = "lte" if descending != backwards else "gte"
    return Q(**{f"{name}__{lead}": values[0]}) & condition


@dataclass
class ListPaginator:
    """What the page says about the whole list (``table.paginator``)."""

    count: int
    capped: bool
    per_page: int
    num_pages: int | None = None  # unknown when the count is capped

    @property
    def count_display(self) -> str:
        return f"{self.count:,}"


@dataclass
class ListPage:
    """The rows shown (``table.page``) and the links to the pages around them,
    each a dict of query parameters to set (None removes one)."""

    object_list: BoundRows
    number: int | None  # None for a page reached by cursor
    paginator: ListPaginator
    has_previous: bool = False
    has_next: bool = False
    start_index: int | None = None
    end_index: int | None = None
    links: dict = field(default_factory=dict)  # first / previous / next / last

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


def _params(**values) -> dict:
    cleared = {"page": None, "after": None, "before": None}
    return {**cleared, **values}


def paginate(table, request, per_page: int) -> ListPage:
    """Set ``table.page`` and ``table.paginator`` for ``request``: one bounded
    count, then the page by cursor or by number (see the module's doc)."""
    queryset = with_tie_breaker(table.data.data)
    keys = keyset_keys(queryset)
    count, capped = bounded_count(queryset)
    paginator = ListPaginator(count=count, capped=capped, per_page=per_page)
    if not capped:
        paginator.num_pages = max(1, -(-count // per_page))
    keyset = keys is not None and (capped or count > KEYSET_FROM)
    page_param = request.GET.get("page")
    cursor_values = None
    backwards = False
    if keys is not None:
        for name in CURSOR_PARAMS:
            if request.GET.get(name):
                cursor_values = _decode(keys, request.GET[name])
                backwards = name == "before"
                break
        if cursor_values is None and page_param == "last" and count:
            cursor_values, backwards = [], True

    if cursor_values is not None:
        page = _keyset_page(table, queryset, keys, cursor_values, backwards, paginator, per_page)
    else:
        page = _numbered_page(table, queryset, keys, keyset, page_param, paginator, per_page)
    page.links = {name: _query(request, changes) for name, changes in page.links.items()}
    table.paginator = paginator
    table.page = page
    return page


def _query(request, changes: dict) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}" if params else request.path


def _keyset_page(table, queryset, keys, values, backwards, paginator, per_page) -> ListPage:
    ordered = queryset
    if backwards:
        ordered = queryset.reverse()
    if values:
        ordered = ordered.filter(_beyond(keys, values, backwards=backwards))
    rows = list(ordered[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards and not more:  # back at the start: the first page, full
        return _numbered_page(table, queryset, keys, True, None, paginator, per_page)
    if backwards:
        rows.reverse()
    page = ListPage(BoundRows(rows, table), None, paginator)
    # Going back, "more" says whether there is a page before; a cursor means
    # there was a page on the side it came from.
    page.has_previous = more if backwards else bool(values)
    page.has_next = bool(values) if backwards else more
    if not rows:  # the cursor's row and all after it are gone: start again
        return _numbered_page(table, queryset, keys, True, None, paginator, per_page)
    _link(page, keys, rows)
    return page


def _numbered_page(table, queryset, keys, keyset, page_param, paginator, per_page) -> ListPage:
    try:
        number = max(1, int(page_param or 1))
    except ValueError:  # "last" where no cursor serves it, or not a number
        number = (paginator.num_pages or 1) if page_param == "last" else 1
    if paginator.num_pages is not None:
        number = min(number, paginator.num_pages)  # past the end: the last page
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and start:  # past the end of a capped list: its last page
        if keys is not None:
            return _keyset_page(table, queryset, keys, [], True, paginator, per_page)
        number, start = 1, 0
        rows = list(queryset[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    page = ListPage(BoundRows(rows, table), number, paginator)
    page.has_previous = number > 1
    page.has_next = more
    page.start_index = start + 1 if rows else 0
    page.end_index = start + len(rows)
    if keyset and rows:
        _link(page, keys, rows)
    else:
        if number > 2:
            page.links["first"] = _params()
        if page.has_previous:
            page.links["previous"] = _params(page=number - 1 if number > 2 else None)
        if page.has_next:
            page.links["next"] = _params(page=number + 1)
            if paginator.num_pages is not None and number < paginator.num_pages - 1:
                page.links["last"] = _params(page=paginator.num_pages)
    return page


def _link(page: ListPage, keys, rows) -> None:
    if page.has_previous:
        page.links["first"] = _params()
        page.links["previous"] = _params(before=encode_cursor(keys, rows[0]))
    if page.has_next:
        page.links["next"] = _params(after=encode_cursor(keys, rows[-1]))
        page.links["last"] = _params(page="last")


# ------------------------------------------------------------------ API lists
class ListPagination(PaginationBase):
    """The API lists' pages: ``page`` (numbered, as before) or ``cursor`` (the
    ``next`` of the page before: keyset, so a deep page costs what the first
    does and rows added meanwhile are neither repeated nor skipped); ``next`` is
    null on the last page, and for an order that is no cursor key (then page by
    number). ``count`` (exact) is left out (null) with ``count=false``: a client
    walking the whole list by cursor need not pay a full COUNT on every page."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int | None = Field(None, ge=1)
        cursor: str | None = Field(None, description="The `next` of the page before.")
        count: bool = Field(True, description="false: leave the count out (null).")

    class Output(Schema):
        items: list[Any]
        count: int | None
        next: str | None

    def __init__(self, page_size: int | None = None, max_page_size: int | None = None, **kwargs):
        from django.conf import settings

        self.page_size = page_size or settings.NINJA_PAGINATION_PER_PAGE
        self.max_page_size = max_page_size or settings.NINJA_PAGINATION_MAX_LIMIT
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        ordered = with_tie_breaker(queryset)
        keys = keyset_keys(ordered)
        offset = None  # a page by cursor starts after rows it does not count
        if pagination.cursor:
            values = _decode(keys, pagination.cursor) if keys else None
            if not values:
                raise ValidationError(
                    {"cursor": [_("Not a cursor of this list: use the “next” of the page before.")]}
                )
            window = ordered.filter(_beyond(keys, values, backwards=False))[: size + 1]
        else:
            offset = (pagination.page - 1) * size
            window = ordered[offset : offset + size + 1]
        rows = list(window)
        more = len(rows) > size
        rows = rows[:size]
        count = None
        if pagination.count:
            # A numbered page that reaches the end of the list (not past it) and
            # the full pages before it are the whole list: no COUNT to run. So a
            # short list, or a search finding a page of rows, is read once.
            whole = offset is not None and not more and (rows or not offset)
            count = offset + len(rows) if whole else self._items_count(ordered)
        return {
            self.items_attribute: rows,
            "count": count,
            "next": encode_cursor(keys, rows[-1]) if more and keys else None,
        }
