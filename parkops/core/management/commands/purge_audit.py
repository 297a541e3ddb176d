import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parkops.core.audit import audit_purge


class Command(BaseCommand):
    help = (
        "Delete audit entries older than --before (a date, China Standard Time). "
        "Refuses anything younger than the retention period (PARKOPS_AUDIT_RETENTION_DAYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD")

    def handle(self, *args, before, **options):
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError as error:
            raise CommandError(
                f"--before must be a date like 2026-01-31, not {before!r}"
            ) from error
        try:
            deleted = audit_purge(before=day)
        except ValueError as error:
            raise CommandError(str(error)) from error
        days = settings.PARKOPS_AUDIT_RETENTION_DAYS
        self.stdout.write(
            self.style.SUCCESS(f"Purged {deleted} entries before {day} (retention {days} days).")
        )
