"""Reads of core data: the home page's live counts."""

from __future__ import annotations

from django.db.models import Count

from parkops.core import permissions


def park_counts(*, user) -> list[dict]:
    """For each park the user works in: the home-page counts apps declare
    (``core.navigation.HomeCount``), each from a register the user may read.

    A row is ``{"park", "is_active", "counts": [(HomeCount, n), ...], <key>: n}``.
    One query per count whatever the number of parks.
    """
    from django.apps import apps

    from parkops.core.models import Park
    from parkops.core.navigation import home_counts

    parks = list(Park.objects.filter(id__in=sorted(permissions.user_park_ids(user))))
    active = getattr(user, "active_park_id", None)
    rows = {park.pk: {"park": park, "is_active": park.pk == active, "counts": []} for park in parks}

    for count in home_counts():
        model = apps.get_model(count.model)
        if not permissions.can(user, model, permissions.VIEW):
            continue
        queryset = model.objects.restrict(user).order_by().filter(**count.filters)
        tallied = dict(queryset.values_list("park").annotate(n=Count("id")))
        for park_id, row in rows.items():
            row[count.key] = tallied.get(park_id, 0)
            row["counts"].append((count, row[count.key]))
    return [rows[park.pk] for park in parks]


def import_batch_items(*, batch, user, limit: int = 500) -> list[tuple[object, object | None]]:
    """The batch's first ``limit`` rows, each with the record it created or changed
    if that record still exists and ``user`` may see it (else ``None``).

    Two queries whatever the number of rows: the items, then the records.
    """
    from parkops.core.exchange.spec import get_spec
    from parkops.core.models import ImportItem

    # The batch was scoped by the caller; its items belong to it and to its park.
    items = list(ImportItem.objects.unscoped().filter(park=batch.park_id, batch=batch)[:limit])
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
