"""FN-9 import jobs: upload, dry run, import (all or nothing, or the good rows only).

A run has two steps. The check converts every row, finds duplicates inside the file, and
writes each row through the owning app's service inside a transaction that is rolled
back (in chunks, so the progress can be committed in between): every bad row is listed
with its row number, column and reason. Unless the mode is a dry run, the write then
runs the good rows once more in ONE transaction: all or nothing by default, or, with
``good_rows_only``, each bad row rolled back alone. Nothing is written when a row is bad
and the user did not choose the good rows only."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import ImportJob, ImportKind, ImportMode, ImportStatus
from ..models.imports import IMPORT_FLOW, import_permission
from .columns import COLUMNS, Column
from .reader import Table, check_size, convert, read_table
from .rows import CREATED, HANDLERS, Context, Handler

logger = logging.getLogger(__name__)

INLINE_ROWS = 200  # files up to this many rows run in the request
CHUNK_ROWS = 100  # rows checked between two progress updates


def inline_rows() -> int:
    return getattr(settings, "SIWEI_IMPORT_INLINE_ROWS", INLINE_ROWS)


def chunk_rows() -> int:
    return max(1, getattr(settings, "SIWEI_IMPORT_CHUNK_ROWS", CHUNK_ROWS))


def may_import(user, store, kind: str) -> bool:
    return kind in ImportKind.values and has_store_perm(user, store, import_permission(kind))


def importable_kinds(user, store) -> list[str]:
    return [kind for kind in ImportKind.values if may_import(user, store, kind)]


def _require(actor, store, kind: str) -> None:
    if not may_import(actor, store, kind):
        raise PermissionDenied(_("You may not import this kind of data in store %(store)s.")
                               % {"store": store.code})


# --- create and confirm ---------------------------------------------------------------------


def import_job_create(*, actor, store, kind: str, mode: str, file) -> ImportJob:
    """Store an uploaded file as a job and run it: in the request when it is small, else
    as a background task once the job is committed. The file is read here already, so
    an unreadable file is refused at once (``ValidationError`` on ``file``)."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": [_("Choose what to import.")]})
    if mode not in ImportMode.values:
        raise ValidationError({"mode": [_("Choose a dry run or how to import.")]})
    _require(actor, store, kind)
    name = getattr(file, "name", "") or ""
    check_size(getattr(file, "size", 0) or 0)  # refused before it is read
    file.seek(0)
    data = file.read()
    table = read_table(kind, name, data)
    job = _create(actor=actor, store=store, kind=kind, mode=mode, name=name, data=data,
                  rows=len(table.rows))
    return _dispatch(job)


@service_transaction
def _create(*, actor, store, kind: str, mode: str, name: str, data: bytes,
            rows: int) -> ImportJob:
    job = ImportJob(store=store, kind=kind, mode=mode, filename=name[-200:],
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    total_rows=rows, created_by=actor, created_at=clock.now())
    extension = "xlsx" if data[:4] == b"PK\x03\x04" else "csv"
    job.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    job.save()
    return job


def import_job_confirm(*, actor, job: ImportJob, mode: str) -> ImportJob:
    """Import a checked file: ``all_or_nothing`` (refused with ``import_has_errors``
    while a row is bad) or ``good_rows_only`` (``nothing_to_import`` when none is good).
    The rows are checked again before they are written."""
    job = _confirm(actor=actor, job=job, mode=mode)
    return _dispatch(job)


@service_transaction
def _confirm(*, actor, job: ImportJob, mode: str) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require(actor, job.store, job.kind)
    if mode not in (ImportMode.ALL_OR_NOTHING, ImportMode.GOOD_ROWS_ONLY):
        raise ValidationError({"mode": [_("Choose all or nothing, or the good rows only.")]})
    status = IMPORT_FLOW.target(job.status, "confirm")
    if mode == ImportMode.ALL_OR_NOTHING and job.errors:
        raise DomainError("import_has_errors",
                          _("%(n)s rows are bad: correct the file, or import the good rows "
                            "only.") % {"n": job.bad_rows})
    if job.good_rows == 0:
        raise DomainError("nothing_to_import", _("No row of this file can be imported."))
    job.status, job.mode, job.confirmed_by = status, mode, actor
    job.processed_rows = job.written_rows = job.created_count = job.updated_count = 0
    job.save(update_fields=["status", "mode", "confirmed_by", "processed_rows",
                            "written_rows", "created_count", "updated_count"])
    return job


