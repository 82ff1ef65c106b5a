"""Home-page cards of the sales roles (FN-6): the consultant's due follow-ups and leads."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card

from . import selectors


def _my_leads(request) -> dict:
    user, store = request.user, request.store
    return {
        "overdue": list(selectors.leads_overdue(user=user, store=store)[:10]),
        "overdue_count": selectors.leads_overdue(user=user, store=store).count(),
        "today": list(selectors.leads_due_today(user=user, store=store)[:10]),
        "by_grade": selectors.leads_by_grade(user=user, store=store),
    }


def _approvals(request) -> dict:
    return {"leads": list(selectors.leads_awaiting_loss_approval(store=request.store)[:10])}


def _showroom_today(request) -> dict:
    today = clock.today()
    return {"stats": selectors.showroom_statistics(store=request.store, start=today, end=today)}


SALES = frozenset({"sales_consultant", "sales_manager"})

CARDS = [
    Card(_("My follow-ups"), "crm/cards/my_leads.html", SALES, _my_leads, 10, 8),
    Card(_("Lost leads to approve"), "crm/cards/approvals.html", frozenset({"sales_manager"}),
         _approvals, 20, 4),
    Card(_("Showroom today"), "crm/cards/showroom_today.html",
         frozenset({"receptionist", "sales_manager", "store_manager"}), _showroom_today, 15, 4),
]
