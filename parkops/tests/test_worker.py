"""The background worker outlasts a locked database (issue #11).

``db_worker`` exited on SQLite's "database is locked" while claiming a task,
and background imports stopped until someone restarted it. ``run_worker``
waits and tries again. Here the database really is locked by another
connection while the worker starts: on SQLite an exclusive transaction, on
PostgreSQL an exclusive lock on the task table (the worker's connection gives
up waiting after 100 ms, as SQLite's busy timeout does).
"""

import sqlite3
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django_tasks_db.models import DBTaskResult

from parkops.core.management.commands import run_worker
from parkops.core.models import ImportJob
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, queued_job, xlsx_bytes
from parkops.enterprises.testing import random_uscc


@pytest.fixture
def short_waits(transactional_db, tmp_path):
    """Connections that wait 100 ms for a lock, not 5 s; SQLite's in-memory test
    database is copied to a file first, so that two connections can share it.
    Yields the SQLite file, or None on PostgreSQL."""
    original = connections.settings["default"]
    options = dict(original.get("OPTIONS", {}))
    path = None
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        options["init_command"] = "PRAGMA busy_timeout=100;"
        connections.settings["default"] = {**original, "NAME": str(path), "OPTIONS": options}
    else:
        options["options"] = "-c lock_timeout=100"
        connections.settings["default"] = {**original, "OPTIONS": options}
    main = connections["default"]
    connections["default"] = connections.create_connection("default")
    yield path
    connections["default"].close()
    connections["default"] = main
    connections.settings["default"] = original


def queued_preview() -> ImportJob:
    park = make_park()
    user = make_user(Role.STATISTICS_OFFICER, park=park)
    data = xlsx_bytes(
        [["企业名称", "统一社会信用代码", "状态"], ["锁库测试有限公司", random_uscc(), "在园企业"]]
    )
    return queued_job(user, park, "enterprises", data, 1, mode=ImportJob.Mode.PREVIEW)


def test_the_worker_waits_out_a_locked_database_and_then_runs_the_job(short_waits, monkeypatch):
    job = queued_preview()
    ready, release = threading.Event(), threading.Event()
    waits = []

    def sleep(seconds):  # the worker's backoff: observed, and the lock let go
        waits.append(seconds)
        release.set()

    monkeypatch.setattr(run_worker.time, "sleep", sleep)

    def hold_the_lock():
        if short_waits is not None:  # SQLite: a writer holding the whole database
            holder = sqlite3.connect(short_waits, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            ready.set()
            release.wait(timeout=60)
            holder.execute("ROLLBACK")
            holder.close()
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                table = connection.ops.quote_name(DBTaskResult._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                ready.set()
                release.wait(timeout=60)
            connection.close()

    holder = threading.Thread(target=hold_the_lock, daemon=True)
    holder.start()
    assert ready.wait(timeout=30)
    try:
        # db_worker raised OperationalError here ("database is locked") and exited.
        call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        release.set()
        holder.join(timeout=60)
    assert waits and waits[0] == run_worker.FIRST_WAIT  # it met the lock, and stayed
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["counts"]["create"] == 1
