"""``siwei restore FILE --yes``: replace the database with a verified backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from siwei.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `siwei backup` (after checking its checksums)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The .sqlite3 or .pgdump file of the backup.")
        parser.add_argument("--yes", action="store_true",
                            help="Confirm that the current database is to be replaced.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("Restoring replaces the current database: add --yes.")
        try:
            backup_restore(database_file=Path(options["backup"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {options['backup']}"))
