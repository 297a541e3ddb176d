"""GB/T 2260 administrative division codes, from the list shipped in ``data/``.

The list is read once and kept in memory (about 3,000 rows); it changes when the
State Council adjusts divisions, and ``scripts/build_regions.py`` rebuilds it.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).parent / "data" / "regions.csv"
# Grouping levels that are not places: left out of full names.
_PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# What a region search reads of the text typed: a full name is at most some 20
# characters and three places, so more only costs time (each word is sought in
# every place's names: 2,000 words took seconds of the server's CPU).
SEARCH_TEXT_LIMIT = 40
SEARCH_WORDS_LIMIT = 4


@cache
def _regions() -> dict[str, tuple[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["name"], row["parent_code"]) for row in csv.DictReader(handle)}


def region_name(code: str) -> str:
    """The division's own name (e.g. 宿城区), or "" for an unknown code."""
    entry = _regions().get(code)
    return entry[0] if entry else ""


def _places(code: str) -> list[str]:
    """The codes of the places ``region_full_name`` names, province first."""
    codes: list[str] = []
    while code and code in _regions():
        name, parent = _regions()[code]
        if name not in _PLACEHOLDER_NAMES:
            codes.append(code)
        code = parent
    return codes[::-1]


def region_full_name(code: str) -> str:
    """Province, city and county names joined (e.g. 江苏省宿迁市宿城区)."""
    return "".join(region_name(place) for place in _places(code))


def region_choices() -> list[tuple[str, str]]:
    return [(code, region_full_name(code)) for code in sorted(_regions())]


@cache
def region_picker_choices() -> tuple[tuple[str, str], ...]:
    """(code, full name) for a picker: each place once (a grouping row such as
    北京市 / 市辖区 reads like its parent and is left out)."""
    seen: set[str] = set()
    choices = []
    for code, name in region_choices():
        if name and name not in seen:
            seen.add(name)
            choices.append((code, name))
    return tuple(choices)


def validate_region_code(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 6 and value.isdigit()):
        raise ValidationError(
            _("A region code has six digits (GB/T 2260), e.g. 321300."), code="region_format"
        )
    if value not in _regions():
        raise ValidationError(
            _("%(code)s is not a GB/T 2260 administrative division code."),
            code="region_unknown",
            params={"code": value},
        )


@cache
def region_code_prefixes() -> frozenset[str]:
    """Every start of a known code ("3", "32", …, "321300"): whether typed
    digits can be the beginning of a division code."""
    return frozenset(code[:length] for code in _regions() for length in range(1, len(code) + 1))


@cache
def _region_pinyin() -> dict[str, tuple[str, str, str, str]]:
    """For each place a picker offers: (full pinyin, initials) of its full name
    and of its own name. Read from each division's own name once (a full name
    is its places' names joined), the first time a search has latin letters."""
    from parkops.core.text import pinyin_keys

    own = {code: pinyin_keys(name) for code, (name, _parent) in _regions().items()}
    keys = {}
    for code, _label in region_picker_choices():
        places = _places(code)
        keys[code] = (
            "".join(own[place][0] for place in places),
            "".join(own[place][1] for place in places),
            *own[code],
        )
    return keys


def region_matches(text: str, *, limit: int) -> list[tuple[str, str]]:
    """At most ``limit`` (code, full name) of the places a picker offers whose
    full name, its pinyin (full or initials) or code holds every word of
    ``text``, as the searchable select matched them: first those whose own
    name (宿城区 of 江苏省宿迁市宿城区), its pinyin or the code starts with the
    text, then the others, each by code (a province before its cities). Only
    the first ``SEARCH_TEXT_LIMIT`` characters and ``SEARCH_WORDS_LIMIT`` words
    of ``text`` are read."""
    text = text[:SEARCH_TEXT_LIMIT]
    words = text.lower().split()[:SEARCH_WORDS_LIMIT]
    choices = region_picker_choices()
    if not words:
        return list(choices[:limit])
    latin = any(char.isascii() and char.isalpha() for char in text)
    pinyin = _region_pinyin() if latin else {}
    first, rest = [], []
    for code, name in choices:
        keys = pinyin.get(code, ())
        haystack = (name, code, *keys[:2])
        if not all(any(word in field for field in haystack) for word in words):
            continue
        own = (region_name(code), code, *keys[2:])
        (first if any(field.startswith(words[0]) for field in own) else rest).append((code, name))
        if len(first) == limit:
            break
    return (first + rest)[:limit]
