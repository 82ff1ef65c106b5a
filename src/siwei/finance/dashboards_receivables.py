"""Home-page cards of finance: receivables (aging totals for the finance role)."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card


def _aging(request) -> dict:
    from . import selectors_receivables as selectors

    today = clock.today()
    return {"totals": selectors.aging_totals(store=request.store, today=today),
            "top": selectors.aging_by_debtor(store=request.store, today=today)[:5]}


CARDS: list = [
    Card(_("Receivables aging"), "finance/receivables/cards/aging.html",
         frozenset({"finance", "store_manager"}), _aging, 30, 4),
]
