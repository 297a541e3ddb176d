"""Import: read, match, validate through the register's services, preview or commit.

Preview and commit are the same code, so what the preview shows is exactly what
the commit does, and a commit writes all rows or none. Two ways to run it:

- a register with ``RegisterSpec.prepare`` (its services add nothing to the
  shared write path but preparing the fields) is validated row by row as
  unsaved objects, with no writes and no per-row queries, and committed in
  short batches (``exchange.bulk``): nobody waits for the import;
- any other register (promotion units, whose rows may name a parent row above
  them) is applied inside one transaction, row by row through its services,
  and rolled back for a preview or when any row failed.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import decimal
import hashlib
import json
import operator
import time
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from parkops.core import audit, permissions
from parkops.core.exchange import bulk
from parkops.core.exchange import refs as ref_cells
from parkops.core.exchange import values as v
from parkops.core.exchange.headers import header_key, unit_in_header
from parkops.core.exchange.readers import FileError, Table, column_letter, read_table
from parkops.core.exchange.spec import REF, Column, RegisterSpec
from parkops.core.models import ImportBatch, ImportItem

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
PROGRESS_EVERY = 250
PARK_HEADERS = {header_key(h) for h in ("园区", "所属园区", "park")}
UNIT_HEADERS = {header_key(h) for h in ("单位", "金额单位", "unit")}


@dataclass
class Problem:
    row: int
    column: str  # Excel letter, "" for the whole row
    header: str
    message: str


@dataclass
class RowResult:
    row: int
    action: str
    key: str | tuple  # the natural key (a tuple of its parts when composite)
    problems: list[Problem] = field(default_factory=list)


# Raised whenever what ``Validated`` holds, how it is kept, or how it is
# checked changes: a preview kept by an older version is then validated again
# in full. 2: kept as JSON (1 was a pickle).
VALIDATED_VERSION = 2


class NotKeepable(ValueError):
    """A value ``Validated`` cannot keep exactly as JSON: the preview keeps
    nothing, and its commit validates the file in full."""


# How a column of the rows' values is kept in JSON, by the one type its values
# have besides None: as text, read back to that same type. A column of JSON's
# own scalars (text, integers, floats, booleans, mixed or not) is kept as it is.
_TEXT_CODECS = {
    decimal.Decimal: ("decimal", str, decimal.Decimal),
    datetime.date: ("date", datetime.date.isoformat, datetime.date.fromisoformat),
    datetime.datetime: ("datetime", datetime.datetime.isoformat, datetime.datetime.fromisoformat),
    datetime.time: ("time", datetime.time.isoformat, datetime.time.fromisoformat),
    uuid.UUID: ("uuid", str, uuid.UUID),
}
_READERS = {name: read for name, _write, read in _TEXT_CODECS.values()}
# JSON's own scalars; a subclass (a TextChoices member) is kept as its plain
# value, which equals it and is saved the same.
_JSON_SCALARS = (str, int, float)  # bool is an int


def _encode_column(values: tuple) -> tuple[str, list]:
    """(codec, the values as JSON can hold them) of one column (``NotKeepable``
    for a column with anything else, or two types that are not JSON's own)."""
    types = set(map(type, values))
    types.discard(type(None))
    if all(issubclass(kind, _JSON_SCALARS) for kind in types):
        return "json", list(values)
    if len(types) == 1 and (kind := types.pop()) in _TEXT_CODECS:
        name, write, _read = _TEXT_CODECS[kind]
        return name, [None if value is None else write(value) for value in values]
    raise NotKeepable(types)


def _key_out(key):
    """A natural key as JSON holds it: a single key (text) as it is; a composite
    key (a tuple of record ids, text, numbers, dates) tagged, each part that is
    not JSON's own as its codec's text."""
    if not isinstance(key, tuple):
        return key
    parts = []
    for part in key:
        codec = _TEXT_CODECS.get(type(part))
        if codec is not None:
            parts.append({codec[0]: codec[1](part)})
        elif part is None or isinstance(part, _JSON_SCALARS):
            parts.append(part)
        else:
            raise NotKeepable(type(part))
    return {"key": parts}


def _key_in(held):
    """The key ``_key_out`` kept, exactly."""
    if not isinstance(held, dict):
        return held
    return tuple(
        _READERS[next(iter(part))](next(iter(part.values()))) if isinstance(part, dict) else part
        for part in held["key"]
    )


def _decode_column(codec: str, values: list) -> list:
    if codec == "json":
        return values
    read = _READERS[codec]
    return [None if value is None else read(value) for value in values]


@dataclass
class Validated:
    """A clean preview of a bulk-capable register, kept with its held upload so
    that the commit of the same file need not parse and validate every row
    again: the rows as validated, and what they were validated against (the
    park's records the rows matched, the records their references named, the
    park's names), for the commit to check still so (``_still_valid``).
    Anything else a row's validation depends on is the row's own values."""

    version: int
    sha256: str  # of the uploaded file
    register: str
    park_id: int
    actor_id: int
    park_names: tuple
    rows: list[tuple]  # (row, action, key) of each row, none with a problem
    # The writes as validated, as plain values (much cheaper to keep and load
    # than model instances): (row, action, the object's values of ``attnames``,
    # the record's snapshot before, for an update).
    attnames: tuple
    writes: list[tuple]
    ignored: list[tuple[str, str]]  # (letter, header) of the columns left out
    keys: set  # the natural keys looked up, and the fallback keys
    names: set
    matched: dict  # key → snapshot of the record the rows matched
    refs: dict[str, dict[str, object]]  # column → typed value → record id or message

    @staticmethod
    def attnames_of(model) -> tuple:
        return tuple(f.attname for f in model._meta.concrete_fields)

    @classmethod
    def rows_of(cls, rows: list[RowResult]) -> list[tuple]:
        return [(r.row, r.action, r.key) for r in rows]

    @classmethod
    def writes_of(cls, attnames: tuple, writes: list) -> list[tuple]:
        values = operator.attrgetter(*attnames)  # a tuple of them, read in C
        if len(attnames) == 1:
            return [(w.row, w.action, (values(w.obj),), w.before) for w in writes]
        return [(w.row, w.action, values(w.obj), w.before) for w in writes]

    def dumps(self) -> bytes:
        """Everything held, as JSON (UTF-8): plain data that reading can never
        run code from. The rows' values are kept column by column, each with
        the codec that reads it back to exactly the same values (``loads``);
        ``NotKeepable`` if a value has no exact JSON form."""
        columns = list(
            zip(*(values for _row, _action, values, _before in self.writes), strict=True)
        )
        if not columns:  # no row to write
            columns = [() for _name in self.attnames]
        codecs, encoded = zip(*map(_encode_column, columns), strict=True) if columns else ((), ())
        document = {
            "version": self.version,
            "sha256": self.sha256,
            "register": self.register,
            "park_id": self.park_id,
            "actor_id": self.actor_id,
            "park_names": self.park_names,
            "rows": [[row, action, _key_out(key)] for row, action, key in self.rows],
            "attnames": self.attnames,
            "codecs": codecs,
            "writes": [[row, action, before] for row, action, _values, before in self.writes],
            "columns": encoded,
            "ignored": self.ignored,
            "keys": sorted((_key_out(key) for key in self.keys), key=repr),
            "names": sorted(self.names),
            "matched": [[_key_out(key), snapshot] for key, snapshot in self.matched.items()],
            "refs": self.refs,
        }
        try:
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:  # a snapshot or reference JSON cannot hold
            raise NotKeepable(error) from error
        # Text as read (even a lone surrogate) comes back exactly.
        return text.encode("utf-8", "surrogatepass")

    @classmethod
    def loads(cls, payload: bytes) -> Validated | None:
        """What ``dumps`` wrote, exactly; ``None`` for anything else (another
        version's or a malformed document)."""
        try:
            document = json.loads(payload.decode("utf-8", "surrogatepass"))
            if document["version"] != VALIDATED_VERSION:
                return None
            columns = [
                _decode_column(codec, values)
                for codec, values in zip(document["codecs"], document["columns"], strict=True)
            ]
            rows = document["writes"]
            values = list(zip(*columns, strict=True)) if columns else [()] * len(rows)
            if len(values) != len(rows):
                return None
            return cls(
                version=document["version"],
                sha256=document["sha256"],
                register=document["register"],
                park_id=document["park_id"],
                actor_id=document["actor_id"],
                park_names=tuple(document["park_names"]),
                rows=[(row, action, _key_in(key)) for row, action, key in document["rows"]],
                attnames=tuple(document["attnames"]),
                writes=[
                    (row, action, value, before)
                    for (row, action, before), value in zip(rows, values, strict=True)
                ],
                ignored=[tuple(column) for column in document["ignored"]],
                keys={_key_in(key) for key in document["keys"]},
                names=set(document["names"]),
                matched={_key_in(key): snapshot for key, snapshot in document["matched"]},
                refs=document["refs"],
            )
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None

    def outcome_rows(self) -> list[RowResult]:
        return [RowResult(row=row, action=action, key=key) for row, action, key in self.rows]

    def rebuild_writes(self, model) -> list:
        """The ``bulk.Write`` of each row, their objects made as ``from_db`` makes
        them (the values set, no ``__init__``): unsaved for a create."""
        from django.db.models.base import ModelState

        writes = []
        for row, action, values, before in self.writes:
            obj = model.__new__(model)
            obj._state = ModelState()
            obj.__dict__.update(zip(self.attnames, values, strict=True))
            if action == bulk.UPDATE:
                obj._state.adding = False
                obj._state.db = model.objects.db
            writes.append(bulk.Write(row=row, action=action, obj=obj, before=before))
        return writes


@dataclass
class Outcome:
    spec: RegisterSpec
    file_name: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    # Said in the preview, refusing nothing: columns of the file that were ignored.
    warnings: list[str] = field(default_factory=list)
    batch: ImportBatch | None = None
    # A commit that failed and could not withdraw every row it wrote: the
    # batch, left "being undone" for the importer to finish or handle.
    left: ImportBatch | None = None
    table: Table | None = None
    # A clean preview of a bulk-capable register: what its commit may reuse.
    validated: Validated | None = field(default=None, repr=False)

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict:
        return {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED, ERROR)}


