"""``siwei serve``: the production web server (gunicorn) with workers from the CPU count.
Static files are served by whitenoise; run ``siwei collectstatic`` once per release."""

import os
import sys

from django.core.management.base import BaseCommand


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Serve Siwei with gunicorn (production)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SIWEI_BIND", "0.0.0.0:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("SIWEI_WORKERS", default_workers())))
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--dry-run", action="store_true",
                            help="Print the gunicorn command line instead of running it.")

    def handle(self, *args, **options):
        argv = ["gunicorn", "siwei.config.wsgi:application", "--bind", options["bind"],
                "--workers", str(options["workers"]), "--timeout", str(options["timeout"]),
                "--access-logfile", "-", "--max-requests", "2000",
                "--max-requests-jitter", "200"]
        if options["dry_run"]:
            self.stdout.write(" ".join(argv))
            return
        from gunicorn.app.wsgiapp import run

        sys.argv = argv
        run()
