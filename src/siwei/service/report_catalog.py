"""Reports of the service department in the report catalogue (FN-7): the service KPIs
here, the appointment, workshop, quality and warranty reports in
``report_catalog_operations``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table

from . import report_catalog_operations, selectors_kpis
from .charts_kpis import ROWS, TREND_KEYS, category_chart, labour_chart, trend_chart
from .models import ROCategory
from .selectors_workshop import Period

KPI_PERMISSION = "service.view_service_kpis"
TREND_MONTHS = 12
_KINDS = {"int": "int", "pct": "percent", "num": "decimal"}
# The headline figures, also the columns of the stores side by side.
SUMMARY_KEYS = ("ros", "labour_revenue", "hours_sold", "effective_labour_rate",
                "comeback_rate", "ftp_rate", "on_time_rate", "same_day_rate",
                "average_dwell_hours")
_LABELS = {key: (label, _KINDS[kind]) for key, label, kind in ROWS}
_SUMMARY_COLUMNS = tuple(
    Column(key, _LABELS[key][0], "money" if key == "labour_revenue" else _LABELS[key][1],
           adds_up=True if key == "hours_sold" else None)
    for key in SUMMARY_KEYS)


def _summary(figures: dict) -> dict:
    return {key: figures[key] for key in SUMMARY_KEYS}


def service_kpi_report(query: ReportQuery) -> ReportResult:
    period = Period(query.start, query.end)
    result = selectors_kpis.service_kpis(stores=[query.store], period=period)
    figures = result["columns"][0]
    trend = selectors_kpis.monthly_trend(stores=[query.store], months=TREND_MONTHS,
                                         end=query.end)
    categories = [(value, label) for value, label in ROCategory.choices]
    return ReportResult(
        tables=[
            Table("kpis", _("Service KPIs"), [
                Column("kpi", _lazy("KPI")), Column("value", _lazy("Value"), "decimal")],
                [{"kpi": str(label), "value": figures[key]} for key, label, _kind in ROWS]),
            Table("categories", _("By category"), [
                Column("category", _lazy("Category")), Column("n", _lazy("Repair orders"),
                                                              "int")],
                [{"category": str(label), "n": figures["categories"].get(value, 0)}
                 for value, label in categories]),
            Table("days", _("Per day"), [
                Column("day", _lazy("Day"), "date"),
                *[Column(value, label, "int") for value, label in categories]],
                [{"day": day, **{value: counts.get(value, 0) for value, _l in categories}}
                 for day, counts in result["per_day"].items()]),
            Table("trend", _("Monthly trend"), [
                Column("month", _lazy("Month")),
                *[Column(key, _LABELS[key][0], _LABELS[key][1]) for key in TREND_KEYS]],
                [{"month": f"{m['month']:%Y-%m}", **{key: m[key] for key in TREND_KEYS}}
                 for m in trend]),
        ],
        charts=[Chart("trend", _("Repair orders and delivery per month"), trend_chart(trend)),
                Chart("labour", _("Hours sold and effective labour rate"),
                      labour_chart(trend)),
                Chart("categories", _("Repair orders per day and category"),
                      category_chart(result))],
        summary=_summary(figures),
    )


def service_kpi_summaries(*, user, stores, start, end) -> dict:
    """Every store's headline figures in one set-based pass (the group view)."""
    result = selectors_kpis.service_kpis(stores=stores, period=Period(start, end))
    return {column["store"].pk: _summary(column) for column in result["columns"]}


REPORTS = [
    ReportDefinition(
        key="service-kpis", title=_lazy("Service KPIs"), department="service",
        permission=KPI_PERMISSION, build=service_kpi_report, summaries=service_kpi_summaries,
        page="service:kpis",
        description=_lazy("Repair orders, labour, comebacks, first-time pass, on-time and "
                          "same-day delivery, dwell time and warranty claims."),
        summary_columns=_SUMMARY_COLUMNS, order=300),
    *report_catalog_operations.REPORTS,
]
