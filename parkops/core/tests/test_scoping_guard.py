"""A park-scoped query that forgot its scope fails loudly instead of leaking."""

import pytest

from parkops.core.permissions import Role
from parkops.core.scoping import ScopeError
from parkops.core.testing import grant, make_enterprise, make_park, make_user
from parkops.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        lambda: list(Enterprise.objects.all()),
        lambda: Enterprise.objects.count(),
        lambda: Enterprise.objects.exists(),
        lambda: Enterprise.objects.filter(name="x").first(),
        lambda: Enterprise.objects.get(pk=1),
        lambda: Enterprise.objects.update(name="x"),
        lambda: Enterprise.objects.all().delete(),
        lambda: list(Enterprise.objects.values_list("name")),
    ],
    ids=["list", "count", "exists", "first", "get", "update", "delete", "values_list"],
)
def test_unscoped_query_raises(query):
    with pytest.raises(ScopeError):
        query()


def test_restrict_returns_only_parks_where_the_role_grants_the_action():
    park_a, park_b, park_c = make_park(), make_park(), make_park()
    ours, theirs, third = make_enterprise(park_a), make_enterprise(park_b), make_enterprise(park_c)
    user = make_user(Role.SERVICE_OFFICER, park=park_a)
    grant(user, Role.PARK_ADMIN, park=park_b)  # a park admin has no enterprise rights
    assert list(Enterprise.objects.restrict(user, "view")) == [ours]
    assert list(Enterprise.objects.restrict(user, "change")) == [ours]
    assert theirs not in Enterprise.objects.restrict(user, "view")
    assert third not in Enterprise.objects.restrict(user, "view")


def test_reader_role_cannot_change():
    park = make_park()
    make_enterprise(park)
    leader = make_user(Role.PARK_LEADER, park=park)
    assert Enterprise.objects.restrict(leader, "view").count() == 1
    assert Enterprise.objects.restrict(leader, "change").count() == 0


def test_inactive_user_sees_nothing():
    park = make_park()
    make_enterprise(park)
    user = make_user(Role.PARK_LEADER, park=park, is_active=False)
    assert Enterprise.objects.restrict(user, "view").count() == 0


def test_scope_survives_chaining_and_subqueries():
    park_a, park_b = make_park(), make_park()
    ours = make_enterprise(park_a, name="甲")
    make_enterprise(park_b, name="甲")
    user = make_user(Role.PARK_LEADER, park=park_a)
    chained = Enterprise.objects.restrict(user).filter(name="甲").order_by("pk").distinct()
    assert list(chained) == [ours]
