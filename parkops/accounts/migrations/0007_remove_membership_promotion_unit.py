"""Drop ``Membership.promotion_unit``: who works in a unit is recorded once, as
the unit's members (moved there by promotion 0005). Models of accounts no longer
refer to promotion."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_name_pinyin"),
        ("promotion", "0005_unit_members_from_memberships"),
    ]

    operations = [
        migrations.RemoveField(model_name="membership", name="promotion_unit"),
    ]
