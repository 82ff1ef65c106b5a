"""Charts of the sales reports (ECharts options): showroom statistics (CS-9), consultant
performance (CS-20) and the lost-lead analysis (CS-8). The department's pages and the
report catalogue draw the same charts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .reports import LOSS_REASONS


def showroom_chart(days: list[dict]) -> dict:
    """An ECharts option: walk-ins, calls and orders as bars, rates as lines."""
    labels = [f"{row['day']:%m-%d}" for row in days]

    def bars(name, key):
        return {"name": str(name), "type": "bar", "data": [row[key] for row in days]}

    def line(name, key):
        return {"name": str(name), "type": "line", "yAxisIndex": 1, "connectNulls": True,
                "data": [float(row[key]) if row[key] is not None else None for row in days]}

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 48, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": [{"type": "value", "minInterval": 1},
                  {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}],
        "series": [bars(_("Walk-ins"), "walk_ins"), bars(_("Calls"), "calls"),
                   bars(_("Orders"), "orders"),
                   line(_("Info-left rate"), "info_left_rate"),
                   line(_("Test-drive rate"), "test_drive_rate")],
    }


def performance_chart(rows: list[dict]) -> dict:
    names = [r["name"] for r in rows]

    def series(label, key):
        return {"name": str(label), "type": "bar", "data": [r[key] for r in rows]}

    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [series(_("New leads"), "new_leads"), series(_("Deposits"), "orders"),
                   series(_("Deliveries"), "deliveries"),
                   series(_("Lost leads"), "lost_total")],
    }


def lost_chart(analysis: dict) -> dict:
    """A pie of the reasons (ECharts option)."""
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [{"type": "pie", "radius": ["35%", "65%"], "center": ["50%", "45%"],
                    "data": [{"name": str(r["label"]), "value": r["n"]}
                             for r in analysis["reasons"] if r["n"]]}],
    }


def lost_month_chart(analysis: dict) -> dict:
    """Lost leads per month, stacked by reason."""
    months = analysis["months"]
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [m["label"] for m in months]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": str(label), "type": "bar", "stack": "lost",
                    "data": [m["counts"][i] for m in months]}
                   for i, (_code, label) in enumerate(LOSS_REASONS)],
    }
