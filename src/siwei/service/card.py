"""The service section of the customer card (CS-5): the customer's repair orders."""

from django.utils.translation import gettext_lazy as _

from siwei.core.permissions import has_store_perm


def sections(request, customer) -> list[dict]:
    if not has_store_perm(request.user, request.store, "service.view_repairorder"):
        return []
    orders = list(customer.repair_orders.filter(store=request.store)
                  .select_related("vehicle").order_by("-received_at")[:30])
    return [{"key": "repair-orders", "order": 20, "title": _("Service visits"),
             "template": "service/orders/card_orders.html", "rows": orders}]
