"""Read queries of repair orders: lists, the order page, the bill, home cards."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from siwei.core import clock

from .models import Inspection, Job, PartLine, RepairOrder, ROStatus

OPEN_STATUSES = (ROStatus.DRAFT, ROStatus.OPEN, ROStatus.IN_PROGRESS, ROStatus.COMPLETED,
                 ROStatus.INSPECTED, ROStatus.SETTLED, ROStatus.PAID)
BEFORE_DELIVERY = (ROStatus.DRAFT, ROStatus.OPEN, ROStatus.IN_PROGRESS, ROStatus.COMPLETED,
                   ROStatus.INSPECTED)


def repair_orders_for(*, user, store) -> QuerySet[RepairOrder]:
    """The store's repair orders with what a list shows."""
    return (RepairOrder.objects.for_store(store)
            .select_related("customer", "vehicle", "vehicle__model", "advisor__employee"))


def repair_order_list(*, user, store, status: str = "", query: str = "",
                      day: dt.date | None = None, advisor=None,
                      active: bool = False) -> QuerySet[RepairOrder]:
    """The RO list: filters by state, day received, advisor, or a plate / number /
    customer text; ``active`` keeps the orders not yet released."""
    orders = repair_orders_for(user=user, store=store)
    if status:
        orders = orders.filter(status=status)
    if active:
        orders = orders.filter(status__in=OPEN_STATUSES)
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        orders = orders.filter(received_at__gte=start,
                               received_at__lt=start + dt.timedelta(days=1))
    if advisor is not None:
        orders = orders.filter(advisor=advisor)
    query = query.strip()
    if query:
        orders = orders.filter(Q(number__icontains=query) | Q(vehicle__plate__icontains=query)
                               | Q(vehicle__vin__iendswith=query)
                               | Q(customer__name__contains=query)
                               | Q(customer__mobile=query))
    if active:
        return orders.order_by("promised_at", "id")
    return orders.order_by("-received_at", "-id")


def mark_late(orders, now: dt.datetime | None = None) -> list[RepairOrder]:
    """Sets ``late`` on each order not yet delivered whose promised time has passed."""
    now = now or clock.now()
    rows = list(orders)
    for ro in rows:
        ro.late = ro.status in BEFORE_DELIVERY and ro.promised_at < now
    return rows


def in_progress_for_advisor(*, store, advisor=None, limit: int = 15) -> list[RepairOrder]:
    """The advisor's orders in the workshop, earliest promise first, late ones marked."""
    orders = (RepairOrder.objects.for_store(store).filter(status__in=BEFORE_DELIVERY)
              .select_related("customer", "vehicle").order_by("promised_at", "id"))
    if advisor is not None:
        orders = orders.filter(advisor=advisor)
    return mark_late(orders[:limit])


def waiting_for_payment(*, store, limit: int = 15) -> list[RepairOrder]:
    """Settled orders whose customer share is not paid yet (the cashier's card)."""
    return list(RepairOrder.objects.for_store(store)
                .filter(status=ROStatus.SETTLED, customer_total__gt=F("paid"))
                .select_related("customer", "vehicle").order_by("settled_at", "id")[:limit])


def repair_order_detail(ro: RepairOrder) -> dict:
    """Everything the order page shows."""
    from siwei.finance.models import Payment

    from .services.orders import needs_contract

    jobs = list(Job.objects.filter(repair_order=ro).select_related(
        "operation", "technician__employee"))
    parts = list(PartLine.objects.filter(repair_order=ro).select_related("part"))
    inspections = list(Inspection.objects.filter(repair_order=ro).select_related(
        "inspector__employee", "job"))
    payments = list(Payment.objects.filter(repair_order=ro).select_related(
        "cashier__employee").order_by("at"))
    return {
        "jobs": jobs, "parts": parts, "inspections": inspections, "payments": payments,
        "concerns": list(ro.concerns.all()),
        "pending": [line for line in [*jobs, *parts] if line.needs_approval],
        "recommended": [line for line in [*jobs, *parts] if line.declined],
        "needs_contract": needs_contract(ro),
        "balance": max(ro.customer_total - ro.paid, 0),
    }


def next_maintenance(vehicle) -> dict | None:
    """SV-18: next maintenance due (date and km) from the maintenance service; the
    vehicle's stored date alone when that service is not installed."""
    try:
        from .services.maintenance import next_due
    except ImportError:
        return ({"date": vehicle.next_maintenance_date, "km": None}
                if vehicle.next_maintenance_date else None)
    due = next_due(vehicle)
    return {"date": due.date, "km": due.km}


def bill_context(ro: RepairOrder) -> dict:
    """The estimate / bill (SV-7, SV-15): lines with prices, totals per payer, discount,
    old parts, recommended work, wear parts, next maintenance due."""
    from .services.settlement import payer_totals

    detail = repair_order_detail(ro)
    jobs = [j for j in detail["jobs"] if not j.declined]
    parts = [p for p in detail["parts"] if not p.declined]
    final = next((i for i in reversed(detail["inspections"])
                  if i.level == Inspection.Level.FINAL and i.passed), None)
    totals = payer_totals(detail["jobs"], detail["parts"])
    customer = totals.get("customer", {}).get("total", 0)
    return {
        **detail, "billed_jobs": jobs, "billed_parts": parts,
        "payer_totals": totals, "customer_gross": customer,
        "discount_amount": customer - ro.customer_total if ro.settled_at else 0,
        "wear": final.wear if final else {}, "final_inspection": final,
        "next_due": next_maintenance(ro.vehicle),
    }
