"""``siwei export_store BJ01 --output bj01.zip``: a full data export of one store (FN-10)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from siwei.core.models import Store
from siwei.reports.exports.services import store_export_to_file


class Command(BaseCommand):
    help = ("Write every table of a store (with the group's master data and the store's "
            "staff, without passwords) to a zip of JSON Lines files with a manifest.")

    def add_arguments(self, parser):
        parser.add_argument("code", help="store code, e.g. BJ01")
        parser.add_argument("--output", "-o", required=True, help="the zip file to write")

    def handle(self, *args, code: str, output: str, **options):
        store = Store.objects.filter(code__iexact=code.strip()).select_related("group").first()
        if store is None:
            raise CommandError(f"No store {code}.")
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} exists; choose another file name.")
        manifest = store_export_to_file(store=store, path=target)
        self.stdout.write(f"{target}: {len(manifest['tables'])} tables, "
                          f"{manifest['row_count']} rows")
