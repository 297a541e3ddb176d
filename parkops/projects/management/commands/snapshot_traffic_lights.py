"""Keep this week's traffic light of every project under delivery (run weekly
from cron, say Monday morning; run again the same week, the week's row is
updated), so the board shows what changed colour since last week."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from parkops.core.models import Park
from parkops.projects import services


class Command(BaseCommand):
    help = "Keep each project's traffic light of this week (the board's 'last week')."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="the day to compute the lights on (YYYY-MM-DD)")
        parser.add_argument("--park", help="one park's code (default: every park)")

    def handle(self, *args, on=None, park=None, **options):
        try:
            day = datetime.date.fromisoformat(on) if on else None
        except ValueError as exc:
            raise CommandError(f"--on: {exc}") from exc
        parks = Park.objects.order_by("pk")
        if park:
            parks = parks.filter(code=park)
            if not parks.exists():
                raise CommandError(f"no park with code {park!r}")
        total = 0
        for target in parks:
            total += services.traffic_snapshot_take(park=target, as_of=day)
        self.stdout.write(self.style.SUCCESS(f"Kept the lights of {total} projects."))
