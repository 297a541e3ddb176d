"""A membership's unit (``Membership.promotion_unit``, dropped) becomes the unit's
member record, so that nobody loses the unit they worked in."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0006_name_pinyin"), ("promotion", "0004_name_pinyin")]
AFTER = [("accounts", "0007_remove_membership_promotion_unit")]


def migrate(targets):
    """Migrate to ``targets``; the models as the database then has them."""
    MigrationExecutor(connection).migrate(targets)
    executor = MigrationExecutor(connection)
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_each_membership_unit_becomes_a_member_of_that_unit():
    old = migrate(BEFORE)
    try:
        Park = old.get_model("core", "Park")
        User = old.get_model("accounts", "User")
        Membership = old.get_model("accounts", "Membership")
        Unit = old.get_model("promotion", "PromotionUnit")
        Member = old.get_model("promotion", "PromotionUnitMember")
        park = Park.objects.create(
            name="迁移园区", name_pinyin="qianyi", short_name="迁移", code="mig", region="321300"
        )
        unit = Unit._default_manager.create(park=park, code="FJ-M", name="迁移分局", kind="bureau")
        moved, already, without = (User.objects.create(username=n) for n in ("a", "b", "c"))
        for user in (moved, already, without):
            Membership.objects.create(
                user=user,
                role="promotion_officer",
                park=park,
                promotion_unit=None if user is without else unit,
            )
        Member._default_manager.create(park=park, unit=unit, user=already)
    finally:
        new = migrate(AFTER)
    Member = new.get_model("promotion", "PromotionUnitMember")
    rows = Member._default_manager.values_list("park_id", "unit_id", "user__username")
    assert sorted(rows) == [(park.pk, unit.pk, "a"), (park.pk, unit.pk, "b")]
    membership_fields = {f.name for f in new.get_model("accounts", "Membership")._meta.fields}
    assert "promotion_unit" not in membership_fields
