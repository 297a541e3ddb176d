"""Measure the pages issue #15 is about, on a database of N enterprises.

    manage.py bench_pages --enterprises 15000 [--seed 15] [--requests 30]

Builds a throwaway database (the test database of ``DATABASES["default"]``:
``var/bench.sqlite3`` on SQLite, ``test_<name>`` on PostgreSQL), fills it with N
enterprises in one park (bulk, the same rows for the same seed), then measures
in process, through Django's test client and the whole middleware stack:

- hello-world, anonymous and signed in (the signed-in overhead);
- the enterprise list page, first and last page;
- the API list's first page against a raw-SQL floor (the same rows read with
  one SQL query and encoded as JSON, no framework);
- search (the API list with ``q``): p95 over name, former name, credit code,
  pinyin and initials queries;
- the .xlsx and CSV exports: time to the first byte and in total.

It prints one Markdown table; ``bench/pages.md`` records its output on the
project's machine. Timings are the median of ``--requests`` runs after two
warm-up runs (p95 for search); requests per second is 1 / median. No server,
no network: a lower bound on what gunicorn serves, good for comparing rows.
"""

from __future__ import annotations

import json
import random
import secrets
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

ROWS = (
    "anonymous hello-world",
    "signed-in hello-world",
    "enterprise list page",
    "enterprise list page, last page",
    "enterprise list page, last page by cursor",
    "enterprise list page, middle page by cursor",
    "API list (first page)",
    "raw-SQL floor (first page)",
    "search p95 (API list with q)",
    "xlsx export: first byte",
    "xlsx export: total",
    "CSV export: first byte",
    "CSV export: total",
)
SYLLABLES = list(
    "苏州宿迁泗洪沭阳骆马湖光电精密机械科技智能新材料电子信息生物医药食品纺织服装物流贸易"
)
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "实业有限公司"]


def build(n: int, seed: int):
    """One park, a leader of it with an API token, and ``n`` enterprises."""
    from parkops.accounts import services as account_services
    from parkops.core.models import Park
    from parkops.core.permissions import SYSTEM, Role
    from parkops.core.testing import grant
    from parkops.core.text import pinyin_keys
    from parkops.enterprises.models import Enterprise
    from parkops.enterprises.uscc import make_uscc

    rng = random.Random(seed)  # noqa: S311 - reproducible data, not a secret
    park = Park.objects.create(
        name=f"基准园区{seed}",
        name_pinyin=pinyin_keys(f"基准园区{seed}")[0],
        short_name=f"基准{seed}",
        code=f"bench{seed}",
        region="321300",
    )
    user = account_services.user_create(
        username=f"bench{seed}", password=secrets.token_urlsafe(16) + "Aa1-", actor=SYSTEM
    )
    type(user).objects.filter(pk=user.pk).update(must_change_password=False)
    user.refresh_from_db()
    grant(user, Role.PARK_LEADER, park=park)
    _token, key = account_services.api_token_create(user=user, name="bench", actor=user)
    batch = []
    for i in range(n):
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(4, 8)))
        name = f"{name}{i}{rng.choice(SUFFIXES)}"
        full, initials = pinyin_keys(name)
        former = "".join(rng.choice(SYLLABLES) for _ in range(5)) if rng.random() < 0.2 else ""
        batch.append(
            Enterprise(
                park=park,
                name=name,
                former_names=former,
                uscc=make_uscc(f"91321300{i:09d}"),
                name_pinyin=full,
                name_initials=initials,
                status=rng.choice(["settled", "settled", "prospect"]),
                above_scale=False,
            )
        )
        if len(batch) == 2000:
            Enterprise.objects.unscoped().bulk_create(batch)
            batch = []
    Enterprise.objects.unscoped().bulk_create(batch)
    with connection.cursor() as cursor:
        # Statistics as autovacuum would leave them: without, PostgreSQL's
        # planner takes a freshly filled table for a small one. On PostgreSQL
        # also VACUUM, as autovacuum does after many inserts: it moves the GIN
        # indexes' pending entries (a bulk load's) into the index proper, which
        # every search would otherwise read through. (Not in a transaction,
        # where VACUUM cannot run: ``--in-place`` in a test.)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return park, user, key


