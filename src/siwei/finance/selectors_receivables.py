"""Reads of the receivables area (FN-4): open items, aging by debtor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from siwei.core.fields import ZERO

from .models import DebtorKind, Receivable, ReceivableReceipt

# Aging buckets by days past the due date; an item not yet due counts as 0–30.
BUCKETS = ("d0_30", "d31_60", "d61_90", "d90_plus")


def aging_bucket(due_date: dt.date, today: dt.date) -> str:
    days = (today - due_date).days
    if days <= 30:
        return "d0_30"
    if days <= 60:
        return "d31_60"
    if days <= 90:
        return "d61_90"
    return "d90_plus"


def _bucket_sums(today: dt.date) -> dict:
    d30, d60, d90 = (today - dt.timedelta(days=n) for n in (30, 60, 90))
    return {
        "d0_30": Sum("open_amount", filter=Q(due_date__gte=d30), default=ZERO),
        "d31_60": Sum("open_amount", filter=Q(due_date__lt=d30, due_date__gte=d60),
                      default=ZERO),
        "d61_90": Sum("open_amount", filter=Q(due_date__lt=d60, due_date__gte=d90),
                      default=ZERO),
        "d90_plus": Sum("open_amount", filter=Q(due_date__lt=d90), default=ZERO),
        "total": Sum("open_amount", default=ZERO),
        "items": Count("id"),
    }


def open_items(*, store, kind: str | None = None, name: str | None = None
               ) -> QuerySet[Receivable]:
    items = Receivable.objects.for_store(store).filter(open_amount__gt=0)
    if kind:
        items = items.filter(debtor_kind=kind)
    if name is not None:
        items = items.filter(debtor_name=name)
    return items


def aging_by_debtor(*, store, today: dt.date, kind: str | None = None) -> list[dict]:
    """One row per debtor with the open amount in each bucket, largest total first."""
    rows = (open_items(store=store, kind=kind).values("debtor_kind", "debtor_name")
            .annotate(**_bucket_sums(today)).order_by("-total", "debtor_name"))
    labels = dict(DebtorKind.choices)
    return [{**row, "kind_label": labels.get(row["debtor_kind"], row["debtor_kind"])}
            for row in rows]


def aging_totals(*, store, today: dt.date) -> dict[str, Decimal]:
    """The store's open amount per bucket and in total."""
    return open_items(store=store).aggregate(**_bucket_sums(today))


def items_for(*, store, kind: str | None = None, name: str | None = None,
              open_only: bool = True, q: str = "") -> QuerySet[Receivable]:
    items = Receivable.objects.for_store(store)
    if open_only:
        items = items.filter(open_amount__gt=0)
    if kind:
        items = items.filter(debtor_kind=kind)
    if name is not None:
        items = items.filter(debtor_name=name)
    if q:
        items = items.filter(Q(debtor_name__icontains=q) | Q(description__icontains=q))
    return items.select_related("warranty_claim", "repair_order", "sales_order",
                                "customer").order_by("due_date", "id")


def receipts_of(receivable: Receivable) -> QuerySet[ReceivableReceipt]:
    return (ReceivableReceipt.objects.filter(matches__receivable=receivable)
            .annotate(matched=Sum("matches__amount", filter=Q(matches__receivable=receivable)))
            .order_by("-received_on", "-id"))
