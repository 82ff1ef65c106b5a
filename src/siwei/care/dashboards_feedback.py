"""Home-page cards of customer care: feedback. Customer service sees the open complaints
with their SLA clocks, managers what is escalated to them, the store manager the month's
volume and SLA compliance (CR-7, CR-9)."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card


def _open(request) -> dict:
    from . import selectors_feedback as selectors

    rows = selectors.open_complaints(store=request.store)
    return {"rows": selectors.with_clocks(list(rows[:8])), "total": rows.count()}


def _escalated(request) -> dict:
    from . import selectors_feedback as selectors

    rows = selectors.escalated_to(user=request.user, store=request.store)
    return {"rows": selectors.with_clocks(list(rows[:8]))}


def _month(request) -> dict:
    from . import selectors_feedback as selectors

    today = clock.today()
    return {"report": selectors.feedback_summary(store=request.store,
                                                 start=today.replace(day=1), end=today)}


CARDS = [
    Card(_("Open complaints"), "care/feedback/cards/open.html",
         frozenset({"customer_service"}), _open, 20, 6),
    Card(_("Complaints escalated to me"), "care/feedback/cards/escalated.html",
         frozenset({"sales_manager", "service_manager", "parts_manager", "store_manager"}),
         _escalated, 15, 6),
    Card(_("Complaints this month"), "care/feedback/cards/month.html",
         frozenset({"store_manager"}), _month, 16, 6),
]
