"""Run every benchmark of issue #16 on scratch databases and write the results.

    manage.py bench [--scale 0.1] [--parks 50] [--seed 16] [--rounds 5] [--out bench]

The database is the configured one's engine, never its data: SQLite in a
temporary folder, or on PostgreSQL (``DATABASE_URL=postgres://…``) a database
named after the configured one with ``_bench`` appended (``parkops_bench`` for
``parkops``) on the same server (created, dropped after), so that two people
measuring on one server each have their own. Each phase of the run
(``parkops.bench.harness``) gets it new and migrated.
``make bench`` runs this on SQLite and, when ``DATABASE_URL`` names a
PostgreSQL server, there too; the results of both go to ``bench/results.json``
and ``bench/RESULTS.md``.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from parkops.bench import harness


class Command(BaseCommand):
    help = "Run the benchmarks (issue #16) on scratch databases; write bench/RESULTS.md."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.1)
        parser.add_argument("--parks", type=int, default=50)
        parser.add_argument("--seed", type=int, default=16)
        parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each step")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "bench"))
        parser.add_argument(
            "--fresh", action="store_true", help="forget the other databases' and scales' results"
        )
        parser.add_argument(
            "--only",
            default="",
            help='comma-separated families to run (figures, growth, queries, pages, "in process",'
            " imports); the table is printed, the results files are left as they are (see --write)",
        )
        parser.add_argument(
            "--write",
            action="store_true",
            help="with --only: write the results too, as this database and scale's entry"
            " (marked with the families that ran)",
        )
        parser.add_argument(
            "--quick", action="store_true", help="the smoke test's short loads (one worker)"
        )

    def handle(self, *args, **options):
        only = tuple(name.strip() for name in options["only"].split(",") if name.strip())
        try:
            harness.families(only)
        except ValueError as error:
            raise CommandError(str(error)) from error
        # Audit anchors of the scratch chain stay in the scratch folder.
        logging.getLogger("parkops.audit").setLevel(logging.WARNING)
        scratch = tempfile.TemporaryDirectory(prefix="parkops-bench-")
        settings.PARKOPS_AUDIT_ANCHOR_FILE = Path(scratch.name) / "anchors.log"
        db = settings.DATABASES["default"]
        sqlite = connection.vendor == "sqlite"
        original = connection.settings_dict["NAME"]
        name = str(Path(scratch.name) / "bench.sqlite3") if sqlite else f"{original}_bench"
        db.setdefault("TEST", {})["NAME"] = name
        created = False

        def fresh_database():
            nonlocal created
            if created:
                connection.creation.destroy_test_db(original, verbosity=0)
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            created = True

        try:
            rows, described = harness.run(
                scale=options["scale"],
                parks=options["parks"],
                seed=options["seed"],
                rounds=options["rounds"],
                quick=options["quick"],
                only=only,
                fresh_database=fresh_database,
                stdout=self.stdout,
            )
        finally:
            if created:
                connection.creation.destroy_test_db(original, verbosity=0)
            scratch.cleanup()
        if not only or options["write"]:
            if only:
                described["only"] = [family.NAME for family in harness.families(only)]
            harness.write(rows, described, Path(options["out"]), fresh=options["fresh"])
        self.stdout.write(harness.table(rows))
