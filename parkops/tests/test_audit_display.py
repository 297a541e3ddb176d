"""The audit log as its readers see it: in words a person reads, and without the
business data the audit administrator has no business reading (三员分立).

The page, the list, the API and the export all go through ``AuditReader``; the
tests check each path, because each was once a way around the others.
"""

import io
import json
import re

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from parkops.accounts import services as account_services
from parkops.core import audit
from parkops.core.audit_display import MASK, AuditReader, public_fields
from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import audit_entries, make_park, make_token, make_user, sign_in
from parkops.enterprises import services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import random_uscc

pytestmark = pytest.mark.django_db

NAME, NEW_NAME = "保密科技有限公司", "保密科技（宿迁）有限公司"


@pytest.fixture
def renamed():
    """An enterprise created and then renamed and settled: its entries hold the
    name, the credit code and the status."""
    park = make_park()
    uscc = random_uscc()
    enterprise = services.enterprise_create(
        park=park, actor=SYSTEM, name=NAME, uscc=uscc, status="prospect"
    )
    services.enterprise_update(enterprise=enterprise, actor=SYSTEM, name=NEW_NAME, status="settled")
    return enterprise, uscc


def _secrets(uscc):
    return (NAME, NEW_NAME, uscc)


def _auditor(client):
    auditor = make_user(Role.AUDIT_ADMIN, full_name="王审计")
    sign_in(client, auditor)
    return auditor


def _cells(response) -> list[str]:
    """The texts of the list's table cells."""
    html = response.content.decode()
    body = html[html.index("<tbody") :]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
    ]


def _export_text(response) -> str:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


# ------------------------------------------------- separation of duties (read side)
def test_auditor_reads_no_enterprise_name_or_credit_code_on_the_audit_pages(client, renamed):
    enterprise, uscc = renamed
    _auditor(client)
    update = audit_entries(enterprise, action="update").get()
    pages = [
        client.get(reverse("core:auditentry_list")),
        client.get(reverse("core:auditentry_detail", args=[update.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for secret in _secrets(uscc):
            assert secret not in html


def test_auditor_sees_which_fields_changed_and_the_values_of_public_ones(client, renamed):
    enterprise, _uscc = renamed
    _auditor(client)
    update = audit_entries(enterprise, action="update").get()
    html = client.get(reverse("core:auditentry_detail", args=[update.pk])).content.decode()
    assert "名称" in html  # the name changed: said, but not to what
    assert "保密" in html
    assert "目标企业" in html and "在园企业" in html  # status: public, shown by its label


def test_auditor_reads_no_enterprise_name_or_credit_code_in_the_api(client, renamed):
    enterprise, uscc = renamed
    auditor = make_user(Role.AUDIT_ADMIN)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(auditor)}"}
    listed = client.get(reverse("api:auditentry_list"), **headers)
    update = audit_entries(enterprise, action="update").get()
    detail = client.get(reverse("api:auditentry_detail", args=[update.pk]), **headers)
    for response in (listed, detail):
        assert response.status_code == 200
        body = json.dumps(response.json(), ensure_ascii=False)
        for secret in _secrets(uscc):
            assert secret not in body
    entry = detail.json()
    assert entry["before"]["name"] == MASK
    assert entry["after"]["status"] == "settled"
    assert entry["object_hidden"] is True


def test_auditor_export_holds_no_enterprise_name_or_credit_code(client, renamed):
    _enterprise, uscc = renamed
    _auditor(client)
    response = client.get(reverse("core:auditentry_export"))
    assert response.status_code == 200
    text = _export_text(response)
    for secret in _secrets(uscc):
        assert secret not in text
    assert "在园企业" in text  # the public status change is there


def test_page_api_and_export_hide_the_same_fields(client, renamed):
    enterprise, _uscc = renamed
    auditor = _auditor(client)
    update = audit_entries(enterprise, action="update").get()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(auditor)}"}
    api = client.get(reverse("api:auditentry_detail", args=[update.pk]), **headers).json()
    page = client.get(reverse("core:auditentry_detail", args=[update.pk])).context["shown"]
    assert [(c["key"], c["hidden"]) for c in api["changes"]] == [
        (c.key, c.hidden) for c in page.changes
    ]
    assert {c.key for c in page.changes if c.hidden} == {"name", "name_initials", "name_pinyin"}


def test_a_reader_who_may_read_the_record_sees_its_values(renamed):
    enterprise, _uscc = renamed
    leader = make_user(Role.PARK_LEADER, park=enterprise.park)
    update = audit_entries(enterprise, action="update").get()
    shown = AuditReader(leader).display(update)
    assert not any(change.hidden for change in shown.changes)
    assert shown.object_name == NEW_NAME


def test_a_leader_of_another_park_sees_the_values_masked(renamed):
    enterprise, _uscc = renamed
    outsider = make_user(Role.PARK_LEADER, park=make_park())
    shown = AuditReader(outsider).display(audit_entries(enterprise, action="update").get())
    assert shown.object_hidden
    assert {c.key for c in shown.changes if c.hidden} >= {"name"}


def test_every_declared_public_field_is_a_field_of_its_model():
    for model in apps.get_models():
        declared = getattr(model, "audit_public_fields", None)
        if declared is None:
            continue
        names = {f.name for f in model._meta.get_fields()} | {"__str__"}
        assert set(declared) <= names, model._meta.label
        assert public_fields(model) >= set(declared)


# ------------------------------------------------------ a log a person can read
def test_the_audit_log_names_object_types_in_chinese(client, renamed):
    member = make_user()
    admin = make_user(Role.SECURITY_ADMIN)
    account_services.membership_grant(
        user=member, role=Role.PARK_LEADER, park=make_park(), actor=admin
    )
    _auditor(client)
    cells = _cells(client.get(reverse("core:auditentry_list")))
    assert "企业" in cells and "角色授权" in cells
    assert not any("enterprises." in cell or "accounts." in cell for cell in cells)


def test_two_factor_devices_are_named_in_chinese(client):
    user = make_user(Role.SECURITY_ADMIN)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, confirmed=False, name="authenticator")
    with transaction.atomic():
        audit.record(actor=user, action=AuditEntry.Action.OTP_ENROL, obj=device)
    _auditor(client)
    cells = _cells(client.get(reverse("core:auditentry_list")))
    assert "两步验证设备" in cells
    assert not any("otp_totp" in cell for cell in cells)


def test_operations_read_新建_修改_删除(client, renamed):
    member = make_user()
    admin = make_user(Role.SECURITY_ADMIN)
    membership = account_services.membership_grant(
        user=member, role=Role.PARK_LEADER, park=make_park(), actor=admin
    )
    account_services.membership_revoke(membership=membership, actor=admin)
    auditor = _auditor(client)
    cells = _cells(client.get(reverse("core:auditentry_list")))
    assert {"新建", "修改", "删除"} <= set(cells)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(auditor)}"}
    items = client.get(reverse("api:auditentry_list"), **headers).json()["items"]
    assert {"新建", "修改", "删除"} <= {item["action_name"] for item in items}


