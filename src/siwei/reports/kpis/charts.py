"""The achievement chart of the KPIs (FN-6): one bar per KPI, green on track, red behind,
with a line at 100 %; the report and the home card draw the same chart."""

from __future__ import annotations

from siwei.core.reporting import chart_number

COLOURS = {"ok": "#198754", "behind": "#dc3545", "": "#adb5bd"}


def achievement_chart(rows: list[dict]) -> dict:
    labels = [str(row["label"]) for row in rows]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 10, "right": 40, "top": 10, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": labels},
        "series": [{
            "type": "bar", "name": "%",
            "data": [{"value": chart_number(row["achievement"]),
                      "itemStyle": {"color": COLOURS[row["status"]]}} for row in rows],
            "markLine": {"silent": True, "symbol": "none", "data": [{"xAxis": 100}],
                         "lineStyle": {"type": "dashed", "color": "#495057"},
                         "label": {"formatter": "100%"}},
        }],
    }
