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
