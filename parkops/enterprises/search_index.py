"""The indexes behind enterprise search (``selectors.enterprise_search``).

Search matches name, former names, credit code and full pinyin anywhere in the
text (``%x%``), which no btree index serves, and pinyin initials, and a credit
code typed from its start, from their start (``x%``). So:

- PostgreSQL: ``pg_trgm`` GIN indexes on the five columns, on ``UPPER(column)``
  for the three matched case-insensitively (``icontains``), on the column for
  the two stored in lower case (``contains``). The planner uses them for any
  pattern of three characters or more. Initials by prefix are served by the
  btree ``(park, name_initials varchar_pattern_ops)`` (the model's index), from
  the first letter. ``CREATE EXTENSION pg_trgm`` needs a
  superuser (or a database owner on PostgreSQL 13+, pg_trgm being "trusted");
  where the migration's role may not, create the extension once by hand first.
- SQLite: FTS5 tables with the trigram tokenizer (SQLite 3.34+), kept in step
  with the enterprise table by triggers, so that every write path (services,
  bulk imports, ``update()``) keeps them current without calling anything:
  one for name, former names and full pinyin (``FTS``), one for the credit
  code alone (``FTS_CODE``). Apart because a park's codes share their first
  characters (``91321300…``): in a table shared with the names, the doclists
  of ``913``, ``000`` … would hold every row, and any query with a digit run
  would read them. Search asks them for candidates and re-checks them with the
  original conditions, so the rows found are exactly those of a scan.

Django rebuilds a SQLite table to alter it, which drops its triggers: so the
triggers are (re)created after every ``migrate`` (``ensure``, connected to
``post_migrate``), and the FTS tables rebuilt when they had gone (or had an
earlier shape).

How a search is served (``terms``, then ``selectors.enterprise_search``): each
condition of the search is a ``Term``, matched anywhere in its column or from
its start. Anywhere, three characters or more: a trigram index (PostgreSQL's
GIN; SQLite: such terms in one ``MATCH`` per FTS table, whose rows are
re-checked). From the start (initials; a credit code that reads as the start of
one, besides anywhere in it; a name, for a text below a trigram): a btree range
(``PREFIX_INDEXES`` on PostgreSQL, where the pattern operator class serves
``LIKE 'x%'`` whatever the collation; the ``(park, column)`` btree on SQLite,
read as a range). Anywhere, below three characters, no index can narrow: such
a term is looked for only among the first ``SCAN_LIMIT`` rows of the list (in
its order), per park, and the search says it was limited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection as default_connection
from django.db.models import Q

from parkops.enterprises.uscc import VALUES, looks_like_prefix, normalise

TABLE = "enterprises_enterprise"
FTS = "enterprises_enterprise_search"
FTS_CODE = "enterprises_enterprise_search_code"
# The columns of each FTS table (initials are matched from their start, by a btree).
FTS_COLUMNS = {FTS: ("name", "former_names", "name_pinyin"), FTS_CODE: ("uscc",)}
TRIGGERS = tuple(f"{FTS}_{event}" for event in ("insert", "delete", "update"))
# (column, matched case-insensitively?)
PG_INDEXES = (
    ("name", True),
    ("former_names", True),
    ("uscc", True),
    ("name_pinyin", False),
    ("name_initials", False),
)
# Btree indexes for matching from the start on PostgreSQL (LIKE 'x%' under any
# collation); the initials' is the model's ``enterprise_park_initials_like``.
PREFIX_INDEXES = (("name", "enterprise_park_name_like"), ("uscc", "enterprise_park_uscc_like"))
# Below three characters a trigram index cannot narrow a search.
TRIGRAM = 3
# How many rows of the list (in its order) a term below a trigram is looked for in.
SCAN_LIMIT = 2_000
# Above every character: ``column < needle + TOP`` ends the range of ``needle%``.
TOP = "\U0010ffff"


def _pg_index(column: str, upper: bool) -> str:
    expression = f'UPPER("{column}"::text)' if upper else f'"{column}"'
    return (
        f'CREATE INDEX IF NOT EXISTS "enterprise_trgm_{column}" ON "{TABLE}" '
        f"USING gin ({expression} gin_trgm_ops)"
    )


def _sqlite_statements() -> list[str]:
    deletes, inserts = [], []
    for table, columns in FTS_COLUMNS.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        deletes.append(
            f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608 - constants
        )
        inserts.append(f"INSERT INTO {table}(rowid, {names}) VALUES (new.id, {new});")  # noqa: S608 - constants
    delete, insert = " ".join(deletes), " ".join(inserts)
    watched = ", ".join(column for columns in FTS_COLUMNS.values() for column in columns)
    return [
        f"CREATE TRIGGER {TRIGGERS[0]} AFTER INSERT ON {TABLE} BEGIN {insert} END",
        f"CREATE TRIGGER {TRIGGERS[1]} AFTER DELETE ON {TABLE} BEGIN {delete} END",
        f"CREATE TRIGGER {TRIGGERS[2]} AFTER UPDATE OF {watched} ON {TABLE} "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_complete(cursor, tables) -> bool:
    """Whether the FTS tables have today's columns and the triggers keep them."""
    for table, columns in FTS_COLUMNS.items():
        if table not in tables:
            return False
        cursor.execute(f"PRAGMA table_info({table})")
        if tuple(row[1] for row in cursor.fetchall()) != columns:
            return False
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
        [TABLE],
    )
    triggers = dict(cursor.fetchall())
    return set(triggers) >= set(TRIGGERS) and all(FTS_CODE in triggers[t] for t in TRIGGERS)


