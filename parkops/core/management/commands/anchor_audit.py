from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parkops.core.audit import AuditChainError, audit_anchor


class Command(BaseCommand):
    help = (
        "Verify the audit chain, then append its head (sequence, hash, time, MAC) to "
        "PARKOPS_AUDIT_ANCHOR_FILE and the log. Run it from cron and ship the file elsewhere."
    )

    def handle(self, *args, **options):
        try:
            anchor = audit_anchor()
        except AuditChainError as error:
            raise CommandError(str(error)) from error
        where = settings.PARKOPS_AUDIT_ANCHOR_FILE
        self.stdout.write(
            self.style.SUCCESS(f"Anchored seq {anchor.seq} at {anchor.time} in {where}.")
        )
