"""Home card of the service manager and the store manager: today's repair orders, this
month's KPIs against last month, and the trend of the last six months."""

from django.utils.translation import gettext_lazy as _

from siwei.core.dashboards import Card

CARD_MONTHS = 6
# (key, label, kind, higher is better)
CARD_FIGURES = [
    ("ros", _("Repair orders"), "int", True),
    ("effective_labour_rate", _("Effective labour rate"), "num", True),
    ("on_time_rate", _("On-time delivery"), "pct", True),
    ("same_day_rate", _("Same-day delivery"), "pct", True),
    ("average_dwell_hours", _("Average dwell time (h)"), "num", False),
    ("comeback_rate", _("Comeback rate"), "pct", False),
]


def _kpis(request) -> dict:
    from siwei.core.permissions import has_store_perm

    from .charts_kpis import trend_chart
    from .selectors_kpis import monthly_trend, today_count
    from .views_kpis import PERM_KPIS, show

    stores = [request.store]
    trend = monthly_trend(stores=stores, months=CARD_MONTHS)
    this, last = trend[-1], trend[-2]
    figures = []
    for key, label, kind, higher in CARD_FIGURES:
        now, before = this[key], last[key]
        change = "" if now is None or before is None or now == before else (
            "up" if now > before else "down")
        good = change and ((change == "up") == higher)
        figures.append({"key": key, "label": label, "text": show(now, kind),
                        "last": show(before, kind), "change": change, "good": good})
    return {"today": today_count(stores=stores), "figures": figures, "month": this["month"],
            "chart": trend_chart(trend),
            "can_open": has_store_perm(request.user, request.store, PERM_KPIS)}


CARDS = [
    Card(_("Service KPIs"), "service/kpis/cards/kpis.html",
         frozenset({"service_manager", "store_manager"}), _kpis, 15, 6, lazy=True),
]
