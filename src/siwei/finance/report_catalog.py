"""Reports of finance in the report catalogue (FN-7), one section per report:

- receivables aging (FN-4): open amounts by debtor and age at a day.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.fields import money
from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table

from . import selectors_receivables
from .charts_receivables import aging_chart
from .report_catalog_profit import REPORTS as PROFIT_REPORTS

# --- FN-4 receivables aging ----------------------------------------------------------

RECEIVABLES_PERMISSION = "finance.view_receivable"
AGING_BUCKETS = (
    Column("d0_30", _lazy("0–30 days"), "money"),
    Column("d31_60", _lazy("31–60 days"), "money"),
    Column("d61_90", _lazy("61–90 days"), "money"),
    Column("d90_plus", _lazy("Over 90 days"), "money"),
)
_AGING_SUMMARY_COLUMNS = (*AGING_BUCKETS, Column("total", _lazy("Total"), "money"),
                          Column("items", _lazy("Items"), "int"))


def _figures(row: dict) -> dict:
    """The buckets, total and count of a debtor or of the store, amounts to the cent (a
    sum can come back from the database without its decimals)."""
    return {column.key: money(row[column.key]) if column.kind == "money" else row[column.key]
            for column in _AGING_SUMMARY_COLUMNS}


def receivables_aging_report(query: ReportQuery) -> ReportResult:
    """The open items of the store as they stood at the end of the day asked for, aged at
    that day (days past their due date; an item not yet due is 0–30)."""
    day = query.end
    rows = selectors_receivables.aging_by_debtor(store=query.store, today=day, at=day)
    totals = _figures(selectors_receivables.aging_totals(store=query.store, today=day, at=day))
    items = (selectors_receivables.open_items(store=query.store, at=day)
             .order_by("due_date", "id"))
    return ReportResult(
        tables=[
            Table("debtors", _("Aging"), [Column("kind", _lazy("Debtor kind")),
                                          Column("debtor", _lazy("Debtor")),
                                          *_AGING_SUMMARY_COLUMNS],
                  [{"kind": str(r["kind_label"]), "debtor": r["debtor_name"],
                    **_figures(r)} for r in rows],
                  totals={"kind": _("Total"), **totals}),
            Table("items", _("Open items"), [
                Column("kind", _lazy("Debtor kind")), Column("debtor", _lazy("Debtor")),
                Column("description", _lazy("Description")),
                Column("arose_on", _lazy("Date"), "date"),
                Column("due_date", _lazy("Due date"), "date"),
                Column("days_past_due", _lazy("Days past due"), "int"),
                Column("amount", _lazy("Amount"), "money"),
                Column("open_amount", _lazy("Open amount"), "money")],
                [{"kind": i.get_debtor_kind_display(), "debtor": i.debtor_name,
                  "description": i.description, "arose_on": i.arose_on,
                  "due_date": i.due_date, "days_past_due": max(0, (day - i.due_date).days),
                  "amount": i.amount, "open_amount": i.open_at} for i in items]),
        ],
        charts=[Chart("buckets", _("Open amount by age"), aging_chart(totals, AGING_BUCKETS))],
        summary=totals,
    )


RECEIVABLES_AGING = ReportDefinition(
    key="receivables-aging", title=_lazy("Receivables aging"), department="finance",
    permission=RECEIVABLES_PERMISSION, build=receivables_aging_report,
    page="finance:receivables", as_of=True,
    description=_lazy("FN-4: open amounts by debtor in aging buckets of days past the due "
                      "date (0–30, 31–60, 61–90, over 90), and the open items."),
    summary_columns=_AGING_SUMMARY_COLUMNS, order=500)


REPORTS = [RECEIVABLES_AGING, *PROFIT_REPORTS]
