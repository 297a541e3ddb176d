"""The short transactions of a bulk commit or undo (``exchange.bulk.Pace``).

SQLite's busy handler is not fair: a colleague's write waiting for the lock
gets it only if it wakes while nobody holds it, so an import writing
transactions back to back kept it out until "database is locked" (issue #11,
found by the harness at 10,000 rows). Each transaction is sized from the
last one's speed, and on SQLite the import pauses after each, for one sleep
of a waiting busy handler. The clock and the sleep are stand-ins here: what
is checked is the rule, not a duration.
"""

import pytest

from parkops.core.exchange import bulk


class Clock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(bulk.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(bulk.time, "sleep", clock.sleep)
    return clock


def transaction(pace, clock, seconds):
    pace.start()
    rows = pace.rows
    clock.now += seconds
    pace.done(rows)
    return rows


def test_a_slow_transaction_makes_the_next_one_shorter(clock):
    pace = bulk.Pace()
    assert transaction(pace, clock, bulk.BATCH_SECONDS * 2) == bulk.FIRST_ROWS
    assert pace.rows == bulk.FIRST_ROWS // 2
    transaction(pace, clock, 60.0)  # a machine under heavy load
    assert pace.rows == bulk.FEWEST_ROWS


def test_a_fast_transaction_grows_the_next_by_half_at_most_up_to_the_cap(clock):
    pace = bulk.Pace()
    transaction(pace, clock, 0.001)
    assert pace.rows == bulk.FIRST_ROWS * 3 // 2
    for _ in range(20):
        transaction(pace, clock, 0.001)
    assert pace.rows == bulk.BATCH_ROWS


def test_a_patched_batch_size_is_kept_exactly(clock, monkeypatch):
    # Tests that need a commit with a middle set BATCH_ROWS below FEWEST_ROWS.
    monkeypatch.setattr(bulk, "BATCH_ROWS", 20)
    pace = bulk.Pace()
    assert [transaction(pace, clock, seconds) for seconds in (5.0, 0.001, 1.0)] == [20, 20, 20]


@pytest.mark.django_db
def test_on_sqlite_the_import_pauses_between_transactions_not_before_the_first(clock):
    from django.db import connection

    pace = bulk.Pace()
    for _ in range(3):
        transaction(pace, clock, 0.1)
    expected = [bulk.YIELD_SECONDS] * 2 if connection.vendor == "sqlite" else []
    assert clock.slept == expected
