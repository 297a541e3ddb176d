"""The bulk inserts prepare each value exactly as Django's ``get_db_prep_save``."""

import datetime

import pytest
from django.db import connection
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from parkops.core.inserts import preparer
from parkops.core.models import AuditEntry, ImportItem
from parkops.enterprises.models import Enterprise

VALUES = st.one_of(
    st.none(),
    st.text(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from(
        [mark_safe("<b>安全</b>"), gettext_lazy("Import"), Enterprise.Status.SETTLED, 0, 1, ""]
    ),
)
FIELDS = [
    field
    for model in (AuditEntry, ImportItem, Enterprise)
    for field in model._meta.concrete_fields
    if field.get_internal_type() in ("CharField", "TextField", "BooleanField", "ForeignKey")
]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.model.__name__}.{f.name}")
@given(value=VALUES)
def test_a_text_or_boolean_value_is_prepared_as_django_prepares_it(field, value):
    try:
        expected = field.get_db_prep_save(value, connection)
    except Exception as error:  # refused the same way (a boolean field given text)
        with pytest.raises(type(error)):
            preparer(field, connection)(value)
        return
    prepared = preparer(field, connection)(value)
    assert prepared == expected and type(prepared) is type(expected)


def test_other_fields_go_through_django():
    field = Enterprise._meta.get_field("settled_on")
    day = datetime.date(2024, 5, 1)
    assert preparer(field, connection)(day) == field.get_db_prep_save(day, connection)
    seq = AuditEntry._meta.get_field("seq")
    assert preparer(seq, connection)(7) == seq.get_db_prep_save(7, connection)


@pytest.mark.django_db
def test_an_audit_entry_made_for_a_bulk_write_is_the_one_init_makes():
    from parkops.core.audit import new_entry
    from parkops.core.permissions import Role
    from parkops.core.testing import make_park, make_user

    park = make_park()
    actor = make_user(Role.STATISTICS_OFFICER, park=park)
    for who, where in ((actor, park), (None, None)):
        values = {
            "time": datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC),
            "actor_name": "张三",
            "action": AuditEntry.Action.CREATE,
            "object_type": "enterprises.enterprise",
            "object_id": "7",
            "object_repr": "某公司",
            "before": None,
            "after": {"name": "某公司"},
            "request_id": "",
            "client_ip": None,
        }
        fast = new_entry(actor=who, park=where, **values)
        slow = AuditEntry(actor=who, park=where, **values)
        state = lambda entry: {k: v for k, v in vars(entry).items() if k != "_state"}  # noqa: E731
        assert state(fast) == state(slow)
        assert fast._state.fields_cache == slow._state.fields_cache
        assert (fast._state.adding, fast._state.db) == (slow._state.adding, slow._state.db)
        assert (fast.actor, fast.park) == (who, where)


@pytest.mark.django_db
def test_a_snapshot_of_a_wrapped_object_is_the_objects():
    from django.utils.functional import SimpleLazyObject

    from parkops.core.audit import snapshot
    from parkops.core.permissions import Role
    from parkops.core.testing import make_park, make_user

    user = make_user(Role.STATISTICS_OFFICER, park=make_park())
    assert snapshot(SimpleLazyObject(lambda: user)) == snapshot(user)  # as request.user comes
