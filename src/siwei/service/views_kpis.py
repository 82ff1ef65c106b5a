"""The Service KPIs page: the figures of service.md ("Service KPIs") for a period, one
store or every store the user may see side by side, with charts and an Excel download.
The figures come from ``selectors_kpis``; the appointment, workshop and quality pages
keep their details (linked from here)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siwei.core.exports import xlsx_response
from siwei.core.permissions import has_store_perm
from siwei.core.scoping import user_stores
from siwei.core.views import require_store_perm

from . import selectors_kpis as selectors
from .forms_kpis import ServiceKpiForm
from .models import ROCategory

PERM_KPIS = "service.view_service_kpis"
TREND_MONTHS = 12

# (key, label, kind): kind is how the value is shown.
ROWS = [
    ("ros", gettext_lazy("Repair orders"), "int"),
    ("comeback_rate", gettext_lazy("Comeback rate"), "pct"),
    ("appointment_rate", gettext_lazy("Appointment rate"), "pct"),
    ("show_rate", gettext_lazy("Show rate"), "pct"),
    ("hours_sold", gettext_lazy("Hours sold"), "num"),
    ("labour_revenue", gettext_lazy("Labour revenue"), "num"),
    ("effective_labour_rate", gettext_lazy("Effective labour rate (yuan/hour)"), "num"),
    ("technicians", gettext_lazy("Technicians on shift"), "int"),
    ("hours_per_technician", gettext_lazy("Hours sold per technician"), "num"),
    ("productivity", gettext_lazy("Technician productivity"), "pct"),
    ("efficiency", gettext_lazy("Technician efficiency"), "pct"),
    ("ftp_rate", gettext_lazy("First-time-pass rate"), "pct"),
    ("delivered", gettext_lazy("Cars delivered (gate pass)"), "int"),
    ("on_time_rate", gettext_lazy("On-time delivery (target ≥ 95%)"), "pct"),
    ("same_day_rate", gettext_lazy("Same-day delivery (target ≥ 80%)"), "pct"),
    ("average_dwell_hours", gettext_lazy("Average dwell time (hours)"), "num"),
    ("claim_approval_rate", gettext_lazy("Warranty claim approval rate"), "pct"),
    ("days_to_payment", gettext_lazy("Warranty claim days to payment"), "num"),
]
# What the month-by-month trend has (the rest needs the per-store queries).
TREND_KEYS = ("ros", "comeback_rate", "appointment_rate", "hours_sold", "labour_revenue",
              "effective_labour_rate", "ftp_rate", "delivered", "on_time_rate",
              "same_day_rate", "average_dwell_hours")
ALERTS = {"on_time_rate": "on_time_ok", "same_day_rate": "same_day_ok"}


def kpi_stores(user) -> list:
    """The stores whose KPIs the user may see."""
    return [s for s in user_stores(user) if has_store_perm(user, s, PERM_KPIS)]


def show(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value}%"
    return str(value)


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def trend_chart(trend: list[dict]) -> dict:
    """Month by month: repair orders (bars) and the delivery, first-time-pass and comeback
    rates (lines, %)."""
    def line(key):
        return [_number(m[key]) for m in trend]

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 45, "right": 45, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{m['month']:%Y-%m}" for m in trend]},
        "yAxis": [{"type": "value", "minInterval": 1},
                  {"type": "value", "min": 0, "max": 100,
                   "axisLabel": {"formatter": "{value}%"}}],
        "series": [
            {"name": _("Repair orders"), "type": "bar", "data": line("ros")},
            {"name": _("On-time delivery %"), "type": "line", "yAxisIndex": 1,
             "connectNulls": True, "data": line("on_time_rate")},
            {"name": _("Same-day delivery %"), "type": "line", "yAxisIndex": 1,
             "connectNulls": True, "data": line("same_day_rate")},
            {"name": _("First-time pass %"), "type": "line", "yAxisIndex": 1,
             "connectNulls": True, "data": line("ftp_rate")},
            {"name": _("Comeback rate %"), "type": "line", "yAxisIndex": 1,
             "connectNulls": True, "data": line("comeback_rate")},
        ],
    }


def labour_chart(trend: list[dict]) -> dict:
    """Month by month: hours sold (bars) and the effective labour rate (line, yuan)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 50, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{m['month']:%Y-%m}" for m in trend]},
        "yAxis": [{"type": "value"}, {"type": "value"}],
        "series": [
            {"name": _("Hours sold"), "type": "bar",
             "data": [_number(m["hours_sold"]) for m in trend]},
            {"name": _("Effective labour rate"), "type": "line", "yAxisIndex": 1,
             "connectNulls": True,
             "data": [_number(m["effective_labour_rate"]) for m in trend]},
            {"name": _("Average dwell time (hours)"), "type": "line", "yAxisIndex": 0,
             "connectNulls": True,
             "data": [_number(m["average_dwell_hours"]) for m in trend]},
        ],
    }