class _Abort(Exception):
    """Leave the transaction, rolling everything back."""


class _Rewind(Exception):
    """Leave a row's savepoint, rolling the row back."""


@dataclass(frozen=True)
class _Later:
    """A reference to a row of this same file (a parent listed above its child)."""

    key: str


@dataclass
class _Layout:
    columns: dict[int, Column]  # sheet column index → spec column
    headers: list[str]
    park_index: int | None = None
    unit_index: int | None = None
    ignored: list[int] = field(default_factory=list)  # headed columns the register lacks
    units: dict[int, str | None] = field(default_factory=dict)

    def header_unit(self, index: int) -> str | None:
        """The unit a column's header names (金额（万元）), read once per column."""
        if index not in self.units:
            self.units[index] = unit_in_header(self.headers[index])
        return self.units[index]

    def header_of(self, index: int) -> str:
        column = self.columns.get(index)
        return str(column.header) if column is not None else self.headers[index]

    def read(self, index: int) -> bool:
        """Is the sheet column at ``index`` read at all?"""
        return index in self.columns or index in (self.park_index, self.unit_index)


def _layout(spec: RegisterSpec, table: Table) -> _Layout:
    wanted = {}
    for column in spec.columns:
        for name in (str(column.header), *column.synonyms):
            wanted[header_key(name)] = column
    layout = _Layout(columns={}, headers=table.headers)
    seen: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        key = header_key(header)
        if not key:
            continue
        if key in PARK_HEADERS:
            layout.park_index = index
            continue
        if key in UNIT_HEADERS:
            layout.unit_index = index
            continue
        column = wanted.get(key)
        if column is None:
            layout.ignored.append(index)  # allowed, and said in the preview
            continue
        if column.key in seen:
            raise FileError(
                _("Columns %(a)s and %(b)s both mean “%(header)s”; keep one.")
                % {"a": seen[column.key], "b": column_letter(index), "header": column.header}
            )
        seen[column.key] = column_letter(index)
        layout.columns[index] = column
    missing = [str(c.header) for c in spec.columns if c.required and c.key not in seen]
    if missing:
        raise FileError(
            _("Required columns are missing: %(columns)s. Download the template to see them.")
            % {"columns": "、".join(missing)}
        )
    return layout


