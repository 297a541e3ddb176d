"""Measure enterprise search per kind of query, on a database of N enterprises.

    manage.py bench_search --enterprises 150000 [--seed 15] [--rounds 3] [--keep] [--reuse]

Builds the same throwaway database as ``bench_pages`` (``build``: one park, N
enterprises, the same rows for the same seed), or with ``--reuse`` takes the one
a ``--keep`` run left (``var/bench_search_<N>.sqlite3`` on SQLite,
``test_<name>`` on PostgreSQL; migrated again, not rebuilt). Then asks the API
list with ``q`` (count and first page, as a client does) for a fixed set of
queries of each kind, drawn from the first enterprises by name, ``--rounds``
times each, and prints p50 / p95 per kind, with the rows each query found (the
API's count). In process, no server: compare rows within one run.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from parkops.enterprises.management.commands.bench_pages import build, p95

SAMPLE = 8


def queries(sample) -> dict[str, list[str]]:
    """Kind of query → the queries, from ``sample`` (name, former names, credit
    code, full pinyin, initials) of enterprises."""
    kinds: dict[str, list[str]] = {
        "name, 1 character": [],
        "name, 2 characters": [],
        "name, 3 characters": [],
        "name, 4 characters": [],
        "former name, 3 characters": [],
        "full pinyin (9 letters)": [],
        "initials (4 letters)": [],
        "credit code prefix (14)": [],
        "credit code fragment (10)": [],
        "credit code fragment (6)": [],
    }
    for name, former, uscc, pinyin, initials in sample:
        if not name:
            kinds["former name, 3 characters"].append(former[1:4])
            continue
        kinds["name, 1 character"].append(name[2])
        kinds["name, 2 characters"].append(name[2:4])
        kinds["name, 3 characters"].append(name[2:5])
        kinds["name, 4 characters"].append(name[2:6])
        kinds["full pinyin (9 letters)"].append(pinyin[3:12])
        kinds["initials (4 letters)"].append(initials[:4])
        kinds["credit code prefix (14)"].append(uscc[:14].lower())
        kinds["credit code fragment (10)"].append(uscc[4:14].lower())
        kinds["credit code fragment (6)"].append(uscc[11:17])
    return kinds


class Command(BaseCommand):
    help = "Measure enterprise search (API list with q) per kind of query on N enterprises."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=15000)
        parser.add_argument("--seed", type=int, default=15)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
        parser.add_argument("--reuse", action="store_true", help="measure the kept database")
        parser.add_argument(
            "--in-place", action="store_true", help="use the configured database (the tests do)"
        )

    def handle(self, *args, **options):
        from django.test.utils import setup_databases, teardown_databases

        if options["in_place"]:
            self.measure(options)
            return
        n = options["enterprises"]
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            db.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / f"bench_search_{n}.sqlite3")
        keep = options["keep"] or options["reuse"]
        names = setup_databases(verbosity=0, interactive=False, keepdb=options["reuse"])
        try:
            self.measure(options)
        finally:
            if not keep:
                teardown_databases(names, verbosity=0)

    def measure(self, options):
        from parkops.accounts import services as account_services
        from parkops.core.models import Park
        from parkops.enterprises.models import Enterprise

        n, seed = options["enterprises"], options["seed"]
        park = Park.objects.filter(code=f"bench{seed}").first()
        if park is None:
            started = time.perf_counter()
            park, user, key = build(n, seed)
            self.stdout.write(f"built {n:,} enterprises in {time.perf_counter() - started:.1f} s")
        else:
            from parkops.accounts.models import User

            user = User.objects.get(username=f"bench{seed}")
            _token, key = account_services.api_token_create(user=user, name="bench", actor=user)
        columns = ("name", "former_names", "uscc", "name_pinyin", "name_initials")
        ordered = Enterprise.objects.unscoped().filter(park=park).order_by("name")
        sample = list(ordered.values_list(*columns)[:SAMPLE])
        # Former names from the first enterprises that have one.
        sample += [
            ("", former, "", "", "")
            for former in ordered.exclude(former_names="").values_list("former_names", flat=True)[
                :SAMPLE
            ]
        ]
        api = Client(headers={"authorization": f"Bearer {key}"})
        with override_settings(ROOT_URLCONF="parkops.bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
            api.get("/api/enterprises", {"q": "warm"})
            rows = self.run_kinds(api, user, park, queries(sample), options["rounds"])
        total = Enterprise.objects.unscoped().filter(park=park).count()
        self.stdout.write(
            f"\n{total:,} enterprises on {connection.vendor}, {options['rounds']} rounds, "
            "API list with q (count + first page), in process\n"
        )
        self.stdout.write(
            "| query kind | queries | rows found (min–max) | API p50 ms | API p95 ms "
            "| selector p50 ms | selector p95 ms |"
        )
        self.stdout.write("|---|---|---|---|---|---|---|")
        everything, selected = [], []
        for kind, (times, counts, reads) in rows.items():
            if not counts:  # no enterprise of the sample has a former name
                continue
            everything += times
            selected += reads
            self.stdout.write(
                f"| {kind} | {len(counts) // options['rounds']} | {min(counts):,}–{max(counts):,} "
                f"| {statistics.median(times) * 1000:.1f} | {p95(times) * 1000:.1f} "
                f"| {statistics.median(reads) * 1000:.1f} | {p95(reads) * 1000:.1f} |"
            )
        self.stdout.write(
            f"| all | {len(everything)} timings | – | {statistics.median(everything) * 1000:.1f} "
            f"| {p95(everything) * 1000:.1f} | {statistics.median(selected) * 1000:.1f} "
            f"| {p95(selected) * 1000:.1f} |"
        )

    def run_kinds(self, api, user, park, kinds, rounds):
        """Per kind: the API's times and counts, and the selector's times (its
        count and first page in the API's order: the search's SQL and ORM,
        without the request around them)."""
        from parkops.enterprises.selectors import enterprise_list

        rows = {}
        for kind, texts in kinds.items():
            times, counts, reads = [], [], []
            for _ in range(rounds):
                for text in texts:
                    start = time.perf_counter()
                    response = api.get("/api/enterprises", {"q": text})
                    times.append(time.perf_counter() - start)
                    assert response.status_code == 200, (text, response.status_code)
                    counts.append(response.json()["count"])
                    start = time.perf_counter()
                    found = enterprise_list(user=user, filters={"q": text}, park_id=park.pk)
                    found.count()
                    list(found[: settings.NINJA_PAGINATION_PER_PAGE])
                    reads.append(time.perf_counter() - start)
            rows[kind] = (times, counts, reads)
        return rows
