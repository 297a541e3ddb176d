"""Move each membership's promotion unit (``Membership.promotion_unit``) into the
unit's members (``PromotionUnitMember``): one record of who works in a unit.

The next accounts migration removes the field; this one must run first.
"""

from django.db import migrations


def memberships_to_unit_members(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    PromotionUnitMember = apps.get_model("promotion", "PromotionUnitMember")
    held = Membership.objects.filter(promotion_unit__isnull=False).select_related("promotion_unit")
    for membership in held.iterator():
        unit = membership.promotion_unit
        PromotionUnitMember._default_manager.get_or_create(
            park_id=unit.park_id, unit_id=unit.pk, user_id=membership.user_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_name_pinyin"),
        ("promotion", "0004_name_pinyin"),
    ]

    # Not reversible to the letter: a member added on the unit has no membership
    # to go back to. Reversing leaves the members as they are.
    operations = [
        migrations.RunPython(memberships_to_unit_members, migrations.RunPython.noop),
    ]
