"""One report framework (FN-7) for every report of every department.

A department declares its reports in ``<app>/report_catalog.py`` as ``REPORTS =
[ReportDefinition(...)]``. A definition names the report (its ``key`` is its address:
``/reports/view/<key>/`` and ``GET /api/v1/reports/<key>/``), the store permission that
opens it, and a ``build`` function that computes it for one store and one period from the
department's selectors. The framework does the rest, the same way for every report:

- the period (``?from=&to=``, by default this month up to today) and the store
  (``?store=<code>``; ``?store=all`` for users who may open the report in several stores);
- the page: a table per section, the charts, an .xlsx download (``?format=xlsx``);
- the group view: the report's headline figures (``summary_columns``) with the stores side by
  side, one row per store, and a chart comparing them;
- the API: the same tables and summary as JSON.

A report that needs more than tables and charts keeps its own working page in its app
(``page``); its data, download, API and group view come from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import clock
from .db_router import reading_from_replica
from .permissions import has_store_perm
from .registry import app_modules
from .scoping import user_stores

COLUMN_KINDS = ("text", "int", "money", "decimal", "percent", "date")

DEPARTMENTS = {
    "sales": _("Sales"),
    "parts": _("Spare parts"),
    "service": _("Service"),
    "care": _("Customer care"),
    "finance": _("Finance"),
    "management": _("Management"),
}


@dataclass(frozen=True)
class Column:
    """A column of a report table. ``kind`` decides how a value is shown and typed:
    ``money`` and ``decimal`` are Decimals, ``percent`` a Decimal in per cent (12.5 = 12.5 %)."""

    key: str
    label: Any
    kind: str = "text"
    # Whether the stores side by side add up to a total: counts and money do by default;
    # a decimal that is an amount (hours) says so, a rate never does.
    adds_up: bool | None = None

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def sums(self) -> bool:
        return self.adds_up if self.adds_up is not None else self.kind in ("int", "money")


@dataclass
class Table:
    """One section of a report: rows are dicts keyed by the columns' keys."""

    key: str
    title: Any
    columns: Sequence[Column]
    rows: list[dict]
    totals: dict | None = None


@dataclass
class Chart:
    """An ECharts option with a title; built by the report from its own figures."""

    key: str
    title: Any
    option: dict


@dataclass
class ReportResult:
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportQuery:
    """What a report is asked for: one store, one period (``start`` … ``end``, both days
    included), by whom."""

    user: Any
    store: Any
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    title: Any
    department: str
    permission: str
    build: Callable[[ReportQuery], ReportResult]
    summary_columns: tuple[Column, ...]
    description: Any = ""
    # The department's own working page of this report (URL name), if it has one.
    page: str | None = None
    # A balance "as of" a day (stock, aging) reads only the end of the period.
    as_of: bool = False
    order: int = 100
    # Optional set-based group view: ``summaries(user=, stores=, start=, end=)`` returns
    # ``{store.pk: summary}`` for all the stores at once (else ``build`` runs per store).
    summaries: Callable[..., dict] | None = None

    def __post_init__(self):
        if self.department not in DEPARTMENTS:
            raise ValueError(f"unknown department {self.department!r}")


@cache
def all_reports() -> dict[str, ReportDefinition]:
    """Every report of every app, by key (in the order of the menu)."""
    reports: dict[str, ReportDefinition] = {}
    for module in app_modules("report_catalog"):
        for definition in getattr(module, "REPORTS", []):
            if definition.key in reports:
                raise ValueError(f"report key {definition.key!r} declared twice")
            reports[definition.key] = definition
    return dict(sorted(reports.items(), key=lambda item: (item[1].order, item[0])))


def report(key: str) -> ReportDefinition | None:
    return all_reports().get(key)


def reports_for(user, store) -> list[ReportDefinition]:
    """The reports the user may open in ``store``."""
    return [d for d in all_reports().values() if has_store_perm(user, store, d.permission)]


def stores_for(user, definition: ReportDefinition) -> list:
    """The stores in which the user may open ``definition`` (the group view shows them)."""
    return [s for s in user_stores(user) if has_store_perm(user, s, definition.permission)]


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or clock.today()
    return today.replace(day=1), today


