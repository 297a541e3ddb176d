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


@cache
def _regions() -> dict[str, tuple[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["name"], row["parent_code"]) for row in csv.DictReader(handle)}


def region_name(code: str) -> str:
    """The division's own name (e.g. 宿城区), or "" for an unknown code."""
    entry = _regions().get(code)
    return entry[0] if entry else ""


def region_full_name(code: str) -> str:
    """Province, city and county names joined (e.g. 江苏省宿迁市宿城区)."""
    names: list[str] = []
    while code and code in _regions():
        name, parent = _regions()[code]
        if name not in _PLACEHOLDER_NAMES:
            names.append(name)
        code = parent
    return "".join(reversed(names))


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
