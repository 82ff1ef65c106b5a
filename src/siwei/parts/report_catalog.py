"""Reports of the parts department in the report catalogue (FN-7):

- parts analysis (PT-13 … PT-16): reorder suggestions, ABC by consumption value, slow and
  obsolete stock;
- parts KPIs (PT-17): stock value, turnover, days of stock, fill rate, stocktake accuracy,
  stock value by age and the issue cost per month.

Both read the store's stock as it stands (the selectors work at today's date): they are
balances, so only the last day of the period is asked for."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.fields import quantity
from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table

from .charts import AGING_BUCKETS, abc_chart, aging_chart, aging_labels, issue_trend_chart
from .models import Part
from .selectors.analysis import (
    abc_classes,
    abc_summary,
    aging,
    kpis,
    monthly_issue_value,
    replenishment_plan,
)

ANALYSIS_PERMISSION = "parts.view_parts_analysis"
M0 = Decimal("0.00")

# --- PT-13 … PT-16 parts analysis --------------------------------------------------------

_ANALYSIS_SUMMARY_COLUMNS = (
    Column("suggestions", _lazy("Reorder suggestions"), "int"),
    Column("consumption_value", _lazy("Consumption value"), "money"),
    Column("class_a_parts", _lazy("Class A parts"), "int"),
    Column("slow_value", _lazy("Slow stock value"), "money"),
    Column("obsolete_value", _lazy("Obsolete stock value"), "money"),
)


def _part_columns() -> list[Column]:
    return [Column("part_number", _lazy("Part number")), Column("part_name", _lazy("Part name"))]


def _suggestion_rows(plan) -> list[dict]:
    return [{"part_number": r.part.number, "part_name": r.part.name, "mad": r.mad,
             "ssq": r.ssq, "on_hand": r.on_hand, "reserved": r.reserved,
             "on_order": r.on_order, "suggested": r.suggested,
             "supplier": str(r.part.default_supplier or "")} for r in plan]


def parts_analysis_report(query: ReportQuery) -> ReportResult:
    store = query.store
    rows = abc_classes(store=store)
    classes = abc_summary(rows)
    plan = replenishment_plan(store=store, only_suggested=True)
    ages = aging(store=store)
    parts = Part.objects.in_bulk({r["part_id"] for r in rows}
                                 | {d["part_id"] for d in ages["dead"]})
    status_labels = {"slow": _("Slow"), "obsolete": _("Obsolete")}
    consumption = sum((c["value"] for c in classes.values()), M0)
    return ReportResult(
        tables=[
            Table("suggestions", _("Reorder suggestions"), [
                *_part_columns(), Column("mad", _lazy("MAD"), "decimal"),
                Column("ssq", _lazy("Safety stock"), "decimal"),
                Column("on_hand", _lazy("On hand"), "decimal"),
                Column("reserved", _lazy("Reserved"), "decimal"),
                Column("on_order", _lazy("On order"), "decimal"),
                Column("suggested", _lazy("Suggested quantity"), "decimal"),
                Column("supplier", _lazy("Supplier"))], _suggestion_rows(plan)),
            Table("abc", _("ABC"), [
                *_part_columns(), Column("value", _lazy("Consumption value"), "money"),
                Column("cumulative_share", _lazy("Cumulative share %"), "percent"),
                Column("abc", _lazy("ABC class"))],
                [{"part_number": parts[r["part_id"]].number,
                  "part_name": parts[r["part_id"]].name, "value": r["value"],
                  "cumulative_share": r["cumulative_share"], "abc": r["abc"]} for r in rows]),
            Table("classes", _("ABC classes"), [
                Column("abc", _lazy("Class")), Column("parts", _lazy("Parts"), "int"),
                Column("value", _lazy("Consumption value"), "money")],
                [{"abc": cls, "parts": c["parts"], "value": c["value"]}
                 for cls, c in classes.items()],
                totals={"abc": _("Total"), "parts": len(rows), "value": consumption}),
            Table("dead", _("Slow and obsolete stock"), [
                *_part_columns(), Column("status", _lazy("Status")),
                Column("months", _lazy("Months without issue"), "int"),
                Column("quantity", _lazy("Quantity"), "decimal"),
                Column("value", _lazy("Value"), "money"),
                Column("last_issue", _lazy("Last issue"), "date")],
                [{"part_number": parts[d["part_id"]].number,
                  "part_name": parts[d["part_id"]].name, "status": status_labels[d["status"]],
                  "months": d["months"], "quantity": quantity(d["quantity"]), "value": d["value"],
                  "last_issue": d["last_issue"]} for d in ages["dead"]],
                totals={"part_number": _("Total"),
                        "value": sum((d["value"] for d in ages["dead"]), M0)}),
        ],
        charts=[Chart("abc", _("ABC by consumption value"), abc_chart(classes)),
                Chart("aging", _("Stock value by age"), aging_chart(ages["buckets"]))],
        summary={"suggestions": len(plan), "consumption_value": consumption,
                 "class_a_parts": classes["A"]["parts"],
                 "slow_value": ages["buckets"]["slow"],
                 "obsolete_value": ages["buckets"]["obsolete"]},
    )


# --- PT-17 parts KPIs --------------------------------------------------------------------

_KPI_SUMMARY_COLUMNS = (
    Column("stock_value", _lazy("Stock value"), "money"),
    Column("issue_cost_12m", _lazy("Issue cost (12 months)"), "money"),
    Column("turnover", _lazy("Turnover (12 months)"), "decimal"),
    Column("days_of_stock", _lazy("Days of stock"), "decimal"),
    Column("fill_rate", _lazy("Fill rate"), "percent"),
    Column("stocktake_accuracy", _lazy("Stocktake accuracy"), "percent"),
    Column("dead_value", _lazy("Slow and obsolete stock"), "money"),
)


def _kpi_rows(figures: dict) -> list[dict]:
    return [{"kpi": str(label), "value": figures[key], "target": target} for key, label, target in (
        ("stock_value", _("Stock value"), None),
        ("issue_cost_12m", _("Issue cost (12 months)"), None),
        ("average_stock_value", _("Average stock value"), None),
        ("turnover", _("Turnover (12 months)"), figures["turnover_target"]),
        ("days_of_stock", _("Days of stock"), None),
        ("fill_rate", _("Fill rate %"), figures["fill_rate_target"]),
        ("stocktake_accuracy", _("Stocktake accuracy %"), None))]


def parts_kpi_report(query: ReportQuery) -> ReportResult:
    store = query.store
    figures = kpis(store=store)
    buckets = aging(store=store)["buckets"]
    months = monthly_issue_value(store=store)
    labels = aging_labels()
    dead_value = buckets["slow"] + buckets["obsolete"]
    return ReportResult(
        tables=[
            Table("kpis", _("Parts KPIs"), [
                Column("kpi", _lazy("KPI")), Column("value", _lazy("Value"), "decimal"),
                Column("target", _lazy("Target"), "decimal")], _kpi_rows(figures)),
            Table("aging", _("Stock value by age"), [
                Column("age", _lazy("Age")), Column("value", _lazy("Stock value"), "money")],
                [{"age": labels[key], "value": buckets[key]} for key in AGING_BUCKETS],
                totals={"age": _("Total"), "value": sum(buckets.values(), M0)}),
            Table("months", _("Issue cost by month"), [
                Column("month", _lazy("Month")), Column("value", _lazy("Issue cost"), "money")],
                [{"month": f"{day:%Y-%m}", "value": value} for day, value in months],
                totals={"month": _("Total"), "value": sum((v for _d, v in months), M0)}),
        ],
        charts=[Chart("trend", _("Issue cost by month"), issue_trend_chart(months)),
                Chart("aging", _("Stock value by age"), aging_chart(buckets))],
        summary={**{c.key: figures[c.key] for c in _KPI_SUMMARY_COLUMNS if c.key in figures},
                 "dead_value": dead_value},
    )


REPORTS = [
    ReportDefinition(
        key="parts-analysis", title=_lazy("Parts analysis"), department="parts",
        permission=ANALYSIS_PERMISSION, build=parts_analysis_report, page="parts:analysis",
        as_of=True,
        description=_lazy("PT-13 … PT-16 at today's stock: reorder suggestions (MAD, safety "
                          "stock), ABC by 12-month consumption value, slow and obsolete "
                          "stock."),
        summary_columns=_ANALYSIS_SUMMARY_COLUMNS, order=200),
    ReportDefinition(
        key="parts-kpis", title=_lazy("Parts KPIs"), department="parts",
        permission=ANALYSIS_PERMISSION, build=parts_kpi_report, page="parts:analysis",
        as_of=True,
        description=_lazy("PT-17 at today's stock: stock value, turnover, days of stock, fill "
                          "rate, stocktake accuracy, stock value by age and issue cost per "
                          "month."),
        summary_columns=_KPI_SUMMARY_COLUMNS, order=210),
]
