"""Links to records, built without resolving the URL pattern for each one.

``reverse()`` walks the URL resolver on every call; a list page asks it for the
page of every row (and of every linked record in a row), which profiling (issue
#15) found a good part of drawing the rows. ``record_url`` reverses a name once
per URLconf and script prefix, with a stand-in id, and then only puts each id
in its place.
"""

from __future__ import annotations

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# An id no record has, that a URL contains nowhere else.
_STAND_IN = 918273645546372819
_SPLIT: dict[tuple, tuple] = {}


def record_url(name: str, pk) -> str:
    """``reverse(name, args=[pk])``, for a URL with one integer argument."""
    if not isinstance(pk, int) or isinstance(pk, bool):
        return reverse(name, args=[pk])
    resolver = get_resolver(get_urlconf())
    key = (name, get_script_prefix())
    split = _SPLIT.get(key)
    if split is None or split[0] is not resolver:
        url = reverse(name, args=[_STAND_IN])
        parts = url.split(str(_STAND_IN))
        split = (resolver, *parts) if len(parts) == 2 else (resolver, None, None)
        _SPLIT[key] = split
    _resolver, head, tail = split
    if head is None:
        return reverse(name, args=[pk])
    return f"{head}{pk}{tail}"
