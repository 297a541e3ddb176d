"""The audit trail as evidence: append-only, tamper-evident, anchored, kept 180 days.

The attacks here are run the way someone with the database's owner rights would
run them: the triggers switched off first (``guards_off``), then raw SQL.
"""

import contextlib
import datetime
import importlib
import logging
import types

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from parkops.core import audit, audit_guard, audit_seal
from parkops.core.models import AuditChainHead, AuditEntry
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


def write_old_entries(monkeypatch, n, *, days=365):
    """Entries "written" ``days`` ago: the clock is moved back while they are recorded."""
    long_ago = timezone.now() - datetime.timedelta(days=days)
    monkeypatch.setattr(audit.timezone, "now", lambda: long_ago)
    write_entries(n)
    monkeypatch.undo()


def raw(sql, *params):
    """Run SQL behind the ORM's back, as someone with database access would."""
    with transaction.atomic(), connection.cursor() as cursor:
        if sql.startswith("TRUNCATE"):
            # As from the attacker's own session: PostgreSQL refuses to truncate a
            # table with foreign-key checks still pending in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


@contextlib.contextmanager
def guards_off():
    """The triggers out of the way, as the database's owner (or whoever holds the
    SQLite file) can arrange: what is left to catch an attack is the chain."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            for sql in audit_guard.SQLITE_UNGUARD:
                cursor.execute(sql)
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            audit_guard.install(connection)


def rehash_from(entries, seq, *, hasher, edit=None):
    """Rewrite the chain from ``seq`` on with ``hasher``, after ``edit`` changed
    entry ``seq``'s description, and move the head to the new last hash."""
    previous = next((e.hash for e in entries if e.seq == seq - 1), "")
    with guards_off():
        for entry in entries:
            if entry.seq < seq:
                continue
            if entry.seq == seq and edit:
                entry.object_repr = edit
            entry.prev_hash = previous
            entry.hash = hasher(entry)
            raw(
                "UPDATE core_auditentry SET object_repr = %s, prev_hash = %s, hash = %s"
                " WHERE seq = %s",
                entry.object_repr,
                entry.prev_hash,
                entry.hash,
                entry.seq,
            )
            previous = entry.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)


def verify_output(*args):
    try:
        call_command("verify_audit", *args)
    except CommandError as error:
        return str(error)
    return "OK"


def no_anchors(tmp_path):
    """An anchor file with no anchor in it: what the chain proves on its own."""
    empty = tmp_path / "no_anchors.log"
    empty.touch()
    return empty


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.PARKOPS_AUDIT_ANCHOR_FILE = tmp_path / "audit_anchors.log"
    return settings.PARKOPS_AUDIT_ANCHOR_FILE


# The chain as written


def test_intact_chain_verifies(capsys):
    write_entries()
    call_command("verify_audit")
    assert "OK: 4 entries verified" in capsys.readouterr().out


def test_entries_are_numbered_linked_and_sealed_with_the_key():
    entries = write_entries(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == ""
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].hash.startswith("v2:hmac-sha256:")
    assert entries[2].hash == audit.entry_seal(entries[2])


def test_sm3_seals_new_entries_beside_sha256_ones(settings):
    write_entries(2)
    settings.PARKOPS_AUDIT_MAC = "hmac-sm3"
    entries = write_entries(2)
    assert [e.hash.split(":")[1] for e in entries] == ["hmac-sha256"] * 2 + ["hmac-sm3"] * 2
    # The digest is HMAC-SM3 (GB/T 32905-2016) of the entry, not a relabelled SHA-256.
    mac = HMAC(audit_seal._key(), hashes.SM3())
    mac.update(b"entry\x00" + audit._canonical(audit._content(entries[3])))
    assert entries[3].hash == "v2:hmac-sm3:" + mac.finalize().hex()
    assert audit.audit_verify().ok


# The database refuses


def test_the_database_refuses_to_update_an_entry():
    write_entries()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE core_auditentry SET object_repr = %s WHERE seq = 2", "篡改")


def test_the_database_refuses_to_delete_an_entry():
    write_entries()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM core_auditentry WHERE seq = 3")


def test_the_database_refuses_to_empty_the_trail():
    write_entries()
    # PostgreSQL's TRUNCATE; SQLite has none, and empties a table by an unqualified DELETE.
    sql = (
        "TRUNCATE core_auditentry"
        if connection.vendor == "postgresql"
        else "DELETE FROM core_auditentry"
    )
    with pytest.raises(DatabaseError, match="append-only"):
        raw(sql)
    assert AuditEntry.objects.count() == 4


def test_the_database_refuses_to_delete_the_chain_head():
    write_entries()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM core_auditchainhead")


# Attacks past the triggers fail verification