def _dispatch(job: ImportJob) -> ImportJob:
    if job.total_rows <= inline_rows():
        return import_job_run(job_id=job.pk)
    from .tasks import run_import_job

    pk = job.pk
    transaction.on_commit(lambda: run_import_job.enqueue(job_id=pk), robust=True)
    return job


# --- the run ----------------------------------------------------------------------------------


class _Abort(Exception):
    def __init__(self, errors: list[dict]) -> None:
        super().__init__("import aborted")
        self.errors = errors


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job (the task calls this; small files run in the request). A job
    that is not queued is left alone, so a task delivered twice runs once."""
    job = _start(job_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _run(job)
    except Exception:
        logger.exception("import job %s failed", job_id)
        job.status = IMPORT_FLOW.target(job.status, "fail")
        job.failure = str(_("The import stopped on an unexpected error; nothing was "
                            "written."))
        job.finished_at = clock.now()
        job.save(update_fields=["status", "failure", "finished_at"])
    return job


@service_transaction
def _start(job_id: int) -> ImportJob | None:
    job = ImportJob.objects.select_for_update().select_related("store").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return None
    job.status = IMPORT_FLOW.target(job.status, "start")
    job.started_at, job.finished_at, job.processed_rows = clock.now(), None, 0
    job.failure = ""
    job.save(update_fields=["status", "started_at", "finished_at", "processed_rows",
                            "failure"])
    return job


def _entry(handler: Handler, row: int, column: str, message: Any) -> dict[str, Any]:
    col = next((c for c in COLUMNS[handler.kind] if c.key == column), None)
    return {"row": row, "column": column, "label": f"{col.zh} {col.en}" if col else "",
            "message": str(message)}


def _errors_of(handler: Handler, row: int, exc: Exception) -> list[dict[str, Any]]:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [_entry(handler, row, handler.column_for(name), message)
                    for name, errors in exc.error_dict.items()
                    for message in ValidationError(errors).messages]
        return [_entry(handler, row, "", message) for message in exc.messages]
    if isinstance(exc, DomainError):
        return [_entry(handler, row, handler.code_columns.get(exc.code, ""), exc.message)]
    return [_entry(handler, row, "", str(exc) or _("You may not do this."))]


def _attempt(handler: Handler, ctx: Context, row: int,
             values: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """Write one row in its own savepoint; a refusal rolls back that row only."""
    ctx.row = row
    try:
        with transaction.atomic():
            return handler.write(ctx, values), []
    except (ValidationError, DomainError, PermissionDenied) as exc:
        return None, _errors_of(handler, row, exc)
    except IntegrityError:
        return None, [_entry(handler, row, "", _("This row conflicts with data saved in the "
                                                  "meantime."))]


def _prepare(handler: Handler, table: Table) -> tuple[list, list[dict[str, Any]]]:
    """Convert every row's cells and find duplicates inside the file."""
    errors: list[dict[str, Any]] = []
    columns = {c.key: c for c in table.columns.values()}
    for missing in table.missing:
        errors.append({**_entry(handler, 1, missing.key, ""), "message": _(
            "The column %(column)s is missing.") % {"column": missing.header}})
    prepared, seen = [], {}
    for row, raw in table.rows:
        if table.missing:  # every row is bad; the header entry says why
            prepared.append((row, {}, True))
            continue
        values, row_errors = {}, []
        for key, value in raw.items():
            column: Column = columns[key]
            try:
                values[key] = convert(column, value)
            except ValueError as exc:
                row_errors.append(_entry(handler, row, key, exc))
                continue
            if column.required and values[key] in (None, ""):
                row_errors.append(_entry(handler, row, key, _("This column is required.")))
        if not row_errors:
            key = handler.duplicate_key(values)
            if key and key in seen:
                row_errors.append(_entry(handler, row, handler.duplicate_column,
                                         _("Same as row %(row)s of this file.")
                                         % {"row": seen[key]}))
            elif key:
                seen[key] = row
        errors.extend(row_errors)
        prepared.append((row, values, bool(row_errors)))
    return prepared, errors


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _run(job: ImportJob) -> None:
    handler = HANDLERS[job.kind]
    actor = job.confirmed_by or job.created_by
    try:
        job.file.open("rb")
        try:
            data = job.file.read()
        finally:
            job.file.close()
        table = read_table(job.kind, job.filename, data)
    except ValidationError as exc:
        job.errors = [_entry(handler, 1, "", m) for m in exc.messages]
        job.good_rows = 0
        _finish(job, "refuse" if job.mode != ImportMode.DRY_RUN else "check")
        return
    prepared, errors = _prepare(handler, table)
    job.total_rows = len(prepared)
    ctx = Context(actor=actor, store=job.store, job_id=job.pk, today=clock.today())
    bad = {row for row, _values, failed in prepared if failed}
    processed = 0
    for chunk in _chunks(prepared, chunk_rows()):
        # The check: each row written and rolled back; nothing stays.
        with transaction.atomic():
            for row, values, failed in chunk:
                if failed:
                    continue
                _outcome, row_errors = _attempt(handler, ctx, row, values)
                if row_errors:
                    errors.extend(row_errors)
                    bad.add(row)
            transaction.set_rollback(True)
        processed += len(chunk)
        _progress(job, processed)
    errors.sort(key=lambda e: e["row"])
    job.errors = errors
    job.good_rows = len(prepared) - len(bad)
    if job.mode == ImportMode.DRY_RUN:
        _finish(job, "check")
    elif (job.mode == ImportMode.ALL_OR_NOTHING and errors) or job.good_rows == 0:
        _finish(job, "refuse")
    else:
        _write(job, handler, ctx, [(r, v) for r, v, _f in prepared if r not in bad])