def middle_cursor(park) -> str:
    """The cursor of the enterprise list's "next" link on the page in the middle."""
    from parkops.core import pagination
    from parkops.enterprises.models import Enterprise

    ordered = Enterprise.objects.unscoped().filter(park=park)
    ordered = pagination.with_tie_breaker(ordered.order_by("name_pinyin", "name"))
    keys = pagination.keyset_keys(ordered)
    return pagination.encode_cursor(keys, ordered[ordered.count() // 2])


def timed(run, requests: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock times of ``requests`` runs; their CPU times appended to ``cpu``."""
    for _ in range(2):
        run()
    times = []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Measure hello-world, list, API, search and export on N enterprises."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=150)
        parser.add_argument("--seed", type=int, default=15)
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="use the configured database as it is (the test suite does); default: "
            "a throwaway test database, destroyed afterwards",
        )
        parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
        parser.add_argument(
            "--no-exports", action="store_true", help="leave out the export rows (minutes at 150k)"
        )

    def handle(self, *args, **options):
        if options["in_place"]:
            self.measure(options)
            return
        from django.test.utils import setup_databases, teardown_databases

        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            db.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / "bench.sqlite3")
        names = setup_databases(verbosity=0, interactive=False, keepdb=False)
        try:
            self.measure(options)
        finally:
            if not options["keep"]:
                teardown_databases(names, verbosity=0)

    def measure(self, options):
        n, requests = options["enterprises"], options["requests"]
        started = time.perf_counter()
        park, user, key = build(n, options["seed"])
        built = time.perf_counter() - started
        from parkops.bench.harness import in_process_settings

        # Plain static names: with DEBUG off there is no collected manifest here.
        with (
            in_process_settings(),
            override_settings(ROOT_URLCONF="parkops.bench.urls", DEBUG=False),
        ):
            results = self.run_all(park, user, key, requests, exports=not options["no_exports"])
        vendor = connection.vendor
        self.stdout.write(
            f"\n{n:,} enterprises on {vendor} (built in {built:.1f} s), "
            f"{requests} requests per row after 2 warm-up runs, in process\n"
        )
        self.stdout.write(self.table(results))

    def run_all(self, park, user, key, requests, exports=True):
        from django.urls import reverse

        from parkops.enterprises.models import Enterprise

        anonymous, signed_in = Client(), Client()
        signed_in.force_login(user)
        signed_in.get(reverse("core:home"))
        api = Client(headers={"authorization": f"Bearer {key}"})
        hello = reverse("bench_hello")
        listing = reverse("enterprises:enterprise_list")
        api_list = "/api/enterprises"
        pages = -(-Enterprise.objects.unscoped().filter(park=park).count() // settings.PAGE_SIZE)
        sample = list(
            Enterprise.objects.unscoped()
            .filter(park=park)
            .order_by("name")  # the same sample whatever the model's default order
            .values_list("name", "former_names", "uscc", "name_pinyin", "name_initials")[:50]
        )
        queries = []
        for name, former, uscc, pinyin, initials in sample[:8]:
            queries += [name[2:6], uscc[4:14].lower(), pinyin[3:12], initials[:4]]
            if former:
                queries.append(former[1:4])

        def get(client, url, status=200, **params):
            response = client.get(url, params)
            assert response.status_code == status, (url, response.status_code)
            if response.streaming:
                b"".join(response.streaming_content)
            return response

        def floor():
            # The API's first page read with one SQL query and encoded as JSON,
            # in the API's order (the index enterprise_park_order's).
            with connection.cursor() as cursor:
                cursor.execute(
                    'SELECT id, name, uscc, status FROM "enterprises_enterprise" '
                    "WHERE park_id = %s ORDER BY name_pinyin, name, id LIMIT %s",
                    [park.pk, settings.NINJA_PAGINATION_PER_PAGE],
                )
                columns = [c[0] for c in cursor.description]
                items = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            return json.dumps({"items": items, "count": len(items)}).encode()

        results: dict[str, list[float]] = {}
        # CPU time too: on a machine shared with other work, a request that needs
        # more than one time slice waits for the next one, so wall-clock ratios
        # between short and long requests overstate the difference.
        self.cpu = {key: [] for key in ROWS[:3]}
        results["anonymous hello-world"] = timed(
            lambda: get(anonymous, hello), requests, self.cpu["anonymous hello-world"]
        )
        results["signed-in hello-world"] = timed(
            lambda: get(signed_in, hello), requests, self.cpu["signed-in hello-world"]
        )
        results["enterprise list page"] = timed(
            lambda: get(signed_in, listing), requests, self.cpu["enterprise list page"]
        )
        results["enterprise list page, last page"] = timed(
            lambda: get(signed_in, listing, page=pages), requests
        )
        # Issue #15 item 4: "last" is the reversed order's first page; the middle
        # page is the one after the row in the middle (a "next" link's cursor).
        results["enterprise list page, last page by cursor"] = timed(
            lambda: get(signed_in, listing, page="last"), requests
        )
        middle = middle_cursor(park)
        results["enterprise list page, middle page by cursor"] = timed(
            lambda: get(signed_in, listing, after=middle), requests
        )
        results["API list (first page)"] = timed(lambda: get(api, api_list), requests)
        results["raw-SQL floor (first page)"] = timed(floor, requests)
        cycle = iter(queries * (requests // max(len(queries), 1) + 3))
        results["search p95 (API list with q)"] = timed(
            lambda: get(api, api_list, q=next(cycle)), max(requests, len(queries))
        )
        formats = (("xlsx", "exchange:export"), ("CSV", "exchange:export_csv")) if exports else ()
        for fmt, name in formats:
            url = reverse(name, args=["enterprises"])
            firsts, totals = [], []
            for _ in range(max(3, requests // 10)):
                start = time.perf_counter()
                response = signed_in.get(url)
                assert response.status_code == 200
                chunks = iter(response.streaming_content)
                next(chunks)
                firsts.append(time.perf_counter() - start)
                for _chunk in chunks:
                    pass
                totals.append(time.perf_counter() - start)
            results[f"{fmt} export: first byte"] = firsts
            results[f"{fmt} export: total"] = totals
        return results

    def table(self, results) -> str:
        def median_ms(key):
            return statistics.median(results[key]) * 1000

        def rate(key):
            return 1000 / median_ms(key)

        hello = rate("anonymous hello-world")
        floor = rate("raw-SQL floor (first page)")
        lines = [
            "| what | ParkOps | baseline | ratio |",
            "|---|---|---|---|",
            f"| anonymous hello-world | {hello:,.0f} req/s | – | – |",
        ]

        def versus(key, base_key, base):
            value = rate(key)
            return (
                f"| {key} vs {base_key} | {value:,.0f} req/s ({median_ms(key):.1f} ms) "
                f"| {base:,.0f} req/s | {value / base:.2f} |"
            )

        lines.append(versus("signed-in hello-world", "anonymous hello-world", hello))
        lines.append(versus("enterprise list page", "anonymous hello-world", hello))
        lines.append(versus("API list (first page)", "raw-SQL floor (first page)", floor))
        lines.append(
            f"| raw-SQL floor (first page) | {floor:,.0f} req/s "
            f"({median_ms('raw-SQL floor (first page)'):.2f} ms) | – | – |"
        )
        search = results["search p95 (API list with q)"]
        lines.append(
            f"| search p95 (API list with q) | {p95(search) * 1000:.1f} ms "
            f"(median {statistics.median(search) * 1000:.1f} ms, {len(search)} queries) | – | – |"
        )
        for key in ROWS[3:6] + ROWS[9:]:
            if key in results:
                lines.append(f"| {key} | {median_ms(key):,.1f} ms | – | – |")
        cpu = {key: statistics.median(times) * 1000 for key, times in self.cpu.items()}
        for key in ROWS[1:3]:
            lines.append(
                f"| CPU time: {key} vs anonymous hello-world | {cpu[key]:.2f} ms "
                f"| {cpu[ROWS[0]]:.2f} ms | {cpu[ROWS[0]] / cpu[key]:.2f} |"
            )
        return "\n".join(lines) + "\n"