def test_an_edited_entry_fails_verification():
    write_entries()
    with guards_off():
        raw("UPDATE core_auditentry SET object_repr = %s WHERE seq = 2", "篡改")
    assert "seq=2: hash mismatch (row edited)" in verify_output()


def test_a_deleted_entry_fails_verification():
    write_entries()
    with guards_off():
        raw("DELETE FROM core_auditentry WHERE seq = 3")
    assert "seq 3 missing (row deleted)" in verify_output()


def test_an_emptied_trail_fails_verification():
    write_entries()
    with guards_off():
        raw("DELETE FROM core_auditentry")
    assert "head is at seq 4 but the chain ends at seq 0" in verify_output()


def test_a_truncated_trail_and_head_fail_verification():
    write_entries()
    with guards_off():
        if connection.vendor == "postgresql":
            raw("TRUNCATE core_auditentry, core_auditchainhead")
        else:
            raw("DELETE FROM core_auditentry")
            raw("DELETE FROM core_auditchainhead")
    assert "the chain head row is missing" in verify_output()


def test_a_truncated_trail_and_head_are_not_given_a_fresh_head_by_migrate_or_a_write():
    """``make run`` and ``make serve`` migrate on every start, and the next write
    would follow: neither may seal a new head over the emptied trail."""
    write_entries()
    with guards_off():
        if connection.vendor == "postgresql":
            raw("TRUNCATE core_auditentry, core_auditchainhead")
        else:
            raw("DELETE FROM core_auditentry")
            raw("DELETE FROM core_auditchainhead")
    call_command("migrate", verbosity=0)
    with pytest.raises(audit.AuditChainError, match="head is missing"):
        write_entries(1)
    assert "the chain head row is missing" in verify_output()


def test_a_head_reset_to_the_start_fails_verification():
    write_entries()
    with guards_off():
        raw("DELETE FROM core_auditentry")
    AuditChainHead.objects.filter(pk=1).update(last_seq=0, last_hash="")
    assert "the chain head was altered" in verify_output()


def test_the_last_entries_removed_with_the_head_moved_back_fail_verification():
    entries = write_entries()
    with guards_off():
        raw("DELETE FROM core_auditentry WHERE seq > 2")
    AuditChainHead.objects.filter(pk=1).update(last_seq=2, last_hash=entries[1].hash)
    assert "the chain head was altered" in verify_output()


def test_entries_missing_at_the_start_fail_verification():
    write_entries()
    with guards_off():
        raw("DELETE FROM core_auditentry WHERE seq <= 2")
    assert "entries missing at the start" in verify_output()


def test_entries_missing_at_the_start_fail_even_with_the_head_moved_on():
    entries = write_entries()
    with guards_off():
        raw("DELETE FROM core_auditentry WHERE seq <= 2")
    AuditChainHead.objects.filter(pk=1).update(first_seq=3, first_prev_hash=entries[1].hash)
    assert "the chain head was altered" in verify_output()


def test_a_rewritten_and_rehashed_trail_fails_verification():
    """Without the key the best an attacker can do is the old unkeyed SHA-256."""
    entries = write_entries()
    rehash_from(entries, 2, hasher=audit.entry_hash, edit="篡改")
    assert "the chain head was altered" in verify_output()


def test_a_rewrite_by_someone_holding_the_key_is_caught_by_the_anchor(anchor_file, tmp_path):
    entries = write_entries()
    call_command("anchor_audit")
    rehash_from(entries, 2, hasher=audit.entry_seal, edit="篡改")
    head = AuditChainHead.objects.get(pk=1)
    audit.seal_head(head)
    head.save()
    # What the chain alone cannot prove: a consistent rewrite with the key passes...
    assert audit.audit_verify(anchor_file=no_anchors(tmp_path)).ok
    # ...the anchor taken before it does not.
    assert "entry seq=4 differs from the anchor" in verify_output()


def test_a_replayed_head_is_caught_by_the_anchor(anchor_file, tmp_path):
    """A copy of the head row from earlier, put back after deleting what came since."""
    write_entries(2)
    old_head = AuditChainHead.objects.values("last_seq", "last_hash", "seal").get(pk=1)
    write_entries(2)
    call_command("anchor_audit")
    with guards_off():
        raw("DELETE FROM core_auditentry WHERE seq > 2")
    AuditChainHead.objects.filter(pk=1).update(**old_head)
    assert audit.audit_verify(anchor_file=no_anchors(tmp_path)).ok
    assert "the chain ends at seq 2, before the anchor at seq 4" in verify_output()


def test_an_entry_slipped_in_beyond_the_head_fails_verification():
    """INSERT is the one write the application role keeps; the head still has to move."""
    entries = write_entries()
    AuditEntry(
        seq=5,
        prev_hash=entries[-1].hash,
        hash="v2:hmac-sha256:00",
        time=timezone.now(),
        action=AuditEntry.Action.LOGIN,
    ).save()
    assert "entry seq=5 lies beyond the chain head" in verify_output()


