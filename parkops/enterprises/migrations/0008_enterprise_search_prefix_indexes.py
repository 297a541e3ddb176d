"""Btree indexes for search from the start of a column on PostgreSQL: the
name (a text below three characters) and the credit code (a text that reads
as one's start), ``(park, column varchar_pattern_ops)``; nothing on SQLite,
where the existing ``(park, …)`` btrees serve the same ranges
(parkops/enterprises/search_index.py).

The SQL is frozen here, so that later edits of ``search_index`` do not change
what this migration did (``search_index.ensure`` creates the same indexes for
rebuilds and after ``migrate``)."""

from django.db import migrations

INDEXES = (("enterprise_park_name_like", "name"), ("enterprise_park_uscc_like", "uscc"))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # An index cannot be built while deferred checks of the same
        # transaction are pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, column in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "enterprises_enterprise" '
                f'("park_id", "{column}" varchar_pattern_ops)'
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _column in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_list_order_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
