from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from customers.demo import DEMO_PASSWORD, demo_loaders, demo_user_table, load_base_data


class Command(BaseCommand):
    help = ("Load demo stations, users (one per role per station), customers and consumption, then the demo "
            "data other apps register (customers.demo.register_demo_loader). Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--list-users", action="store_true", help="only print the demo users")
        parser.add_argument("--force", action="store_true",
                            help="load even with DEBUG off (demo users have a public password)")

    def handle(self, list_users, force=False, **opts):
        if list_users:
            self.print_users()
            return
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to load demo data with DEBUG off: every demo user has the public "
                               f"password {DEMO_PASSWORD!r}. Use --force on a database that is not production.")
        created = load_base_data()
        self.stdout.write("Demo base data: " + ", ".join(f"{n} {what} created" for what, n in created.items()))
        # <app>/demo.py modules register their loaders when imported
        autodiscover_modules("demo")
        for name, loader in demo_loaders():
            summary = loader()
            self.stdout.write(f"Demo {name}: {summary or 'done'}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def print_users(self):
        rows = [("username", "role", "station", "lands on")] + demo_user_table()
        if len(rows) == 1:
            self.stdout.write("No demo users yet: run `manage.py load_demo`.")
            return
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write(f"  password of every demo user: {DEMO_PASSWORD}")