def _sqlite_drop(cursor) -> None:
    for trigger in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in FTS_COLUMNS:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def ensure(connection=None) -> None:
    """Create the search indexes if missing (idempotent; any database)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            # An index cannot be built while deferred checks of the same
            # transaction are pending (a migration, a test): run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for column, upper in PG_INDEXES:
                cursor.execute(_pg_index(column, upper))
            for column, name in PREFIX_INDEXES:
                cursor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" '
                    f'("park_id", "{column}" varchar_pattern_ops)'
                )
        elif connection.vendor == "sqlite":
            tables = connection.introspection.table_names(cursor)
            if TABLE not in tables:
                return
            if _sqlite_complete(cursor, tables):
                return
            # Missing, or of an earlier shape (one table with every column): anew.
            _sqlite_drop(cursor)
            for table, columns in FTS_COLUMNS.items():
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, "
                    f"content='{TABLE}', content_rowid='id', tokenize='trigram')"
                )
            for statement in _sqlite_statements():
                cursor.execute(statement)
            # Whatever was written while the triggers were missing is read again.
            for table in FTS_COLUMNS:
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608


def drop(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for column, _upper in PG_INDEXES:
                cursor.execute(f'DROP INDEX IF EXISTS "enterprise_trgm_{column}"')
            drop_prefix_indexes(connection)
        elif connection.vendor == "sqlite":
            _sqlite_drop(cursor)


def drop_prefix_indexes(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for _column, name in PREFIX_INDEXES:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


@dataclass(frozen=True)
class Term:
    """One condition of a search: ``needle`` in ``column``, anywhere (case
    folded if ``fold``) or from the column's start (``prefix``)."""

    column: str
    needle: str
    prefix: bool = False
    fold: bool = False

    @property
    def indexed(self) -> bool:
        """Whether an index finds its rows: a btree from the start, a trigram
        index anywhere from three characters on."""
        return self.prefix or len(self.needle) >= TRIGRAM

    def q(self, vendor: str) -> Q:
        if self.prefix and vendor == "sqlite":
            # SQLite's LIKE folds case, so no btree serves it; the same rows
            # (the prefix columns hold one case) as a range of one.
            column, needle = self.column, self.needle
            q = Q(**{f"{column}__gte": needle, f"{column}__lt": needle + TOP})
            # The credit code's btree is the partial unique index (non-empty codes).
            return q & ~Q(uscc="") if column == "uscc" else q
        lookup = "startswith" if self.prefix else "icontains" if self.fold else "contains"
        return Q(**{f"{self.column}__{lookup}": self.needle})


def terms(text: str, full_pinyin: str) -> tuple[list[Term], list[Term]]:
    """(terms an index serves, terms looked for among the first ``SCAN_LIMIT``
    rows only) of a search for ``text`` (stripped, not empty), ``full_pinyin``
    being its pinyin when it is not latin.

    Name and former names anywhere, case folded; the credit code anywhere, and
    also from its start when the text reads as a code's start
    (``looks_like_prefix``), and not at all when the text holds a character no
    code has; latin letters
    and digits also as initials from their start and full pinyin anywhere; other
    text as its full pinyin anywhere. A term below a trigram is scanned for;
    the name and the credit code are then also matched from their start,
    through an index, so that a short text finds every row it starts.
    """
    lowered = text.lower().replace(" ", "")
    code = normalise(text)
    wanted = [Term("name", text, fold=True), Term("former_names", text, fold=True)]
    if code and all(char in VALUES for char in code):
        # Anywhere in the code, always (a fragment such as its last six
        # characters); also from its start, through a btree, when the text
        # reads as a code's start, so such a text is found from one character on.
        wanted.append(Term("uscc", code, fold=True))
        if looks_like_prefix(code):
            wanted.append(Term("uscc", code, prefix=True))
    if lowered.isascii() and lowered.isalnum():
        wanted += [Term("name_initials", lowered, prefix=True), Term("name_pinyin", lowered)]
    elif full_pinyin:
        wanted.append(Term("name_pinyin", full_pinyin))
    # One character's pinyin ("zhou") is in a large share of any list (its
    # homophones'): scanned for, like the rest of a one-character search.
    single = len(text) == 1
    indexed = [term for term in wanted if term.indexed and not (single and not term.prefix)]
    scanned = [term for term in wanted if term not in indexed]
    for term in scanned:
        start = Term(term.column, term.needle, prefix=True)
        if term.column in ("name", "uscc") and start not in indexed:
            indexed.append(start)
    return indexed, scanned


def fts_matches(indexed: list[Term]) -> list[tuple[str, list[str]]]:
    """SQL and parameters selecting the ids of (a superset of) the rows of the
    trigram terms among ``indexed``: one ``MATCH`` per FTS table, each distinct
    needle one phrase over its columns (``{name former_names} : "…"``), since
    an OR of phrases reads the doclists of their common trigrams once each."""
    matches = []
    for table, columns in FTS_COLUMNS.items():
        by_needle: dict[str, list[str]] = {}
        for term in indexed:
            if not term.prefix and term.column in columns:
                by_needle.setdefault(term.needle.lower(), []).append(term.column)
        phrases = [
            f'{{{" ".join(cols)}}} : "{needle.replace(chr(34), chr(34) * 2)}"'
            for needle, cols in by_needle.items()
        ]
        if phrases:
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608 - constants
            matches.append((sql, [" OR ".join(phrases)]))
    return matches


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """After ``migrate`` on SQLite: the triggers back if a table rebuild dropped
    them. (PostgreSQL keeps its indexes through an ALTER TABLE.)"""
    from django.db import connections

    if connections[using].vendor == "sqlite":
        ensure(connections[using])
