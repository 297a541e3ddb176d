"""Indexes for enterprise search: pg_trgm GIN indexes on PostgreSQL, an FTS5
trigram table kept by triggers on SQLite (parkops/enterprises/search_index.py).

On PostgreSQL, ``CREATE EXTENSION IF NOT EXISTS pg_trgm`` needs a superuser (or,
pg_trgm being a trusted extension, the database's owner on PostgreSQL 13+)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from parkops.enterprises import search_index

    search_index.ensure(schema_editor.connection)


def backwards(apps, schema_editor):
    from parkops.enterprises import search_index

    search_index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_enterprise_above_scale_until"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
