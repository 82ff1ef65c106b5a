"""Demo data of finance: invoices (FN-3). Each delivered sales order has its vehicle
invoice (a special VAT invoice for a company buyer); about half the paid repair orders of
the last three months have an invoice for the customer's share; one invoice per store was
voided (wrong buyer) and issued again."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from siwei.core import clock


def _numbers(rng):
    """Tax invoice numbers (8 digits) as the paper rolls hand them out."""
    value = rng.randint(10_000_000, 60_000_000)
    while True:
        value += 1
        yield f"{value:08d}"


def build_invoices(ctx) -> None:
    """Build this area's demo history."""
    from siwei.sales.models import SalesOrder
    from siwei.service.models import RepairOrder

    from .models import InvoiceKind
    from .services.invoices import invoice_issue, invoice_void

    now = clock.now()
    for store in ctx.stores:
        numbers = _numbers(ctx.rng)
        orders = (SalesOrder.objects.filter(store=store, status__in=("delivered", "closed"))
                  .select_related("customer", "model", "trim", "stock_vehicle")
                  .prefetch_related("lines").order_by("delivered_at", "id"))
        ros = (RepairOrder.objects.filter(
            store=store, status__in=("paid", "released", "closed"), customer_total__gt=0,
            settled_at__gte=now - dt.timedelta(days=90))
            .filter(Q(invoices__isnull=True)).select_related("customer")
            .prefetch_related("jobs", "part_lines").order_by("settled_at", "id"))
        if ctx.small:
            orders, ros = orders[:3], ros[:4]
        documents = [("sales_order", o, o.delivered_at or o.confirmed_at) for o in orders]
        documents += [("repair_order", r, r.settled_at) for r in ros
                      if ctx.small or ctx.rng.random() < 0.5]
        documents.sort(key=lambda d: (d[2], d[0], d[1].pk))
        first = None
        for field, document, at in documents:
            company = document.customer.kind == "company" and document.customer.credit_code
            with clock.frozen(min(at + dt.timedelta(hours=1), now)):
                invoice = invoice_issue(
                    actor=None, store=store, number=next(numbers), **{field: document},
                    kind=InvoiceKind.SPECIAL if company else InvoiceKind.ORDINARY)
            first = first or invoice
        if first is not None:
            with clock.frozen(first.issued_at + dt.timedelta(hours=2)):
                invoice_void(actor=None, invoice=first, reason="购方名称开错，收回作废重开")
                invoice_issue(actor=None, store=store, number=next(numbers),
                              **{"sales_order" if first.sales_order_id else "repair_order":
                                 first.source}, kind=first.kind)
