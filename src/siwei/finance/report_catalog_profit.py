"""Department profit and service absorption (FN-5) in the report catalogue."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.reporting import (
    Chart,
    Column,
    ReportDefinition,
    ReportQuery,
    ReportResult,
    Table,
    chart_number,
)

from .selectors_profit import DEPARTMENTS, department_profit

PERMISSION = "finance.view_department_profit"


def _month_columns() -> list[Column]:
    return [Column("month", _lazy("Month")),
            *[Column(key, label, "money") for key, label in DEPARTMENTS],
            Column("gross", _lazy("Gross profit"), "money"),
            Column("after_sales_gross", _lazy("After-sales gross profit"), "money"),
            Column("overhead", _lazy("Overhead"), "money"),
            Column("absorption", _lazy("Service absorption"), "percent")]


def _chart(result: dict) -> dict:
    months = [f"{r['month']:%Y-%m}" for r in result["months"]]
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 60, "right": 50, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": months},
        "yAxis": [{"type": "value"}, {"type": "value", "axisLabel": {"formatter": "{value}%"}}],
        "series": [*[{"name": str(label), "type": "bar", "stack": "gross",
                      "data": [chart_number(r["lines"][key]["gross"])
                               for r in result["months"]]} for key, label in DEPARTMENTS],
                   {"name": _("Service absorption"), "type": "line", "yAxisIndex": 1,
                    "connectNulls": True,
                    "data": [chart_number(r["absorption"]) for r in result["months"]]}],
    }


def profit_report(query: ReportQuery) -> ReportResult:
    result = department_profit(store=query.store, start=query.start, end=query.end)
    totals = result["totals"]
    departments = Table("departments", _("Departments"), [
        Column("department", _lazy("Department")), Column("revenue", _lazy("Revenue"), "money"),
        Column("cost", _lazy("Cost"), "money"), Column("gross", _lazy("Gross profit"), "money")],
        [{"department": str(label), **totals[key]} for key, label in DEPARTMENTS],
        totals={"department": _("Total"), "gross": result["gross"]})
    months = Table("months", _("Months"), _month_columns(), [
        {"month": f"{r['month']:%Y-%m}", **{key: r["lines"][key]["gross"]
                                             for key, _label in DEPARTMENTS},
         "gross": r["gross"], "after_sales_gross": r["after_sales_gross"],
         "overhead": r["overhead"], "absorption": r["absorption"]}
        for r in result["months"]])
    return ReportResult(
        tables=[departments, months],
        charts=[Chart("gross", _("Gross profit per department and service absorption"),
                      _chart(result))],
        summary={"gross": result["gross"], "new_vehicles": totals["new_vehicles"]["gross"],
                 "after_sales_gross": result["after_sales_gross"],
                 "overhead": result["overhead"], "absorption": result["absorption"]})


REPORTS = [
    ReportDefinition(
        key="department-profit", title=_lazy("Department profit"), department="finance",
        permission=PERMISSION, build=profit_report, page="finance:overheads",
        description=_lazy("FN-5: gross profit of new vehicles, accessories, insurance and "
                          "finance commissions, service labour and parts, month by month; "
                          "service absorption = after-sales gross profit / overhead."),
        summary_columns=(Column("gross", _lazy("Gross profit"), "money"),
                         Column("new_vehicles", _lazy("New vehicles"), "money"),
                         Column("after_sales_gross", _lazy("After-sales gross profit"),
                                "money"),
                         Column("overhead", _lazy("Overhead"), "money"),
                         Column("absorption", _lazy("Service absorption"), "percent")),
        order=500),
]