def test_field_names_are_verbose_names_and_values_read_as_elsewhere(client):
    member = make_user()
    admin = make_user(Role.SECURITY_ADMIN)
    park = make_park(name="宿迁经开区")
    membership = account_services.membership_grant(
        user=member, role=Role.PARK_LEADER, park=park, actor=admin
    )
    _auditor(client)
    entry = audit_entries(membership, action="create").get()
    cells = _cells(client.get(reverse("core:auditentry_detail", args=[entry.pk])))
    assert {"角色", "园区", "可查看个人信息"} <= set(cells)
    assert not {"park_id", "role", "can_view_personal_data"} & set(cells)
    assert {"园区领导", "宿迁经开区", "否"} <= set(cells)


def test_the_actor_is_named_and_系统_only_for_system_actions(client, renamed):
    enterprise, _uscc = renamed
    person = make_user(Role.SECURITY_ADMIN, username="zhang", full_name="张三")
    account_services.membership_grant(
        user=make_user(), role=Role.PARK_LEADER, park=make_park(), actor=person
    )
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    reader = AuditReader(SYSTEM)
    by_system = reader.display(audit_entries(enterprise, action="create").get())
    by_person = reader.display(AuditEntry.objects.get(actor=person))
    by_stranger = reader.display(AuditEntry.objects.get(action="login_failed"))
    assert by_system.actor_name == "系统"
    assert by_person.actor_name == "张三（zhang）"
    assert by_stranger.actor_name == "未登录用户"


def test_filter_by_object_type_offers_chinese_names_and_narrows_the_list(client, renamed):
    account_services.membership_grant(
        user=make_user(), role=Role.PARK_LEADER, park=make_park(), actor=SYSTEM
    )
    _auditor(client)
    response = client.get(
        reverse("core:auditentry_list"), {"object_type": "enterprises.enterprise"}
    )
    assert '<option value="enterprises.enterprise" selected>企业</option>' in (
        response.content.decode()
    )
    shown = {entry.object_type for entry in response.context["table"].data}
    assert shown == {"enterprises.enterprise"}


