"""What a report request asks for: the report, the period and one store or all of them.
Pages and the API read it the same way; a bad value names its parameter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from siwei.core import reporting
from siwei.core.permissions import has_store_perm
from siwei.core.scoping import user_stores

ALL_STORES = "all"


class SelectionError(ValueError):
    """A parameter that cannot be read: ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Selection:
    definition: reporting.ReportDefinition
    start: dt.date
    end: dt.date
    # One store, or ``None`` with ``stores`` for the stores side by side.
    store: object | None
    stores: tuple

    @property
    def side_by_side(self) -> bool:
        return self.store is None


def _date(params, name: str, default: dt.date, strict: bool) -> dt.date:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        if strict:
            raise SelectionError(name, _("Enter a date as YYYY-MM-DD.")) from None
        return default


def select(*, user, current_store, definition: reporting.ReportDefinition, params,
           strict: bool = True) -> Selection:
    """Read ``from``, ``to`` and ``store`` of ``params``. ``strict`` (the API) refuses a
    date it cannot read or a reversed period; pages fall back to the default period.
    A store the user may not open the report in raises ``PermissionDenied``."""
    default_start, default_end = reporting.default_period()
    start = _date(params, "from", default_start, strict)
    end = _date(params, "to", default_end, strict)
    if definition.as_of:
        start = end  # a balance at one day: the period is that day
    if start > end:
        if strict:
            raise SelectionError("to", _("The end of the period is before its start."))
        start, end = end, start
    wanted = (params.get("store") or "").strip()
    if wanted.lower() == ALL_STORES:
        stores = tuple(reporting.stores_for(user, definition))
        if not stores:
            raise PermissionDenied(_("You may not open this report."))
        return Selection(definition, start, end, None, stores)
    store = current_store
    if wanted:
        store = next((s for s in user_stores(user) if s.code.lower() == wanted.lower()), None)
        if store is None:
            raise PermissionDenied(_("You do not work in store %(code)s.") % {"code": wanted})
    if store is None or not has_store_perm(user, store, definition.permission):
        raise PermissionDenied(_("You may not open this report."))
    return Selection(definition, start, end, store, (store,))


def compute(selection: Selection, *, user) -> reporting.ReportResult:
    """The report of the selection: its tables and charts for one store, or the stores
    side by side."""
    definition = selection.definition
    if not selection.side_by_side:
        return reporting.run(definition, user=user, store=selection.store,
                             start=selection.start, end=selection.end)
    table = reporting.run_side_by_side(definition, user=user, stores=selection.stores,
                                       start=selection.start, end=selection.end)
    chart = reporting.side_by_side_chart(definition, table)
    return reporting.ReportResult(tables=[table], charts=[chart] if chart else [],
                                  summary=table.totals or {})


def download_name(selection: Selection) -> str:
    where = selection.store.code if selection.store else ALL_STORES
    return f"{selection.definition.key}-{where}-{selection.start:%Y%m%d}-{selection.end:%Y%m%d}"


def sheets(result: reporting.ReportResult) -> list:
    return [reporting.table_sheet(table) for table in result.tables]
