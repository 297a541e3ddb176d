"""Create an administrator account. A fresh install has no default password:
this command asks for one (or reads it from PARKOPS_ADMIN_PASSWORD for scripts)."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parkops.accounts import services
from parkops.core.permissions import SEPARATED_ADMIN_ROLES, SYSTEM


class Command(BaseCommand):
    help = "Create a system, security or audit administrator, asking for the password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            default="system_admin",
            choices=sorted(str(role) for role in SEPARATED_ADMIN_ROLES),
        )
        parser.add_argument("--full-name", default="")

    def handle(self, *args, username, role, full_name, **options):
        password = os.environ.get("PARKOPS_ADMIN_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = services.user_create(
                username=username, password=password, full_name=full_name, actor=SYSTEM
            )
            services.membership_grant(user=user, role=role, actor=SYSTEM)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username}."))
