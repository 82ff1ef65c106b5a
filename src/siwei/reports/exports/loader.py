"""Load a store export into an empty database (``siwei import_store``; FN-10).

The target has been migrated and holds nothing but what migrate writes (content types,
permissions, roles). Every file's SHA-256 is checked before anything is written; tables
are inserted in the manifest's dependency order keeping their primary keys, in one
transaction (foreign keys are checked at commit), then the id sequences are moved past
the loaded rows (PostgreSQL) and every table's row count is compared with the manifest.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connections, transaction

from siwei.core.models import Role

from .archive import FORMAT, FORMAT_VERSION, MANIFEST
from .plan import MERGED

BATCH = 500


class ImportRefused(Exception):
    """The export cannot be loaded here; the message says why (nothing was written)."""


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise ImportRefused("manifest.json is missing: this is not a store export.") from exc
    if manifest.get("format") != FORMAT:
        raise ImportRefused("manifest.json does not describe a Siwei store export.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(f"Export format version {manifest.get('format_version')} is not "
                            f"supported (this version reads {FORMAT_VERSION}).")
    return manifest


def verify(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Every table file is present and matches its SHA-256."""
    for table in manifest["tables"]:
        digest = hashlib.sha256()
        try:
            with archive.open(table["file"]) as handle:
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(chunk)
        except KeyError as exc:
            raise ImportRefused(f"{table['file']} is listed in the manifest but missing.") from exc
        if digest.hexdigest() != table["sha256"]:
            raise ImportRefused(f"{table['file']} does not match its checksum: the export "
                                "is damaged.")


def _model(label: str):
    app_label, _dot, name = label.partition(".")
    try:
        return apps.get_model(app_label, name)
    except LookupError as exc:
        raise ImportRefused(f"Table {label} of the export does not exist here: the export "
                            "comes from another version of Siwei.") from exc


def _check_schema(model, table: dict[str, Any]) -> None:
    here = {f.attname for f in model._meta.concrete_fields}
    unknown = [c["name"] for c in table["fields"] if c["name"] not in here]
    if unknown:
        raise ImportRefused(f"{table['model']}: columns {', '.join(unknown)} do not exist "
                            "here: the export comes from another version of Siwei.")


def check_empty(models_: list, using: str) -> None:
    """Refuse a target that holds any data beyond what migrate writes."""
    filled = [m._meta.label_lower for m in models_
              if m._meta.label_lower not in MERGED and m._base_manager.using(using).exists()]
    if filled:
        raise ImportRefused("The target database is not empty (" + ", ".join(filled[:8])
                            + "): load an export only into a new, migrated database.")


def _rows(archive: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    with archive.open(name) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
        for line in text:
            if line.strip():
                yield json.loads(line)


class _Naturals:
    """Natural keys of the export → ids in the target database."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.maps = {
            "contenttypes.contenttype": {
                f"{app}.{model}": pk for pk, app, model in
                ContentType.objects.using(using).values_list("pk", "app_label", "model")},
            "auth.permission": {
                f"{app}.{code}": pk for pk, app, code in Permission.objects.using(using)
                .values_list("pk", "content_type__app_label", "codename")},
            "core.role": dict(Role.objects.using(using).values_list("code", "pk")),
        }

    def resolve(self, target: str, key: str) -> int:
        try:
            return self.maps[target][key]
        except KeyError as exc:
            raise ImportRefused(f"{key} ({target}) does not exist here.") from exc


def _decoder(model, table: dict[str, Any], naturals: _Naturals) -> Callable[[dict], Any]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = [(c["name"], fields[c["name"]], c.get("references") if c.get("natural_key")
                else None) for c in table["fields"]]
    is_user = model._meta.label_lower == "auth.user"
    unusable = make_password(None) if is_user else ""

    def build(record: dict[str, Any]):
        values = {}
        for name, field, natural in columns:
            value = record.get(name)
            if value is not None:
                if natural:
                    value = naturals.resolve(natural, value)
                elif field.get_internal_type() == "BinaryField":
                    value = base64.b64decode(value)
                else:
                    value = field.to_python(value)
            values[name] = value
        if is_user:
            values["password"] = unusable
        return model(**values)

    return build


def _insert(model, objs: list, using: str, *, keep_pk: bool) -> None:
    """A raw insert: field defaults and ``auto_now`` are not applied, so times and
    numbers arrive exactly as exported."""
    fields = [f for f in model._meta.concrete_fields if keep_pk or not f.primary_key]
    model._base_manager.db_manager(using)._insert(objs, fields=fields, raw=True, using=using)


def _load_table(archive, model, table, using: str, naturals: _Naturals) -> int:
    label = model._meta.label_lower
    build = _decoder(model, table, naturals)
    if label == "core.role":
        count = 0
        for record in _rows(archive, table["file"]):
            Role.objects.using(using).update_or_create(
                code=record["code"], defaults={k: v for k, v in record.items()
                                               if k not in ("id", "code")})
            count += 1
        naturals.maps["core.role"] = dict(Role.objects.using(using).values_list("code", "pk"))
        return count
    if label == "core.role_permissions":
        through = model._base_manager.db_manager(using)
        count = 0
        batch = []
        for record in _rows(archive, table["file"]):
            obj = build(record)
            obj.pk = None
            batch.append(obj)
            count += 1
            if len(batch) >= BATCH:
                through.bulk_create(batch, ignore_conflicts=True)
                batch = []
        through.bulk_create(batch, ignore_conflicts=True)
        return count
    count, batch = 0, []
    for record in _rows(archive, table["file"]):
        batch.append(build(record))
        count += 1
        if len(batch) >= BATCH:
            _insert(model, batch, using, keep_pk=True)
            batch = []
    if batch:
        _insert(model, batch, using, keep_pk=True)
    return count


def reset_sequences(models_: list, using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def import_store(path: Path | str, *, using: str = "default",
                 progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Load the export at ``path`` into the (empty, migrated) database ``using``; returns
    rows per table. Raises ``ImportRefused`` before writing anything if the file is not a
    complete export of this version or the database is not empty."""
    with zipfile.ZipFile(path) as archive:
        manifest = read_manifest(archive)
        tables = [(_model(t["model"]), t) for t in manifest["tables"]]
        for model, table in tables:
            _check_schema(model, table)
        verify(archive, manifest)
        check_empty([m for m, _t in tables], using)
        loaded: dict[str, int] = {}
        with transaction.atomic(using=using):
            naturals = _Naturals(using)
            for model, table in tables:
                loaded[table["model"]] = _load_table(archive, model, table, using, naturals)
                if progress:
                    progress(table["model"], loaded[table["model"]])
            reset_sequences([m for m, _t in tables], using)
            for model, table in tables:
                if table["model"] in MERGED:
                    continue
                count = model._base_manager.using(using).count()
                if count != table["rows"]:
                    raise ImportRefused(f"{table['model']}: {count} rows loaded, the manifest "
                                        f"lists {table['rows']}.")
    return loaded
