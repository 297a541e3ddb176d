"""How a register describes itself to the exchange framework.

An app's ``exchange.py`` builds one ``RegisterSpec`` per register and calls
``declare(spec)``; templates, imports, exports, the pages and the API all read
from it. Columns say how to read and write a value; the spec says how rows are
matched (natural key) and which services create and update objects.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from parkops.core import permissions
from parkops.core.exchange import values as v

TEXT, INT, YEAR, DECIMAL, MONEY, DATE, MONTH, BOOL, CHOICE, REF = (
    "text",
    "int",
    "year",  # an int written as four digits: 2023
    "decimal",
    "money",
    "date",
    "month",  # a date kept as its month's first day, written 2023-06
    "bool",
    "choice",
    "ref",
)


@dataclass(frozen=True)
class Column:
    """One spreadsheet column of a register.

    ``key`` is the service keyword; ``header`` the Chinese header written in
    templates and exports; ``synonyms`` other headers users write for it.
    For ``choice`` columns, ``choices`` is a Django ``Choices`` class (labels or
    codes are accepted, and ``choice_aliases``: (word, code) pairs for words
    sheets still use after a label was renamed). For ``ref`` columns,
    ``ref_model`` is a park-scoped model, written "名称 (代码)" and looked up by
    ``ref_field`` (its code) or by name (``exchange.refs``).
    """

    key: str
    header: Any
    kind: str = TEXT
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: type[models.Choices] | None = None
    choice_aliases: tuple[tuple[str, str], ...] = ()
    ref_model: type[models.Model] | None = None
    ref_field: str = "code"
    unit: str = "元"
    help: Any = ""
    example: Any = ""
    width: int = 18
    export: Callable[[Any], Any] | None = None
    # Codes (credit codes, region and unit codes) are folded to half-width, so a
    # code typed in a Chinese input mode still matches; names are kept as typed.
    fold: bool = False

    def export_value(self, obj):
        if self.export is not None:
            return self.export(obj)
        value = getattr(obj, self.key)
        if self.kind == CHOICE and value:
            return self.choices(value).label
        if self.kind == REF:
            from parkops.core.exchange.refs import label

            # Name with code, as the template offers it and the importer reads it.
            return label(value, self.ref_field) if value is not None else ""
        if self.kind == BOOL:
            return "是" if value else "否"
        if self.kind == MONTH and value:
            return value.strftime("%Y-%m")
        return value

    def parse(self, raw, unit: str | None = None):
        """The cell's value for the service, or ``values.CellError``."""
        if self.kind == TEXT:
            typed = v.exact_text(raw)
            return v.code(typed) if self.fold else typed
        if self.kind == INT:
            return v.parse_int(raw)
        if self.kind == YEAR:
            return v.parse_year(raw)
        if self.kind == DECIMAL:
            return v.parse_decimal(raw)
        if self.kind == MONEY:
            return v.parse_money(raw, unit or self.unit)
        if self.kind == DATE:
            return v.parse_date(raw)
        if self.kind == MONTH:
            return v.parse_month(raw)
        if self.kind == BOOL:
            return v.parse_bool(raw)
        if self.kind == CHOICE:
            return self._parse_choice(raw)
        raise ValueError(f"column {self.key}: kind {self.kind} is resolved by the importer")

    def _parse_choice(self, raw):
        from django.utils.translation import gettext as _

        typed = v.code(raw)
        if not typed:
            return ""
        found = _choice_words(self.choices, self.choice_aliases).get(typed)
        if found is not None:
            return found
        allowed = "、".join(str(label) for _value, label in self.choices.choices)
        raise v.CellError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": typed, "allowed": allowed}
        )


@functools.cache
def _choice_words(choices, aliases) -> dict[str, str]:
    """Every word a cell may hold for each choice → its value: the value itself,
    the aliases, and the label in every language (a Chinese sheet must import
    for an English-speaking user and back). Read once per process."""
    from django.conf import settings
    from django.utils import translation

    words: dict[str, str] = {}
    for value, label in reversed(choices.choices):  # the first choice wins a clash
        names = {str(value)} | {word for word, code in aliases if code == value}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(label))
        words.update(dict.fromkeys(names, value))
    return words