def _ignored_columns(layout: _Layout) -> list[tuple[str, str]]:
    return [(column_letter(index), layout.headers[index]) for index in layout.ignored]


def _ignored_column_warnings(ignored: list[tuple[str, str]]) -> list[str]:
    """A sentence for each column the import leaves out (letter, header), so
    that a header the register does not know (所属行业 for 产业, say) is not
    lost unseen."""
    return [
        _(
            "Column %(letter)s “%(header)s” is not a column of this register; its "
            "data is not imported."
        )
        % {"letter": letter, "header": header}
        for letter, header in ignored
    ]


def _example_row_warnings(spec, layout, table, actor, park) -> list[str]:
    """A warning naming the rows that are the template's example row as it was
    written (``refs.template_examples``): a template uploaded as downloaded
    would import its example as a real record. Said, not refused: a user may
    mean it. Rows are compared on their plain columns first; the example's
    references (records of the park) are read only if some row is like it."""
    plain, referring = [], []
    for index, column in layout.columns.items():
        (referring if column.kind == REF else plain).append((index, column))
    expected = [(index, v.code(column.example or "")) for index, column in plain]
    if not any(example for _index, example in expected):
        return []
    alike = _rows_reading(table.rows, expected)
    if alike and referring:
        written = dict(
            zip(
                (column.key for column in spec.columns),
                ref_cells.template_examples(spec, user=actor, park=park),
                strict=True,
            )
        )
        expected = [(index, v.code(written[column.key])) for index, column in referring]
        alike = _rows_reading(alike, expected)
    if not alike:
        return []
    return [
        _(
            "Row %(rows)s is the same as the template's example row; make sure you mean "
            "to import it."
        )
        % {"rows": "、".join(str(row) for row, _cells in alike)}
    ]


