"""The reporting period of a list or report page: ``?from=YYYY-MM-DD&to=YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt

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