def _category_chart(result: dict) -> dict:
    days = list(result["per_day"])
    used = [c for c in ROCategory if any(result["per_day"][d].get(c.value) for d in days)]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{d:%m-%d}" for d in days]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": str(c.label), "type": "bar", "stack": "ros",
                    "data": [result["per_day"][d].get(c.value, 0) for d in days]}
                   for c in used],
    }


@require_store_perm(PERM_KPIS)
def service_kpis(request: HttpRequest) -> HttpResponse:
    """SV KPIs of the period for the chosen store(s); ``?format=xlsx`` downloads them."""
    form = ServiceKpiForm(request.GET or None, stores=kpi_stores(request.user),
                          active=request.store)
    period = form.period()
    stores = form.stores()
    result = selectors.service_kpis(stores=stores, period=period)
    trend = selectors.monthly_trend(stores=stores, months=TREND_MONTHS, end=period.end)
    several = len(stores) > 1
    columns = [*result["columns"], result["total"]] if several else result["columns"]
    table = [{"key": key, "label": label,
              "cells": [{"text": show(c[key], kind), "value": c[key],
                         "alert": key in ALERTS and not c[ALERTS[key]]} for c in columns]}
             for key, label, kind in ROWS]
    categories = [{"label": label, "cells": [c["categories"].get(value, 0) for c in columns]}
                  for value, label in ROCategory.choices]
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, result, trend, table, categories, several)
    query = urlencode({"start": period.start, "end": period.end,
                       "store": form.cleaned_data.get("store", "") if form.is_bound
                       and form.is_valid() else form.default_store()})
    return render(request, "service/kpis/page.html", {
        "form": form, "result": result, "table": table, "categories": categories,
        "several": several, "trend": trend, "query": query,
        "trend_chart": trend_chart(trend), "labour_chart": labour_chart(trend),
        "category_chart": _category_chart(result)})


def _xlsx(request, result, trend, table, categories, several) -> HttpResponse:
    period = result["period"]
    heads = [s.name for s in result["stores"]] + ([_("Total")] if several else [])
    trend_keys = [key for key, _label, _kind in ROWS if key in TREND_KEYS]
    labels = {key: label for key, label, _kind in ROWS}
    codes = "-".join(s.code for s in result["stores"])
    return xlsx_response(
        f"service-kpis-{codes}-{period.start:%Y%m%d}-{period.end:%Y%m%d}", [
            (_("Service KPIs"), [_("KPI"), *heads],
             ([row["label"], *(c["value"] for c in row["cells"])] for row in table)),
            (_("By category"), [_("Category"), *heads],
             ([row["label"], *row["cells"]] for row in categories)),
            (_("Per day"), [_("Day"), *(str(label) for _v, label in ROCategory.choices)],
             ([day, *(counts.get(v, 0) for v, _label in ROCategory.choices)]
              for day, counts in result["per_day"].items())),
            (_("Monthly trend"), [_("Month"), *(labels[k] for k in trend_keys)],
             ([f"{m['month']:%Y-%m}", *(m[k] for k in trend_keys)] for m in trend)),
        ])
