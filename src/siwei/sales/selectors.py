"""Read queries of vehicle sales: stock, orders, the 进销存 balance, certificates,
三表一卡 (CS-12 … CS-15, CS-20)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from siwei.core import clock

from .models import (
    CertificateStatus,
    OrderStatus,
    SalesOrder,
    StockStatus,
    StockVehicle,
)

LIVE_ORDER = ~Q(status=OrderStatus.CANCELLED)
AGING_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


def orders_confirmed_between(*, store, since: dt.datetime, until: dt.datetime) -> QuerySet:
    """Orders confirmed (deposit paid) in the period and not cancelled: what counts as an
    order in the showroom conversion and the control sheets."""
    return SalesOrder.objects.for_store(store).filter(
        LIVE_ORDER, confirmed_at__gte=since, confirmed_at__lt=until)


def orders_for(*, user, store) -> QuerySet[SalesOrder]:
    from siwei.core.permissions import has_store_perm

    orders = SalesOrder.objects.for_store(store).select_related(
        "customer", "model", "trim", "stock_vehicle", "consultant__employee")
    if not has_store_perm(user, store, "sales.view_all_orders"):
        orders = orders.filter(consultant=user)
    return orders


def stock_list(*, store, status: str | None = None) -> QuerySet[StockVehicle]:
    stock = StockVehicle.objects.for_store(store).select_related("model", "trim")
    if status:
        stock = stock.filter(status=status)
    return stock.order_by("arrival_date", "id")


def available_stock(*, store, model=None) -> QuerySet[StockVehicle]:
    stock = stock_list(store=store, status=StockStatus.IN_STOCK)
    return stock.filter(model=model) if model is not None else stock


def aging_days(vehicle: StockVehicle, today: dt.date | None = None) -> int | None:
    if vehicle.arrival_date is None:
        return None
    return ((today or clock.today()) - vehicle.arrival_date).days


def stock_balance(*, store, start: dt.date, end: dt.date) -> list[dict]:
    """进销存 (CS-14) per model/trim/colour: opening stock, received, sold, closing, in
    transit, allocated, and aging buckets of what is in stock at the end."""
    vehicles = StockVehicle.objects.for_store(store).exclude(status=StockStatus.RETURNED)
    end_dt_filter = Q(delivered_at__date__lte=end) | Q(sold_at__date__lte=end)
    received_before = Q(arrival_date__lt=start)
    left_before = Q(delivered_at__date__lt=start)
    received_in = Q(arrival_date__gte=start, arrival_date__lte=end)
    sold_in = Q(delivered_at__date__gte=start, delivered_at__date__lte=end)
    on_hand_end = Q(arrival_date__lte=end) & ~Q(end_dt_filter) & ~Q(
        status__in=[StockStatus.ORDERED, StockStatus.IN_TRANSIT])
    aggregates = {
        "opening": Count("id", filter=received_before & ~left_before),
        "received": Count("id", filter=received_in),
        "sold": Count("id", filter=sold_in),
        "closing": Count("id", filter=on_hand_end),
        "in_transit": Count("id", filter=Q(status=StockStatus.IN_TRANSIT)),
        "allocated": Count("id", filter=Q(status=StockStatus.ALLOCATED)),
        "value": Sum("cost", filter=on_hand_end),
    }
    for low, high in AGING_BUCKETS:
        oldest = end - dt.timedelta(days=low)
        bucket = on_hand_end & Q(arrival_date__lte=oldest)
        if high is not None:
            bucket &= Q(arrival_date__gte=end - dt.timedelta(days=high))
        aggregates[f"age_{low}"] = Count("id", filter=bucket)
    rows = (vehicles.values("model__brand", "model__name", "trim__name", "colour")
            .annotate(**aggregates).order_by("model__name", "trim__name", "colour"))
    return [row for row in rows if any(row[k] for k in ("opening", "received", "sold",
                                                         "closing", "in_transit"))]


def certificate_reconciliation(*, store) -> list[dict]:
    """Weekly 证表相符 check: every vehicle the store still holds should have its
    certificate in the safe, at the bank or lent with a due date; released certificates
    belong to delivered or paid vehicles. Returns the mismatches with the reason."""
    problems = []
    today = clock.today()
    held = StockVehicle.objects.for_store(store).select_related("model")
    for vehicle in held.filter(certificate_status=CertificateStatus.RELEASED).exclude(
            status__in=[StockStatus.DELIVERED, StockStatus.SOLD, StockStatus.ALLOCATED]):
        problems.append({"vehicle": vehicle, "problem": "released_but_in_stock"})
    for vehicle in held.filter(status__in=[StockStatus.DELIVERED]).exclude(
            certificate_status=CertificateStatus.RELEASED):
        problems.append({"vehicle": vehicle, "problem": "delivered_without_release"})
    for vehicle in held.filter(certificate_status=CertificateStatus.LENT,
                               certificate_due_back__lt=today):
        problems.append({"vehicle": vehicle, "problem": "loan_overdue"})
    for vehicle in held.filter(certificate_number="").exclude(
            status__in=[StockStatus.ORDERED, StockStatus.IN_TRANSIT]):
        problems.append({"vehicle": vehicle, "problem": "no_certificate_number"})
    for vehicle in held.filter(certificate_status=CertificateStatus.PLEDGED,
                               floor_plan_bank=""):
        problems.append({"vehicle": vehicle, "problem": "pledged_without_bank"})
    return problems


def order_totals_by_status(*, store) -> dict[str, int]:
    rows = SalesOrder.objects.for_store(store).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
