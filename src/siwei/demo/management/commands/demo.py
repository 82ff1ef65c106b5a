from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from siwei.demo.builder import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Build the deterministic demo dealership (stores BJ01 and SH01, one login per role)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help="Empty the database first (all data is lost), then build the demo.",
        )
        parser.add_argument(
            "--small", action="store_true", help="A few records of each kind (quick)."
        )

    def handle(self, *args, reset: bool = False, small: bool = False, **options):
        if reset:
            # flush re-runs the post-migrate hooks, which restore the roles from code.
            call_command("flush", interactive=False, verbosity=0)
        try:
            ctx = build_demo(small=small,
                             progress=lambda text: self.stdout.write(f"  · {text}"))
        except RuntimeError as exc:
            raise CommandError(f"{exc} (use --reset to rebuild)") from exc
        self.stdout.write(self.style.SUCCESS(f"Demo built in {connection.vendor}."))
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for username, role, store in ctx.logins:
            self.stdout.write(f"  {username:<28} {role:<18} {store}")
