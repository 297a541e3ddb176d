"""The hot paths in process (issue #15's ``manage.py bench_pages``, absorbed):
its measurements, through Django's test client and the whole middleware
stack, run on the generated park and reported as ratios:

- the signed-in hello-world against the anonymous one (the signed-in overhead);
- the enterprise list page against the hello-world;
- the API list's first page against its raw-SQL floor (the same rows read
  with one SQL query and encoded as JSON);
- search (the API list with ``q``, p95) and the exports, as figures.

Goals are issue #15's where it set one; the others are reported without.
"""

from __future__ import annotations

import statistics

from django.test.utils import override_settings

from parkops.bench.harness import Row, in_process_settings, ratio

NAME = "in process"
ROWS = {
    # row name: (measured key, baseline key or None)
    "in process: signed-in hello-world vs anonymous": (
        "signed-in hello-world",
        "anonymous hello-world",
    ),
    "in process: enterprise list page vs hello-world": (
        "enterprise list page",
        "anonymous hello-world",
    ),
    "in process: API list (first page) vs raw-SQL floor": (
        "API list (first page)",
        "raw-SQL floor (first page)",
    ),
    "in process: search p95 (API list with q)": ("search p95 (API list with q)", None),
    "in process: xlsx export, first byte": ("xlsx export: first byte", None),
    "in process: CSV export, total": ("CSV export: total", None),
}


def row_names() -> list[str]:
    return list(ROWS)


def small(ctx):
    return None


def run(ctx, _small) -> list[Row]:
    from parkops.accounts import services as account_services
    from parkops.enterprises.management.commands.bench_pages import Command, p95

    _token, key = account_services.api_token_create(user=ctx.user, name="bench", actor=ctx.user)
    requests = 2 if ctx.quick else 10 * ctx.rounds
    with in_process_settings(), override_settings(ROOT_URLCONF="parkops.bench.urls", DEBUG=False):
        results = Command().run_all(ctx.park, ctx.user, key, requests)

    def seconds(key):
        times = results[key]
        return p95(times) if key.startswith("search") else statistics.median(times)

    rows = []
    for name, (measured, baseline) in ROWS.items():
        value = seconds(measured)
        if baseline is None:
            rows.append(Row(NAME, name, value, None, "s", None, "–", None))
            continue
        base = seconds(baseline)
        # Time per request: the ratio of rates is the inverse of the ratio of times.
        r = ratio(base, value)
        rows.append(Row(NAME, name, value, base, "s", r, "–", None, "ratio: requests per second"))
    return rows
