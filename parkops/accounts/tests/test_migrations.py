"""A membership's unit (``Membership.promotion_unit``, dropped) becomes the unit's
member record, so that nobody loses the unit they worked in; and a new database
migrates accounts, part of the platform, without the promotion app.

A new database runs accounts' squashed migration (0002–0007 in one, the field
never there); one part-way through 0002–0007 finishes with them, and 0007
copies each membership's unit into the unit's members before dropping the field.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

SQUASHED = ("accounts", "0002_initial_squashed_0007_remove_membership_promotion_unit")
BEFORE = [("accounts", "0006_name_pinyin"), ("promotion", "0004_name_pinyin")]


def migrate(targets):
    """Migrate to ``targets``; the models as the database then has them."""
    MigrationExecutor(connection).migrate(targets)
    executor = MigrationExecutor(connection)
    return executor._create_project_state(with_applied_migrations=True).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


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
                promotion_unit=None if user is without else unit.pk,
            )
        Member._default_manager.create(park=park, unit=unit, user=already)
    finally:
        new = migrate(latest())
    Member = new.get_model("promotion", "PromotionUnitMember")
    rows = Member._default_manager.values_list("park_id", "unit_id", "user__username")
    assert sorted(rows) == [(park.pk, unit.pk, "a"), (park.pk, unit.pk, "b")]
    membership_fields = {f.name for f in new.get_model("accounts", "Membership")._meta.fields}
    assert "promotion_unit" not in membership_fields
    # Through the replaced migrations to the end: the database counts as squashed.
    assert SQUASHED in MigrationLoader(connection).applied_migrations


def test_a_new_database_migrates_accounts_before_and_without_promotion():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    accounts = max(key for key in graph.leaf_nodes() if key[0] == "accounts")
    plan = graph.forwards_plan(accounts)
    assert SQUASHED in plan
    assert not [key for key in plan if key[0] == "promotion"]
    # promotion depends on accounts, not the other way.
    assert SQUASHED in graph.forwards_plan(("promotion", "0005_unit_members_from_memberships"))
