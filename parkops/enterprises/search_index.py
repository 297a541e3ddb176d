"""The indexes behind enterprise search (``selectors.enterprise_search``).

Search matches name, former names, credit code and full pinyin anywhere in the
text (``%x%``), which no btree index serves, and pinyin initials from their start
(``x%``: what a user typing initials types). So:

- PostgreSQL: ``pg_trgm`` GIN indexes on the five columns, on ``UPPER(column)``
  for the three matched case-insensitively (``icontains``), on the column for
  the two stored in lower case (``contains``). The planner uses them for any
  pattern of three characters or more. Initials by prefix are served by the
  btree ``(park, name_initials varchar_pattern_ops)`` (the model's index), from
  the first letter. ``CREATE EXTENSION pg_trgm`` needs a
  superuser (or a database owner on PostgreSQL 13+, pg_trgm being "trusted");
  where the migration's role may not, create the extension once by hand first.
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+) holding the
  five columns, kept in step with the enterprise table by triggers, so that
  every write path (services, bulk imports, ``update()``) keeps it current
  without calling anything. Search asks it for candidates and re-checks them
  with the original conditions, so the rows found are exactly those of a scan.

Django rebuilds a SQLite table to alter it, which drops its triggers: so the
triggers are (re)created after every ``migrate`` (``ensure``, connected to
``post_migrate``), and the FTS table rebuilt when they had gone.
"""

from __future__ import annotations

from django.db import connection as default_connection

TABLE = "enterprises_enterprise"
FTS = "enterprises_enterprise_search"
COLUMNS = ("name", "former_names", "uscc", "name_pinyin", "name_initials")
# (column, matched case-insensitively?)
PG_INDEXES = (
    ("name", True),
    ("former_names", True),
    ("uscc", True),
    ("name_pinyin", False),
    ("name_initials", False),
)
# Matched from the start of the column, not anywhere in it.
PREFIX_COLUMNS = ("name_initials",)
# Below three characters a trigram index cannot narrow a search.
TRIGRAM = 3


def _pg_index(column: str, upper: bool) -> str:
    expression = f'UPPER("{column}"::text)' if upper else f'"{column}"'
    return (
        f'CREATE INDEX IF NOT EXISTS "enterprise_trgm_{column}" ON "{TABLE}" '
        f"USING gin ({expression} gin_trgm_ops)"
    )


def _sqlite_statements() -> list[str]:
    columns = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    delete = f"INSERT INTO {FTS}({FTS}, rowid, {columns}) VALUES ('delete', old.id, {old});"  # noqa: S608 - constants
    insert = f"INSERT INTO {FTS}(rowid, {columns}) VALUES (new.id, {new});"  # noqa: S608 - constants
    return [
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON {TABLE} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON {TABLE} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF {columns} ON {TABLE} "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_triggers(cursor) -> int:
    cursor.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
        "AND name LIKE %s",
        [TABLE, f"{FTS}_%"],
    )
    return cursor.fetchone()[0]


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
        elif connection.vendor == "sqlite":
            tables = connection.introspection.table_names(cursor)
            if TABLE not in tables:
                return
            complete = FTS in tables and _sqlite_triggers(cursor) == 3
            if complete:
                return
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
                f"{', '.join(COLUMNS)}, content='{TABLE}', content_rowid='id', "
                "tokenize='trigram')"
            )
            for statement in _sqlite_statements():
                cursor.execute(statement)
            # Whatever was written while the triggers were missing is read again.
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")  # noqa: S608


def drop(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for column, _upper in PG_INDEXES:
                cursor.execute(f'DROP INDEX IF EXISTS "enterprise_trgm_{column}"')
        elif connection.vendor == "sqlite":
            for suffix in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")


def like_pattern(column: str, needle: str) -> str:
    """The LIKE pattern ``column`` is matched with: from its start for the
    ``PREFIX_COLUMNS``, anywhere in it for the others."""
    return f"{needle}%" if column in PREFIX_COLUMNS else f"%{needle}%"


def sqlite_candidates(needles: dict[str, str]) -> tuple[str, list[str]] | None:
    """SQL and parameters selecting the ids whose ``column`` holds ``needle``
    (any of them; see ``like_pattern``), through the FTS table; None when a
    needle is too short for a trigram or holds a LIKE wildcard (then the caller
    scans)."""
    parts, params = [], []
    for column, needle in needles.items():
        if len(needle) < TRIGRAM or any(sign in needle for sign in "%_\\"):
            return None
        parts.append(f"SELECT rowid FROM {FTS} WHERE {column} LIKE %s")  # noqa: S608 - values are parameters
        params.append(like_pattern(column, needle))
    return " UNION ".join(parts), params


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """After ``migrate`` on SQLite: the triggers back if a table rebuild dropped
    them. (PostgreSQL keeps its indexes through an ALTER TABLE.)"""
    from django.db import connections

    if connections[using].vendor == "sqlite":
        ensure(connections[using])
