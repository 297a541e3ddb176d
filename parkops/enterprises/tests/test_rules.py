"""Rules of the enterprise register, enforced in the write path and refused,
with their Chinese message and nothing changed, through the service, the page,
the API and (where the column is importable) an import.

An enterprise's commissioner (服务专员) is a service officer of the enterprise's
park; the import cannot name a commissioner (the register has no such column).
An enterprise's industry is one of its park's.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_industry, make_park, make_token, make_user, sign_in
from parkops.enterprises import services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise

pytestmark = pytest.mark.django_db
REFUSED = "服务专员须为本园区的企业服务专员。"


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    """A service officer: may write enterprises and set their commissioner."""
    return make_user(Role.SERVICE_OFFICER, park=park)


@pytest.fixture
def enterprise(park):
    return make_enterprise(park)


def not_service_officers_of(park):
    """Everyone who is not a service officer of ``park``, one per reason."""
    other = make_park()
    return {
        "finance officer of another park": make_user(Role.FINANCE_OFFICER, park=other),
        "service officer of another park": make_user(Role.SERVICE_OFFICER, park=other),
        "promotion officer of this park": make_user(Role.PROMOTION_OFFICER, park=park),
    }


def state(enterprise):
    stored = Enterprise.objects.unscoped().get(pk=enterprise.pk)
    return stored.commissioner_id, Enterprise.objects.unscoped().count(), AuditEntry.objects.count()


def test_the_service_refuses_anyone_but_a_service_officer_of_the_park(park, officer, enterprise):
    for reason, candidate in not_service_officers_of(park).items():
        before = state(enterprise)
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            services.enterprise_update(enterprise=enterprise, actor=officer, commissioner=candidate)
        assert refused.value.message_dict == {"commissioner": [REFUSED]}, reason
        assert state(enterprise) == before, reason


def test_the_service_refuses_it_when_creating_too(park, officer):
    stranger = make_user(Role.FINANCE_OFFICER, park=make_park())
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.enterprise_create(
            park=park,
            actor=officer,
            name="专员越界有限公司",
            status="prospect",
            commissioner=stranger,
        )
    assert refused.value.message_dict == {"commissioner": [REFUSED]}
    assert not Enterprise.objects.unscoped().exists()
    assert not AuditEntry.objects.exists()


def test_a_service_officer_of_the_park_becomes_commissioner(park, officer, enterprise):
    colleague = make_user(Role.SERVICE_OFFICER, park=park)
    services.enterprise_update(enterprise=enterprise, actor=officer, commissioner=colleague)
    assert Enterprise.objects.unscoped().get(pk=enterprise.pk).commissioner == colleague


def test_a_commissioner_who_has_left_does_not_block_other_edits(park, officer, enterprise):
    colleague = make_user(Role.SERVICE_OFFICER, park=park)
    services.enterprise_update(enterprise=enterprise, actor=officer, commissioner=colleague)
    colleague.memberships.all().delete()
    services.enterprise_update(enterprise=enterprise, actor=officer, name="改名后有限公司")
    stored = Enterprise.objects.unscoped().get(pk=enterprise.pk)
    assert (stored.name, stored.commissioner) == ("改名后有限公司", colleague)


def test_the_page_refuses_it_with_the_same_message(client, park, officer, enterprise):
    stranger = make_user(Role.FINANCE_OFFICER, park=make_park())
    sign_in(client, officer)
    before = state(enterprise)
    response = client.post(
        reverse("enterprises:enterprise_edit", args=[enterprise.pk]),
        {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "status": enterprise.status,
            "commissioner": stranger.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["commissioner"] == [REFUSED]
    assert state(enterprise) == before


def test_the_api_refuses_it_with_the_same_message(client, park, officer, enterprise):
    stranger = make_user(Role.FINANCE_OFFICER, park=make_park())
    token = make_token(officer)
    before = state(enterprise)
    response = client.patch(
        reverse("api:enterprise_detail", args=[enterprise.pk]),
        {"commissioner_id": stranger.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"commissioner": [REFUSED]}
    assert state(enterprise) == before


# An enterprise's industry is one of its park's industries (Enterprise.clean):
# the service refuses another park's; the page and the API only offer, and
# resolve, the park's own, and the import finds no such code in the park.
INDUSTRY_REFUSED = "请选择本园区的产业。"


def industry_state(enterprise):
    stored = Enterprise.objects.unscoped().get(pk=enterprise.pk)
    return stored.industry_id, AuditEntry.objects.count()


def test_the_service_refuses_another_parks_industry(officer, enterprise):
    foreign = make_industry(make_park())
    before = industry_state(enterprise)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.enterprise_update(enterprise=enterprise, actor=officer, industry=foreign)
    assert refused.value.message_dict == {"industry": [INDUSTRY_REFUSED]}
    assert industry_state(enterprise) == before


def test_the_page_refuses_another_parks_industry(client, officer, enterprise):
    foreign = make_industry(make_park())
    sign_in(client, officer)
    before = industry_state(enterprise)
    response = client.post(
        reverse("enterprises:enterprise_edit", args=[enterprise.pk]),
        {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "status": enterprise.status,
            "industry": foreign.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["industry"] == [
        "选择一个有效的选项： 该选择不在可用的选项中。"
    ]
    assert industry_state(enterprise) == before


def test_the_api_refuses_another_parks_industry(client, officer, enterprise):
    foreign = make_industry(make_park())
    before = industry_state(enterprise)
    response = client.patch(
        reverse("api:enterprise_detail", args=[enterprise.pk]),
        {"industry_id": foreign.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {make_token(officer)}",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"industry_id": ["本园区没有该记录。"]}
    assert industry_state(enterprise) == before


def test_the_import_refuses_another_parks_industry(park, officer, enterprise):
    from parkops.core.exchange.importer import run_import
    from parkops.core.exchange.spec import get_spec
    from parkops.core.testing import xlsx_bytes

    make_industry(make_park(), code="FOREIGN")
    before = industry_state(enterprise)
    rows = [
        ["企业名称", "统一社会信用代码", "状态", "产业"],
        [enterprise.name, enterprise.uscc, "在园企业", "FOREIGN"],
    ]
    with translation.override("zh-hans"):
        outcome = run_import(
            spec=get_spec("enterprises"),
            actor=officer,
            park=park,
            data=xlsx_bytes(rows),
            file_name="企业.xlsx",
            commit=True,
        )
    assert [(p.column, p.message) for p in outcome.problems] == [("D", "本园区没有产业“FOREIGN”。")]
    assert outcome.batch is None
    assert industry_state(enterprise) == before
