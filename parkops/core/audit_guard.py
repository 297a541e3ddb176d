"""Database triggers that keep the audit trail append-only, and the one way past them.

PostgreSQL: statement triggers refuse UPDATE, DELETE and TRUNCATE on the entries
and DELETE and TRUNCATE on the chain head, for every role including the owner.
The purge is ``parkops_audit_purge(cutoff, retention_days)``, a SECURITY DEFINER
function that applies the retention rule itself (never less than
``RETENTION_FLOOR_DAYS``) and lets its own DELETE through by a marker row in a
table no other role may write. Run the application as a role that does not own
these tables and lacks UPDATE, DELETE and TRUNCATE on them (README, Security),
since an owner can still disable triggers.

SQLite: BEFORE UPDATE and BEFORE DELETE triggers that abort, and a BEFORE
INSERT one that refuses REPLACE over an existing entry. Anyone holding the
file can drop them; ``manage.py purge_audit`` is the documented way, dropping
the DELETE trigger inside its own transaction and re-creating it before commit.
The hash chain and its anchors are what detect the rest.
"""

from __future__ import annotations

import contextlib

# Cybersecurity Law art. 21 and 等保2.0 (GB/T 22239-2019 8.1.4.3): network logs
# are kept at least six months. PARKOPS_AUDIT_RETENTION_DAYS may only lengthen it.
RETENTION_FLOOR_DAYS = 180

_SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS parkops_audit_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)'); END
"""
_SQLITE_NO_DELETE = """
CREATE TRIGGER IF NOT EXISTS parkops_audit_no_delete BEFORE DELETE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (DELETE refused; see purge_audit)'); END
"""
# REPLACE (INSERT OR REPLACE) removes the row it conflicts with without firing
# DELETE triggers, which would rewrite an entry past the two triggers above.
_SQLITE_NO_REPLACE = """
CREATE TRIGGER IF NOT EXISTS parkops_audit_no_replace BEFORE INSERT ON core_auditentry
WHEN EXISTS (SELECT 1 FROM core_auditentry WHERE id = NEW.id OR seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (REPLACE refused)'); END
"""
_SQLITE_HEAD_KEPT = """
CREATE TRIGGER IF NOT EXISTS parkops_audit_head_kept BEFORE DELETE ON core_auditchainhead
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (the chain head is kept)'); END
"""
SQLITE_GUARDS = [_SQLITE_NO_UPDATE, _SQLITE_NO_DELETE, _SQLITE_NO_REPLACE, _SQLITE_HEAD_KEPT]
SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS parkops_audit_no_update",
    "DROP TRIGGER IF EXISTS parkops_audit_no_delete",
    "DROP TRIGGER IF EXISTS parkops_audit_no_replace",
    "DROP TRIGGER IF EXISTS parkops_audit_head_kept",
]

PG_GUARDS = [
    # pg_temp last in each SECURITY DEFINER function's search_path: otherwise a
    # caller's temporary table could stand in for one of ours.
    # Only the purge function writes here; its uncommitted row is visible to its
    # own transaction alone, so no other session's DELETE ever sees it.
    "CREATE TABLE IF NOT EXISTS parkops_audit_purge_marker (purging boolean NOT NULL)",
    "REVOKE ALL ON parkops_audit_purge_marker FROM PUBLIC",
    """
CREATE OR REPLACE FUNCTION parkops_audit_append_only() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'core_auditentry'
            AND EXISTS (SELECT 1 FROM parkops_audit_purge_marker) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% on % refused)', TG_OP, TG_TABLE_NAME;
END;
$$
""",
    "DROP TRIGGER IF EXISTS parkops_audit_append_only ON core_auditentry",
    """
CREATE TRIGGER parkops_audit_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION parkops_audit_append_only()
""",
    "DROP TRIGGER IF EXISTS parkops_audit_head_kept ON core_auditchainhead",
    """
CREATE TRIGGER parkops_audit_head_kept
    BEFORE DELETE OR TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION parkops_audit_append_only()
""",
    f"""
