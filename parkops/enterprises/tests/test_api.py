import pytest
from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import (
    audit_entries,
    grant,
    make_industry,
    make_park,
    make_token,
    make_user,
    sign_in,
)
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise, random_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    park = make_park()
    user = make_user(Role.SERVICE_OFFICER, park=park)
    user.park = park
    return user


def auth(user, **kw):
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user, **kw)}"}


def test_create_through_the_api_is_audited(client, officer):
    body = {"name": "接口创建有限公司", "uscc": random_uscc(), "registered_region": "321300"}
    response = client.post(
        reverse("api:enterprise_list"), body, content_type="application/json", **auth(officer)
    )
    assert response.status_code == 201, response.content
    created = Enterprise.objects.unscoped().get(pk=response.json()["id"])
    assert created.park == officer.park
    assert audit_entries(created, action=AuditEntry.Action.CREATE).get().actor == officer


def test_invalid_credit_code_gives_a_field_error_and_changes_nothing(client, officer):
    body = {"name": "错误代码有限公司", "uscc": "91321300MA1234567X"}
    response = client.post(
        reverse("api:enterprise_list"), body, content_type="application/json", **auth(officer)
    )
    assert response.status_code == 422
    assert "uscc" in response.json()["errors"]
    assert not Enterprise.objects.unscoped().filter(name="错误代码有限公司").exists()


def test_park_cannot_be_set_in_the_body(client, officer):
    other = make_park()
    body = {"name": "越界有限公司", "status": "prospect", "park_id": other.pk, "park": other.pk}
    response = client.post(
        reverse("api:enterprise_list"), body, content_type="application/json", **auth(officer)
    )
    assert response.status_code == 201
    assert Enterprise.objects.unscoped().get(name="越界有限公司").park == officer.park


def test_create_in_a_park_outside_scope_is_refused(client, officer):
    other = make_park()
    response = client.post(
        reverse("api:enterprise_list") + f"?park={other.pk}",
        {"name": "外园有限公司", "status": "prospect"},
        content_type="application/json",
        **auth(officer),
    )
    assert response.status_code == 403
    assert not Enterprise.objects.unscoped().filter(name="外园有限公司").exists()


def test_multi_park_user_must_say_which_park(client, officer):
    grant(officer, Role.SERVICE_OFFICER, park=make_park())
    response = client.post(
        reverse("api:enterprise_list"),
        {"name": "哪个园有限公司", "status": "prospect"},
        content_type="application/json",
        **auth(officer),
    )
    assert response.status_code == 422
    assert "park" in response.json()["errors"]


def test_industry_of_another_park_in_the_body_is_refused(client, officer):
    foreign = make_industry(make_park())
    response = client.post(
        reverse("api:enterprise_list"),
        {"name": "引用外园产业", "status": "prospect", "industry_id": foreign.pk},
        content_type="application/json",
        **auth(officer),
    )
    assert response.status_code == 422
    assert "industry_id" in response.json()["errors"]


def test_update_changes_only_the_sent_fields(client, officer):
    enterprise = make_enterprise(officer.park, name="原名有限公司", above_scale=True)
    response = client.patch(
        reverse("api:enterprise_detail", args=[enterprise.pk]),
        {"name": "新名有限公司"},
        content_type="application/json",
        **auth(officer),
    )
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.name == "新名有限公司"
    assert enterprise.above_scale is True


def test_above_scale_status_is_the_statistics_offices_to_change(client, officer):
    """ROLES.md: the statistics officer writes above-scale status; a service
    officer (who may edit enterprises) may not."""
    enterprise = make_enterprise(officer.park)
    url = reverse("api:enterprise_detail", args=[enterprise.pk])
    body = {"above_scale": True, "above_scale_since": "2026-06-30"}
    response = client.patch(url, body, content_type="application/json", **auth(officer))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"above_scale", "above_scale_since"}
    enterprise.refresh_from_db()
    assert enterprise.above_scale is False
    statistics = make_user(Role.STATISTICS_OFFICER, park=officer.park)
    response = client.patch(url, body, content_type="application/json", **auth(statistics))
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.above_scale is True


def test_reader_cannot_update(client):
    park = make_park()
    leader = make_user(Role.PARK_LEADER, park=park)
    enterprise = make_enterprise(park)
    response = client.patch(
        reverse("api:enterprise_detail", args=[enterprise.pk]),
        {"name": "改名"},
        content_type="application/json",
        **auth(leader),
    )
    assert response.status_code == 403


