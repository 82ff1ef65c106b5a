"""Document numbers per store, type and day: ``RO-BJ01-20261122-0007``.

Call ``number_next`` inside the transaction that creates the document: the counter row
stays locked until that transaction ends, so numbers are unique, and a rolled-back
document gives its number back, so they are gapless.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection, transaction

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
    value = _counter_next(store, doc_type, day)
    return number_format(
        doc_type=doc_type, store_code=store.code, day=day, value=value
    )


def _counter_next(store: Store, doc_type: str, day: dt.date) -> int:
    """Raise the day's counter by one and return it. PostgreSQL and SQLite do it in one
    statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``): the day's first number
    creates the row, a parallel transaction waits on the row until this one ends."""
    if connection.vendor in ("postgresql", "sqlite"):
        table = connection.ops.quote_name(DocumentCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (store_id, doc_type, day, last_value) "  # noqa: S608
                f"VALUES (%s, %s, %s, 1) ON CONFLICT (store_id, doc_type, day) "
                f"DO UPDATE SET last_value = {table}.last_value + 1 RETURNING last_value",
                [store.pk, doc_type, connection.ops.adapt_datefield_value(day)])
            return cursor.fetchone()[0]
    # Other databases: create the row if missing (ignoring a parallel insert), then lock it.
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(store=store, doc_type=doc_type, day=day, last_value=0)],
        ignore_conflicts=True,
    )
    counter = DocumentCounter.objects.select_for_update().get(
        store=store, doc_type=doc_type, day=day
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value