def _rows_reading(rows, expected: list[tuple[int, str]]) -> list:
    """The (row, cells) of ``rows`` whose cell at each index reads (``v.code``)
    as ``expected`` gives it."""
    return [
        (row, cells)
        for row, cells in rows
        if all(v.code(cells[index]) == example for index, example in expected)
    ]


def _control_character_problems(layout: _Layout, table: Table) -> dict[int, list[Problem]]:
    """Row → a problem for each cell read that held a control character."""
    problems: dict[int, list[Problem]] = {}
    for (row, index), character in sorted(table.control_characters.items()):
        if layout.read(index):
            problems.setdefault(row, []).append(
                Problem(
                    row,
                    column_letter(index),
                    layout.header_of(index),
                    _(
                        "The cell holds an invisible control character (%(code)s); "
                        "delete it and type the text again."
                    )
                    % {"code": f"U+{ord(character):04X}"},
                )
            )
    return problems


def _resolve_refs(spec, layout, table, actor, park) -> dict[str, dict[str, object]]:
    """For each reference column, the typed code or name → object in this park.

    A value not found here becomes a row error, worded the same whether or not
    another park has such a record: the answer must not tell a user what other
    parks hold. Any row error refuses the whole file.
    """
    resolved: dict[str, dict[str, object]] = {}
    for index, column in layout.columns.items():
        if column.kind != REF:
            continue
        typed = {v.code(cells[index]) for _row, cells in table.rows} - {""}
        visible = column.ref_model.objects.restrict(actor, permissions.VIEW).filter(park=park)
        resolved[column.key] = ref_cells.resolve(column, visible, typed)
    return resolved


def _check_park_column(layout, table, park) -> None:
    if layout.park_index is None:
        return
    names = {v.code(park.name), v.code(park.short_name), v.code(park.code)}
    for row, cells in table.rows:
        if (row, layout.park_index) in table.control_characters:
            continue  # that cell's row error says so
        value = v.code(cells[layout.park_index])
        if value and value not in names:
            raise FileError(
                _(
                    "Row %(row)d names another park (“%(value)s”); this import is for "
                    "%(park)s only. The whole file was refused."
                )
                % {"row": row, "value": value, "park": park.name}
            )


def _parse_row(
    spec, layout, row, cells, refs, file_keys, bad, holds_formula=None
) -> tuple[dict, list[Problem]]:
    """The row's values, and a problem for every cell that cannot be read
    (``bad``: the row's control-character problems, already found;
    ``holds_formula(row, index)``: the table's, to say why a cell reads empty)."""
    values, problems = {}, list(bad)
    unreadable = {problem.column for problem in bad}
    unit = None
    if layout.unit_index is not None and column_letter(layout.unit_index) not in unreadable:
        unit = v.code(cells[layout.unit_index])
    for index, column in layout.columns.items():
        if unreadable and column_letter(index) in unreadable:
            continue
        raw = cells[index]
        try:
            if column.kind == REF:
                typed = v.code(raw)
                if typed and typed not in refs[column.key]:
                    if column.ref_model is spec.model and ref_cells.key_of(typed) in file_keys:
                        values[column.key] = _Later(ref_cells.key_of(typed))
                        continue
                    raise v.CellError(
                        _("No %(what)s “%(value)s” in this park.")
                        % {"what": column.header, "value": typed}
                    )
                found = refs[column.key].get(typed) if typed else None
                if isinstance(found, v.CellError):  # a bare name several records share
                    raise found
                values[column.key] = found
            else:
                column_unit = layout.header_unit(index) or unit or None
                values[column.key] = column.parse(raw, column_unit)
            if column.required and values[column.key] in (None, ""):
                if holds_formula is not None and holds_formula(row, index):
                    raise v.CellError(
                        _(
                            "The cell holds a formula with no value (none saved in the "
                            "file, or an empty result); this column needs a value: type "
                            "it, or copy the cells and paste them as values."
                        )
                    )
                raise v.CellError(_("This column must be filled in."))
        except v.CellError as error:
            problems.append(Problem(row, column_letter(index), str(column.header), str(error)))
    return values, problems


def _problems_from(error: ValidationError, spec, layout, row) -> list[Problem]:
    letters = {
        column.key: (column_letter(i), str(column.header)) for i, column in layout.columns.items()
    }
    problems = []
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            letter, header = letters.get(name, ("", ""))
            for message in errors:
                problems.append(Problem(row, letter, header, message))
    else:
        problems.extend(Problem(row, "", "", message) for message in error.messages)
    return problems