def test_read_only_token_cannot_write(client, officer):
    response = client.post(
        reverse("api:enterprise_list"),
        {"name": "只读有限公司", "status": "prospect"},
        content_type="application/json",
        **auth(officer, read_only=True),
    )
    assert response.status_code == 403


def test_list_filters_with_the_pages_filterset(client, officer):
    wanted = make_enterprise(officer.park, name="苏州宿迁电子有限公司")
    make_enterprise(officer.park, name="泗洪精密机械有限公司")
    response = client.get(reverse("api:enterprise_list"), {"q": "szsq"}, **auth(officer))
    assert [item["id"] for item in response.json()["items"]] == [wanted.pk]


def test_bad_filter_value_is_a_field_error(client, officer):
    response = client.get(reverse("api:enterprise_list"), {"status": "nonsense"}, **auth(officer))
    assert response.status_code == 422
    assert "status" in response.json()["errors"]


def test_contact_phone_is_masked_in_the_api(client, officer):
    from parkops.enterprises.testing import make_contact

    contact = make_contact(officer.park, phone="13812341234")
    response = client.get(
        reverse("api:enterprise_detail", args=[contact.enterprise_id]), **auth(officer)
    )
    assert "13812341234" not in response.content.decode()
    assert response.json()["contacts"][0]["phone_masked"] == "138****1234"


def test_roles_that_may_not_read_contacts_get_none_through_the_api(client, officer):
    from parkops.enterprises.testing import make_contact

    contact = make_contact(officer.park)
    finance = make_user(Role.FINANCE_OFFICER, park=officer.park)
    response = client.get(
        reverse("api:enterprise_detail", args=[contact.enterprise_id]), **auth(finance)
    )
    assert response.status_code == 200 and response.json()["contacts"] == []


def test_session_auth_write_needs_csrf(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, officer)
    response = client.post(
        reverse("api:enterprise_list"),
        {"name": "无令牌有限公司", "status": "prospect"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Enterprise.objects.unscoped().filter(name="无令牌有限公司").exists()


def test_openapi_schema_and_docs_are_served(client, officer):
    schema = client.get("/api/openapi.json").json()
    operation_ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"enterprise_list", "enterprise_add", "park_list", "promotionunit_list"} <= operation_ids
    sign_in(client, officer)
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_dropping_out_of_above_scale_keeps_its_start_and_records_its_end(client, officer):
    """Past report cards count an enterprise that was above-scale then: unticking
    above-scale must not erase the day it became so (review of #12)."""
    import datetime

    enterprise = make_enterprise(
        officer.park,
        settled_on=datetime.date(2020, 1, 1),
        above_scale=True,
        above_scale_since=datetime.date(2022, 3, 1),
    )
    statistics = make_user(Role.STATISTICS_OFFICER, park=officer.park)
    url = reverse("api:enterprise_detail", args=[enterprise.pk])
    response = client.patch(
        url, {"above_scale": False}, content_type="application/json", **auth(statistics)
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"above_scale_until"}
    body = {"above_scale": False, "above_scale_until": "2024-12-31"}
    response = client.patch(url, body, content_type="application/json", **auth(statistics))
    assert response.status_code == 200, response.content
    assert response.json()["above_scale_since"] == "2022-03-01"
    assert response.json()["above_scale_until"] == "2024-12-31"
    enterprise.refresh_from_db()
    assert (enterprise.above_scale, enterprise.above_scale_since) == (
        False,
        datetime.date(2022, 3, 1),
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "prospect", "uscc": "", "above_scale": True}, "above_scale"),
        (
            {
                "above_scale": True,
                "above_scale_since": "2022-03-01",
                "above_scale_until": "2023-12-31",
            },
            "above_scale_until",
        ),
        (
            {
                "above_scale": False,
                "above_scale_since": "2023-03-01",
                "above_scale_until": "2022-12-31",
            },
            "above_scale_until",
        ),
        ({"above_scale": False, "above_scale_until": "2022-12-31"}, "above_scale_since"),
    ],
)
def test_above_scale_dates_must_describe_one_settled_enterprises_spell(
    client, officer, fields, field
):
    statistics = make_user(Role.STATISTICS_OFFICER, park=officer.park)
    body = {"name": "规上检查有限公司", "uscc": random_uscc(), **fields}
    response = client.post(
        reverse("api:enterprise_list"), body, content_type="application/json", **auth(statistics)
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
