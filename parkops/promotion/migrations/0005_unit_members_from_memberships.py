"""Formerly: each membership's promotion unit (``Membership.promotion_unit``)
became a member of that unit (``PromotionUnitMember``).

That copy now happens in accounts 0007, the migration that drops the field, which
only a database that had the field runs (a new one migrates accounts by its
squashed migration, whose memberships never had it). Kept, doing nothing, so that
the numbering and the migrations that depend on it stay as they were.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_name_pinyin"),
        ("promotion", "0004_name_pinyin"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