def test_an_entry_slipped_in_without_a_sequence_number_fails_verification():
    """The column allows NULL (entries from before the chain); such a row sits
    outside every seq range verify walks, yet the audit log lists it."""
    write_entries()
    AuditEntry(
        seq=None,
        time=timezone.now(),
        actor_name="forged",
        action=AuditEntry.Action.DELETE,
        object_type="enterprises.enterprise",
    ).save()
    assert "without a sequence number (inserted behind" in verify_output()


def test_a_lost_audit_key_is_not_silently_replaced(settings, tmp_path, monkeypatch):
    write_entries(1)
    monkeypatch.delenv("PARKOPS_AUDIT_KEY", raising=False)
    settings.VAR_DIR = tmp_path  # a machine without var/audit_key
    audit_seal._key.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="audit key is missing"):
            write_entries(1)
        assert not (tmp_path / "audit_key").exists()
    finally:
        audit_seal._key.cache_clear()


# Entries from before seals (version 1)


def write_unkeyed_entries(monkeypatch, n):
    """Entries as written before this version: bare SHA-256, no key."""
    monkeypatch.setattr(audit, "entry_seal", audit.entry_hash)
    entries = write_entries(n)
    monkeypatch.undo()
    return entries


def test_entries_from_before_seals_still_verify(monkeypatch):
    write_unkeyed_entries(monkeypatch, 2)
    entries = write_entries(2)
    assert not audit_seal.is_keyed(entries[0].hash) and audit_seal.is_keyed(entries[3].hash)
    assert audit.audit_verify().ok


def test_an_entry_from_before_seals_rehashed_fails_verification(monkeypatch):
    write_unkeyed_entries(monkeypatch, 2)
    entries = write_entries(1)
    rehash_from(entries[:2], 1, hasher=audit.entry_hash, edit="篡改")
    AuditChainHead.objects.filter(pk=1).update(last_hash=entries[2].hash)
    assert "seq=3: prev_hash does not match" in verify_output()


def test_the_upgrade_seals_the_head_of_an_existing_chain(monkeypatch):
    """Migration 0006 on a database of the previous version: unsealed head, purged start."""
    write_unkeyed_entries(monkeypatch, 3)
    first = AuditEntry.objects.get(seq=1)
    AuditChainHead.objects.filter(pk=1).update(seal="", first_seq=1, first_prev_hash="")
    assert "the chain head was altered" in verify_output()
    migration = importlib.import_module("parkops.core.migrations.0007_audit_tamper_evidence")
    from django.apps import apps

    migration.adopt_existing_chain(apps, types.SimpleNamespace(connection=connection))
    assert audit.audit_verify().ok and first.hash == AuditEntry.objects.get(seq=1).hash


# Anchors


def test_anchor_audit_writes_a_sealed_line_to_the_file_and_the_log(anchor_file, caplog):
    entries = write_entries(2)
    with caplog.at_level(logging.INFO, logger="parkops.audit"):
        call_command("anchor_audit")
    line = anchor_file.read_text().strip()
    assert line.startswith(f"parkops-audit-anchor seq=2 hash={entries[1].hash} time=")
    assert " mac=v2:hmac-sha256:" in line
    assert line in caplog.text
    assert audit_seal.parse_anchor(line).seq == 2


def test_anchor_audit_refuses_a_chain_that_does_not_verify(anchor_file):
    write_entries()
    with guards_off():
        raw("UPDATE core_auditentry SET object_repr = %s WHERE seq = 2", "篡改")
    with pytest.raises(CommandError, match="does not verify"):
        call_command("anchor_audit")
    assert not anchor_file.exists()


def test_verify_audit_fails_when_the_named_anchor_file_is_missing(tmp_path):
    write_entries(1)
    assert "not found" in verify_output("--anchor-file", str(tmp_path / "lost.log"))


def test_a_deleted_anchor_file_fails_verification_once_an_anchor_was_due(
    anchor_file, settings, django_capture_on_commit_callbacks
):
    settings.PARKOPS_AUDIT_ANCHOR_EVERY = 2
    with django_capture_on_commit_callbacks(execute=True):
        write_entries(1)
    assert verify_output() == "OK"  # no anchor due yet: seq 1 only
    with django_capture_on_commit_callbacks(execute=True):
        write_entries(2)
    assert anchor_file.exists()
    anchor_file.write_text("")  # emptied, e.g. to replay an older head unnoticed
    assert "no anchor found" in verify_output()
    anchor_file.unlink()
    assert "no anchor found" in verify_output()


