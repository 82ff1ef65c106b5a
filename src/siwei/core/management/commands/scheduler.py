"""``siwei scheduler``: enqueue the periodic jobs of every app when they are due (one
process per installation; see ``siwei.core.scheduling``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from siwei.core.scheduling import all_jobs, job_states, run_due_jobs


class Command(BaseCommand):
    help = ("Enqueue the periodic jobs (reminders, SLA checks, nightly recomputations) when "
            "they are due. Run one scheduler per installation, next to `siwei worker`.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="Enqueue the jobs that are due now, then exit.")
        parser.add_argument("--interval", type=float, default=30.0,
                            help="Seconds to sleep between two rounds (default: 30).")
        parser.add_argument("--list", action="store_true", dest="list_jobs",
                            help="List the jobs, their schedules and last runs, then exit.")

    def handle(self, *args, once: bool, interval: float, list_jobs: bool, **options) -> None:
        if interval <= 0:
            raise CommandError("--interval must be greater than zero.")
        if list_jobs:
            for row in job_states():
                last = (timezone.localtime(row["last_slot"]).strftime("%Y-%m-%d %H:%M")
                        if row["last_slot"] else "never")
                self.stdout.write(f"{row['name']:<40} {row['schedule']:<18} last {last}"
                                  f"{'  (due)' if row['due'] else ''}")
            return
        if once:
            self._round(reconnect=False)
            return
        self.stdout.write(f"Scheduler started: {len(all_jobs())} jobs, checking every "
                          f"{interval:g} s.")
        try:
            while True:
                self._round()
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def _round(self, *, reconnect: bool = True) -> None:
        # A long-running loop drops stale database connections around each round, as a
        # request would.
        if reconnect:
            close_old_connections()
        for name in run_due_jobs():
            self.stdout.write(f"enqueued {name}")
        if reconnect:
            close_old_connections()
