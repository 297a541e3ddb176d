"""SQLite: triggers lost in a table rebuild come back (collected on SQLite only)."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection

from parkops.core import audit_guard

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