@dataclass
class RegisterSpec:
    """A register as the exchange framework sees it."""

    key: str
    model: type[models.Model]
    title: Any
    columns: list[Column]
    # The field whose value matches a row to the record it updates, or several
    # (a composite key: a project and a month), each a column of the register;
    # a REF column contributes the record it names.
    natural_key: str | tuple[str, ...]
    create: Callable[..., models.Model] | None = None  # create(park=, actor=, **values)
    update: Callable[..., models.Model] | None = None  # update(obj, actor=, **values)
    # prepare(values) -> model fields, when create and update add nothing to the
    # shared write path but this: rows are then validated unsaved and written
    # in bulk (exchange.bulk), each still audited.
    prepare: Callable[[dict], dict] | None = None
    # check(obj, before): the rule the services pass to object_create/update as
    # ``check=``, applied to each unsaved row of a bulk import too.
    check: Callable[..., None] | None = None
    # What the importer fetches with the records a file's rows match.
    select_related: tuple[str, ...] = ()
    # The app's ``<entity>_list``: the rows (scope, park, filters, order) the
    # export writes are those the list page and the API list show.
    selector: Callable[..., Any] | None = None
    # For registers whose columns show each row as its reader may see it (the
    # audit log): ``row_for(user)`` maps a row to what the columns read.
    row_for: Callable[[Any], Callable[[Any], Any]] | None = None
    # The export's file name, when not the title (用户清单, titled 用户).
    file_title: Any = None
    # refuse_export(request): why the register refuses this export (e.g. a
    # search that looked at part of the list only), None to export; the export
    # says it and goes back to the list (``exchange.views.export_response``).
    refuse_export: Callable[[Any], str | None] | None = None
    # Also read: "fallback_key" (a one-field key's stand-in for rows without
    # it), "normalise_key", and "undo": False for a register whose imports
    # cannot be undone (a history that moved other records on).
    extra: dict = field(default_factory=dict)

    @property
    def importable(self) -> bool:
        """Export-only registers (parks, alliances, import batches) have no services."""
        return self.create is not None

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @property
    def key_fields(self) -> tuple[str, ...]:
        """The natural key's fields, one for most registers."""
        key = self.natural_key
        return (key,) if isinstance(key, str) else tuple(key)

    @property
    def composite_key(self) -> bool:
        return len(self.key_fields) > 1


_REGISTRY: dict[str, RegisterSpec] = {}


def declare(spec: RegisterSpec) -> RegisterSpec:
    if spec.importable:
        _refuse_encrypted_columns(spec)
    if spec.selector is None:
        raise ImproperlyConfigured(f"Register {spec.key!r} names no selector (its <entity>_list).")
    if spec.composite_key and spec.extra.get("fallback_key"):
        raise ImproperlyConfigured(
            f"Register {spec.key!r}: a composite natural key has no fallback key."
        )
    _REGISTRY[spec.key] = spec
    return spec


def _refuse_encrypted_columns(spec: RegisterSpec) -> None:
    """Batches keep before/after snapshots for undo, and snapshots hold personal
    numbers only masked; an import that changed one could not be undone exactly.
    Fail loudly until a register that needs it extends undo (e.g. encrypted
    snapshots), rather than let an undo write masked numbers back."""
    from parkops.core.fields import EncryptedCharField

    encrypted = {
        f.name for f in spec.model._meta.concrete_fields if isinstance(f, EncryptedCharField)
    }
    clash = encrypted & {column.key for column in spec.columns}
    if clash:
        raise ImproperlyConfigured(
            f"Register {spec.key!r} imports encrypted fields {sorted(clash)}: "
            "import undo cannot restore them from masked snapshots."
        )


def get_spec(key: str) -> RegisterSpec:
    return _REGISTRY[key]


def all_specs() -> list[RegisterSpec]:
    return list(_REGISTRY.values())


def readable_registers(user) -> Q:
    """A condition on import batches (``register``, ``park``): those of a register
    whose model ``user`` may read in the batch's park. A batch of a register
    removed since names no model; the park's staff keep seeing its ids."""
    by_parks: dict[frozenset, list[str]] = {}
    keys = []
    for spec in all_specs():
        if not spec.importable:
            continue
        keys.append(spec.key)
        parks = frozenset(permissions.park_ids_for(user, spec.model, permissions.VIEW))
        if parks:
            by_parks.setdefault(parks, []).append(spec.key)
    condition = ~Q(register__in=sorted(keys))
    for parks, readable in by_parks.items():
        condition |= Q(register__in=sorted(readable), park_id__in=sorted(parks))
    return condition
