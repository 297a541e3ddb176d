"""A park-scoped query that forgot its scope fails loudly instead of leaking."""

import pytest
from asgiref.sync import async_to_sync
from django.db.models import Exists, Max, OuterRef, Prefetch, Subquery

from parkops.core.permissions import Role
from parkops.core.scoping import ScopeError
from parkops.core.testing import grant, make_park, make_user
from parkops.enterprises.models import Contact, Enterprise
from parkops.enterprises.testing import make_contact, make_enterprise

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


# The doors an attack run found open (issue #8, item 6): each test is the call
# that leaked, which now refuses to run or returns only what the user may see.


@pytest.fixture
def two_parks():
    park_a, park_b = make_park(), make_park()
    ours = make_contact(park_a, name="本园联系人")
    theirs = make_contact(park_b, name="他园联系人")
    leader = make_user(Role.PARK_LEADER, park=park_a)
    finance = make_user(Role.FINANCE_OFFICER, park=park_a)  # reads enterprises, not contacts
    return {"ours": ours, "theirs": theirs, "leader": leader, "finance": finance}


@pytest.mark.parametrize("scope", ["none", "restricted"])
def test_raw_sql_runs_only_after_unscoped(two_parks, scope):
    queryset = Contact.objects.all()
    if scope == "restricted":
        # The restriction would not reach hand-written SQL: refused as well.
        queryset = Contact.objects.restrict(two_parks["leader"])
    with pytest.raises(ScopeError):
        list(queryset.raw("SELECT * FROM enterprises_contact"))


def test_unscoped_raw_still_runs(two_parks):
    rows = Contact.objects.unscoped().raw("SELECT * FROM enterprises_contact")
    assert {c.pk for c in rows} == {two_parks["ours"].pk, two_parks["theirs"].pk}


def _collect(queryset):
    async def collect():
        return [obj async for obj in queryset.aiterator()]

    return async_to_sync(collect)()


def test_aiterator_without_scope_raises(two_parks):
    with pytest.raises(ScopeError):
        _collect(Contact.objects.all())


def test_restricted_aiterator_returns_only_own_rows(two_parks):
    assert _collect(Contact.objects.restrict(two_parks["leader"])) == [two_parks["ours"]]


_SUBQUERY_ATTACKS = {
    # Another park's data copied into each of the user's own rows.
    "subquery": lambda qs, inner: qs.annotate(
        leaked=Subquery(inner.order_by("-pk").values("name")[:1])
    ),
    # Existence oracles: which own enterprises have a contact the user may not read.
    "in": lambda qs, inner: qs.filter(pk__in=inner.values("enterprise_id")),
    "exists": lambda qs, inner: qs.filter(Exists(inner.filter(enterprise=OuterRef("pk")))),
    "union": lambda qs, inner: qs.values("name").union(inner.values("name")),
}


@pytest.mark.parametrize("attack", _SUBQUERY_ATTACKS.values(), ids=_SUBQUERY_ATTACKS.keys())
def test_unscoped_subquery_inside_a_restricted_query_raises(two_parks, attack):
    restricted = Enterprise.objects.restrict(two_parks["finance"])
    with pytest.raises(ScopeError):
        list(attack(restricted, Contact.objects.all()))


def test_restricted_subquery_sees_only_what_the_user_may_read(two_parks):
    finance, leader = two_parks["finance"], two_parks["leader"]

    def attack(user):
        inner = Contact.objects.restrict(user)
        return _SUBQUERY_ATTACKS["subquery"](Enterprise.objects.restrict(user), inner)

    assert [e.leaked for e in attack(finance)] == [None]
    assert [e.leaked for e in attack(leader)] == ["本园联系人"]


def test_combining_a_restricted_queryset_with_an_unscoped_one_raises(two_parks):
    restricted = Contact.objects.restrict(two_parks["leader"])
    with pytest.raises(ScopeError):
        list(restricted | Contact.objects.all())


