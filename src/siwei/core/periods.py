"""The reporting period of a list or report page: ``?from=YYYY-MM-DD&to=YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import clock


def period_from_request(request) -> tuple[dt.date, dt.date]:
    """``from`` and ``to`` of the query string; by default this month up to today. A
    reversed range is put in order; a date that cannot be read is replaced by its default."""
    today = clock.today()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


def month_of(value) -> dt.date:
    """The first day of the month of a value read back from the database (a ``TruncMonth``
    or a date or time column): an aware time counts in the local time zone; SQLite may
    answer with an ISO string."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date().replace(day=1)
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).replace(day=1)
    return value.replace(day=1)
