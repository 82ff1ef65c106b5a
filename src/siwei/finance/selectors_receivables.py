"""Reads of the receivables area (FN-4): open items, aging by debtor — now, or as they stood
at the end of a past day (``at``: the items that had arisen by then, less the receipts
received by then; receipts are the only thing that lowers an item's open amount)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from siwei.core.fields import ZERO

from .models import CreditAccount, DebtorKind, ReceiptMatch, Receivable, ReceivableReceipt

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


def _bucket_sums(today: dt.date, field: str = "open_amount") -> dict:
    d30, d60, d90 = (today - dt.timedelta(days=n) for n in (30, 60, 90))
    return {
        "d0_30": Sum(field, filter=Q(due_date__gte=d30), default=ZERO),
        "d31_60": Sum(field, filter=Q(due_date__lt=d30, due_date__gte=d60), default=ZERO),
        "d61_90": Sum(field, filter=Q(due_date__lt=d60, due_date__gte=d90), default=ZERO),
        "d90_plus": Sum(field, filter=Q(due_date__lt=d90), default=ZERO),
        "total": Sum(field, default=ZERO),
        "items": Count("id"),
    }


def _open_at(items: QuerySet[Receivable], day: dt.date) -> QuerySet[Receivable]:
    """The items that had arisen by the end of ``day``, each with ``open_at``: its amount
    less what receipts received by then matched to it; those still open then."""
    money = DecimalField(max_digits=14, decimal_places=2)
    matched = (ReceiptMatch.objects.filter(receivable=OuterRef("pk"),
                                           receipt__received_on__lte=day)
               .order_by().values("receivable").annotate(total=Sum("amount"))
               .values("total"))
    return (items.filter(arose_on__lte=day)
            .annotate(open_at=F("amount") - Coalesce(Subquery(matched, output_field=money),
                                                     Value(ZERO), output_field=money))
            .filter(open_at__gt=0))


def open_items(*, store, kind: str | None = None, name: str | None = None,
               at: dt.date | None = None) -> QuerySet[Receivable]:
    items = Receivable.objects.for_store(store)
    if kind:
        items = items.filter(debtor_kind=kind)
    if name is not None:
        items = items.filter(debtor_name=name)
    return _open_at(items, at) if at is not None else items.filter(open_amount__gt=0)


def aging_by_debtor(*, store, today: dt.date, kind: str | None = None,
                    at: dt.date | None = None) -> list[dict]:
    """One row per debtor with the open amount in each bucket, largest total first;
    ``at``: as the items stood at the end of that day (aged at that day)."""
    field = "open_at" if at is not None else "open_amount"
    rows = (open_items(store=store, kind=kind, at=at).values("debtor_kind", "debtor_name")
            .annotate(**_bucket_sums(at or today, field)).order_by("-total", "debtor_name"))
    labels = dict(DebtorKind.choices)
    return [{**row, "kind_label": labels.get(row["debtor_kind"], row["debtor_kind"])}
            for row in rows]


def aging_totals(*, store, today: dt.date, at: dt.date | None = None) -> dict[str, Decimal]:
    """The store's open amount per bucket and in total (``at``: at the end of that day)."""
    field = "open_at" if at is not None else "open_amount"
    return open_items(store=store, at=at).aggregate(**_bucket_sums(at or today, field))


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


def accounts_with_use(queryset: QuerySet[CreditAccount]) -> QuerySet[CreditAccount]:
    """Each account with the open amount its customer owes on credit (``used``) and what
    is left of its limit (``available``), in one query."""
    money_field = DecimalField(max_digits=14, decimal_places=2)
    owed = (Receivable.objects.filter(customer=OuterRef("customer"),
                                      debtor_kind=DebtorKind.CREDIT_CUSTOMER)
            .order_by().values("customer").annotate(total=Sum("open_amount")).values("total"))
    return queryset.annotate(
        used=Coalesce(Subquery(owed, output_field=money_field), Value(Decimal("0.00")),
                      output_field=money_field),
        available=ExpressionWrapper(F("credit_limit") - F("used"), output_field=money_field))
