"""Home-page cards of finance: cashier (today's takings per method, the open balance to
collect)."""

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.dashboards import Card


def _today(request) -> dict:
    from . import selectors_cashier as selectors

    day = selectors.cashier_day(store=request.store, cashier=request.user, day=clock.today())
    return {"rows": day["rows"], "totals": day["totals"], "closed": day["close"] is not None,
            "open_balance": selectors.open_balance(store=request.store)}


CARDS: list = [
    Card(_("My takings today"), "finance/cashier/cards/today.html", frozenset({"cashier"}),
         _today, 20, 4),
]