def test_an_altered_anchor_line_fails_verification(anchor_file):
    write_entries(2)
    call_command("anchor_audit")
    anchor_file.write_text(anchor_file.read_text().replace("seq=2", "seq=1"))
    assert "anchor not genuine" in verify_output()


def test_verify_audit_checks_a_shipped_anchor_file(anchor_file, tmp_path):
    empty_head = AuditChainHead.objects.values("last_seq", "last_hash", "seal").get(pk=1)
    write_entries(2)
    call_command("anchor_audit")
    shipped = tmp_path / "shipped.log"
    shipped.write_text("2026-01-01 syslog noise\n" + anchor_file.read_text())
    anchor_file.unlink()  # the local copy gone with the attack
    with guards_off():
        raw("DELETE FROM core_auditentry")
    AuditChainHead.objects.filter(pk=1).update(**empty_head)  # the head as installed, replayed
    assert verify_output() == "OK"
    assert "before the anchor at seq 2" in verify_output("--anchor-file", str(shipped))


def test_an_anchor_is_written_every_n_entries_once_committed(
    anchor_file, settings, django_capture_on_commit_callbacks
):
    settings.PARKOPS_AUDIT_ANCHOR_EVERY = 2
    with django_capture_on_commit_callbacks(execute=True):
        entries = write_entries(5)
    anchors = [audit_seal.parse_anchor(line) for line in anchor_file.read_text().splitlines()]
    assert [(a.seq, a.hash) for a in anchors] == [(2, entries[1].hash), (4, entries[3].hash)]


# Purge: the one way to remove entries


def test_purge_refuses_entries_younger_than_the_retention_period():
    write_entries()
    ten_days_ago = timezone.localdate() - datetime.timedelta(days=10)
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("purge_audit", "--before", ten_days_ago.isoformat())
    assert AuditEntry.objects.count() == 4


def test_purge_keeps_six_months_even_when_configured_shorter(settings, monkeypatch):
    settings.PARKOPS_AUDIT_RETENTION_DAYS = 30
    write_old_entries(monkeypatch, 2, days=100)
    sixty_days_ago = timezone.localdate() - datetime.timedelta(days=60)
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("purge_audit", "--before", sixty_days_ago.isoformat())
    assert AuditEntry.objects.count() == 2


def test_purge_of_old_entries_leaves_a_chain_that_verifies(monkeypatch):
    write_old_entries(monkeypatch, 3)
    write_entries(2)
    cutoff = timezone.localdate() - datetime.timedelta(days=200)
    call_command("purge_audit", "--before", cutoff.isoformat())
    remaining = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in remaining] == [4, 5, 6]
    assert remaining[-1].action == AuditEntry.Action.PURGE
    assert remaining[-1].after["deleted"] == 3
    assert AuditChainHead.objects.get(pk=1).first_seq == 4
    assert audit.audit_verify().ok


def test_the_database_refuses_deletes_again_after_a_purge(monkeypatch):
    write_old_entries(monkeypatch, 3)
    write_entries(1)
    call_command("purge_audit", "--before", str(timezone.localdate() - datetime.timedelta(200)))
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM core_auditentry WHERE seq = 4")


def test_entries_missing_beyond_a_purge_fail_verification(monkeypatch):
    write_old_entries(monkeypatch, 3)
    write_entries(2)
    call_command("purge_audit", "--before", str(timezone.localdate() - datetime.timedelta(200)))
    with guards_off():
        raw("DELETE FROM core_auditentry WHERE seq = 4")
    assert "entries missing at the start" in verify_output()


def test_purge_stops_at_the_first_entry_inside_the_retention_period(monkeypatch):
    """An old-dated row after young ones (a clock set back, or forged) must not
    take the young ones with it."""
    write_old_entries(monkeypatch, 2)
    write_entries(2)
    write_old_entries(monkeypatch, 1)
    call_command("purge_audit", "--before", str(timezone.localdate() - datetime.timedelta(200)))
    assert [e.seq for e in AuditEntry.objects.order_by("seq")] == [3, 4, 5, 6]
    assert audit.audit_verify().ok


def test_an_anchor_taken_before_a_purge_still_verifies(anchor_file, monkeypatch):
    write_old_entries(monkeypatch, 3)
    call_command("anchor_audit")
    write_entries(1)
    call_command("purge_audit", "--before", str(timezone.localdate() - datetime.timedelta(200)))
    result = audit.audit_verify()
    assert result.ok and result.anchor.seq == 3


def test_purge_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="must be a date"):
        call_command("purge_audit", "--before", "last year")


# Long transactions


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
    from parkops.core.testing import make_user, xlsx_bytes
    from parkops.enterprises.models import Enterprise
    from parkops.enterprises.testing import random_uscc

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
