"""Read queries of the parts department (pages, API, other departments)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from ..models import (
    Location,
    MoveKind,
    Part,
    PartStore,
    PurchaseOrder,
    RequestStatus,
    Reservation,
    StockBalance,
    StockMove,
    StockRequest,
    Stocktake,
    Supplier,
    Transfer,
)

QTY = DecimalField(max_digits=14, decimal_places=3)
MONEY = DecimalField(max_digits=18, decimal_places=2)


def part_search(queryset: QuerySet[Part], q: str) -> QuerySet[Part]:
    """``?q=``: part number (with or without spaces/dashes), name, full pinyin or initials."""
    q = (q or "").strip()
    if not q:
        return queryset
    compact = q.replace(" ", "").replace("-", "").upper()
    lowered = q.lower().replace(" ", "")
    return queryset.filter(
        Q(number__startswith=compact) | Q(number__icontains=compact) | Q(name__icontains=q)
        | Q(name_pinyin__contains=lowered) | Q(name_initials__startswith=lowered)
    )


def parts_for_store(*, store, q: str = "", location: Location | None = None,
                    in_stock: bool = False) -> QuerySet[Part]:
    """The group's parts with ``on_hand``, ``reserved`` and ``available`` in ``store``,
    one query (a filtered join to the store's ``PartStore`` row)."""
    zero = Value(Decimal("0.000"), output_field=QTY)
    parts = (
        Part.objects.filter(group_id=store.group_id, is_active=True)
        .annotate(here=FilteredRelation("store_rows", condition=Q(store_rows__store=store)))
        .annotate(on_hand=Coalesce(F("here__on_hand"), zero),
                  reserved=Coalesce(F("here__reserved"), zero),
                  blocked=Coalesce(F("here__blocked"), zero),
                  average_cost=F("here__average_cost"),
                  abc_class=F("here__abc_class"))
        .annotate(available=ExpressionWrapper(F("on_hand") - F("reserved"), output_field=QTY))
        .select_related("default_supplier")
    )
    parts = part_search(parts, q)
    if location is not None:
        parts = parts.filter(balances__store=store, balances__location=location,
                             balances__quantity__gt=0).distinct()
    if in_stock:
        parts = parts.filter(here__on_hand__gt=0)
    return parts.order_by("number")


def part_stock(*, store, part: Part) -> QuerySet[StockBalance]:
    """PT-4 on hand of a part per location and lot (oldest lot first)."""
    return (StockBalance.objects.for_store(store).filter(part=part, quantity__gt=0)
            .select_related("location", "lot")
            .order_by("lot__inbound_date", "lot_id", "location__zone", "location__shelf",
                      "location__level"))


def other_stores_available(*, store, part_ids) -> dict[int, list[dict]]:
    """PT-11 resource sharing: available stock of the parts in the group's other stores."""
    rows = (PartStore.objects.filter(store__group_id=store.group_id, part_id__in=list(part_ids),
                                     store__is_active=True)
            .exclude(store=store)
            .annotate(avail=ExpressionWrapper(F("on_hand") - F("reserved"), output_field=QTY))
            .filter(avail__gt=0)
            .values("part_id", "store_id", "store__code", "store__name", "avail")
            .order_by("store__code"))
    result: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        result[row["part_id"]].append({"store_id": row["store_id"], "code": row["store__code"],
                                       "name": row["store__name"], "available": row["avail"]})
    return dict(result)


def stock_moves(*, store, part=None, kind: str = "", document_type: str = "",
                document_id: str = "", batch: str = "") -> QuerySet[StockMove]:
    moves = StockMove.objects.for_store(store).select_related("part", "location", "lot", "user")
    if part is not None:
        moves = moves.filter(part=part)
    if kind:
        moves = moves.filter(kind=kind)
    if document_type:
        moves = moves.filter(document_type=document_type)
    if document_id:
        moves = moves.filter(document_id=document_id)
    if batch:
        moves = moves.filter(lot__batch=batch)
    return moves.order_by("-created_at", "-id")


def batch_trace(*, stores, batch: str) -> QuerySet[StockMove]:
    """PT-6 trace: every move of lots with this batch number in the stores, with the
    documents (repair orders …) that took it."""
    return (StockMove.objects.for_stores(stores).filter(lot__batch=batch.strip())
            .select_related("part", "location", "lot", "store", "user")
            .order_by("created_at", "id"))


def stock_requests(*, store) -> QuerySet[StockRequest]:
    """PT-10 requests of the store in any state, oldest first, with what is available
    of the part now."""
    zero = Value(Decimal("0.000"), output_field=QTY)
    return (StockRequest.objects.for_store(store)
            .annotate(here=FilteredRelation("part__store_rows",
                                            condition=Q(part__store_rows__store=store)))
            .annotate(available=ExpressionWrapper(
                Coalesce(F("here__on_hand"), zero) - Coalesce(F("here__reserved"), zero),
                output_field=QTY))
            .select_related("part", "requested_by__employee")
            .order_by("requested_at", "id"))


def issue_queue(*, store) -> QuerySet[StockRequest]:
    """PT-10 requests waiting for the clerk, oldest first, with what is available."""
    return stock_requests(store=store).filter(
        status__in=[RequestStatus.OPEN, RequestStatus.PARTLY_ISSUED])


def reservations(*, store) -> QuerySet[Reservation]:
    """PT-9 reservations of the store, newest first."""
    return (Reservation.objects.for_store(store).select_related("part", "location")
            .order_by("-created_at", "-id"))


def suppliers(*, store, q: str = "", active: bool | None = None) -> QuerySet[Supplier]:
    """PT-2 suppliers of the store's group; ``q`` searches name and contact."""
    rows = Supplier.objects.filter(group_id=store.group_id)
    if q:
        rows = rows.filter(Q(name__icontains=q.strip()) | Q(contact__icontains=q.strip()))
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("name", "id")


def locations(*, store, q: str = "", kind: str = "",
              active: bool | None = None) -> QuerySet[Location]:
    """PT-3 locations of the store in pick order, with the quantity they hold and the
    number of parts on them."""
    rows = (Location.objects.for_store(store)
            .annotate(held=Coalesce(Sum("balances__quantity"), Value(Decimal("0.000")),
                                    output_field=QTY),
                      parts=Count("balances__part", filter=Q(balances__quantity__gt=0),
                                  distinct=True))
            .select_related("frozen_by"))
    if q:
        rows = rows.filter(code__startswith=q.strip().upper())
    if kind:
        rows = rows.filter(kind=kind)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("zone", "shelf", "level", "code")


def purchase_orders(*, store, status: str = "", q: str = "") -> QuerySet[PurchaseOrder]:
    orders = (PurchaseOrder.objects.for_store(store).select_related("supplier")
              .annotate(total=Coalesce(Sum(F("lines__quantity") * F("lines__price"),
                                           output_field=MONEY), Value(Decimal("0.00")),
                                       output_field=MONEY)))
    if status:
        orders = orders.filter(status=status)
    if q:
        orders = orders.filter(Q(number__icontains=q) | Q(supplier__name__icontains=q))
    return orders.order_by("-created_at", "-id")


def transfers_of(*, store) -> QuerySet[Transfer]:
    return (Transfer.objects.filter(Q(store=store) | Q(to_store=store))
            .select_related("store", "to_store").prefetch_related("lines__part")
            .order_by("-requested_at", "-id"))


def stocktakes(*, store) -> QuerySet[Stocktake]:
    return Stocktake.objects.for_store(store).order_by("-created_at", "-id")


def ledger_differences(*, store) -> list[dict]:
    """账物一致 check: (part, location, lot) whose balance differs from the sum of its
    moves. Empty when the ledger and the balances agree."""
    moved = {(r["part_id"], r["location_id"], r["lot_id"]): r["total"]
             for r in StockMove.objects.for_store(store)
             .values("part_id", "location_id", "lot_id").annotate(total=Sum("quantity"))}
    held = {(r["part_id"], r["location_id"], r["lot_id"]): r["quantity"]
            for r in StockBalance.objects.for_store(store)
            .values("part_id", "location_id", "lot_id", "quantity")}
    keys = set(moved) | set(held)
    return [{"key": k, "moves": moved.get(k, 0), "balance": held.get(k, 0)}
            for k in sorted(keys) if (moved.get(k) or 0) != (held.get(k) or 0)]


def part_store_differences(*, store) -> list[int]:
    """Parts whose ``PartStore.on_hand + blocked`` differs from their balances."""
    sums = {r["part_id"]: r["total"] for r in StockBalance.objects.for_store(store)
            .values("part_id").annotate(total=Sum("quantity"))}
    rows = PartStore.objects.for_store(store).values("part_id", "on_hand", "blocked")
    return [r["part_id"] for r in rows
            if r["on_hand"] + r["blocked"] != (sums.get(r["part_id"]) or 0)]


__all__ = [
    "MoveKind", "batch_trace", "issue_queue", "ledger_differences", "locations",
    "other_stores_available", "part_search", "part_stock", "part_store_differences",
    "parts_for_store", "purchase_orders", "reservations", "stock_moves", "stock_requests",
    "stocktakes", "suppliers", "transfers_of",
]
