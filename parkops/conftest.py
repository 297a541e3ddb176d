"""Suite-wide pytest configuration.

With PARKOPS_NO_SKIPS=1 (set by ``make test`` when CI=true) a skipped test
fails the run: in CI every leg must really run.
"""

import os
import sqlite3

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Hypothesis's timings are no part of what a property asserts (tests assert no
# timings): on a loaded shared machine a 1 s stall made a trivial date strategy
# fail its "too slow" health check, and the per-example deadline fails the same
# way. Examples per test stay as each test sets them.
hypothesis_settings.register_profile(
    "parkops", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("parkops")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher(django_test_environment):
    """A cheap hasher for test accounts: the real PBKDF2 cost made the suite 8x slower.

    Password *rules* (length, classes, history, expiry) do not depend on the
    hasher, so every test of them still means what it says.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _audit_trail_for_tests(django_test_environment, tmp_path_factory):
    """No anchors written unless a test asks (a later test's chain would not hold
    them), none read from the developer's var/; and the flush that empties the
    database after a transactional test may pass the audit triggers.

    The flush is the test harness's, run as the database's owner; the triggers
    are lifted inside its transaction and back before it commits.
    """
    from django.conf import settings
    from django.db.backends.base.operations import BaseDatabaseOperations

    from parkops.core import audit_guard

    settings.PARKOPS_AUDIT_ANCHOR_FILE = tmp_path_factory.mktemp("audit") / "no_anchors.log"
    settings.PARKOPS_AUDIT_ANCHOR_EVERY = 0
    # Uploaded project documents go to a throwaway directory, not var/; so do
    # held import uploads and undo claims (one directory per xdist worker, whose
    # databases number their batches alike).
    settings.PARKOPS_DOCUMENTS_DIR = tmp_path_factory.mktemp("documents")
    settings.PARKOPS_IMPORTS_DIR = tmp_path_factory.mktemp("imports")
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        lift, restore = audit_guard.flush_statements(self.connection.vendor)
        original(self, [*lift, *sql_list, *restore])

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh_Hans), as a fresh process
    would: a request by an English-speaking user activates English for the rest
    of the thread, and the next test to call a service directly read its
    messages in English whenever it ran after such a test (as it may on another
    xdist worker's order)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_kept_filter_forms():
    """Each test starts with no filter form kept by an earlier one
    (``core.generic.drawn_filter_fields`` keeps them per process): one drawn
    under a FilterSet or setting another test patched would otherwise be
    served to whichever test opens that list next."""
    from parkops.core import generic

    generic._DRAWN_FIELDS.clear()


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for a whole test module, and what ``load_demo``
    printed; rolled back when the module is done.

    Each test still runs in its own savepoint inside this transaction (pytest-django's
    ``db``), so what one test changes is gone before the next. Not for modules whose
    tests need real commits (``transactional_db``, ``live_server``).
    """
    import io

    from django.core.management import call_command
    from django.db import transaction

    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


# Tests that run on one leg only (or anywhere when asked with -m): deselected,
# not skipped, on the other, so PARKOPS_NO_SKIPS still holds.
ONE_LEG_MARKERS = {
    # The 50,000-row import and the 20,000-row export.
    "slow_import": "postgresql",
    "slow_export": "postgresql",
    # make bench's whole harness with gunicorn (minutes). On PostgreSQL: the
    # SQLite test database is in memory with a shared cache, where a colleague's
    # write during the import benchmark's commit meets "database table is
    # locked" at once (no busy timeout for table locks); make bench itself runs
    # SQLite from a file.
    "bench_smoke": "postgresql",
    # What only SQLite has: its FTS5 search tables.
    "sqlite_fts": "sqlite",
}


def pytest_sessionstart(session):
    """Before xdist starts its workers: the data key exists, so that two workers
    never race to create var/data_key on a fresh clone."""
    if hasattr(session.config, "workerinput"):
        return
    from parkops.core.crypto import load_or_create_key

    load_or_create_key("PARKOPS_DATA_KEY", "data_key")


def pytest_collection_modifyitems(config, items):
    leg = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    asked = config.getoption("-m") or ""
    markers = [m for m, on in ONE_LEG_MARKERS.items() if on != leg and m not in asked]
    other_leg = [item for item in items if any(m in item.keywords for m in markers)]
    if other_leg:
        config.hook.pytest_deselected(items=other_leg)
        items[:] = [item for item in items if item not in other_leg]


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("PARKOPS_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"PARKOPS_NO_SKIPS: {len(skipped)} test(s) were skipped; in CI that is a failure.",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def threaded_server(transactional_db, tmp_path, settings):
    """The base URL of a live server for this test alone.

    pytest-django's ``live_server`` hands an in-memory SQLite database's single
    connection to every request thread, which would make parallel requests
    share one transaction; here SQLite is copied to a file first, so that each
    request thread opens its own connection, as in production.
    """
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    default = connections["default"]
    restore = None
    if default.vendor == "sqlite" and default.is_in_memory_db():
        path = tmp_path / "parallel.sqlite3"
        default.ensure_connection()
        copy = sqlite3.connect(path)
        default.connection.backup(copy)
        copy.close()
        restore = (connections.settings["default"], default)
        connections.settings["default"] = {**restore[0], "NAME": str(path)}
        connections["default"] = connections.create_connection("default")
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        if restore is not None:
            connections["default"].close()
            connections.settings["default"], connections["default"] = restore
