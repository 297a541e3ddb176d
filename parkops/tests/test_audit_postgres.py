"""PostgreSQL: the purge is a SECURITY DEFINER function, and no session setting opens
the audit table (collected on the PostgreSQL leg only, see conftest.py)."""

import contextlib
import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from parkops.core import audit
from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM

from .test_audit_chain import raw, verify_output, write_entries, write_old_entries

pytestmark = pytest.mark.django_db


def two_hundred_days_ago():
    return str(timezone.localdate() - datetime.timedelta(days=200))


def test_the_old_purge_setting_no_longer_opens_the_table():
    write_entries()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL parkops.audit_purge = 'on'")
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.count() == 4


def test_the_purge_function_applies_the_retention_period_itself(monkeypatch):
    """Called directly, with the shortest retention asked for, it still keeps 180 days."""
    write_old_entries(monkeypatch, 2, days=100)
    with pytest.raises(DatabaseError, match="at least 180 days"):
        raw("SELECT * FROM parkops_audit_purge(now() - interval '60 days', 0)")
    assert AuditEntry.objects.count() == 2


def test_a_purge_that_bypasses_purge_audit_is_flagged(monkeypatch):
    """Old enough to go, but a purge with no purge entry leaves the head unsealed."""
    write_old_entries(monkeypatch, 2)
    write_entries(1)
    raw("SELECT * FROM parkops_audit_purge(now() - interval '200 days', 180)")
    assert AuditEntry.objects.count() == 1
    assert "the chain head was altered" in verify_output()


@pytest.fixture
def app_role():
    """A role like the one the README tells production to run as: it does not own
    the audit tables and may only read and append (plus move the head and call
    the purge function). Created inside the test's transaction, so it vanishes."""
    name = f"parkops_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT ON core_auditentry TO {name}")
        cursor.execute(f"GRANT SELECT, UPDATE ON core_auditchainhead TO {name}")
        cursor.execute(
            f"GRANT EXECUTE ON FUNCTION parkops_audit_purge(timestamptz, integer) TO {name}"
        )

    @contextlib.contextmanager
    def acting():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {name}")
            yield cursor
            cursor.execute("RESET ROLE")

    return acting


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM core_auditentry",
        "UPDATE core_auditentry SET object_repr = 'x'",
        "TRUNCATE core_auditentry",
        "DELETE FROM core_auditchainhead",
        "INSERT INTO parkops_audit_purge_marker VALUES (true)",
    ],
)
def test_the_application_role_cannot_remove_or_rewrite_entries(app_role, sql):
    write_entries()
    with pytest.raises(DatabaseError, match="permission denied"), app_role() as cursor:
        cursor.execute("SET LOCAL parkops.audit_purge = 'on'")
        cursor.execute(sql)
    assert AuditEntry.objects.count() == 4


def test_the_application_role_purges_through_the_function(app_role, monkeypatch):
    write_old_entries(monkeypatch, 3)
    write_entries(1)
    with app_role():
        call_command("purge_audit", "--before", two_hundred_days_ago())
        audit.record(actor=SYSTEM, action=AuditEntry.Action.LOGIN)  # and appends after it
    assert [e.seq for e in AuditEntry.objects.order_by("seq")] == [4, 5, 6]
    assert audit.audit_verify().ok
