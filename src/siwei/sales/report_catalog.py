"""Reports of vehicle sales in the report catalogue (FN-7): the 三表一卡 target vs actual
(CS-12 sheet 1), consultant performance (CS-20) and the vehicle stock balance 进销存
(CS-14). The showroom statistics and the lost-lead analysis are declared by ``crm``."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from siwei.core.fields import ZERO, money
from siwei.core.permissions import has_store_perm
from siwei.core.reporting import Chart, Column, ReportDefinition, ReportQuery, ReportResult, Table

from . import reports, selectors
from .charts import performance_chart

TARGETS_PERMISSION = "sales.view_salestarget"
PERFORMANCE_PERMISSION = "crm.view_all_leads"
STOCK_PERMISSION = "sales.view_stockvehicle"
# Who sees every consultant's figures; the others see their own row and the store total.
VIEW_ALL_PERMISSION = "crm.view_all_leads"

_TARGET_KINDS = {"count": "int", "money": "money", "percent": "percent"}


def _period(query: ReportQuery) -> reports.Period:
    return reports.Period(query.start, query.end)


# --- CS-12 sheet 1: target vs actual -------------------------------------------------


def _target_columns() -> list[Column]:
    columns = [Column("name", _lazy("Consultant"))]
    for key, label, kind in reports.TARGET_METRICS:
        columns += [
            Column(f"{key}_target", format_lazy("{} · {}", label, _lazy("target")),
                   _TARGET_KINDS[kind]),
            Column(f"{key}_actual", format_lazy("{} · {}", label, _lazy("actual")),
                   _TARGET_KINDS[kind]),
            Column(f"{key}_achieved", format_lazy("{} · {}", label, _lazy("% achieved")),
                   "percent"),
        ]
    return columns


def _target_row(row: dict) -> dict:
    line = {"name": str(row["name"])}
    for cell in row["cells"]:
        line[f"{cell['key']}_target"] = cell["target"]
        line[f"{cell['key']}_actual"] = cell["actual"]
        line[f"{cell['key']}_achieved"] = cell["achieved"]
    return line


def _target_summary(total: dict) -> dict:
    cells = {cell["key"]: cell for cell in total["cells"]}
    summary = {key: cells[key]["actual"] for key in reports.TARGET_FIELDS}
    summary["deliveries_achieved"] = cells["deliveries"]["achieved"]
    return summary


def sales_target_report(query: ReportQuery) -> ReportResult:
    """Targets of the period's first month against the actual figures of the period, as
    the control sheet's first sheet (a consultant without the view of every lead gets their
    own row; the store total is everyone's)."""
    consultant = (None if has_store_perm(query.user, query.store, VIEW_ALL_PERMISSION)
                  else query.user)
    result = reports.target_vs_actual(store=query.store, period=_period(query),
                                      consultant=consultant)
    return ReportResult(
        tables=[Table("targets", _("Target vs actual"), _target_columns(),
                      [_target_row(row) for row in result["rows"]],
                      totals=_target_row(result["total"]))],
        summary=_target_summary(result["total"]),
    )


_TARGET_SUMMARY_COLUMNS = (
    *(Column(key, label, _TARGET_KINDS[kind]) for key, label, kind in reports.TARGET_METRICS),
    Column("deliveries_achieved", format_lazy("{} · {}", _lazy("Deliveries"),
                                              _lazy("% achieved")), "percent"),
)


# --- CS-20 consultant performance ----------------------------------------------------


def _performance_columns() -> list[Column]:
    return [
        Column("name", _lazy("Consultant")),
        Column("leads_kept", _lazy("Open leads kept"), "int"),
        Column("owners_kept", _lazy("Owners kept"), "int"),
        Column("new_leads", _lazy("New leads"), "int"),
        Column("first_visits", _lazy("First visits"), "int"),
        Column("first_with_info", _lazy("First visits with info"), "int"),
        Column("info_left_rate", _lazy("Info-left rate %"), "percent"),
        *[Column(f"activity_{code}", label, "int") for code, label in reports.ACTIVITY_TYPES],
        Column("activities_total", _lazy("Activities"), "int"),
        Column("orders", _lazy("Deposits"), "int"),
        Column("deliveries", _lazy("Deliveries"), "int"),
        Column("accessory_revenue", _lazy("Accessory revenue"), "money"),
        Column("accessories_per_car", _lazy("Accessories per car"), "money"),
        Column("insurance_penetration", _lazy("Insurance penetration %"), "percent"),
        Column("finance_penetration", _lazy("Finance penetration %"), "percent"),
        *[Column(f"lost_{code}", format_lazy("{}: {}", _lazy("Lost"), label), "int")
          for code, label in reports.LOSS_REASONS],
        Column("lost_total", _lazy("Lost leads"), "int"),
        Column("gross_profit", _lazy("Gross profit"), "money"),
    ]


def _performance_row(row: dict) -> dict:
    line = {key: value for key, value in row.items()
            if key not in ("id", "activities", "lost")}
    line["name"] = str(row["name"])
    for (code, _label), n in zip(reports.ACTIVITY_TYPES, row["activities"], strict=True):
        line[f"activity_{code}"] = n
    for (code, _label), n in zip(reports.LOSS_REASONS, row["lost"], strict=True):
        line[f"lost_{code}"] = n
    return line