CREATE OR REPLACE FUNCTION parkops_audit_purge(cutoff timestamptz, retention_days integer)
RETURNS TABLE (purged_count bigint, purged_last_seq bigint, purged_last_hash varchar)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    kept_days integer := GREATEST(retention_days, {RETENTION_FLOOR_DAYS});
    first_kept bigint;
    last_seq_ bigint;
    last_hash_ varchar;
    deleted bigint;
BEGIN
    IF cutoff > now() - make_interval(days => kept_days) THEN
        RAISE EXCEPTION 'Refused: audit entries must be kept at least % days', kept_days;
    END IF;
    PERFORM 1 FROM core_auditchainhead h WHERE h.id = 1 FOR UPDATE;
    -- Only the entries before the first one still inside the retention period:
    -- a row carrying a forged old time cannot drag younger entries with it.
    SELECT min(e.seq) INTO first_kept FROM core_auditentry e WHERE e.time >= cutoff;
    SELECT e.seq, e.hash INTO last_seq_, last_hash_ FROM core_auditentry e
        WHERE first_kept IS NULL OR e.seq < first_kept ORDER BY e.seq DESC LIMIT 1;
    IF last_seq_ IS NULL THEN
        RETURN QUERY SELECT 0::bigint, NULL::bigint, NULL::varchar;
        RETURN;
    END IF;
    INSERT INTO parkops_audit_purge_marker VALUES (true);
    DELETE FROM core_auditentry e WHERE e.seq <= last_seq_;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    DELETE FROM parkops_audit_purge_marker;
    UPDATE core_auditchainhead h SET first_seq = last_seq_ + 1, first_prev_hash = last_hash_
        WHERE h.id = 1;
    RETURN QUERY SELECT deleted, last_seq_, last_hash_;
END;
$$
""",  # noqa: S608 - the only value interpolated is a constant of this module
    "REVOKE ALL ON FUNCTION parkops_audit_purge(timestamptz, integer) FROM PUBLIC",
]
PG_UNGUARD = [
    "DROP TRIGGER IF EXISTS parkops_audit_append_only ON core_auditentry",
    "DROP TRIGGER IF EXISTS parkops_audit_head_kept ON core_auditchainhead",
    "DROP FUNCTION IF EXISTS parkops_audit_purge(timestamptz, integer)",
    "DROP FUNCTION IF EXISTS parkops_audit_append_only()",
    "DROP TABLE IF EXISTS parkops_audit_purge_marker",
]


def install(connection) -> None:
    """Create (or re-create) the guards; safe to run again."""
    statements = {"postgresql": PG_GUARDS, "sqlite": SQLITE_GUARDS}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(connection) -> None:
    statements = {"postgresql": PG_UNGUARD, "sqlite": SQLITE_UNGUARD}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextlib.contextmanager
def sqlite_delete_allowed(connection):
    """SQLite only, inside the purge's transaction: the DELETE trigger is dropped
    and re-created before the transaction ends, so no other connection ever
    sees the table unguarded (SQLite DDL is transactional)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS parkops_audit_no_delete")
        yield
        cursor.execute(_SQLITE_NO_DELETE)


def pg_purge(connection, *, cutoff, retention_days: int) -> tuple[int, int | None, str | None]:
    """(deleted, last deleted seq, its hash) from the SECURITY DEFINER purge."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT purged_count, purged_last_seq, purged_last_hash"
            " FROM parkops_audit_purge(%s, %s)",
            [cutoff, retention_days],
        )
        return cursor.fetchone()


def flush_statements(vendor: str) -> tuple[list[str], list[str]]:
    """(before, after) statements that let a test database be emptied between tests.

    Test-only: ``TransactionTestCase`` empties every table after each test, which
    the guards rightly refuse; the test harness (``parkops/conftest.py``) wraps
    the flush in these, as the database's owner.
    """
    if vendor == "postgresql":
        tables = ("core_auditentry", "core_auditchainhead")
        return (
            [f"ALTER TABLE {t} DISABLE TRIGGER USER" for t in tables],
            [f"ALTER TABLE {t} ENABLE TRIGGER USER" for t in tables],
        )
    if vendor == "sqlite":
        return SQLITE_UNGUARD, SQLITE_GUARDS
    return [], []
