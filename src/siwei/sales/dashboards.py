"""Home-page cards: orders for the sales manager, money to collect for the cashier."""

from django.utils.translation import gettext_lazy as _

from siwei.core.dashboards import Card

from .models import OrderStatus, SalesOrder
from .selectors import order_totals_by_status


def _orders(request) -> dict:
    return {"totals": order_totals_by_status(store=request.store),
            "statuses": OrderStatus.choices}


def _to_collect(request) -> dict:
    orders = SalesOrder.objects.for_store(request.store).filter(
        status__in=[OrderStatus.DRAFT, OrderStatus.CONFIRMED, OrderStatus.ALLOCATED]
    ).select_related("customer").order_by("-created_at")[:10]
    return {"orders": list(orders)}


CARDS = [
    Card(_("Orders by status"), "sales/cards/orders.html",
         frozenset({"sales_manager", "store_manager", "sales_consultant"}), _orders, 30, 4),
    Card(_("Orders waiting for money"), "sales/cards/to_collect.html", frozenset({"cashier"}),
         _to_collect, 10, 8),
]