def _progress(job: ImportJob, processed: int) -> None:
    job.processed_rows = processed
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed,
                                               total_rows=job.total_rows)


def _write(job: ImportJob, handler: Handler, ctx: Context, rows: list) -> None:
    """The import proper: one transaction for the whole file."""
    created = updated = 0
    late: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            for row, values in rows:
                outcome, row_errors = _attempt(handler, ctx, row, values)
                if row_errors:
                    # Changed since the check (another user, say).
                    if job.mode == ImportMode.ALL_OR_NOTHING:
                        raise _Abort(row_errors)
                    late.extend(row_errors)
                    continue
                if outcome == CREATED:
                    created += 1
                else:
                    updated += 1
            job.created_count, job.updated_count = created, updated
            job.written_rows = created + updated
            if late:
                job.errors = sorted([*job.errors, *late], key=lambda e: e["row"])
                job.good_rows -= len({e["row"] for e in late})
            audit_record(actor=ctx.actor, action="reports.import", obj=job,
                         after={"kind": job.kind, "mode": job.mode, "file": job.filename,
                                "rows": job.total_rows, "created": created,
                                "updated": updated, "skipped": job.total_rows - created
                                - updated})
            _finish(job, "finish")
    except _Abort as abort:
        job.errors = sorted([*job.errors, *abort.errors], key=lambda e: e["row"])
        job.good_rows -= len({e["row"] for e in abort.errors})
        job.created_count = job.updated_count = job.written_rows = 0
        _finish(job, "refuse")


def _finish(job: ImportJob, action: str) -> None:
    job.status = IMPORT_FLOW.target(job.status, action)
    job.finished_at = clock.now()
    job.save(update_fields=["status", "finished_at", "errors", "good_rows", "total_rows",
                            "processed_rows", "written_rows", "created_count",
                            "updated_count"])
