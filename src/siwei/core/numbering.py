"""Document numbers per store, type and day: ``RO-BJ01-20261122-0007``.

Call ``number_next`` inside the transaction that creates the document: the counter row
stays locked until that transaction ends, so numbers are unique, and a rolled-back
document gives its number back, so they are gapless.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from . import clock
from .models import DocumentCounter, Store

DOC_TYPE_RE = re.compile(r"^[A-Z]{2,6}$")


def number_format(*, doc_type: str, store_code: str, day: dt.date, value: int) -> str:
    return f"{doc_type}-{store_code}-{day:%Y%m%d}-{value:04d}"


def number_next(*, store: Store, doc_type: str, day: dt.date | None = None) -> str:
    """The next number of ``doc_type`` (e.g. ``RO``) in ``store`` for ``day`` (today)."""
    if not DOC_TYPE_RE.match(doc_type):
        raise ValueError(f"document type must be 2-6 capital letters, not {doc_type!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next must run inside the transaction creating the document")
    day = day or clock.today()
    # Create the day's counter if it is missing without failing when a parallel
    # transaction creates it at the same moment (ON CONFLICT DO NOTHING / INSERT OR IGNORE).
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(store=store, doc_type=doc_type, day=day, last_value=0)],
        ignore_conflicts=True,
    )
    counter = DocumentCounter.objects.select_for_update().get(
        store=store, doc_type=doc_type, day=day
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return number_format(
        doc_type=doc_type, store_code=store.code, day=day, value=counter.last_value
    )
