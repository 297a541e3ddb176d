"""Reads on the enterprise register."""

from __future__ import annotations

import datetime

from django.db.models import Min, Q, QuerySet

from parkops.core import permissions
from parkops.core.text import pinyin_keys
from parkops.enterprises.models import Enterprise
from parkops.enterprises.uscc import normalise


def enterprise_search(queryset: QuerySet, text: str) -> QuerySet:
    """Match name, former names, credit code, full pinyin or pinyin initials.

    ``queryset`` is already scoped; search only narrows it.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    lowered = text.lower().replace(" ", "")
    condition = (
        Q(name__icontains=text)
        | Q(former_names__icontains=text)
        | Q(uscc__icontains=normalise(text))
    )
    if lowered.isascii() and lowered.isalnum():
        condition |= Q(name_initials__contains=lowered) | Q(name_pinyin__contains=lowered)
    else:
        full, _initials = pinyin_keys(text)
        if full:
            condition |= Q(name_pinyin__contains=full)
    return queryset.filter(condition)


def earliest_settled_on(*, user, park) -> datetime.date | None:
    """The first settlement date among ``park``'s enterprises ``user`` may read:
    how far back the park's figures have anything to count."""
    queryset = Enterprise.objects.restrict(user, permissions.VIEW).filter(park=park)
    return queryset.aggregate(first=Min("settled_on"))["first"]
