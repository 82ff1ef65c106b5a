"""Charts of customer care reports (ECharts options): survey results (CR-4) and the
complaint analysis (CR-9). Pages and the report catalogue draw the same charts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import FeedbackKind


def chart_number(value) -> float | None:
    return float(value) if value is not None else None


def survey_chart(result: dict, title_csi: str, title_nps: str) -> dict:
    series = []
    for bucket in result["stores"]:
        months = result["monthly"][bucket.key]
        series.append({"name": f"{bucket.label} CSI", "type": "line", "connectNulls": True,
                       "data": [chart_number(m.csi) for m in months]})
        series.append({"name": f"{bucket.label} NPS", "type": "line", "yAxisIndex": 1,
                       "lineStyle": {"type": "dashed"}, "connectNulls": True,
                       "data": [chart_number(m.nps) for m in months]})
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [s["name"] for s in series]},
        "xAxis": {"type": "category", "data": result["months"]},
        "yAxis": [{"type": "value", "name": title_csi, "min": 0, "max": 100},
                  {"type": "value", "name": title_nps, "min": -100, "max": 100}],
        "series": series,
    }


def feedback_volume_chart(report) -> dict:
    trend = report["trend"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [str(label) for _v, label in FeedbackKind.choices]},
        "xAxis": {"type": "category", "data": [f"{t['month']:%Y-%m}" for t in trend]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": str(label), "type": "bar", "stack": "kind",
                    "data": [t[value] for t in trend]} for value, label in FeedbackKind.choices],
    }


def feedback_sla_chart(report) -> dict:
    trend = report["trend"]

    def rate(value):
        return float(value) if value is not None else None

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Acknowledged in time %"), _("Resolved in time %")]},
        "xAxis": {"type": "category", "data": [f"{t['month']:%Y-%m}" for t in trend]},
        "yAxis": {"type": "value", "min": 0, "max": 100,
                  "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {"name": _("Acknowledged in time %"), "type": "line",
             "data": [rate(t["sla"]["ack_rate"]) for t in trend]},
            {"name": _("Resolved in time %"), "type": "line",
             "data": [rate(t["sla"]["resolve_rate"]) for t in trend]},
        ],
    }


def share_pie(rows) -> dict:
    return {"tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": "65%",
                        "data": [{"name": r["label"], "value": r["n"]} for r in rows]}]}
