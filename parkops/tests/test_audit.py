"""The audit trail: each write leaves one entry; entries are append-only and
readable only by the audit administrator."""

import pytest
from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import audit_entries, make_park, make_user, sign_in
from parkops.enterprises import services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise

pytestmark = pytest.mark.django_db


def test_service_write_records_actor_park_before_and_after():
    park = make_park()
    officer = make_user(Role.SERVICE_OFFICER, park=park)
    enterprise = make_enterprise(park, name="旧名有限公司")
    services.enterprise_update(enterprise=enterprise, actor=officer, name="新名有限公司")
    entry = audit_entries(enterprise).get()
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == officer
    assert entry.park == park
    assert entry.before["name"] == "旧名有限公司"
    assert entry.after["name"] == "新名有限公司"
    assert ("name", "旧名有限公司", "新名有限公司") in entry.changed_fields


def test_unchanged_save_leaves_no_entry():
    park = make_park()
    officer = make_user(Role.SERVICE_OFFICER, park=park)
    enterprise = make_enterprise(park)
    services.enterprise_update(enterprise=enterprise, actor=officer, name=enterprise.name)
    assert not audit_entries(enterprise).exists()


def test_failed_write_leaves_neither_change_nor_entry():
    park = make_park()
    officer = make_user(Role.SERVICE_OFFICER, park=park)
    enterprise = make_enterprise(park, name="原名有限公司")
    with pytest.raises(Exception):  # noqa: B017 - any validation error will do
        services.enterprise_update(enterprise=enterprise, actor=officer, uscc="bad")
    enterprise.refresh_from_db()
    assert enterprise.name == "原名有限公司"
    assert not audit_entries(enterprise).exists()


def test_entries_cannot_be_updated_or_deleted_through_the_orm():
    park = make_park()
    services.enterprise_create(park=park, actor=SYSTEM, name="某有限公司", status="prospect")
    entry = AuditEntry.objects.first()
    entry.action = "delete"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_system_actor_is_recorded_as_system():
    park = make_park()
    created = services.enterprise_create(park=park, actor=SYSTEM, name="系统建", status="prospect")
    entry = audit_entries(created).get()
    assert entry.actor is None
    assert entry.actor_name == "system"


def test_request_id_and_client_ip_are_recorded(client):
    park = make_park()
    officer = make_user(Role.SERVICE_OFFICER, park=park)
    enterprise = make_enterprise(park)
    sign_in(client, officer)
    client.post(
        reverse("enterprises:contact_add", args=[enterprise.pk]),
        {"name": "李四", "phone": "13900001111"},
        REMOTE_ADDR="10.1.2.3",
    )
    entry = AuditEntry.objects.get(object_type="enterprises.contact")
    assert entry.client_ip == "10.1.2.3"
    assert len(entry.request_id) == 36


def test_audit_list_is_for_the_audit_admin_only(client):
    park = make_park()
    created = services.enterprise_create(
        park=park, actor=SYSTEM, name="审计可见", status="prospect"
    )
    auditor = make_user(Role.AUDIT_ADMIN)
    sign_in(client, auditor)
    entry = audit_entries(created).get()
    response = client.get(reverse("core:auditentry_list"))
    assert response.status_code == 200
    assert entry.get_absolute_url() in response.content.decode()
    assert client.get(reverse("core:auditentry_detail", args=[entry.pk])).status_code == 200

    for role, where in ((Role.PARK_LEADER, park), (Role.SYSTEM_ADMIN, None)):
        other = make_user(role, park=where)
        sign_in(client, other)
        assert client.get(reverse("core:auditentry_list")).status_code == 403
        # One entry is not found, as any record outside the user's scope (audited).
        assert client.get(reverse("core:auditentry_detail", args=[entry.pk])).status_code == 404


def test_audit_admin_cannot_open_business_pages(client):
    sign_in(client, make_user(Role.AUDIT_ADMIN))
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 403


def test_audit_list_filters_by_action(client):
    from parkops.core.services import park_create

    park = park_create(actor=SYSTEM, name="甲园区", short_name="甲", code="jia", region="321300")
    sign_in(client, make_user(Role.AUDIT_ADMIN))
    row = f"#{park.pk} 甲园区"  # the object column (the park filter lists every park)
    response = client.get(reverse("core:auditentry_list"), {"action": "login"})
    assert row not in response.content.decode()
    response = client.get(reverse("core:auditentry_list"), {"action": "create"})
    assert row in response.content.decode()


