from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parkops.accounts import services
from parkops.accounts.models import User
from parkops.core.permissions import SYSTEM


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--read-only", action="store_true")

    def handle(self, *args, username, name, read_only, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username}.")
        try:
            _token, key = services.api_token_create(
                user=user, name=name, read_only=read_only, actor=SYSTEM
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(key)
