"""Reads on the enterprise register."""

from __future__ import annotations

import datetime

from django.db import connections
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from parkops.core import permissions
from parkops.core.models import Park
from parkops.core.selectors import list_selector, scoped_list
from parkops.core.text import pinyin_keys
from parkops.enterprises import search_index
from parkops.enterprises.filters import EnterpriseFilterSet
from parkops.enterprises.models import Contact, Enterprise


@list_selector(model=Enterprise, filterset_class=EnterpriseFilterSet)
def enterprise_list(*, user, filters=None, park_id=None) -> QuerySet:
    """The enterprises ``user`` may view, with industry and commissioner, by the
    pinyin of their names (排序按拼音)."""
    return scoped_list(
        Enterprise,
        user=user,
        filters=filters,
        filterset_class=EnterpriseFilterSet,
        park_id=park_id,
        select_related=("industry", "commissioner"),
        ordering=("name_pinyin", "name", "pk"),
    )


def contact_list(*, user, enterprise) -> QuerySet:
    """``enterprise``'s contacts, for roles that may read contacts (none otherwise):
    the detail page and the API show the same."""
    return Contact.objects.restrict(user).filter(park_id=enterprise.park_id, enterprise=enterprise)


def enterprise_search(queryset: QuerySet, text: str) -> QuerySet:
    """Match name, former names, credit code, full pinyin or pinyin initials.

    ``queryset`` is already scoped; search only narrows it. Each term is matched
    anywhere in its column, but initials (asked for when the text is latin
    letters and digits only) from their start: "szsq" finds 苏州宿迁…, not
    every name with 宿迁 somewhere in it; and a credit code from its start when
    the text reads as one's start (``uscc.looks_like_prefix``). Every term is
    found through an index (``search_index.terms``): on PostgreSQL one query
    whose OR branches are each an index scan, on SQLite one FTS5 ``MATCH`` for
    the trigram terms plus btree ranges for the prefixes, re-checked by the
    same conditions, so the rows are exactly those a scan finds. A text below
    three characters has terms no index narrows: those are looked for among
    the first ``search_index.SCAN_LIMIT`` rows of each park of the list only
    (``search_limited`` tells), while names and codes starting with it are all
    found.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    full = ""
    lowered = text.lower().replace(" ", "")
    if not (lowered.isascii() and lowered.isalnum()):
        full, _initials = pinyin_keys(text)
    indexed, scanned = search_index.terms(text, full)
    vendor = connections[queryset.db].vendor
    found = Q()
    for term in indexed:
        found |= term.q(vendor)
    near = Q()
    for term in scanned:
        near |= term.q(vendor)
    window = _window(queryset) if scanned else None
    if window is not None:
        # The first SCAN_LIMIT rows of each park in the list's order: a range of
        # its index (``enterprise_park_order``) per park.
        near &= window
    if vendor != "sqlite":
        # One query whose OR branches are each an index scan (BitmapOr); the
        # scanned terms' branch a range of the list's order index.
        return queryset.filter(found | near)
    # SQLite: one FTS5 MATCH per FTS table for the trigram terms, btree ranges
    # for the prefixes, the window for the rest; their union re-checked by the
    # conditions (an FTS match is a candidate: trigrams, case folded).
    arms = [
        queryset.filter(pk__in=RawSQL(sql, params)).values("pk")  # noqa: S611 - parameters
        for sql, params in search_index.fts_matches(indexed)
    ]
    arms += [queryset.filter(term.q(vendor)).values("pk") for term in indexed if term.prefix]
    if scanned:
        arms.append(queryset.filter(near).values("pk"))
    ids = arms[0].order_by()
    if len(arms) > 1:
        ids = ids.union(*(arm.order_by() for arm in arms[1:]))
    return queryset.filter(pk__in=ids).filter(found | near)


def _window(queryset: QuerySet) -> Q | None:
    """The rows a term below a trigram is looked for in: the first
    ``SCAN_LIMIT`` rows of each park of ``queryset`` in the list's order
    (``name_pinyin, name, id``), None when no park has more rows than that.

    Per park, since the list's order across parks (a user of several) is
    served by no index, while each park's is (``enterprise_park_order``). One
    query: per park of the list, its row after the window (a range of that
    index), the window ending before it."""
    limit = search_index.SCAN_LIMIT
    in_order = queryset.filter(park_id=OuterRef("pk")).order_by("name_pinyin", "name", "pk")
    parks = (
        Park.objects.filter(Exists(in_order))
        .annotate(after=Subquery(in_order.values("pk")[limit : limit + 1]))
        .values_list("pk", "after")
    )
    parks = list(parks)
    after_ids = [after for _park, after in parks if after is not None]
    if not after_ids:
        return None
    # Unscoped by id: the ids were read through the scoped ``queryset`` above.
    after = {
        park: (pinyin, name, pk)
        for park, pinyin, name, pk in queryset.model.objects.unscoped()
        .filter(pk__in=after_ids)
        .values_list("park_id", "name_pinyin", "name", "pk")
    }
    window = Q()
    for park, _after in parks:
        if park not in after:
            window |= Q(park_id=park)
            continue
        pinyin, name, pk = after[park]
        window |= Q(park_id=park) & (
            Q(name_pinyin__lt=pinyin)
            | Q(name_pinyin=pinyin, name__lt=name)
            | Q(name_pinyin=pinyin, name=name, pk__lt=pk)
        )
    return window


def search_limited(queryset: QuerySet, text: str) -> bool:
    """Whether a search of ``queryset`` for ``text`` looks at part of it only: a
    text below three characters, in a list of more than ``SCAN_LIMIT`` rows
    (see ``enterprise_search``)."""
    text = (text or "").strip()
    if not text:
        return False
    full = ""
    lowered = text.lower().replace(" ", "")
    if not (lowered.isascii() and lowered.isalnum()):
        full, _initials = pinyin_keys(text)
    return bool(search_index.terms(text, full)[1]) and _window(queryset) is not None


def list_search_limited(*, user, text: str, park_id=None) -> bool:
    """Whether a search of ``user``'s enterprise list (in ``park_id`` if given)
    for ``text`` looks at part of it only: what the page, the API (header
    ``X-Search-Limited``) and the export tell."""
    if not (text or "").strip():
        return False  # no search (every plain list): no need to build the list
    return search_limited(enterprise_list(user=user, park_id=park_id), text)


def earliest_settled_on(*, user, park) -> datetime.date | None:
    """The first settlement date among ``park``'s enterprises ``user`` may read:
    how far back the park's figures have anything to count."""
    queryset = Enterprise.objects.restrict(user, permissions.VIEW).filter(park=park)
    return queryset.aggregate(first=Min("settled_on"))["first"]
