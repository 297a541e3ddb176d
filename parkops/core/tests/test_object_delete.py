"""``core.services.object_delete``: the one way a record is deleted — permission
DELETE on the record's park, the row re-read in the actor's scope, an audit
entry keeping the record as it was, all in one transaction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.services import object_delete
from parkops.core.testing import audit_entries, make_park, make_user
from parkops.core.tests.sample_app.models import Widget
from parkops.core.tests.sample_app.testing import make_widget

pytestmark = pytest.mark.django_db


@pytest.fixture
def park():
    return make_park()


def exists(widget) -> bool:
    return Widget.objects.unscoped().filter(pk=widget.pk).exists()


def test_deleting_removes_the_row_and_audits_it_as_it_was(park):
    admin = make_user(Role.PARK_ADMIN, park=park)
    widget = make_widget(park, name="要删的物件")
    object_delete(obj=widget, actor=admin)
    assert not exists(widget)
    entry = audit_entries(widget, action=AuditEntry.Action.DELETE).get()
    assert entry.actor == admin and entry.park_id == park.pk
    assert entry.before["name"] == "要删的物件" and not entry.after


@pytest.mark.parametrize("who", ["reader", "other park's admin", "nobody"])
def test_who_may_not_delete_is_refused_and_nothing_changes(park, who):
    actor = {
        "reader": lambda: make_user(Role.PARK_LEADER, park=park),
        "other park's admin": lambda: make_user(Role.PARK_ADMIN, park=make_park()),
        "nobody": make_user,
    }[who]()
    widget = make_widget(park)
    with pytest.raises(PermissionDenied):
        object_delete(obj=widget, actor=actor)
    assert exists(widget)
    assert not audit_entries(widget, action=AuditEntry.Action.DELETE).exists()


def test_a_rule_refusing_deletes_nothing_and_records_nothing(park):
    admin = make_user(Role.PARK_ADMIN, park=park)
    widget = make_widget(park)

    def still_in_use(obj):
        raise ValidationError("仍在使用")

    with pytest.raises(ValidationError):
        object_delete(obj=widget, actor=admin, check=still_in_use)
    assert exists(widget)
    assert not audit_entries(widget, action=AuditEntry.Action.DELETE).exists()


def test_a_record_already_gone_is_refused(park):
    admin = make_user(Role.PARK_ADMIN, park=park)
    widget = make_widget(park)
    object_delete(obj=widget, actor=admin)
    with pytest.raises(PermissionDenied):
        object_delete(obj=widget, actor=admin)
    assert audit_entries(widget, action=AuditEntry.Action.DELETE).count() == 1
