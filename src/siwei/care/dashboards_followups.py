"""Home-page cards of the follow-up calls: my calls today (customer service), overdue
follow-ups by assignee (supervisors), and this month's CSI and NPS (managers)."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card

SUPERVISORS = frozenset({"store_manager", "service_manager", "sales_manager"})


def _my_calls(request) -> dict:
    from . import selectors_followups as selectors

    return {"counts": selectors.my_calls_counts(user=request.user, store=request.store),
            "next": list(selectors.my_calls(user=request.user, store=request.store)[:5])}


def _overdue(request) -> dict:
    from . import selectors_followups as selectors

    return {"rows": selectors.overdue_counts(store=request.store)[:8]}


def _csi(request) -> dict:
    from .selectors_surveys import store_month_figures

    return {"figures": store_month_figures(store=request.store, today=clock.today())}


CARDS = [
    Card(_("My calls today"), "care/followups/cards/my_calls.html",
         frozenset({"customer_service"}), _my_calls, 5, 6),
    Card(_("Overdue follow-ups"), "care/followups/cards/overdue.html", SUPERVISORS, _overdue,
         45, 4),
    Card(_("CSI and NPS this month"), "care/surveys/cards/month.html", SUPERVISORS, _csi, 46, 4),
]
