from django.core.management.base import BaseCommand, CommandError

from parkops.core.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; report the first edited or deleted entry."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(f"BROKEN after {result.checked} good entries: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"OK: {result.checked} entries verified"))
