"""Drop ``Membership.promotion_unit``: who works in a unit is recorded once, as
the unit's members (``promotion.PromotionUnitMember``). Models of accounts no
longer refer to promotion.

Replaced by 0002_initial_squashed_0007_remove_membership_promotion_unit, which a
new database runs; only a database part-way through 0002–0007 runs this. Each of
its memberships' units becomes a member record first, here, in the migration
that drops the column: an ordering edge to a promotion migration instead would
make the accounts app wait for promotion (the squashed migration inherits the
dependencies of those it replaces). The promotion app's models are looked up by
name, if the app is installed; nothing here depends on it.
"""

from django.db import migrations


def memberships_to_unit_members(apps, schema_editor):
    try:
        Unit = apps.get_model("promotion", "PromotionUnit")
        Member = apps.get_model("promotion", "PromotionUnitMember")
    except LookupError:
        return
    Membership = apps.get_model("accounts", "Membership")
    held = Membership.objects.filter(promotion_unit__isnull=False)
    pairs = set(held.values_list("user_id", "promotion_unit"))
    parks = dict(
        Unit._default_manager.filter(pk__in={unit for _user, unit in pairs}).values_list(
            "pk", "park_id"
        )
    )
    for user_id, unit_id in sorted(pairs):
        if unit_id in parks:
            Member._default_manager.get_or_create(
                park_id=parks[unit_id], unit_id=unit_id, user_id=user_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_name_pinyin"),
    ]

    # Not reversible to the letter: the column comes back empty.
    operations = [
        migrations.RunPython(memberships_to_unit_members, migrations.RunPython.noop),
        migrations.RemoveField(model_name="membership", name="promotion_unit"),
    ]