_PERFORMANCE_SUMMARY_COLUMNS = (
    Column("leads_kept", _lazy("Open leads kept"), "int"),
    Column("new_leads", _lazy("New leads"), "int"),
    Column("orders", _lazy("Deposits"), "int"),
    Column("deliveries", _lazy("Deliveries"), "int"),
    Column("lost_total", _lazy("Lost leads"), "int"),
    Column("accessory_revenue", _lazy("Accessory revenue"), "money"),
    Column("gross_profit", _lazy("Gross profit"), "money"),
    Column("info_left_rate", _lazy("Info-left rate %"), "percent"),
    Column("insurance_penetration", _lazy("Insurance penetration %"), "percent"),
    Column("finance_penetration", _lazy("Finance penetration %"), "percent"),
)


def consultant_performance_report(query: ReportQuery) -> ReportResult:
    result = reports.consultant_performance(store=query.store, period=_period(query))
    total = result["total"]
    return ReportResult(
        tables=[Table("consultants", _("Consultant performance"), _performance_columns(),
                      [_performance_row(row) for row in result["rows"]],
                      totals=_performance_row(total))],
        charts=[Chart("consultants",
                      _("New leads, deposits, deliveries and lost leads per consultant"),
                      performance_chart(result["rows"]))],
        summary={column.key: total[column.key] for column in _PERFORMANCE_SUMMARY_COLUMNS},
    )


# --- CS-14 vehicle stock balance (进销存) ---------------------------------------------

STOCK_COUNTS = ("opening", "received", "sold", "closing", "in_transit", "allocated",
                "age_0", "age_31", "age_61", "age_91")
_STOCK_COLUMNS = (
    Column("model", _lazy("Model")), Column("trim", _lazy("Trim")),
    Column("colour", _lazy("Colour")),
    Column("opening", _lazy("Opening"), "int"), Column("received", _lazy("Received"), "int"),
    Column("sold", _lazy("Sold"), "int"), Column("closing", _lazy("Closing"), "int"),
    Column("in_transit", _lazy("In transit"), "int"),
    Column("allocated", _lazy("Allocated"), "int"),
    Column("age_0", "0–30", "int"), Column("age_31", "31–60", "int"),
    Column("age_61", "61–90", "int"), Column("age_91", "90+", "int"),
)
_STOCK_SUMMARY_COLUMNS = (
    *(c for c in _STOCK_COLUMNS if c.key in ("opening", "received", "sold", "closing",
                                             "in_transit", "allocated")),
    Column("closing_value", _lazy("Closing stock at cost"), "money"),
)


def vehicle_stock_report(query: ReportQuery) -> ReportResult:
    """Movements of the period per model, trim and colour: opening, received, sold,
    closing; in transit, allocated and the age of the closing stock."""
    rows = selectors.stock_balance(store=query.store, start=query.start, end=query.end)
    lines = [{"model": f"{r['model__brand']} {r['model__name']}", "trim": r["trim__name"],
              "colour": r["colour"], **{key: r[key] for key in STOCK_COUNTS}} for r in rows]
    totals = {key: sum(r[key] for r in rows) for key in STOCK_COUNTS}
    summary = {column.key: totals[column.key] for column in _STOCK_SUMMARY_COLUMNS
               if column.key in totals}
    summary["closing_value"] = money(sum((r["value"] or ZERO for r in rows), ZERO))
    return ReportResult(
        tables=[Table("stock", _("Stock balance"), _STOCK_COLUMNS, lines,
                      totals={"model": _("Total"), **totals})],
        summary=summary,
    )


REPORTS = [
    ReportDefinition(
        key="sales-targets", title=_lazy("Target vs actual (三表一卡)"), department="sales",
        permission=TARGETS_PERMISSION, build=sales_target_report,
        page="sales:control-sheets",
        description=_lazy("CS-12: the month's targets of the store and each consultant "
                          "against the actual figures of the period."),
        summary_columns=_TARGET_SUMMARY_COLUMNS, order=100),
    ReportDefinition(
        key="consultant-performance", title=_lazy("Consultant performance"),
        department="sales", permission=PERFORMANCE_PERMISSION,
        build=consultant_performance_report, page="sales:performance",
        description=_lazy("CS-20: leads and owners kept, new leads, info-left rate, "
                          "activities, deposits, deliveries, accessories, insurance and "
                          "finance penetration, lost leads and gross profit per consultant."),
        summary_columns=_PERFORMANCE_SUMMARY_COLUMNS, order=130),
    ReportDefinition(
        key="vehicle-stock", title=_lazy("Vehicle stock balance (进销存)"), department="sales",
        permission=STOCK_PERMISSION, build=vehicle_stock_report, page="sales:stock-balance",
        description=_lazy("CS-14: opening stock, received, sold and closing stock per model, "
                          "trim and colour; in transit, allocated and the age of the stock."),
        summary_columns=_STOCK_SUMMARY_COLUMNS, order=140),
]
