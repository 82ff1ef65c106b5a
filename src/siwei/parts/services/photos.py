"""Photos of nonconforming goods (PT-8), checked by ``siwei.core.uploads``."""

from __future__ import annotations

from django.core.files.base import File
from django.db import transaction

from siwei.core.audit import audit_record
from siwei.core.transactions import service_transaction
from siwei.core.uploads import checked_photo

from ..models import Nonconformance
from ._common import require_perm


def store_photo(record: Nonconformance, photo: File) -> None:
    """Save a checked photo on the record; a replaced file is removed after commit."""
    old = record.photo.name if record.photo else ""
    record.photo.save(photo.name, photo, save=False)
    record.save(update_fields=["photo"])
    if old and old != record.photo.name:
        storage = record.photo.storage
        transaction.on_commit(lambda: storage.delete(old))


@service_transaction
def nonconformance_photo(*, actor, record: Nonconformance, photo) -> Nonconformance:
    """Add or replace the photo of a nonconformance record (permission
    ``parts.receive_stock`` in its store)."""
    require_perm(actor, record.store, "parts.receive_stock")
    checked = checked_photo(photo, subject=record.part.number)
    record = Nonconformance.objects.select_for_update().select_related("part").get(pk=record.pk)
    store_photo(record, checked)
    audit_record(actor=actor, action="parts.nonconformance_photo", obj=record,
                 after={"photo": record.photo.name})
    return record
