"""The audit helper services call for every change to money, stock, status, prices,
permissions, and every export or full view of personal data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock
from .models import AuditEvent

# What an action code means, for people reading the audit log. Apps add their own in
# ``<app>/audit.py`` as ``ACTION_LABELS = {"ro.settle": _("Repair order settled")}``.
ACTION_LABELS: dict[str, Any] = {
    "store.create": _("Store created"),
    "employee.create": _("Employee created"),
    "employee.assign_role": _("Role assigned"),
    "employee.remove_role": _("Role removed"),
    "role.adjust_permission": _("Role permission adjusted"),
}


_APP_LABELS_LOADED = False


def action_label(action: str) -> str:
    """What an action code means. Each app may add ``ACTION_LABELS`` in its ``audit``
    module; they are merged in on first use."""
    global _APP_LABELS_LOADED
    if not _APP_LABELS_LOADED:
        from .registry import app_modules

        for module in app_modules("audit"):
            ACTION_LABELS.update(getattr(module, "ACTION_LABELS", {}))
        _APP_LABELS_LOADED = True
    return str(ACTION_LABELS.get(action, action))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-safe values (foreign keys by id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = field.attname if isinstance(field, models.ForeignKey) else name
        values[name] = _json_value(getattr(obj, attname))
    return values


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    store=None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    note: str = "",
) -> AuditEvent:
    """Write one audit event. ``store`` defaults to ``obj.store`` when the object has one."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if store is None:
            store = getattr(obj, "store", None) if hasattr(obj, "store_id") else None
    event = AuditEvent(
        store=store,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=clock.now(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        before=_json_value(before) if before is not None else None,
        after=_json_value(after) if after is not None else None,
        note=note[:300],
    )
    pending = _PENDING.get()
    if pending is not None:
        pending.append(event)
    else:
        event.save()
    return event


# The events of the innermost ``audit_batch`` block, or None outside one.
_PENDING: ContextVar[list[AuditEvent] | None] = ContextVar("audit_pending", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Write the audit events recorded inside the block with one insert when the block
    ends (a service action that records several events, one per line or per step).
    Events of a block left by an exception are dropped, as its transaction is rolled
    back; events recorded inside a batch have no id until it is written. A block inside
    another one adds to the outer batch."""
    if _PENDING.get() is not None:
        yield
        return
    events: list[AuditEvent] = []
    token = _PENDING.set(events)
    try:
        yield
    finally:
        _PENDING.reset(token)
    if events:
        AuditEvent.objects.bulk_create(events)
