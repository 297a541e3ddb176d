"""Fill the database with a synthetic province (issue #16).

    manage.py generate_province --parks 50 --scale 1.0 --seed 16 [--append]

See ``parkops/bench/generate.py`` for what is generated and how; run it on a
database that has been migrated and has no parks (``--append`` adds parks after
existing ones). Prints the rows per table and the time taken.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from parkops.bench import generate


class Command(BaseCommand):
    help = "Fill an empty database with N synthetic parks of realistic data (bulk, seeded)."

    def add_arguments(self, parser):
        parser.add_argument("--parks", type=int, default=50)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0: a park of average size (see generate.py)"
        )
        parser.add_argument("--seed", type=int, default=16)
        parser.add_argument(
            "--append", action="store_true", help="add the parks to a database that has some"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            counts = generate.generate_province(
                parks=options["parks"],
                scale=options["scale"],
                seed=options["seed"],
                append=options["append"],
                stdout=self.stdout,
            )
        except (generate.DatabaseNotEmpty, ValueError) as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write("| table | rows |\n|---|---|")
        for label, rows in counts.items():
            self.stdout.write(f"| {label} | {rows:,} |")
        self.stdout.write(
            f"\n{options['parks']} parks at scale {options['scale']} (seed {options['seed']}) "
            f"in {elapsed:.1f} s; every generated user's password is {generate.PASSWORD}"
        )
