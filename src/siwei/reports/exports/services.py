"""FN-10 store data exports: start one (a job, run in the background), run it, hand out
the file. An export holds personal data: starting and downloading one are audited and
need ``reports.export_store_data``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.reports.models import EXPORT_FLOW, ExportStatus, StoreExport

from .archive import write_store_export

PERMISSION = "reports.export_store_data"


def export_dir() -> Path:
    """Where export files are kept: outside the public media directory."""
    return Path(getattr(settings, "SIWEI_EXPORT_DIR", None) or settings.VAR_DIR / "exports")


def may_export(user, store) -> bool:
    return store is not None and has_store_perm(user, store, PERMISSION)


def _require(actor, store) -> None:
    if not may_export(actor, store):
        raise PermissionDenied(_("You may not export the data of this store."))


def store_export_to_file(*, store, path: Path) -> dict[str, Any]:
    """Write the store's export to ``path`` (written to a temporary name, then renamed,
    so a half-written file is never taken for an export); returns the manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as handle:
            manifest = write_store_export(store=store, handle=handle)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


@service_transaction
def store_export_start(*, actor, store) -> StoreExport:
    """Queue a full export of ``store``; one at a time per store (409 ``export_running``)."""
    _require(actor, store)
    if StoreExport.objects.for_store(store).select_for_update().filter(
            status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).exists():
        raise DomainError("export_running",
                          _("An export of this store is already running; wait for it."))
    export = StoreExport.objects.create(store=store, created_by=actor, created_at=clock.now())
    audit_record(actor=actor, action="store_data.export", obj=export,
                 after={"status": export.status},
                 note=_("Full export of the store's data, including personal data"))
    from .tasks import run_store_export

    pk = export.pk
    transaction.on_commit(lambda: run_store_export.enqueue(export_id=pk), robust=True)
    return export


def _transition(export_id: int, action: str, **fields) -> StoreExport | None:
    with transaction.atomic():
        export = StoreExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or not EXPORT_FLOW.allowed(export.status, action):
            return None
        export.status = EXPORT_FLOW.target(export.status, action)
        for name, value in fields.items():
            setattr(export, name, value)
        export.save()
        return export


def store_export_run(*, export_id: int) -> StoreExport | None:
    """The background part: write the zip, then mark the job ready (or failed, with
    the reason). A job that is not queued any more is left alone."""
    export = _transition(export_id, "start", started_at=clock.now())
    if export is None:
        return StoreExport.objects.filter(pk=export_id).first()
    stamp = clock.localnow().strftime("%Y%m%d-%H%M%S")
    name = f"siwei-{export.store.code}-{stamp}-{export.pk}.zip"
    path = export_dir() / export.store.code / name
    try:
        manifest = store_export_to_file(store=export.store, path=path)
    except Exception as exc:  # any failure is recorded on the job
        return _transition(export_id, "fail", finished_at=clock.now(),
                           failure=f"{type(exc).__name__}: {exc}"[:300])
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return _transition(export_id, "finish", finished_at=clock.now(), file_name=name,
                       size=path.stat().st_size, sha256=digest.hexdigest(),
                       table_count=len(manifest["tables"]), row_count=manifest["row_count"])


def store_export_path(export: StoreExport) -> Path:
    return export_dir() / export.store.code / export.file_name


def store_export_download(*, actor, export: StoreExport) -> Path:
    """The file of a finished export, for ``actor``; the download is audited."""
    _require(actor, export.store)
    if export.status != ExportStatus.DONE:
        raise DomainError("export_not_ready", _("This export is not ready."))
    path = store_export_path(export)
    if not path.is_file():
        raise DomainError("export_file_missing",
                          _("The file of this export is gone; start a new export."))
    audit_record(actor=actor, action="store_data.download", obj=export,
                 note=_("Download of the store's full data export"))
    return path
