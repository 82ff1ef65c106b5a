"""Reads of the invoices area (FN-3)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Invoice


def invoices_for(*, store, status: str | None = None, q: str = "", start=None,
                 end=None) -> QuerySet[Invoice]:
    """The store's invoices, newest first; ``q`` matches number, buyer, tax ID or the
    document number; ``start``/``end`` (dates) bound the issue date."""
    invoices = Invoice.objects.for_store(store).select_related("sales_order", "repair_order")
    if status:
        invoices = invoices.filter(status=status)
    if q:
        invoices = invoices.filter(Q(number__icontains=q) | Q(buyer_name__icontains=q)
                                   | Q(buyer_tax_id__icontains=q)
                                   | Q(sales_order__number__icontains=q)
                                   | Q(repair_order__number__icontains=q))
    if start is not None:
        invoices = invoices.filter(issued_at__date__gte=start)
    if end is not None:
        invoices = invoices.filter(issued_at__date__lte=end)
    return invoices.order_by("-issued_at", "-id")