def _other_errors(spec, layout, row, values, current, park, actor, known) -> list[Problem]:
    """What the register's services would also refuse in a row that already has
    ``known`` problems, in the columns that have none yet: a user sees all of a
    row's errors at once, not one more after each upload. Nothing is kept."""
    spoiled = {problem.column for problem in known}
    values = {name: value for name, value in values.items() if not isinstance(value, _Later)}
    found: list[Problem] = []
    try:
        with audit.rewinding_savepoint():
            try:
                if current is None:
                    spec.create(park=park, actor=actor, **values)
                else:
                    # A copy: the services set the fields on the object they get.
                    spec.update(copy.copy(current), actor=actor, **values)
            except ValidationError as error:
                found = _problems_from(error, spec, layout, row)
            raise _Rewind
    except _Rewind:
        pass
    except DatabaseError:
        pass  # the row is refused anyway; its known problems say why
    messages = {problem.message for problem in known}
    return [
        problem
        for problem in found
        if (problem.column and problem.column not in spoiled)
        or (not problem.column and problem.message not in messages)
    ]


def _lookup_keys(parsed, fallback) -> tuple[set, set]:
    """The natural keys the file's rows name, and the fallback keys of the rows
    without one: what ``_existing_records`` looks up."""
    keys = {key for _row, key, _values, _problems in parsed if key}
    names = (
        {v.text(values.get(fallback)) for _r, key, values, _p in parsed if not key}
        if fallback
        else set()
    )
    return keys, names


def _key_part(value):
    """One part of a composite natural key, alike for a row's value and a
    record's: a referenced record's id, text trimmed, a date or number as is."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return v.text(value)
    return value


def _row_key(spec, values: dict, normalise):
    """The natural key a row's values name, or "" if they name none: the value
    of the key column, or for a composite key the tuple of its parts (all of
    them given, else "")."""
    if not spec.composite_key:
        return normalise(v.code(values.get(spec.natural_key) or ""))
    parts = tuple(_key_part(values.get(name)) for name in spec.key_fields)
    return parts if all(part not in (None, "") for part in parts) else ""


def _key_attnames(spec) -> list[str]:
    return [spec.model._meta.get_field(name).attname for name in spec.key_fields]


def _existing_records(spec, actor, park, keys, names, normalise, fallback) -> dict[str, object]:
    """The park's records the file's rows match, by natural key (``keys``) or,
    for rows without one, by the fallback key (``names``) among records that
    also lack it. A composite key is looked up in one query too: the records
    whose every key field has one of the values the rows name, of which those
    with a row's exact combination are kept."""
    in_park = spec.model.objects.restrict(actor, permissions.VIEW).filter(park=park)
    if spec.composite_key:
        attnames = _key_attnames(spec)
        lookup = {
            f"{attname}__in": {key[index] for key in keys} for index, attname in enumerate(attnames)
        }
        found = in_park.filter(**lookup).select_related(*spec.select_related)
        existing = {}
        for obj in found:
            key = tuple(_key_part(getattr(obj, attname)) for attname in attnames)
            if key in keys:
                existing[key] = obj
        return existing
    existing = {
        normalise(getattr(obj, spec.natural_key)): obj
        for obj in in_park.filter(**{f"{spec.natural_key}__in": keys}).select_related(
            *spec.select_related
        )
    }
    if fallback:
        for obj in in_park.filter(**{spec.natural_key: "", f"{fallback}__in": names}):
            existing[f"{fallback}:{getattr(obj, fallback)}"] = obj
    return existing


@contextlib.contextmanager
def _import_transaction(commit: bool):
    """A commit holds the audit chain for its whole transaction (one lock, one
    write-back); a preview runs in a transaction that always rolls back and
    writes no audit entries, so it blocks nobody's writes while it runs."""
    if commit:
        with transaction.atomic(), audit.chain_held():
            yield
    else:
        with audit.rolled_back():
            yield


