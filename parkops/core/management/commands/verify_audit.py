from django.core.management.base import BaseCommand, CommandError

from parkops.core.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's chain, its head and the latest anchor; report the first "
        "edited, deleted or reset entry."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor-file",
            help="anchors to check against (a shipped copy); default PARKOPS_AUDIT_ANCHOR_FILE",
        )

    def handle(self, *args, anchor_file=None, **options):
        result = audit_verify(anchor_file=anchor_file)
        if not result.ok:
            raise CommandError(f"BROKEN after {result.checked} good entries: {result.problem}")
        if result.anchor is None:
            anchored = "no anchor yet (run anchor_audit)"
        else:
            anchored = f"matches the anchor at seq {result.anchor.seq} of {result.anchor.time}"
        self.stdout.write(self.style.SUCCESS(f"OK: {result.checked} entries verified; {anchored}"))
