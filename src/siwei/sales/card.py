"""The sales sections of the customer card (CS-5): orders and their payments."""

from django.utils.translation import gettext_lazy as _

from siwei.core.permissions import has_store_perm


def sections(request, customer) -> list[dict]:
    if not has_store_perm(request.user, request.store, "sales.view_salesorder"):
        return []
    orders = list(customer.sales_orders.select_related("model", "stock_vehicle")
                  .prefetch_related("payments").order_by("-created_at"))
    return [{"key": "orders", "order": 10, "title": _("Orders and payments"),
             "template": "sales/card_orders.html", "rows": orders}]
