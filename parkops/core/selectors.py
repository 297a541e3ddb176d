"""Reads of core data: the home page's live counts; the list selectors of core
registers and ``scoped_list``, the one way every register's list is read."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet

from parkops.core import permissions
from parkops.core.filters import (
    AllianceFilterSet,
    AuditEntryFilterSet,
    ImportBatchFilterSet,
    IndustryFilterSet,
    ParkFilterSet,
    sets_a_filter,
)
from parkops.core.models import Alliance, AuditEntry, ImportBatch, Industry, Park


def park_counts(*, user) -> list[dict]:
    """For each park the user works in: the home-page counts apps declare
    (``core.navigation.HomeCount``), each from a register the user may read.

    A row is ``{"park", "is_active", "counts": [(HomeCount, n), ...], <key>: n}``.
    One aggregate query per model counted, whatever the number of parks and of
    counts on it: each count is a filtered ``COUNT`` over the same scan.
    """
    from django.apps import apps

    from parkops.core.models import Park
    from parkops.core.navigation import home_counts

    parks = list(Park.objects.filter(id__in=sorted(permissions.user_park_ids(user))))
    active = getattr(user, "active_park_id", None)
    rows = {park.pk: {"park": park, "is_active": park.pk == active, "counts": []} for park in parks}

    shown = [
        count
        for count in home_counts()
        if permissions.can(user, apps.get_model(count.model), permissions.VIEW)
    ]
    tallied: dict[str, dict[int, int]] = {}
    for label in dict.fromkeys(count.model for count in shown):
        model = apps.get_model(label)
        aggregates = {
            f"n_{index}": Count("id", filter=Q(**count.filters) if count.filters else None)
            for index, count in enumerate(shown)
            if count.model == label
        }
        queryset = model.objects.restrict(user).order_by().values("park").annotate(**aggregates)
        for row in queryset:
            for name in aggregates:
                tallied.setdefault(name, {})[row["park"]] = row[name]
    for index, count in enumerate(shown):
        for park_id, row in rows.items():
            row[count.key] = tallied.get(f"n_{index}", {}).get(park_id, 0)
            row["counts"].append((count, row[count.key]))
    return [rows[park.pk] for park in parks]


BATCH_ROWS_PER_PAGE = 500


@dataclass
class BatchPage:
    """One page of an import batch's rows: each item with its record (or None),
    its number, how many pages there are and how many rows in all."""

    items: list[tuple[object, object | None]]
    number: int
    num_pages: int
    count: int

    @property
    def count_display(self) -> str:
        return f"{self.count:,}"

    @property
    def first_row(self) -> int | None:
        """The spreadsheet row of the page's first item."""
        return self.items[0][0].row if self.items else None

    @property
    def last_row(self) -> int | None:
        return self.items[-1][0].row if self.items else None


