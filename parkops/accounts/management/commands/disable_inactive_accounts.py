"""Disable accounts unused for PARKOPS_INACTIVE_ACCOUNT_DAYS (run daily from cron).

Does nothing unless PARKOPS_AUTO_DISABLE_INACTIVE is on or --now is given; the
security administrator sees the same accounts under Users → unused.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from parkops.accounts import selectors, services
from parkops.core.permissions import SYSTEM


class Command(BaseCommand):
    help = "Disable accounts unused for the configured number of days."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="disable even if not configured")

    def handle(self, *args, now, **options):
        stale = list(selectors.inactive_users())
        if not (now or settings.AUTO_DISABLE_INACTIVE):
            self.stdout.write(
                f"{len(stale)} accounts unused for {settings.INACTIVE_ACCOUNT_DAYS} days; "
                "automatic disabling is off (PARKOPS_AUTO_DISABLE_INACTIVE)."
            )
            return
        for user in stale:
            services.user_set_active(user=user, active=False, actor=SYSTEM)
        self.stdout.write(self.style.SUCCESS(f"Disabled {len(stale)} unused accounts."))