def test_the_object_links_only_where_it_exists_and_the_reader_may_open_it(renamed):
    enterprise, _uscc = renamed
    entry = audit_entries(enterprise, action="update").get()
    leader = make_user(Role.PARK_LEADER, park=enterprise.park)
    assert AuditReader(leader).object_url(entry) == enterprise.get_absolute_url()
    assert AuditReader(make_user(Role.AUDIT_ADMIN)).object_url(entry) is None
    Enterprise.objects.unscoped().filter(pk=enterprise.pk).delete()
    assert AuditReader(leader).object_url(entry) is None


def test_auditor_does_not_read_the_search_typed_into_an_export():
    park = make_park()
    with transaction.atomic():
        entry = audit.record(
            actor=SYSTEM,
            action=AuditEntry.Action.EXPORT,
            object_type="enterprises.enterprise",
            park=park,
            after={"filters": {"q": "保密科技有限公司"}, "rows": 1},
        )
    shown = AuditReader(make_user(Role.AUDIT_ADMIN)).display(entry)
    assert {c.key: c.after for c in shown.changes} == {"filters": "保密", "rows": "1"}
    leader = AuditReader(make_user(Role.PARK_LEADER, park=park)).display(entry)
    assert "保密科技有限公司" in {c.key: c.after for c in leader.changes}["filters"]


def test_an_import_entry_names_its_register_and_counts_as_the_batch_page_does():
    with transaction.atomic():
        entry = audit.record(
            actor=SYSTEM,
            action=AuditEntry.Action.IMPORT,
            object_type="core.importbatch",
            after={
                "register": "enterprises",
                "counts": {"create": 1, "update": 0, "unchanged": 2, "error": 0},
            },
        )
    shown = AuditReader(make_user(Role.AUDIT_ADMIN)).display(entry)
    after = {c.key: c.after for c in shown.changes}
    assert after["register"] == "企业"
    assert after["counts"] == "新建 1，更新 0，未变 2，有错误的行 0"


def test_a_lock_entry_says_until_when_in_the_one_format():
    with transaction.atomic():
        entry = audit.record(
            actor=None,
            action=AuditEntry.Action.LOCKOUT,
            object_type="accounts.lockout",
            after={"kind": "username", "until": "2026-03-02T05:43:12.345678+08:00"},
        )
    shown = AuditReader(make_user(Role.AUDIT_ADMIN)).display(entry)
    assert {c.key: c.after for c in shown.changes}["until"] == "2026-03-02 05:43"


def test_an_entry_of_a_removed_model_shows_its_type_and_hides_its_values():
    with transaction.atomic():
        entry = audit.record(
            actor=SYSTEM,
            action=AuditEntry.Action.UPDATE,
            object_type="gone.thing",
            object_id="7",
            object_repr="旧对象名称",
            after={"secret": "机密", "reason": "清理"},
        )
    shown = AuditReader(make_user(Role.AUDIT_ADMIN)).display(entry)
    assert shown.object_type_name == "gone.thing"
    assert shown.object_hidden
    assert {c.key: c.after for c in shown.changes} == {"secret": "保密", "reason": "清理"}


def test_import_batches_name_and_filter_their_register_in_chinese(client):
    from parkops.core.models import ImportBatch

    park = make_park()
    for register in ("enterprises", "promotion-units"):
        ImportBatch.objects.create(
            park=park, register=register, actor=make_user(), file_name="a.xlsx", sha256="0" * 64
        )
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    response = client.get(reverse("exchange:importbatch_list"), {"register_key": "enterprises"})
    assert '<option value="enterprises" selected>企业</option>' in response.content.decode()
    cells = _cells(response)
    assert "企业" in cells and "招商单元" not in cells and "enterprises" not in cells


def test_audit_list_query_count_does_not_grow_with_entries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grant_in_a_new_park():
        account_services.membership_grant(
            user=make_user(), role=Role.PARK_LEADER, park=make_park(), actor=SYSTEM
        )

    grant_in_a_new_park()
    _auditor(client)
    url = reverse("core:auditentry_list")
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        grant_in_a_new_park()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many), "audit list queries grow with its entries (N+1)"


def test_auditor_reads_which_calendar_day_an_override_changed_but_not_its_note():
    import datetime

    from parkops.workdays import services as workday_services

    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    override = workday_services.override_create(
        park=park, actor=admin, date=datetime.date(2027, 1, 1), kind="holiday", note="内部安排"
    )
    auditor = make_user(Role.AUDIT_ADMIN)
    shown = AuditReader(auditor).display(audit_entries(override, action="create").get())
    after = {c.key: (c.after, c.hidden) for c in shown.changes}
    assert after["date"] == ("2027-01-01", False)
    assert after["kind"] == ("放假", False)
    assert after["note"][1] is True
    assert shown.object_name == "2027-01-01 放假"