def run_import(
    *,
    spec: RegisterSpec,
    actor,
    park,
    data: bytes,
    file_name: str,
    commit: bool,
    progress=None,
    table: Table | FileError | None = None,
    validated: Validated | None = None,
    on_batch=None,
) -> Outcome:
    """Apply the file to ``park``'s register as ``actor``; keep it only if ``commit``
    and every row succeeded. Returns what happened (or would happen) row by row.

    ``progress(done, total)``, if given, is called every few hundred rows.
    ``table`` is what reading ``data`` already gave the caller (its rows, or the
    ``FileError``), so that a file is read once per request.
    ``validated``: what the preview of this same upload kept (``Outcome.validated``);
    a commit reuses its rows if nothing they were validated against has changed
    since, and validates the file in full otherwise.
    ``on_batch(batch)``: called as the commit creates its batch, in the same
    transaction (a background job links it; ``bulk.new_batch``).
    """
    started = time.monotonic()
    outcome = Outcome(spec=spec, file_name=file_name)
    if not spec.importable or not (
        permissions.can(actor, spec.model, permissions.ADD, park)
        or permissions.can(actor, spec.model, permissions.CHANGE, park)
    ):
        permissions.deny(_("You may not import into this register."))
    if commit and validated is not None and bulk_capable(spec):
        writes = _still_valid(validated, spec, actor, park, data)
        if writes is not None:
            outcome.rows = validated.outcome_rows()
            outcome.warnings = _ignored_column_warnings(validated.ignored)
            if progress is not None:
                progress(len(outcome.rows), len(outcome.rows))
            return _commit_bulk(
                spec, actor, park, outcome, writes, data, file_name, started, progress, on_batch
            )
    try:
        if isinstance(table, FileError):
            raise table
        table = table if table is not None else read_table(data, file_name)
        outcome.table = table
        layout = _layout(spec, table)
        outcome.warnings = _ignored_column_warnings(_ignored_columns(layout))
        _check_park_column(layout, table, park)
        outcome.warnings += _example_row_warnings(spec, layout, table, actor, park)
        if not table.rows:
            raise FileError(
                _("The sheet “%(sheet)s” has headers but no data rows.") % {"sheet": table.sheet}
            )
        refs = _resolve_refs(spec, layout, table, actor, park)
    except FileError as error:
        outcome.file_errors.append(str(error))
        return outcome
    key_columns = [spec.column(name) for name in spec.key_fields]
    key_index = next((i for i, c in layout.columns.items() if c is key_columns[0]), None)
    normalise = spec.extra.get("normalise_key", lambda key: key)

    # The keys of the file's rows, for a row naming a record of this register
    # listed in the same file (a parent above its child: one-field keys only).
    file_keys = (
        {normalise(v.code(cells[key_index])) for _row, cells in table.rows}
        if key_index is not None and not spec.composite_key
        else set()
    )
    fallback = spec.extra.get("fallback_key")
    unreadable = _control_character_problems(layout, table)
    parsed = []
    first_row_of_key: dict = {}
    for row, cells in table.rows:
        bad = unreadable.get(row, [])
        values, problems = _parse_row(
            spec, layout, row, cells, refs, file_keys, bad, table.holds_formula
        )
        key = _row_key(spec, values, normalise)
        # Rows without the natural key (a prospect without a credit code) are
        # matched, and must be unique, by the fallback key.
        match_key, match_columns = key, key_columns
        if not key and fallback and values.get(fallback):
            match_key = f"{fallback}:{v.text(values[fallback])}"
            match_columns = [spec.column(fallback)]
        if match_key and match_key in first_row_of_key:
            # Said in the key's last column (项目编号+月份: in 月份).
            letters = [
                column_letter(i)
                for i, c in layout.columns.items()
                if any(c is column for column in match_columns)
            ]
            what = "+".join(str(column.header) for column in match_columns)
            problems.append(
                Problem(
                    row,
                    letters[-1] if letters else "",
                    str(match_columns[-1].header),
                    _("The same %(what)s as row %(other)d.")
                    % {"what": what, "other": first_row_of_key[match_key]},
                )
            )
        if match_key:
            first_row_of_key.setdefault(match_key, row)
        parsed.append((row, key, values, problems))

    if bulk_capable(spec):
        return _run_bulk(
            spec,
            actor,
            park,
            parsed,
            layout,
            outcome,
            normalise,
            fallback,
            commit,
            progress,
            data,
            file_name,
            started,
            refs,
            on_batch,
        )
    done: dict[str, object] = {}
    try:
        with _import_transaction(commit):
            # Read what exists only now, inside the transaction: a concurrent
            # commit of the same file has finished by the time we hold the lock.
            keys, names = _lookup_keys(parsed, fallback)
            existing = _existing_records(spec, actor, park, keys, names, normalise, fallback)
            items = []
            total = len(parsed)
            for done_rows, (row, key, values, problems) in enumerate(parsed):
                if progress is not None and done_rows % PROGRESS_EVERY == 0:
                    progress(done_rows, total)
                result = RowResult(row=row, action=ERROR, key=key, problems=problems)
                outcome.rows.append(result)
                if not key and fallback:
                    key = f"{fallback}:{v.text(values.get(fallback))}"
                current = existing.get(key)
                later = [name for name, value in values.items() if isinstance(value, _Later)]
                for name in later:
                    target = done.get(values[name].key)
                    if target is None:
                        result.problems.append(
                            Problem(
                                row,
                                "",
                                "",
                                _("“%(value)s” is defined in a row below this one; list it first.")
                                % {"value": values[name].key},
                            )
                        )
                        continue
                    values[name] = target
                if result.problems:
                    result.problems.extend(
                        _other_errors(
                            spec, layout, row, values, current, park, actor, result.problems
                        )
                    )
                    continue
                try:
                    with audit.rewinding_savepoint():
                        if current is None:
                            obj = spec.create(park=park, actor=actor, **values)
                            before, result.action = None, CREATE
                        else:
                            before = audit.snapshot(current)
                            obj = spec.update(current, actor=actor, **values)
                            result.action = UPDATE
                        after = audit.snapshot(obj)
                        if before == after:
                            result.action = UNCHANGED
                except ValidationError as error:
                    result.action = ERROR
                    result.problems.extend(_problems_from(error, spec, layout, row))
                    continue
                done[key] = obj
                if result.action != UNCHANGED:
                    items.append((row, result.action, obj, before, after))
            if progress is not None:
                progress(total, total)
            if not (commit and outcome.ok):
                raise _Abort
            outcome.batch = _record_batch(
                spec, actor, park, file_name, data, outcome, items, started, on_batch
            )
    except _Abort:
        pass
    _in_column_order(outcome)
    return outcome


