"""Nobody waits for an import (issue #11).

A colleague signs in and edits an enterprise through the API while a large
import is half way through its preview, half way through its commit, and half
way through its undo. Everything runs against a live server whose request
threads have their own database connections, as in production, and the import
runs in a thread of its own as the background worker would. Before, the
preview held SQLite's write lock and the commit the audit chain's head from
start to end, and the undo both in one transaction: the colleague's requests
failed with "database is locked" (SQLite) or waited for the whole commit
(PostgreSQL). Here the import is held still at its midpoint until the
colleague's requests have been answered, so that they can only succeed if the
import holds no lock there; each request gives up after 30 s, so the test is
bounded either way.
"""

import http.client
import json
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connections

from parkops.core import audit
from parkops.core.exchange import bulk, importer
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.services import import_undo
from parkops.core.exchange.spec import get_spec
from parkops.core.models import ImportBatch
from parkops.core.permissions import Role
from parkops.core.testing import PASSWORD, make_park, make_token, make_user, xlsx_bytes
from parkops.enterprises.models import Enterprise
from parkops.enterprises.uscc import make_uscc

ROWS = 200
LOGIN = "/accounts/login/"


@pytest.fixture
def server(threaded_server):
    return threaded_server


class Colleague:
    """Another user of the same park, with a browser and an API token."""

    def __init__(self, base: str, username: str, token: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.username, self.token = username, token
        self.cookies: dict[str, str] = {}

    def _send(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        return response.status, text

    def sign_in(self) -> int:
        self._send("GET", LOGIN)
        form = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
        }
        status, _text = self._send(
            "POST",
            LOGIN,
            urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        return status

    def rename(self, enterprise_id: int, name: str) -> int:
        status, _text = self._send(
            "PATCH",
            f"/api/enterprises/{enterprise_id}",
            json.dumps({"name": name}),
            {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        return status


def workbook() -> bytes:
    header = ["企业名称", "统一社会信用代码", "状态"]
    rows = [
        [f"并发导入{i}有限公司", make_uscc(f"91321300{i:09d}"), "在园企业"] for i in range(ROWS)
    ]
    return xlsx_bytes([header, *rows])


@pytest.mark.parametrize("step", ["preview", "commit", "undo"])
def test_a_colleague_signs_in_and_edits_while_an_import_runs(server, monkeypatch, step):
    # Small steps, so that 200 rows have a middle: progress every 50 rows, and
    # a commit and an undo in batches of 50.
    commit = step != "preview"
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 50)
    monkeypatch.setattr(bulk, "BATCH_ROWS", 50)
    park = make_park()
    officer = make_user(Role.STATISTICS_OFFICER, park=park)
    other = make_user(Role.STATISTICS_OFFICER, park=park)
    colleague = Colleague(server, other.username, make_token(other))
    theirs = Enterprise.objects.create(
        park=park, name="同事的企业", uscc=make_uscc("913213000000000AA")
    )
    data = workbook()

    midway, resume = threading.Event(), threading.Event()
    outcome = {}

    def progress(done, total):
        # The commit and the undo report after each batch, the preview every 50 rows: stop
        # once, half way, until the colleague has been answered.
        if not midway.is_set() and total // 2 <= done < total:
            midway.set()
            resume.wait(timeout=120)

    def run():
        try:
            if commit:  # a commit follows its preview; only the commit is held
                run_import(
                    spec=get_spec("enterprises"),
                    actor=officer,
                    park=park,
                    data=data,
                    file_name="大文件.xlsx",
                    commit=False,
                )
            outcome["result"] = run_import(
                spec=get_spec("enterprises"),
                actor=officer,
                park=park,
                data=data,
                file_name="大文件.xlsx",
                commit=commit,
                progress=None if step == "undo" else progress,
            )
            if step == "undo":  # the import's undo, held half way
                import_undo(batch=outcome["result"].batch, actor=officer, progress=progress)
        finally:
            connections.close_all()

    importing = threading.Thread(target=run, daemon=True)
    importing.start()
    try:
        assert midway.wait(timeout=120), "the import never reached its middle"
        signed_in = colleague.sign_in()
        renamed = colleague.rename(theirs.pk, "同事改过的企业")
    finally:
        resume.set()
        importing.join(timeout=120)
    assert signed_in == 302  # signed in, redirected home
    assert renamed == 200
    assert not importing.is_alive() and outcome["result"].ok
    theirs.refresh_from_db()
    assert theirs.name == "同事改过的企业"
    imported = Enterprise.objects.unscoped().filter(name__startswith="并发导入").count()
    assert imported == (ROWS if step == "commit" else 0)
    assert ImportBatch.objects.unscoped().exists() == commit
    if step == "undo":
        assert ImportBatch.objects.unscoped().get().status == ImportBatch.Status.UNDONE
    assert audit.audit_verify().ok
