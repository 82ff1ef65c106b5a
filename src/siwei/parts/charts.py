"""Charts of the parts analysis (PT-13, PT-17) as ECharts options: the analysis page and
the report catalogue draw the same charts from the same figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

AGING_BUCKETS = ("0-3", "3-7", "slow", "obsolete")


def aging_labels() -> dict[str, str]:
    """The aging buckets of ``selectors.analysis.aging`` as they are shown."""
    return {"0-3": _("0–3 months"), "3-7": _("3–7 months"), "slow": _("Slow (7–12 months)"),
            "obsolete": _("Obsolete (12+ months)")}


def abc_chart(summary: dict[str, dict]) -> dict:
    """PT-13: the consumption value of the classes A, B and C (a ring)."""
    return {"tooltip": {"trigger": "item"}, "legend": {"bottom": 0},
            "series": [{"type": "pie", "radius": ["40%", "70%"], "data": [
                {"name": f"{cls} ({summary[cls]['parts']})", "value": float(summary[cls]["value"])}
                for cls in "ABC"]}]}


def aging_chart(buckets: dict[str, Decimal]) -> dict:
    """PT-17: the stock value in each aging bucket (bars)."""
    labels = aging_labels()
    return {"tooltip": {}, "grid": {"left": 80, "right": 20, "bottom": 30},
            "xAxis": {"type": "category", "data": [labels[k] for k in AGING_BUCKETS],
                      "axisLabel": {"interval": 0, "fontSize": 10, "rotate": 15}},
            "yAxis": {"type": "value"},
            "series": [{"type": "bar", "data": [float(buckets[k]) for k in AGING_BUCKETS]}]}


def issue_trend_chart(months: list[tuple[dt.date, Decimal]]) -> dict:
    """The cost of the parts issued in each of the last months (a line)."""
    return {"tooltip": {"trigger": "axis"}, "grid": {"left": 80, "right": 20, "bottom": 30},
            "xAxis": {"type": "category", "data": [f"{d:%Y-%m}" for d, _v in months]},
            "yAxis": {"type": "value"},
            "series": [{"type": "line", "smooth": True, "name": _("Issue cost"),
                        "data": [float(v) for _d, v in months]}]}
