"""Document numbers in the global search box: repair orders and gate passes."""

from django.db.models import Q
from django.urls import reverse

from siwei.core.permissions import has_store_perm

from .models import RepairOrder


def documents(request, query: str) -> list[dict]:
    text = query.strip().upper()
    if len(text) < 4 or not has_store_perm(request.user, request.store,
                                           "service.view_repairorder"):
        return []
    if not (text.startswith(("RO-", "GP-")) or text.isdigit()):
        return []
    orders = (RepairOrder.objects.for_store(request.store)
              .filter(Q(number__endswith=text) | Q(number=text) | Q(gate_pass_number=text))
              .select_related("customer", "vehicle").order_by("-received_at")[:10])
    return [{"title": o.number,
             "subtitle": f"{o.vehicle.plate} · {o.customer.name} · {o.get_status_display()}",
             "url": reverse("service:ro", args=[o.pk])} for o in orders]
