"""Btree indexes for search from the start of a column on PostgreSQL: the
name (a text below three characters) and the credit code (a text that reads
as one's start), ``(park, column varchar_pattern_ops)``; nothing on SQLite,
where the existing ``(park, …)`` btrees serve the same ranges
(parkops/enterprises/search_index.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from parkops.enterprises import search_index

    search_index.ensure(schema_editor.connection)


def backwards(apps, schema_editor):
    from parkops.enterprises import search_index

    search_index.drop_prefix_indexes(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_list_order_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
