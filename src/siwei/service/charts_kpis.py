"""The Service KPIs' rows and charts (service.md "Service KPIs"): the page and the report
catalogue show the same figures the same way."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ROCategory

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


def category_chart(result: dict) -> dict:
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
