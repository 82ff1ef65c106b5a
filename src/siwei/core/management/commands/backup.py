"""``siwei backup [--output DIR]``: a consistent copy of the database and the uploaded
files, with SHA-256 checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from siwei.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files, with a checksum file."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups",
                            help="Directory for the backup files (default var/backups).")
        parser.add_argument("--no-media", action="store_true",
                            help="Leave the uploaded files (photos, signatures) out.")

    def handle(self, *args, **options):
        try:
            result = backup_create(directory=Path(options["output"]),
                                   media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.database}\n{result.manifest}")
        if result.media:
            self.stdout.write(str(result.media))
