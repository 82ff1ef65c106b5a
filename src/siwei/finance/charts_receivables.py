"""Charts of the receivables (FN-4) as ECharts options."""

from __future__ import annotations

from siwei.core.reporting import chart_number


def aging_chart(totals: dict, buckets) -> dict:
    """The open amount in each aging bucket (bars, oldest last)."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 70, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(column.label) for column in buckets]},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar",
                    "data": [chart_number(totals.get(column.key)) for column in buckets]}],
    }
