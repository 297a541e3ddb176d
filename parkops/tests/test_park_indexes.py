"""``park`` leads every index of a park-scoped table (ARCHITECTURE.md §4), so
each index serves one park's rows and a deployment can distribute the tables
by park (docs/scaling.md)."""

import pytest
from django.apps import apps
from django.db import connection, models

from parkops.core.scoping import ParkScopedModel

PARK_SCOPED = [m for m in apps.get_models() if issubclass(m, ParkScopedModel)]
# Not led by park, on purpose: enterprise search's trigram GIN indexes on
# PostgreSQL (a pattern like %x% needs one per column; a btree column cannot
# lead a GIN index without the btree_gin extension). See docs/scaling.md.
UNLED = {"enterprise_trgm_name", "enterprise_trgm_former_names", "enterprise_trgm_uscc"}
UNLED |= {"enterprise_trgm_name_pinyin", "enterprise_trgm_name_initials"}


@pytest.mark.parametrize("model", PARK_SCOPED, ids=lambda m: m._meta.label)
def test_park_leads_every_declared_index_and_unique_constraint(model):
    for index in model._meta.indexes:
        assert index.fields[0] == "park", index.name
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert constraint.fields[0] == "park", constraint.name
    for field in model._meta.local_fields:
        if field.name != "park" and not field.primary_key:
            # A foreign key's own index would be led by another column.
            assert not field.db_index and not field.unique, field.name


@pytest.mark.django_db
@pytest.mark.parametrize("model", PARK_SCOPED, ids=lambda m: m._meta.label)
def test_park_leads_every_index_in_the_database(model):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    for name, info in found.items():
        if info["primary_key"] or info["check"] or name in UNLED:
            continue
        if info["index"] or info["unique"]:
            assert info["columns"][0] == "park_id", (name, info["columns"])
