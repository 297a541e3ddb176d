"""Reads on the enterprise register."""

from __future__ import annotations

import datetime

from django.db import connections
from django.db.models import Min, Q, QuerySet
from django.db.models.expressions import RawSQL

from parkops.core import permissions
from parkops.core.selectors import list_selector, scoped_list
from parkops.core.text import pinyin_keys
from parkops.enterprises import search_index
from parkops.enterprises.filters import EnterpriseFilterSet
from parkops.enterprises.models import Contact, Enterprise
from parkops.enterprises.uscc import normalise


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
    every name with 宿迁 somewhere in it. The indexes of ``search_index`` serve
    them (the model's ``(park, name_initials)`` the prefix; on SQLite
    through the FTS table's candidates, re-checked by the same conditions, so
    the rows are exactly those a scan finds). Below three characters no trigram
    index narrows a search: such a query scans the scoped rows.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    lowered = text.lower().replace(" ", "")
    needles = {"name": text, "former_names": text, "uscc": normalise(text)}
    condition = (
        Q(name__icontains=needles["name"])
        | Q(former_names__icontains=needles["former_names"])
        | Q(uscc__icontains=needles["uscc"])
    )
    if lowered.isascii() and lowered.isalnum():
        needles |= {"name_initials": lowered, "name_pinyin": lowered}
        condition |= Q(name_initials__startswith=lowered) | Q(name_pinyin__contains=lowered)
    else:
        full, _initials = pinyin_keys(text)
        if full:
            needles["name_pinyin"] = full
            condition |= Q(name_pinyin__contains=full)
    if connections[queryset.db].vendor == "sqlite":
        candidates = search_index.sqlite_candidates(needles)
        if candidates is not None:
            sql, params = candidates
            queryset = queryset.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - parameters
    return queryset.filter(condition)


def earliest_settled_on(*, user, park) -> datetime.date | None:
    """The first settlement date among ``park``'s enterprises ``user`` may read:
    how far back the park's figures have anything to count."""
    queryset = Enterprise.objects.restrict(user, permissions.VIEW).filter(park=park)
    return queryset.aggregate(first=Min("settled_on"))["first"]
