"""SQLite: triggers lost in a table rebuild come back (collected on SQLite only)."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection

from parkops.core import audit_guard
from parkops.core.models import AuditEntry

from .test_audit_chain import raw, write_entries

pytestmark = pytest.mark.django_db


def test_the_triggers_come_back_after_a_migration_rebuilt_the_table():
    """SQLite alters a table by rebuilding it, which drops its triggers; every
    migrate ends by putting them back."""
    write_entries()
    with connection.cursor() as cursor:
        for sql in audit_guard.SQLITE_UNGUARD:
            cursor.execute(sql)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM core_auditentry WHERE seq = 1")


def test_replace_into_cannot_rewrite_an_entry_past_the_triggers():
    """SQLite's REPLACE removes the row it conflicts with without firing DELETE
    triggers (recursive_triggers is off), so it would edit an entry unrefused."""
    write_entries()
    columns = [f.column for f in AuditEntry._meta.concrete_fields]
    copied = ", ".join("%s" if c == "object_repr" else c for c in columns)
    with pytest.raises(DatabaseError, match="append-only"):
        raw(
            f"REPLACE INTO core_auditentry ({', '.join(columns)}) "  # noqa: S608 - test SQL
            f"SELECT {copied} FROM core_auditentry WHERE seq = 3",
            "篡改",
        )
    assert AuditEntry.objects.get(seq=3).object_repr != "篡改"