def test_the_password_change_operation_reads_修改密码_not_a_field_label(client):
    _auditor(client)
    html = client.get(reverse("core:auditentry_list")).content.decode()
    assert '<option value="password_change">修改密码</option>' in html


# ------------------------------------------------- the browser walk's complaints
def test_internal_object_types_are_named_in_chinese():
    from parkops.core.audit_display import object_type_name

    names = {
        t: object_type_name(t)
        for t in (
            "core.auditchainhead",
            "core.importitem",
            "core.importjob",
            "accounts.loginattempt",
            "accounts.passwordhistory",
        )
    }
    assert names == {
        "core.auditchainhead": "审计链头",
        "core.importitem": "导入明细",
        "core.importjob": "导入任务",
        "accounts.loginattempt": "登录尝试",
        "accounts.passwordhistory": "历史密码",
    }


def test_no_model_or_field_of_ours_is_named_in_english():
    """Every name the audit log may show reads in Chinese (IP, API, SHA-256 aside)."""
    from django.utils import translation

    allowed = re.compile(r"\b(IP|API|SHA-256)\b")
    english = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if not model.__module__.startswith("parkops."):
                continue
            names = [("", model._meta.verbose_name), ("", model._meta.verbose_name_plural)]
            names += [
                (f.name, f.verbose_name)
                for f in model._meta.get_fields()
                if f.concrete and not f.primary_key
            ]
            for field_name, name in names:
                if re.search(r"[A-Za-z]{2}", allowed.sub("", str(name))):
                    english.append(f"{model._meta.label}.{field_name}: {name}")
    assert english == []


def test_enterprise_search_keys_are_named_名称拼音_and_名称首字母(renamed):
    enterprise, _uscc = renamed
    shown = AuditReader(SYSTEM).display(audit_entries(enterprise, action="update").get())
    labels = {change.key: change.label for change in shown.changes}
    assert labels["name_pinyin"] == "名称拼音"
    assert labels["name_initials"] == "名称首字母"


def test_ids_and_automatic_timestamps_are_not_listed_as_changed_fields(renamed):
    enterprise, _uscc = renamed
    created = audit_entries(enterprise, action="create").get()
    assert {"id", "created_at"} <= set(created.after)  # recorded, but not a change
    shown = AuditReader(SYSTEM).display(created)
    keys = {change.key for change in shown.changes}
    assert "name" in keys
    assert not keys & {"id", "created_at", "updated_at"}
    # Entries written before timestamps were left out of snapshots hold them still.
    with transaction.atomic():
        old = audit.record(
            actor=SYSTEM,
            action=AuditEntry.Action.UPDATE,
            obj=enterprise,
            before={"updated_at": "2025-01-01T00:00:00+00:00", "status": "prospect"},
            after={"updated_at": "2025-02-01T00:00:00+00:00", "status": "settled"},
        )
    assert [change.key for change in AuditReader(SYSTEM).display(old).changes] == ["status"]


def test_a_creation_shows_nothing_before_not_保密(client, renamed):
    enterprise, _uscc = renamed
    _auditor(client)
    created = audit_entries(enterprise, action="create").get()
    shown = AuditReader(make_user(Role.AUDIT_ADMIN)).display(created)
    name = next(change for change in shown.changes if change.key == "name")
    assert (name.before, name.after, name.hidden) == ("—", "保密", True)
    cells = _cells(client.get(reverse("core:auditentry_detail", args=[created.pk])))
    row = cells.index("名称")
    assert cells[row : row + 3] == ["名称", "—", "保密"]


def test_a_revealed_phone_reads_字段_电话(client):
    from parkops.enterprises.testing import make_contact

    park = make_park()
    contact = make_contact(park, phone="13815270001")
    reader = make_user(Role.SERVICE_OFFICER, park=park)
    reader.memberships.update(can_view_personal_data=True)
    services.contact_phone_reveal(contact=contact, actor=reader)
    _auditor(client)
    entry = AuditEntry.objects.get(action="view_personal")
    cells = _cells(client.get(reverse("core:auditentry_detail", args=[entry.pk])))
    row = cells.index("字段")
    assert cells[row : row + 3] == ["字段", "—", "电话"]


def test_the_import_batch_list_query_count_does_not_grow_with_batches(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parkops.core.models import ImportBatch

    park = make_park()
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)

    def batch():
        ImportBatch.objects.create(
            park=park,
            register="enterprises",
            actor=make_user(),
            file_name="a.xlsx",
            sha256="0" * 64,
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("exchange:importbatch_list")).status_code == 200
        return len(captured)

    batch()
    queries()  # the session's first page records the session: not part of the list
    one = queries()
    for _ in range(4):
        batch()
    assert queries() == one
