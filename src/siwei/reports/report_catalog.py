"""Reports of management in the report catalogue (FN-7): the managers' KPIs against
targets (FN-6)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table

from .kpis.charts import achievement_chart
from .kpis.selectors import kpi_rows

KPI_PERMISSION = "reports.view_kpis"
_KPI_COLUMNS = [
    Column("code", _lazy("Code")), Column("department", _lazy("Department")),
    Column("kpi", _lazy("KPI")),
    Column("actual", _lazy("Actual"), "decimal"), Column("target", _lazy("Target"), "decimal"),
    Column("due", _lazy("Due by now %"), "percent"),
    Column("achievement", _lazy("Achievement %"), "percent"),
    Column("status", _lazy("Status")), Column("direction", _lazy("Direction")),
    Column("source", _lazy("Target from")), Column("basis", _lazy("Measured")),
]
# The headline figures (also the stores side by side).
SUMMARY_KEYS = ("deliveries", "sales_gross_profit", "repair_orders", "labour_revenue",
                "csi", "nps")
_SUMMARY_COLUMNS = (
    Column("on_track", _lazy("KPIs on track"), "int"),
    Column("behind", _lazy("KPIs behind"), "int"),
    Column("deliveries", _lazy("Deliveries"), "int"),
    Column("sales_gross_profit", _lazy("Sales gross profit"), "money"),
    Column("repair_orders", _lazy("Repair orders"), "int"),
    Column("labour_revenue", _lazy("Labour revenue"), "money"),
    Column("csi", _lazy("CSI"), "decimal"),
    Column("nps", _lazy("NPS"), "decimal"),
)


def _table_row(row: dict) -> dict:
    kpi = row["kpi"]
    return {"code": kpi.code, "department": str(kpi.department_label), "kpi": str(kpi.label),
            "actual": row["actual"], "target": row["target"], "due": row["due"],
            "achievement": row["achievement"], "status": str(row["status_label"]),
            "direction": str(kpi.direction), "source": row["source"],
            "basis": str(_("at today, last 12 months") if kpi.basis == "today"
                         else _("in the period"))}


def kpi_report(query: ReportQuery) -> ReportResult:
    rows = kpi_rows(store=query.store, start=query.start, end=query.end)
    by_code = {row["code"]: row for row in rows}
    summary = {"on_track": sum(1 for r in rows if r["status"] == "ok"),
               "behind": sum(1 for r in rows if r["status"] == "behind"),
               **{key: by_code[key]["actual"] for key in SUMMARY_KEYS}}
    return ReportResult(
        tables=[Table("kpis", _("KPIs against targets"), _KPI_COLUMNS,
                      [_table_row(row) for row in rows])],
        charts=[Chart("achievement", _("Achievement of the targets"), achievement_chart(rows))],
        summary=summary)


REPORTS = [
    ReportDefinition(
        key="kpis", title=_lazy("KPIs against targets"), department="management",
        permission=KPI_PERMISSION, build=kpi_report, page="reports:kpi-targets",
        description=_lazy("FN-6: the store's sales, service, parts and satisfaction KPIs "
                          "against the monthly targets: achievement and whether each is on "
                          "track."),
        summary_columns=_SUMMARY_COLUMNS, order=50),
]