def test_every_enterprise_write_path_is_audited(client):
    park = make_park()
    officer = make_user(Role.SERVICE_OFFICER, park=park)
    sign_in(client, officer)
    client.post(
        reverse("enterprises:enterprise_add"),
        {"name": "新企业有限公司", "status": "prospect"},
    )
    enterprise = Enterprise.objects.unscoped().get(name="新企业有限公司")
    assert audit_entries(enterprise, action="create").count() == 1


def test_audit_api_is_read_only_and_for_the_audit_admin(client):
    from parkops.core.testing import make_token

    park = make_park()
    created = services.enterprise_create(
        park=park, actor=SYSTEM, name="接口审计", status="prospect"
    )
    auditor = make_user(Role.AUDIT_ADMIN)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(auditor)}"}
    response = client.get(
        reverse("api:auditentry_list"), {"object_type": "enterprises.enterprise"}, **headers
    )
    assert response.status_code == 200
    assert response.json()["items"][0]["object_id"] == str(created.pk)
    entry_id = response.json()["items"][0]["id"]
    detail = reverse("api:auditentry_detail", args=[entry_id])
    assert client.get(detail, **headers).json()["after"]["status"] == "prospect"
    assert client.post(reverse("api:auditentry_list"), {}, **headers).status_code == 405
    assert client.delete(detail, **headers).status_code == 405
    leader = make_user(Role.PARK_LEADER, park=park)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(leader)}"}
    assert client.get(reverse("api:auditentry_list"), **headers).status_code == 403
    assert client.get(detail, **headers).status_code == 404


def test_audit_admin_exports_the_filtered_log_and_the_export_is_audited(client):
    import io

    from openpyxl import load_workbook

    from parkops.core.services import park_create

    park_create(actor=SYSTEM, name="=HYPERLINK(1)", short_name="甲", code="a", region="321300")
    park_create(actor=SYSTEM, name="普通园区", short_name="乙", code="b", region="321300")
    auditor = make_user(Role.AUDIT_ADMIN)
    sign_in(client, auditor)
    response = client.get(reverse("core:auditentry_export"), {"action": "create"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" or rows[0][0] == "sequence"
    reprs = {row[6] for row in rows[1:]}
    assert "=HYPERLINK(1)" in reprs  # as text (test_workbook_formulas.py checks the type)
    assert "普通园区" in reprs
    export = AuditEntry.objects.get(action="export")
    assert export.actor == auditor
    assert export.after == {"filters": {"action": "create"}, "rows": 2}


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("core:auditentry_export", "/audit/export.xlsx"),
        ("core:auditentry_export_csv", "/audit/export.csv"),
    ],
)
def test_export_refused_to_other_roles_and_the_refusal_is_audited(client, name, path):
    park = make_park()
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    assert client.get(reverse(name)).status_code == 403
    denied = AuditEntry.objects.get(action="denied")
    assert denied.actor == leader
    assert path in denied.object_repr


def test_api_refusal_is_audited_with_the_token_owner(client):
    from parkops.core.testing import make_token

    leader = make_user(Role.PARK_LEADER, park=make_park())
    client.get(reverse("api:auditentry_list"), HTTP_AUTHORIZATION=f"Bearer {make_token(leader)}")
    assert AuditEntry.objects.get(action="denied").actor == leader


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ("", "10.0.0.1", "1.2.3.4", "10.0.0.1"),  # no proxy configured: header ignored
        ("10.0.0.1", "10.0.0.1", "1.2.3.4", "1.2.3.4"),
        ("10.0.0.1", "10.0.0.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # client-sent part skipped
        ("10.0.0.1", "10.0.0.9", "1.2.3.4", "10.0.0.9"),  # not from the proxy
        ("10.0.0.1", "10.0.0.1", "not-an-ip", "10.0.0.1"),
    ],
)
def test_client_address_behind_a_trusted_proxy(settings, trusted, remote, forwarded, expected):
    from django.test import RequestFactory

    from parkops.core.middleware import client_ip

    settings.PARKOPS_TRUSTED_PROXIES = frozenset(filter(None, trusted.split(",")))
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
