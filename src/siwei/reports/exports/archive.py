"""The export archive (FN-10): a zip with one JSON Lines file per table and a manifest.

    manifest.json               format, version, time, store, per table: file, rows,
                                SHA-256 and schema (field names, types, references)
    tables/<app>.<model>.jsonl  one JSON object per row, keyed by column (``customer_id``)

Rows are streamed from the database (``iterator(chunk_size=…)``) straight into the zip,
so a large store never sits in memory.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal
from typing import IO, Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.duration import duration_iso_string

from siwei.core import clock
from siwei.core.models import Role

from .plan import SECRET_FIELDS, TablePlan, dependency_order, store_plan

FORMAT = "siwei-store-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_SIZE = 2000
# Foreign keys to these tables are written as natural keys (their ids differ between
# databases): "app_label.model", "app_label.codename", the role code.
NATURAL_KEYS = {"contenttypes.contenttype": "app_label.model",
                "auth.permission": "app_label.codename", "core.role": "code"}


def json_default(value: Any) -> Any:
    """Exact text for the values JSON lacks (no rounding of times or amounts)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot export a {type(value).__name__}")


def table_file(label: str) -> str:
    return f"tables/{label}.jsonl"


def _natural_maps(using: str | None) -> dict[str, dict[int, str]]:
    cts = ContentType.objects.using(using).values_list("pk", "app_label", "model")
    perms = Permission.objects.using(using).values_list(
        "pk", "content_type__app_label", "codename")
    return {
        "contenttypes.contenttype": {pk: f"{app}.{model}" for pk, app, model in cts},
        "auth.permission": {pk: f"{app}.{code}" for pk, app, code in perms},
        "core.role": dict(Role.objects.using(using).values_list("pk", "code")),
    }


def table_schema(model) -> list[dict[str, Any]]:
    """The exported columns of a table: name, Django type, nullability, reference."""
    secret = SECRET_FIELDS.get(model._meta.label_lower, frozenset())
    columns = []
    for f in model._meta.concrete_fields:
        if f.name in secret:
            continue
        column: dict[str, Any] = {"name": f.attname, "type": f.get_internal_type(),
                                  "null": f.null}
        if f.primary_key:
            column["primary_key"] = True
        if f.is_relation:
            target = f.related_model._meta.label_lower
            column["references"] = target
            if target in NATURAL_KEYS:
                column["natural_key"] = NATURAL_KEYS[target]
        columns.append(column)
    return columns


class _HashingWriter:
    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.handle.write(data)


def _write_table(archive, plan: TablePlan, using: str | None,
                 naturals: dict[str, dict[int, str]], chunk_size: int) -> dict[str, Any]:
    model = plan.model
    schema = table_schema(model)
    names = [c["name"] for c in schema]
    convert = {i: naturals[c["references"]] for i, c in enumerate(schema)
               if c.get("natural_key")}
    rows = 0
    with archive.open(table_file(plan.label), "w", force_zip64=True) as raw:
        out = _HashingWriter(raw)
        values = plan.queryset(using).order_by("pk").values_list(*names)
        buffer: list[str] = []
        for row in values.iterator(chunk_size=chunk_size):
            record = dict(zip(names, row, strict=True))
            for i, mapping in convert.items():
                if record[names[i]] is not None:
                    record[names[i]] = mapping[record[names[i]]]
            buffer.append(json.dumps(record, ensure_ascii=False, default=json_default,
                                     separators=(",", ":")))
            rows += 1
            if len(buffer) >= chunk_size:
                out.write(("\n".join(buffer) + "\n").encode("utf-8"))
                buffer.clear()
        if buffer:
            out.write(("\n".join(buffer) + "\n").encode("utf-8"))
    return {"model": plan.label, "db_table": model._meta.db_table,
            "file": table_file(plan.label), "rows": rows, "bytes": out.size,
            "sha256": out.digest.hexdigest(), "fields": schema}


def write_store_export(*, store, handle: IO[bytes], using: str | None = None,
                       chunk_size: int = CHUNK_SIZE) -> dict[str, Any]:
    """Write the store's export into ``handle`` (a binary file); returns the manifest."""
    import zipfile

    plans = store_plan(store)
    naturals = _natural_maps(using)
    tables = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in dependency_order([p.model for p in plans.values()]):
            tables.append(_write_table(archive, plans[model._meta.label_lower], using,
                                       naturals, chunk_size))
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "generated_at": clock.now().isoformat(),
            "store": {"id": store.pk, "code": store.code, "name": store.name},
            "group": {"id": store.group_id, "code": store.group.code},
            "row_count": sum(t["rows"] for t in tables),
            "notes": "Users are exported without password hashes or API tokens; content "
                     "types, permissions and roles are referred to by natural key.",
            "tables": tables,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest
