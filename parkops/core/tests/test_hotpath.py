"""``core.hotpath.rows``: the per-request reads give what the ORM gives."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from parkops.accounts.models import Membership, UserSession
from parkops.core import hotpath
from parkops.core.models import Industry
from parkops.core.permissions import Role
from parkops.core.testing import grant, make_park, make_user

pytestmark = pytest.mark.django_db


def as_dicts(instances):
    return sorted(
        (
            {f.attname: getattr(i, f.attname) for f in type(i)._meta.concrete_fields}
            for i in instances
        ),
        key=lambda row: row["id"],
    )


def test_rows_are_the_orms_rows_with_the_same_values_and_types():
    park = make_park()
    user = make_user(Role.PARK_LEADER, park=park)
    grant(user, Role.SERVICE_OFFICER, park=park)
    UserSession.objects.create(sid="a" * 32, user=user, ip="10.0.0.1")
    make_user(Role.PARK_LEADER, park=park)  # another user's rows are not read

    memberships = hotpath.rows(Membership, user=user.pk)
    assert as_dicts(memberships) == as_dicts(Membership.objects.filter(user=user))
    assert len(memberships) == 2
    found = hotpath.rows(UserSession, sid="a" * 32, user=user.pk)
    assert as_dicts(found) == as_dicts(UserSession.objects.filter(sid="a" * 32))
    assert found[0].created_at.tzinfo is not None  # converted as the ORM converts
    assert hotpath.rows(UserSession, sid="b" * 32, user=user.pk) == []
    (same,) = hotpath.rows(get_user_model(), pk=str(user.pk))  # the session keeps a string
    assert model_to_dict(same) == model_to_dict(user)
    assert same.is_active is True and same._state.adding is False


def test_park_scoped_models_are_read_only_through_restrict():
    with pytest.raises(TypeError, match="restrict"):
        hotpath.rows(Industry, park=1)
