"""Keyed seals for the audit chain, a sealed head with both ends, and triggers on
both databases (issue #8, item 3).

Existing entries keep their plain SHA-256 hashes and verify as version 1; new
entries are sealed with the audit key (version 2). The head is sealed here, so
from this migration on even the old entries cannot be re-hashed unnoticed: any
change to them changes the last hash, which the head's seal covers.
"""

import importlib

from django.db import migrations, models


def adopt_existing_chain(apps, schema_editor):
    """Record where the existing chain starts (after any earlier purge) and seal its head."""
    from parkops.core.audit import ensure_chain_head, seal_head

    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditChainHead")
    using = schema_editor.connection.alias
    head = head_model.objects.using(using).filter(pk=1).first()
    if head is None:
        ensure_chain_head(head_model, entry_model, using=using)
        return
    first = entry_model.objects.using(using).order_by("seq").first()
    if first is not None:
        head.first_seq, head.first_prev_hash = first.seq, first.prev_hash
    seal_head(head)
    head.save(using=using)


def install_guards(apps, schema_editor):
    from parkops.core import audit_guard

    audit_guard.install(schema_editor.connection)


def remove_guards(apps, schema_editor):
    from parkops.core import audit_guard

    audit_guard.uninstall(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("parkops.core.migrations.0003_audit_chain")
        schema_editor.execute(previous.APPEND_ONLY_SQL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_codes_charset"),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, max_length=96),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=96),
        ),
        migrations.AlterField(
            model_name='auditchainhead',
            name='last_hash',
            field=models.CharField(blank=True, max_length=96),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='first_seq',
            field=models.PositiveBigIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='first_prev_hash',
            field=models.CharField(blank=True, max_length=96),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='seal',
            field=models.CharField(blank=True, max_length=96),
        ),
        migrations.RunPython(adopt_existing_chain, migrations.RunPython.noop),
        migrations.RunPython(install_guards, remove_guards),
    ]
