from django.core.management.base import BaseCommand

from parkops.demo.data import DEMO_PASSWORD
from parkops.demo.loader import load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo park, its alliance and one demo user per role."

    def handle(self, *args, **options):
        users = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts:"))
        self.stdout.write(f"  {'username':<12} {'name':<8} role")
        for username, full_name, role in users:
            self.stdout.write(f"  {username:<12} {full_name:<8} {role}")
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