def run(definition: ReportDefinition, *, user, store, start: dt.date,
        end: dt.date) -> ReportResult:
    """The report for one store; the caller has checked the permission."""
    if definition.as_of:
        start = end
    with reading_from_replica():  # reports may read a streaming replica (architecture.md)
        return definition.build(ReportQuery(user=user, store=store, start=start, end=end))


def run_side_by_side(definition: ReportDefinition, *, user, stores: Sequence, start: dt.date,
                     end: dt.date) -> Table:
    """The group view: the headline figures of each store, one row per store, and their
    sum where the column adds up (counts, money, amounts such as hours)."""
    if definition.as_of:
        start = end
    if definition.summaries is not None:
        with reading_from_replica():
            by_store = definition.summaries(user=user, stores=list(stores), start=start,
                                            end=end)
    else:
        by_store = {store.pk: run(definition, user=user, store=store, start=start,
                                  end=end).summary for store in stores}
    rows = [{"store": store.code, "store_name": store.name, **by_store.get(store.pk, {})}
            for store in stores]
    columns = [Column("store", _("Store code")), Column("store_name", _("Store")),
               *definition.summary_columns]
    totals: dict[str, Any] = {"store": "", "store_name": _("All stores")}
    for column in definition.summary_columns:
        if column.sums:
            totals[column.key] = sum((row.get(column.key) or 0 for row in rows),
                                     0 if column.kind == "int" else Decimal(0))
    return Table("stores", _("Stores side by side"), columns, rows, totals)


def side_by_side_chart(definition: ReportDefinition, table: Table) -> Chart | None:
    """A bar chart of the first numeric headline figure of each store."""
    column = next((c for c in definition.summary_columns if c.kind != "text"), None)
    if column is None:
        return None
    return Chart("stores", column.label, {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [row["store_name"] for row in table.rows]},
        "yAxis": {"type": "value"},
        "series": [{"name": str(column.label), "type": "bar",
                    "data": [chart_number(row.get(column.key)) for row in table.rows]}],
    })


def chart_number(value) -> float | int | None:
    """A figure as ECharts wants it (charts only: tables and downloads keep Decimals)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def typed(value, kind: str) -> Any:
    """A value as its column's kind has it: money always has its cents (a sum read back
    from SQLite may have lost them)."""
    if kind == "money" and isinstance(value, Decimal | int | float) \
            and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return value


def json_value(value) -> Any:
    """A table value as JSON: Decimals as strings (exact), dates in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) \
            else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def table_json(table: Table) -> dict:
    return {
        "key": table.key, "title": str(table.title),
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind}
                    for c in table.columns],
        "rows": [{c.key: json_value(typed(row.get(c.key), c.kind)) for c in table.columns}
                 for row in table.rows],
        "totals": {c.key: json_value(typed(table.totals.get(c.key), c.kind))
                   for c in table.columns if c.key in table.totals}
        if table.totals else None,
    }


def table_sheet(table: Table) -> tuple[str, list[str], list[list]]:
    """A table as one sheet of an .xlsx download, its totals as the last row."""
    headers = [str(c.label) for c in table.columns]
    rows = [[_cell(typed(row.get(c.key), c.kind)) for c in table.columns]
            for row in table.rows]
    if table.totals:
        rows.append([_cell(typed(table.totals.get(c.key), c.kind)) for c in table.columns])
    return str(table.title), headers, rows


def _cell(value):
    if value is None or isinstance(value, bool | int | Decimal | str | dt.date):
        return value
    return str(value)


def download_redirect(key: str, *, store, start: dt.date, end: dt.date):
    """The department pages' "Excel" button: the report catalogue's download of the same
    report, store (``None``: the stores side by side) and period (one download path for
    every report)."""
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    query = urlencode({"from": start.isoformat(), "to": end.isoformat(),
                       "store": store.code if store is not None else "all",
                       "format": "xlsx"})
    return redirect(f"{reverse('reports:report', args=[key])}?{query}")
