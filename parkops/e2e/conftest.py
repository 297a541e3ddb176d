"""Browser-test fixtures: a page on the live server with the demo loaded."""

import sqlite3

import pytest
from django.core.management import call_command
from django.db import connections

from parkops.e2e.helpers import PHONE

# The demo as first loaded in this session, kept as an in-memory SQLite copy: the
# live server's database is emptied after every test, and loading the demo
# through its services takes seconds, copying it back milliseconds.
_snapshot: sqlite3.Connection | None = None


def _load_demo():
    global _snapshot
    database = connections["default"]
    if database.vendor != "sqlite" or not database.is_in_memory_db():
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        return
    database.ensure_connection()
    if _snapshot is None:
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        _snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        database.connection.backup(_snapshot)
    else:
        _snapshot.backup(database.connection)


@pytest.fixture
def page(browser, live_server):
    """A desktop page that records Content-Security-Policy violations."""
    _load_demo()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text),
    )
    yield page
    context.close()


@pytest.fixture
def phone_context(browser, live_server):
    """A browser context the size of a phone (390x844), the demo loaded."""
    _load_demo()
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    yield context
    context.close()
