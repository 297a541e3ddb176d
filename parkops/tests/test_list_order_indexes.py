"""The big registers' lists read a page as a range of one index: ``(park, <the
list's order>, id)``. The first page, the last (the order reversed) and a page
by cursor (``core/pagination.py``) each read 25 rows from it, so a deep page
costs what the first does and none sorts the park's rows.

Asserted on the query plan (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite). On PostgreSQL sequential scans and sorts are priced out, as the
planner would for a big table: what is asserted is that an index serves the
order, not the planner's choice on a near-empty test table.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from parkops.core import pagination
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user
from parkops.enterprises.selectors import enterprise_list
from parkops.projects.selectors import project_list
from parkops.promotion.selectors import institution_list, promotion_event_list, visit_list

pytestmark = pytest.mark.django_db

# (selector, the index serving its order, a cursor row's values by key)
REGISTERS = [
    (enterprise_list, "enterprise_park_order", ("suqian", "宿迁", 7)),
    (project_list, "project_park_order", ("suqian", "宿迁", 7)),
    (institution_list, "institution_park_order", ("suqian", "宿迁", 7)),
    (visit_list, "visit_park_date_id", (datetime.date(2024, 5, 1), 7)),
    (promotion_event_list, "event_park_start_id", (datetime.date(2024, 5, 1), 7)),
]


def plan(queryset) -> str:
    sql, params = queryset[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def assert_read_from(index: str, text: str) -> None:
    if connection.vendor == "postgresql":
        assert f"Index Scan using {index} " in text or f"Index Scan Backward using {index} " in text
        assert "Sort" not in text
    else:
        assert f"USING INDEX {index} " in text or f"USING COVERING INDEX {index} " in text
        assert "TEMP B-TREE" not in text


@pytest.mark.parametrize(
    ("selector", "index", "values"), REGISTERS, ids=[r[0].__name__ for r in REGISTERS]
)
def test_a_list_page_is_a_range_of_its_order_index(selector, index, values):
    park = make_park()
    leader = make_user(Role.PARK_LEADER, park=park)
    ordered = pagination.with_tie_breaker(selector(user=leader, park_id=park.pk))
    keys = pagination.keyset_keys(ordered)
    assert keys is not None and len(keys) == len(values)  # the order is a cursor's keys

    first = ordered
    last = ordered.reverse()
    after = ordered.filter(pagination._beyond(keys, list(values), backwards=False))
    for page in (first, last, after):
        assert_read_from(index, plan(page))
