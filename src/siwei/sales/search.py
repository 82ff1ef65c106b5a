"""Document numbers in the global search box: sales orders and receipts."""

from django.db.models import Q
from django.urls import reverse

from siwei.core.permissions import has_store_perm


def documents(request, query: str) -> list[dict]:
    text = query.strip().upper()
    if len(text) < 4 or not has_store_perm(request.user, request.store, "sales.view_salesorder"):
        return []
    from .selectors import orders_for

    orders = orders_for(user=request.user, store=request.store).filter(
        Q(number__endswith=text) | Q(number=text) | Q(payments__receipt_number=text)
    ).distinct()[:10]
    return [{"title": o.number, "subtitle": f"{o.customer.name} · {o.get_status_display()}",
             "url": reverse("sales:order", args=[o.pk])} for o in orders]

