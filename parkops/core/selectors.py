"""Reads of core data: the home page's live counts."""

from __future__ import annotations

from django.db.models import Count

from parkops.core import permissions


def park_counts(*, user) -> list[dict]:
    """For each park the user works in: enterprise, prospect, unit and industry counts.

    A fixed number of queries whatever the number of parks. Counts come only from
    registers the user may read.
    """
    from parkops.core.models import Industry, Park
    from parkops.enterprises.models import Enterprise
    from parkops.promotion.models import PromotionUnit

    parks = list(Park.objects.filter(id__in=sorted(permissions.user_park_ids(user))))
    active = getattr(user, "active_park_id", None)
    rows = {park.pk: {"park": park, "is_active": park.pk == active} for park in parks}

    def tally(queryset, key, **filters):
        for row in rows.values():
            row[key] = 0
        counted = queryset.filter(**filters).values("park").annotate(n=Count("id"))
        for row in counted:
            if row["park"] in rows:
                rows[row["park"]][key] = row["n"]

    if permissions.can(user, Enterprise, permissions.VIEW):
        enterprises = Enterprise.objects.restrict(user).order_by()
        tally(enterprises, "settled", status=Enterprise.Status.SETTLED)
        tally(enterprises, "prospects", status=Enterprise.Status.PROSPECT)
        tally(enterprises, "above_scale", above_scale=True)
    if permissions.can(user, PromotionUnit, permissions.VIEW):
        tally(PromotionUnit.objects.restrict(user).order_by(), "units")
    if permissions.can(user, Industry, permissions.VIEW):
        tally(Industry.objects.restrict(user).order_by(), "industries")
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
