"""Rules of the promotion structure, enforced in the write path and refused,
with their Chinese message and nothing changed, through the service, the page
and (where the column is importable) an import. The API is read-only for units.

Who may head and join a unit: the promotion officers of the unit's park (the
import has no head or member columns). A unit's parent is a unit of its park.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.promotion import services
from parkops.promotion.models import PromotionUnit, PromotionUnitMember
from parkops.promotion.testing import make_unit

pytestmark = pytest.mark.django_db
HEAD_REFUSED = "负责人须为本单元所在园区的招商人员。"
MEMBERS_REFUSED = "成员须为本单元所在园区的招商人员。"


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def admin(park):
    return make_user(Role.PARK_ADMIN, park=park)


@pytest.fixture
def unit(park):
    return make_unit(park)


def outsiders(park):
    other = make_park()
    return {
        "promotion officer of another park": make_user(Role.PROMOTION_OFFICER, park=other),
        "service officer of this park": make_user(Role.SERVICE_OFFICER, park=park),
    }


def state(unit):
    stored = PromotionUnit.objects.unscoped().get(pk=unit.pk)
    members = sorted(
        PromotionUnitMember.objects.unscoped().filter(unit=unit).values_list("user_id", flat=True)
    )
    return stored.head_id, members, AuditEntry.objects.count()


def test_the_service_refuses_a_head_from_outside_the_units_park(park, admin, unit):
    for reason, candidate in outsiders(park).items():
        before = state(unit)
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            services.unit_update(unit=unit, actor=admin, head=candidate)
        assert refused.value.message_dict == {"head": [HEAD_REFUSED]}, reason
        assert state(unit) == before, reason


def test_the_service_refuses_members_from_outside_the_units_park(park, admin, unit):
    colleague = make_user(Role.PROMOTION_OFFICER, park=park)
    for reason, candidate in outsiders(park).items():
        before = state(unit)
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            services.unit_update(unit=unit, actor=admin, members=[colleague, candidate])
        assert refused.value.message_dict == {"members": [MEMBERS_REFUSED]}, reason
        assert state(unit) == before, reason


def test_the_service_refuses_them_when_creating_too(park, admin):
    stranger = make_user(Role.PROMOTION_OFFICER, park=make_park())
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.unit_create(
            park=park,
            actor=admin,
            code="FJ-Z",
            name="越界分局",
            kind=PromotionUnit.Kind.BUREAU,
            head=stranger,
            members=[stranger],
        )
    assert refused.value.message_dict == {"head": [HEAD_REFUSED], "members": [MEMBERS_REFUSED]}
    assert not PromotionUnit.objects.unscoped().exists()
    assert not AuditEntry.objects.exists()


def test_promotion_officers_of_the_park_head_and_join_the_unit(park, admin, unit):
    head, member = (make_user(Role.PROMOTION_OFFICER, park=park) for _ in range(2))
    services.unit_update(unit=unit, actor=admin, head=head, members=[head, member])
    assert state(unit)[:2] == (head.pk, sorted([head.pk, member.pk]))


def test_a_member_who_has_left_does_not_block_other_edits(park, admin, unit):
    member = make_user(Role.PROMOTION_OFFICER, park=park)
    services.unit_update(unit=unit, actor=admin, head=member, members=[member])
    member.memberships.all().delete()
    services.unit_update(unit=unit, actor=admin, name="改名分局", head=member, members=[member])
    assert PromotionUnit.objects.unscoped().get(pk=unit.pk).name == "改名分局"
    assert state(unit)[:2] == (member.pk, [member.pk])


def test_the_page_refuses_them_with_the_same_messages(client, park, admin, unit):
    stranger = make_user(Role.PROMOTION_OFFICER, park=make_park())
    sign_in(client, admin)
    before = state(unit)
    response = client.post(
        reverse("promotion:promotionunit_edit", args=[unit.pk]),
        {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "head": stranger.pk,
            "members": [stranger.pk],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (errors["head"], errors["members"]) == ([HEAD_REFUSED], [MEMBERS_REFUSED])
    assert state(unit) == before


# A unit's parent is a unit of the same park (PromotionUnit.clean): the service
# refuses another park's, the page only offers the park's own, and the import
# finds no such code in the park.
PARENT_REFUSED = "请选择本园区的招商单元。"


def parent_state(unit):
    stored = PromotionUnit.objects.unscoped().get(pk=unit.pk)
    return stored.parent_id, AuditEntry.objects.count()


def test_the_service_refuses_a_parent_unit_of_another_park(admin, unit):
    foreign = make_unit(make_park())
    before = parent_state(unit)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.unit_update(unit=unit, actor=admin, parent=foreign)
    assert refused.value.message_dict == {"parent": [PARENT_REFUSED]}
    assert parent_state(unit) == before


def test_the_page_refuses_a_parent_unit_of_another_park(client, admin, unit):
    foreign = make_unit(make_park())
    sign_in(client, admin)
    before = parent_state(unit)
    response = client.post(
        reverse("promotion:promotionunit_edit", args=[unit.pk]),
        {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": foreign.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "选择一个有效的选项： 该选择不在可用的选项中。"
    ]
    assert parent_state(unit) == before


def test_the_import_refuses_a_parent_unit_of_another_park(park, admin, unit):
    from parkops.core.exchange.importer import run_import
    from parkops.core.exchange.spec import get_spec
    from parkops.core.testing import xlsx_bytes

    make_unit(make_park(), code="FOREIGN")
    before = parent_state(unit)
    rows = [["代码", "名称", "类型", "上级单元"], [unit.code, unit.name, "专业招商分局", "FOREIGN"]]
    with translation.override("zh-hans"):
        outcome = run_import(
            spec=get_spec("promotion-units"),
            actor=admin,
            park=park,
            data=xlsx_bytes(rows),
            file_name="招商单元.xlsx",
            commit=True,
        )
    assert [(p.column, p.message) for p in outcome.problems] == [
        ("D", "本园区没有上级单元“FOREIGN”。")
    ]
    assert outcome.batch is None
    assert parent_state(unit) == before
