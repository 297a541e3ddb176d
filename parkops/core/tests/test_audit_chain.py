"""The audit trail as evidence: append-only, tamper-evident, kept 180 days."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from parkops.core import audit
from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM
from parkops.core.testing import make_park
from parkops.enterprises import services

pytestmark = pytest.mark.django_db


def write_entries(n=4):
    park = make_park()
    for i in range(n):
        services.enterprise_create(
            park=park, actor=SYSTEM, name=f"链{i}有限公司", status="prospect"
        )
    return list(AuditEntry.objects.order_by("seq"))


def raw(sql, *params):
    """Run SQL behind the ORM's back, as someone with database access would."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_output():
    try:
        call_command("verify_audit")
    except CommandError as error:
        return str(error)
    return "OK"


def test_intact_chain_verifies(capsys):
    write_entries()
    call_command("verify_audit")
    assert "OK: 4 entries verified" in capsys.readouterr().out


def test_entries_are_numbered_and_linked():
    entries = write_entries(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == ""
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].hash == audit.entry_hash(entries[2])


def test_row_edited_behind_the_orm_is_refused_or_reported():
    write_entries()
    sql = "UPDATE core_auditentry SET object_repr = %s WHERE seq = 2"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"):
            raw(sql, "篡改")
    else:
        raw(sql, "篡改")
        assert "seq=2: hash mismatch (row edited)" in verify_output()


def test_row_deleted_behind_the_orm_is_refused_or_reported():
    write_entries()
    sql = "DELETE FROM core_auditentry WHERE seq = 3"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"):
            raw(sql)
    else:
        raw(sql)
        assert "seq 3 missing (row deleted)" in verify_output()


def test_last_row_deleted_is_reported_on_sqlite():
    write_entries()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError):
            raw("DELETE FROM core_auditentry WHERE seq = 4")
        return
    raw("DELETE FROM core_auditentry WHERE seq = 4")
    assert "seq 4 missing" in verify_output()


def test_control_characters_are_escaped_in_every_value():
    park = make_park()
    created = services.enterprise_create(
        park=park, actor=SYSTEM, name="正常\n伪造行\x1b[31m", status="prospect"
    )
    entry = AuditEntry.objects.get(object_id=str(created.pk))
    assert "\n" not in entry.object_repr and "\x1b" not in entry.object_repr
    assert "\\x0a" in entry.object_repr and "\\x1b" in entry.object_repr
    assert "\\x0a" in entry.after["name"]
    assert audit.audit_verify().ok


def test_purge_refuses_entries_younger_than_the_retention_period():
    write_entries()
    ten_days_ago = timezone.localdate() - datetime.timedelta(days=10)
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("purge_audit", "--before", ten_days_ago.isoformat())
    assert AuditEntry.objects.count() == 4


def test_purge_of_old_entries_leaves_a_chain_that_verifies(monkeypatch):
    # Entries "written" a year ago: the clock is moved back while they are recorded.
    long_ago = timezone.now() - datetime.timedelta(days=365)
    monkeypatch.setattr(audit.timezone, "now", lambda: long_ago)
    write_entries(3)
    monkeypatch.undo()
    write_entries(2)
    cutoff = timezone.localdate() - datetime.timedelta(days=200)
    call_command("purge_audit", "--before", cutoff.isoformat())
    remaining = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in remaining] == [4, 5, 6]
    assert remaining[-1].action == AuditEntry.Action.PURGE
    assert remaining[-1].after["deleted"] == 3
    assert audit.audit_verify().ok


def test_purge_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="must be a date"):
        call_command("purge_audit", "--before", "last year")


def test_a_held_chain_head_stays_linked_when_a_step_rolls_back():
    """Imports hold the chain head for their whole transaction; a row that fails
    and rolls back must not leave a gap in the numbering."""
    park = make_park()

    def create(name):
        services.enterprise_create(park=park, actor=SYSTEM, name=name, status="prospect")

    with transaction.atomic(), audit.chain_held():
        create("甲有限公司")
        with pytest.raises(RuntimeError), audit.rewinding_savepoint():
            create("乙有限公司")
            raise RuntimeError("this row fails")
        create("丙有限公司")
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.object_repr for e in entries] == ["甲有限公司", "丙有限公司"]
    assert [e.seq for e in entries] == [1, 2]
    assert audit.audit_verify().ok
    create("丁有限公司")  # the head was written back: the next entry links on
    assert audit.audit_verify().ok and AuditEntry.objects.count() == 3


def test_a_preview_neither_keeps_its_writes_nor_locks_the_chain():
    """A 50,000-row preview runs for minutes: it must not hold the chain head's
    lock (every audited write in every park would wait), and keeps nothing."""
    from django.test.utils import CaptureQueriesContext

    from parkops.core.exchange.importer import run_import
    from parkops.core.exchange.spec import get_spec
    from parkops.core.permissions import Role
    from parkops.core.testing import make_user, random_uscc, xlsx_bytes
    from parkops.enterprises.models import Enterprise

    park = make_park()
    officer = make_user(Role.STATISTICS_OFFICER, park=park)
    rows = [["企业名称", "统一社会信用代码", "状态"], ["预览有限公司", random_uscc(), "在园企业"]]
    with CaptureQueriesContext(connection) as captured:
        outcome = run_import(
            spec=get_spec("enterprises"),
            actor=officer,
            park=park,
            data=xlsx_bytes(rows),
            file_name="x.xlsx",
            commit=False,
        )
    assert outcome.ok and outcome.counts["create"] == 1
    assert not any("core_auditchainhead" in q["sql"] for q in captured.captured_queries)
    assert not Enterprise.objects.unscoped().exists() and not AuditEntry.objects.exists()