def test_prefetch_from_a_restricted_query_applies_the_users_rights(two_parks):
    enterprises = Enterprise.objects.restrict(two_parks["finance"]).prefetch_related("contacts")
    assert [list(e.contacts.all()) for e in enterprises] == [[]]


def test_prefetch_gives_readers_their_own_contacts(two_parks):
    enterprises = Enterprise.objects.restrict(two_parks["leader"]).prefetch_related("contacts")
    assert [list(e.contacts.all()) for e in enterprises] == [[two_parks["ours"]]]


def test_prefetch_with_an_unscoped_queryset_raises(two_parks):
    lookup = Prefetch("contacts", queryset=Contact.objects.all())
    with pytest.raises(ScopeError):
        list(Enterprise.objects.restrict(two_parks["leader"]).prefetch_related(lookup))


_REVERSE_JOIN_ATTACKS = {
    # A related model's columns read through a join from the user's own rows.
    "values": lambda qs: list(qs.values("contacts__name")),
    "values_list": lambda qs: list(qs.values_list("contacts__phone", flat=True)),
    "annotate": lambda qs: [e.leaked for e in qs.annotate(leaked=Max("contacts__name"))],
    # An existence oracle through the same join.
    "filter": lambda qs: qs.filter(contacts__name__startswith="本").count(),
}


@pytest.mark.parametrize("attack", _REVERSE_JOIN_ATTACKS.values(), ids=_REVERSE_JOIN_ATTACKS.keys())
def test_a_join_into_a_related_model_the_user_may_not_read_raises(two_parks, attack):
    with pytest.raises(ScopeError):
        attack(Enterprise.objects.restrict(two_parks["finance"]))


def test_a_join_into_a_related_model_the_user_may_read_runs(two_parks):
    enterprises = Enterprise.objects.restrict(two_parks["leader"])
    assert list(enterprises.values_list("contacts__name", flat=True)) == ["本园联系人"]


def test_a_join_from_rows_the_user_may_change_into_rows_they_may_read_runs(two_parks):
    statistics = make_user(Role.STATISTICS_OFFICER, park=two_parks["ours"].park)
    enterprises = Enterprise.objects.restrict(statistics, "change")  # contacts: read only
    assert list(enterprises.values_list("contacts__name", flat=True)) == ["本园联系人"]


def test_related_manager_of_a_restricted_object_applies_the_users_rights(two_parks):
    enterprise = Enterprise.objects.restrict(two_parks["finance"]).get()
    assert list(enterprise.contacts.all()) == []
    assert enterprise.contacts.count() == 0


def test_related_manager_of_a_reader_returns_their_contacts(two_parks):
    enterprise = Enterprise.objects.restrict(two_parks["leader"]).get()
    assert list(enterprise.contacts.all()) == [two_parks["ours"]]


def test_related_manager_of_an_object_of_unknown_scope_raises(two_parks):
    enterprise = two_parks["ours"].enterprise  # a forward relation: no scope of its own
    with pytest.raises(ScopeError):
        list(enterprise.contacts.all())
    assert list(enterprise.contacts.restrict(two_parks["finance"])) == []
    assert list(enterprise.contacts.unscoped()) == [two_parks["ours"]]


def test_related_manager_of_an_unscoped_object_is_unscoped(two_parks):
    enterprise = Enterprise.objects.unscoped().get(pk=two_parks["theirs"].enterprise_id)
    assert list(enterprise.contacts.all()) == [two_parks["theirs"]]


def test_djangos_own_unique_checks_still_run_through_the_default_manager():
    """The default manager stays plain on the model: a duplicate credit code is a
    validation error for the user, not a ScopeError (a 500)."""
    from django.core.exceptions import ValidationError

    park = make_park()
    first = make_enterprise(park)
    duplicate = Enterprise(park=park, name="重复企业", uscc=first.uscc)
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    (constraint,) = Enterprise._meta.constraints
    assert refused.value.messages == [str(constraint.violation_error_message)]
