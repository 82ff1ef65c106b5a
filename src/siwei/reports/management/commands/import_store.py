"""``siwei import_store bj01.zip``: load a store export into a new, empty database (FN-10).
Run ``siwei migrate`` on the new database first."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from siwei.reports.exports.loader import ImportRefused, import_store


class Command(BaseCommand):
    help = ("Load a zip written by export_store into an empty, migrated database, keeping "
            "primary keys. Users get unusable passwords: set new ones after the import.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export zip")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, file: str, database: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")

        def progress(label: str, rows: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {label}: {rows}")

        try:
            loaded = import_store(path, using=database, progress=progress)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path}: {len(loaded)} tables, {sum(loaded.values())} rows loaded")
