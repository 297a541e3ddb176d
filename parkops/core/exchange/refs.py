"""Reference cells (产业, 上级单元…): written as "名称 (代码)", read in any of the
forms people type.

Templates offer and exports write a record as its name with its code,
``电子信息 (EI)``: people read the name, the importer relies on the code. A cell
may hold that form, the bare code, or the bare name when exactly one record of
the park has it.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils.translation import gettext as _

from parkops.core import permissions
from parkops.core.exchange import values as v
from parkops.core.exchange.spec import REF

# Codes are ASCII letters, digits, ".", "_" and "-" (core.fields.validate_code):
# no spaces or brackets, so the last "(…)" of a cell is its code.
_WITH_CODE = re.compile(r"(?P<name>.*?)\s*\((?P<code>[A-Za-z0-9][A-Za-z0-9._-]*)\)")


def label(obj, ref_field: str = "code") -> str:
    """``电子信息 (EI)``: how a referenced record is offered and exported."""
    return f"{obj.name} ({getattr(obj, ref_field)})"


def split(typed: str) -> tuple[str, str] | None:
    """(name, code) of a cell written as "名称 (代码)" (full-width brackets folded
    by ``values.code``), else ``None``."""
    match = _WITH_CODE.fullmatch(typed)
    return (match["name"], match["code"]) if match else None


def key_of(typed: str) -> str:
    """The code a cell names: the code of "名称 (代码)", else the cell itself."""
    parts = split(typed)
    return parts[1] if parts else typed


def resolve(column, visible, typed: set[str]) -> dict[str, object]:
    """For each typed value (folded by ``values.code``), the record of ``visible``
    it names, or a ``CellError`` when a bare name fits several records. Values
    that name nothing are left out."""
    codes, names = set(typed), set(typed)
    for value in typed:
        parts = split(value)
        if parts:
            names.add(parts[0])
            codes.add(parts[1])
    by_code, by_name = {}, {}
    lookup = Q(**{f"{column.ref_field}__in": codes}) | Q(name__in=names)
    for obj in visible.filter(lookup):
        by_code[v.code(getattr(obj, column.ref_field))] = obj
        by_name.setdefault(v.code(obj.name), []).append(obj)
    found: dict[str, object] = {}
    for value in typed:
        parts = split(value)
        if value in by_code:
            found[value] = by_code[value]
        elif parts and parts[1] in by_code:
            # The code decides: the record may have been renamed since the export.
            found[value] = by_code[parts[1]]
        elif len(by_name.get(value, ())) == 1:
            found[value] = by_name[value][0]
        elif by_name.get(value):
            example = label(by_name[value][0], column.ref_field)
            found[value] = v.CellError(
                _(
                    "Several %(what)s are named “%(value)s”; write the one you mean "
                    "with its code, e.g. “%(example)s”."
                )
                % {"what": column.header, "value": value, "example": example}
            )
    return found


def records(column, user, park):
    """The park's records a reference column may name, as ``user`` may see them."""
    queryset = column.ref_model.objects.restrict(user, permissions.VIEW).filter(park=park)
    return queryset.order_by(column.ref_field)


def template_examples(spec, *, user, park) -> list[str]:
    """Row 2 of the template: an example that imports as it is. A reference
    column names a record the park really has (the column's own example if the
    park has it, else its first; a tree's parent is a top-level record that is
    not the example row itself), or stays empty when the park has none."""
    # A tree's example row (a register whose rows name a parent of its own).
    own_key = "" if spec.composite_key else str(spec.column(spec.natural_key).example or "")
    examples = []
    for column in spec.columns:
        example = str(column.example or "")
        if column.kind == REF and example:
            found = list(records(column, user, park)) if park is not None else []
            if column.ref_model is spec.model:
                found = [
                    obj
                    for obj in found
                    if getattr(obj, column.ref_field) != own_key
                    and getattr(obj, f"{column.key}_id", None) is None
                ]
            chosen = next(
                (obj for obj in found if getattr(obj, column.ref_field) == example),
                found[0] if found else None,
            )
            example = label(chosen, column.ref_field) if chosen is not None else ""
        examples.append(example)
    return examples