def import_batch_page(*, batch, user, page=None, per_page: int = BATCH_ROWS_PER_PAGE) -> BatchPage:
    """Page ``page`` (a number as typed: past the end is the last page, anything
    else the first) of the batch's rows, by row; see ``import_batch_items``.
    Three queries on any page: the count, the items, their records."""
    from parkops.core.models import ImportItem

    count = ImportItem.objects.unscoped().filter(park=batch.park_id, batch=batch).count()
    num_pages = max(1, -(-count // per_page))
    try:
        number = min(max(1, int(page or 1)), num_pages)
    except (TypeError, ValueError):
        number = 1
    items = import_batch_items(
        batch=batch, user=user, offset=(number - 1) * per_page, limit=per_page
    )
    return BatchPage(items=items, number=number, num_pages=num_pages, count=count)


def import_batch_items(
    *, batch, user, offset: int = 0, limit: int = BATCH_ROWS_PER_PAGE
) -> list[tuple[object, object | None]]:
    """The batch's rows ``offset`` to ``offset + limit``, by row, each with the
    record it created or changed if that record still exists and ``user`` may
    see it (else ``None``).

    Two queries whatever the number of rows: the items, then the records.
    """
    from parkops.core.exchange.spec import get_spec
    from parkops.core.models import ImportItem

    # The batch was scoped by the caller; its items belong to it and to its park.
    items = list(
        ImportItem.objects.unscoped()
        .filter(park=batch.park_id, batch=batch)
        .order_by("row", "pk")[offset : offset + limit]
    )
    try:
        model = get_spec(batch.register).model
    except KeyError:  # a register since removed: its ids are all there is
        return [(item, None) for item in items]
    ids = {item.object_id for item in items if item.object_id.isdigit()}
    records = {}
    if ids:
        visible = model.objects.restrict(user, permissions.VIEW).filter(park=batch.park_id)
        records = {str(obj.pk): obj for obj in visible.filter(pk__in=sorted(ids, key=int))}
    return [(item, records.get(item.object_id)) for item in items]


# ------------------------------------------------------------------ list reads
class FilterRequest:
    """What a FilterSet reads of a request: the user, whose scope its choices follow."""

    def __init__(self, user):
        self.user = user


def list_selector(*, model, filterset_class):
    """Declare ``<entity>_list`` as the one read behind ``model``'s list page, API
    list and export; the consumers take the model and the filters from it."""

    def declare(function):
        function.model = model
        function.filterset_class = filterset_class
        if "q" in filterset_class.base_filters:
            _SEARCHED.setdefault(model, function)
        return function

    return declare


# The first list selector declared for each model that searches ``q``.
_SEARCHED: dict = {}


def list_selector_for(model):
    """The list selector of ``model`` that searches ``q`` (the pickers match a
    typed text with it), or None."""
    return _SEARCHED.get(model)


def is_park_scoped(model) -> bool:
    """Do ``model``'s rows belong to one park each (so a list may narrow to one)?"""
    return any(field.name == "park" for field in model._meta.fields)


def scoped_list(
    model,
    *,
    user,
    filters,
    filterset_class,
    park_id: int | None = None,
    queryset=None,
    select_related: tuple[str, ...] = (),
    ordering: tuple[str, ...] = (),
):
    """``model``'s rows ``user`` may view, in ``park_id`` only if given (the park
    the list shows, see ``core.generic.list_park_id``), narrowed by the FilterSet
    with ``filters`` and sorted by ``ordering`` (else the model's order).

    ``queryset`` replaces ``restrict(user, view)`` for registers that belong to no
    park (users), whose selector decides who sees them. Filters that do not
    validate raise ``ValidationError`` by field: the API answers 422, the page and
    its export show no rows and the page says why.

    Given none of its filters (a plain list, the API's first page, a list page
    only sorted or paged) it builds no FilterSet: given nothing, every
    register's FilterSet narrows nothing (checked for each by
    ``test_list_selectors``), and building one (its filters, its form, their
    choices) was a tenth of an API list request.
    """
    if queryset is None:
        queryset = model.objects.restrict(user, permissions.VIEW)
    if park_id is not None and is_park_scoped(model):
        queryset = queryset.filter(park_id=park_id)
    if sets_a_filter(filterset_class, filters):
        filterset = filterset_class(filters, queryset=queryset, request=FilterRequest(user))
        if not filterset.is_valid():
            raise ValidationError(
                {field: list(errors) for field, errors in filterset.errors.items()}
            )
        queryset = filterset.qs
    if select_related:
        queryset = queryset.select_related(*select_related)
    return queryset.order_by(*ordering) if ordering else queryset


@list_selector(model=Park, filterset_class=ParkFilterSet)
def park_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The parks ``user`` may view, by the pinyin of their names (排序按拼音)."""
    return scoped_list(
        Park,
        user=user,
        filters=filters,
        filterset_class=ParkFilterSet,
        park_id=park_id,
        ordering=("name_pinyin", "name", "pk"),
    )


@list_selector(model=Alliance, filterset_class=AllianceFilterSet)
def alliance_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The alliances ``user`` may view, with their lead parks and their member
    parks (``members.all()``, in the order they joined: by id), by pinyin; the
    export and the API read the members without a query per alliance."""
    return scoped_list(
        Alliance,
        user=user,
        filters=filters,
        filterset_class=AllianceFilterSet,
        park_id=park_id,
        select_related=("lead_park",),
        ordering=("name_pinyin", "name", "pk"),
    ).prefetch_related(Prefetch("members", queryset=Park.objects.order_by("pk")))


def alliance_members(*, alliance) -> QuerySet:
    """The member parks of ``alliance``, by id (the order they joined)."""
    return alliance.members.order_by("pk")


def park_alliances(*, user, park) -> QuerySet:
    """The alliances ``park`` belongs to that ``user`` may view."""
    return Alliance.objects.restrict(user).filter(members=park)


@list_selector(model=Industry, filterset_class=IndustryFilterSet)
def industry_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The industries ``user`` may view, with their parents, by park and code."""
    return scoped_list(
        Industry,
        user=user,
        filters=filters,
        filterset_class=IndustryFilterSet,
        park_id=park_id,
        select_related=("parent",),
    )


def industry_children(*, user, industry) -> QuerySet:
    """The industries directly under ``industry`` that ``user`` may view."""
    return Industry.objects.restrict(user).filter(parent=industry)


@list_selector(model=ImportBatch, filterset_class=ImportBatchFilterSet)
def import_batch_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The import batches ``user`` may view, newest first, with actor and park."""
    return scoped_list(
        ImportBatch,
        user=user,
        filters=filters,
        filterset_class=ImportBatchFilterSet,
        park_id=park_id,
        select_related=("actor", "park"),
    )


@list_selector(model=AuditEntry, filterset_class=AuditEntryFilterSet)
def audit_entry_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The audit entries ``user`` may read (the audit administrator), newest first.
    What of each entry the reader may see is ``AuditReader``'s to say."""
    return scoped_list(
        AuditEntry,
        user=user,
        filters=filters,
        filterset_class=AuditEntryFilterSet,
        park_id=park_id,
        select_related=("park", "actor"),
    )