def _in_column_order(outcome: Outcome) -> None:
    """Each row's problems from left to right (A … Z, AA …), those of the whole
    row last: a row's cells are read in order, but the services' own findings
    (a credit code's check digit) come after, whatever their column."""
    for result in outcome.rows:
        if len(result.problems) > 1:
            result.problems.sort(
                key=lambda problem: (not problem.column, len(problem.column), problem.column)
            )


def _park_names(park) -> tuple:
    return (park.name, park.short_name, park.code)


def _ref_fingerprint(refs: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """What the reference cells resolved to, comparable across processes."""
    return {
        key: {
            typed: str(found) if isinstance(found, v.CellError) else found.pk
            for typed, found in resolved.items()
        }
        for key, resolved in refs.items()
    }


def _still_valid(validated: Validated, spec, actor, park, data: bytes) -> list | None:
    """The writes of ``validated`` if a commit of ``data`` may reuse them: the
    same file, register, park and user, and nothing the rows were validated
    against changed since — the same records match the rows' keys, unchanged;
    every reference names the same record, still visible to the user in the
    park; the user may still add and change here; the register's rules and the
    fields other offices own still allow each write. Else ``None``: the file is
    validated in full, which says what changed, row by row."""
    from parkops.core.services import _check_owned_fields

    if (
        validated.version,
        validated.register,
        validated.park_id,
        validated.actor_id,
        validated.park_names,
    ) != (VALIDATED_VERSION, spec.key, park.pk, actor.pk, _park_names(park)):
        return None
    if validated.sha256 != hashlib.sha256(data).hexdigest():
        return None
    if validated.attnames != Validated.attnames_of(spec.model):
        return None  # the model changed since (a migration between preview and commit)
    writes = validated.rebuild_writes(spec.model)
    actions = {action for _row, action, _key in validated.rows}
    if CREATE in actions and not permissions.can(actor, spec.model, permissions.ADD, park):
        return None
    if actions & {UPDATE, UNCHANGED} and not permissions.can(
        actor, spec.model, permissions.CHANGE, park
    ):
        return None
    for key, expected in validated.refs.items():
        column = spec.column(key)
        visible = column.ref_model.objects.restrict(actor, permissions.VIEW).filter(park=park)
        now = ref_cells.resolve(column, visible, set(expected))
        if _ref_fingerprint({key: now})[key] != expected:
            return None
    normalise = spec.extra.get("normalise_key", lambda key: key)
    fallback = spec.extra.get("fallback_key")
    existing = _existing_records(
        spec, actor, park, validated.keys, validated.names, normalise, fallback
    )
    if existing.keys() != validated.matched.keys():
        return None
    if any(audit.snapshot(obj) != validated.matched[key] for key, obj in existing.items()):
        return None
    current = {obj.pk: obj for obj in existing.values()}
    try:
        for write in writes:
            before = current.get(write.obj.pk) if write.action == bulk.UPDATE else None
            _check_owned_fields(actor, write.obj, before)
            if spec.check is not None:
                spec.check(write.obj, before)
    except ValidationError:
        return None
    return writes


def bulk_capable(spec) -> bool:
    # A register whose rows may name other rows of the same file (a unit's parent
    # listed above it) needs each parent saved before its child: row by row.
    return spec.prepare is not None and not any(
        column.kind == REF and column.ref_model is spec.model for column in spec.columns
    )


def _new_problems(found: list[Problem], known: list[Problem]) -> list[Problem]:
    """Of ``found``, those not already said by ``known`` (a column that already
    has a problem keeps only its first)."""
    spoiled = {problem.column for problem in known}
    messages = {problem.message for problem in known}
    return [
        problem
        for problem in found
        if (problem.column and problem.column not in spoiled)
        or (not problem.column and problem.message not in messages)
    ]


def _run_bulk(
    spec,
    actor,
    park,
    parsed,
    layout,
    outcome,
    normalise,
    fallback,
    commit,
    progress,
    data,
    file_name,
    started,
    refs,
    on_batch,
) -> Outcome:
    """The import of a bulk-capable register (``exchange.bulk``): validation with
    no writes and no per-row queries; a commit in short batches."""
    model = spec.model
    may_add = permissions.can(actor, model, permissions.ADD, park)
    may_change = permissions.can(actor, model, permissions.CHANGE, park)
    # Outside any transaction: a preview takes no lock at all.
    keys, names = _lookup_keys(parsed, fallback)
    existing = _existing_records(spec, actor, park, keys, names, normalise, fallback)
    matched: dict = {}  # key → the record's snapshot, as validated
    key_of_column = {column.key: column_letter(i) for i, column in layout.columns.items()}
    relations = bulk.relation_names(model)
    writes: list[bulk.Write] = []
    total = len(parsed)
    for done_rows, (row, key, values, problems) in enumerate(parsed):
        if progress is not None and done_rows % PROGRESS_EVERY == 0:
            progress(done_rows, total)
        result = RowResult(row=row, action=ERROR, key=key, problems=problems)
        outcome.rows.append(result)
        if not key and fallback:
            key = f"{fallback}:{v.text(values.get(fallback))}"
        current = existing.get(key)
        if not (may_add if current is None else may_change):
            permissions.deny()
        # A column that could not be read keeps the record's value (or the
        # default), and its own problem: nothing more is said about it.
        spoiled = {problem.column for problem in problems}
        fields = spec.prepare(
            {
                name: value
                for name, value in values.items()
                if key_of_column.get(name) not in spoiled
            }
        )
        obj = bulk.build(spec, park, current, fields)
        skip = relations + [name for name, letter in key_of_column.items() if letter in spoiled]
        error = bulk.validate(actor, obj, current, skip, spec.check)
        if error is not None:
            result.problems.extend(
                _new_problems(_problems_from(error, spec, layout, row), problems)
            )
        if result.problems:
            continue
        if current is None:
            result.action = CREATE
            writes.append(bulk.Write(row=row, action=CREATE, obj=obj, before=None))
            continue
        before = audit.snapshot(current)
        matched[key] = before
        if audit.snapshot(obj) == before:
            result.action = UNCHANGED
            continue
        result.action = UPDATE
        writes.append(bulk.Write(row=row, action=UPDATE, obj=obj, before=before))
    if progress is not None:
        progress(total, total)
    _in_column_order(outcome)
    if not commit and outcome.ok:
        outcome.validated = Validated(
            version=VALIDATED_VERSION,
            sha256=hashlib.sha256(data).hexdigest(),
            register=spec.key,
            park_id=park.pk,
            actor_id=actor.pk,
            park_names=_park_names(park),
            rows=Validated.rows_of(outcome.rows),
            attnames=Validated.attnames_of(model),
            writes=Validated.writes_of(Validated.attnames_of(model), writes),
            ignored=_ignored_columns(layout),
            keys=keys,
            names=names,
            matched=matched,
            refs=_ref_fingerprint(refs),
        )
    if not (commit and outcome.ok):
        return outcome
    return _commit_bulk(
        spec, actor, park, outcome, writes, data, file_name, started, progress, on_batch
    )


def _commit_bulk(spec, actor, park, outcome, writes, data, file_name, started, progress, on_batch):
    """Write the validated ``writes`` of ``outcome`` in short batches."""
    try:
        outcome.batch = bulk.commit(
            spec=spec,
            actor=actor,
            park=park,
            writes=writes,
            counts=outcome.counts,
            file_name=file_name,
            data=data,
            started=started,
            progress=progress,
            on_batch=on_batch,
        )
    except bulk.CommitFailed as failure:
        error = failure.__cause__
        detail = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        if failure.left is not None:
            outcome.left = failure.left
            outcome.file_errors.append(
                _(
                    "The import failed; some rows already written could not be withdrawn "
                    "because other records use them now or they were changed meanwhile. "
                    "Open the import to undo or handle them."
                )
            )
        else:
            outcome.file_errors.append(
                _(
                    "The import failed while writing and was rolled back; nothing was "
                    "imported. %(detail)s"
                )
                % {"detail": detail}
            )
    return outcome


def _record_batch(
    spec, actor, park, file_name, data, outcome, items, started, on_batch
) -> ImportBatch:
    counts = outcome.counts
    batch = bulk.new_batch(
        spec=spec,
        actor=actor,
        park=park,
        file_name=file_name,
        data=data,
        counts=counts,
        on_batch=on_batch,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    ImportItem.objects.bulk_create(
        ImportItem(
            park=park,
            batch=batch,
            row=row,
            action=action,
            object_id=str(obj.pk),
            before=before,
            after=after,
        )
        for row, action, obj, before, after in items
    )
    bulk.record_imported(actor, batch, spec.key, file_name, counts)
    return batch
