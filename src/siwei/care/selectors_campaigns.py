"""Reads of segments, campaigns and messages (CR-10 … CR-12). A segment is one queryset
of customers built from its filters in SQL (no loop over customers); campaign results
are a few aggregate queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from siwei.core import clock
from siwei.core.fields import money
from siwei.crm.models import Customer, Vehicle

from .models import Campaign, CampaignStatus, Message, MessageStatus, Segment

RESULT_DAYS = 30
MONEY = DecimalField(max_digits=14, decimal_places=2)
VEHICLE_FILTERS = ("model", "vehicle_age_min", "vehicle_age_max", "maintenance_due_from",
                   "maintenance_due_to", "insurance_expiry_from", "insurance_expiry_to")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _sum(queryset, field: str):
    """``SELECT SUM(field)`` of a correlated queryset, as a subquery expression."""
    return Coalesce(Subquery(queryset.order_by().annotate(
        sum_of_field=Func(F(field), function="SUM", output_field=MONEY))
        .values("sum_of_field")[:1]),
        Value(Decimal("0")), output_field=MONEY)


def _count(queryset):
    return Coalesce(Subquery(queryset.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")[:1]),
        Value(0), output_field=IntegerField())


def matching_vehicles(filters: dict[str, Any], *, today: dt.date) -> QuerySet[Vehicle]:
    """The vehicles satisfying every vehicle filter (the same car must match them all)."""
    vehicles = Vehicle.objects.all()
    if filters.get("model"):
        vehicles = vehicles.filter(model_id__in=filters["model"])
    if filters.get("vehicle_age_min") is not None:
        vehicles = vehicles.filter(
            sale_date__lte=_years_before(today, int(filters["vehicle_age_min"])))
    if filters.get("vehicle_age_max") is not None:
        vehicles = vehicles.filter(
            sale_date__gt=_years_before(today, int(filters["vehicle_age_max"]) + 1))
    for key, lookup in (("maintenance_due_from", "next_maintenance_date__gte"),
                        ("maintenance_due_to", "next_maintenance_date__lte"),
                        ("insurance_expiry_from", "insurance_expiry__gte"),
                        ("insurance_expiry_to", "insurance_expiry__lte")):
        if filters.get(key):
            vehicles = vehicles.filter(**{lookup: _date(filters[key])})
    return vehicles


def segment_customers(*, store, filters: dict[str, Any],
                      today: dt.date | None = None) -> QuerySet[Customer]:
    """The store's customers (merged duplicates left out) matching ``filters`` (the
    cleaned JSON of ``SegmentFilterForm``), as one queryset."""
    from siwei.finance.models import Payment
    from siwei.service.models import RepairOrder

    today = today or clock.today()
    customers = Customer.objects.for_store(store).filter(merged_into__isnull=True)
    if filters.get("category"):
        customers = customers.filter(category__in=filters["category"])
    if any(filters.get(key) not in (None, "", []) for key in VEHICLE_FILTERS):
        customers = customers.filter(Exists(
            matching_vehicles(filters, today=today).filter(owner=OuterRef("pk"))))
    if filters.get("last_visit_after") or filters.get("last_visit_before"):
        last_visit = Subquery(RepairOrder.objects.filter(customer=OuterRef("pk"))
                              .exclude(status="cancelled").order_by()
                              .values("customer").annotate(last=Max("received_at"))
                              .values("last")[:1])
        customers = customers.annotate(last_visit=last_visit)
        if filters.get("last_visit_after"):
            customers = customers.filter(last_visit__date__gte=_date(filters["last_visit_after"]))
        if filters.get("last_visit_before"):
            customers = customers.filter(
                last_visit__date__lt=_date(filters["last_visit_before"]))
    for key, lookup in (("district", "district__icontains"), ("gender", "gender"),
                        ("occupation", "occupation__icontains"), ("tags", "tags__icontains")):
        if filters.get(key):
            customers = customers.filter(**{lookup: filters[key]})
    if filters.get("age_min") is not None:
        customers = customers.filter(birthday__lte=_years_before(today, int(filters["age_min"])))
    if filters.get("age_max") is not None:
        customers = customers.filter(
            birthday__gt=_years_before(today, int(filters["age_max"]) + 1))
    if filters.get("spending_min") not in (None, ""):
        since = clock.now() - dt.timedelta(days=365)
        paid = Payment.objects.filter(
            Q(sales_order__customer=OuterRef("pk")) | Q(repair_order__customer=OuterRef("pk")),
            at__gte=since)
        customers = customers.annotate(spending=_sum(paid, "amount")).filter(
            spending__gte=Decimal(str(filters["spending_min"])))
    return customers


def segment_recipients(*, store, filters: dict[str, Any],
                       today: dt.date | None = None) -> QuerySet[Customer]:
    """The segment's customers with the vehicle the message talks about (the newest one
    matching the vehicle filters): ``v_plate``, ``v_brand``, ``v_model``, ``v_due`` (the
    insurance expiry when the segment filters on it and not on maintenance, else the next
    maintenance date)."""
    today = today or clock.today()
    vehicle = matching_vehicles(filters, today=today).filter(owner=OuterRef("pk")).order_by(
        F("sale_date").desc(nulls_last=True), "-id")
    by_insurance = (filters.get("insurance_expiry_from") or filters.get("insurance_expiry_to")) \
        and not (filters.get("maintenance_due_from") or filters.get("maintenance_due_to"))
    due = "insurance_expiry" if by_insurance else "next_maintenance_date"
    return segment_customers(store=store, filters=filters, today=today).annotate(
        # A vehicle not yet registered is named by its VIN.
        v_plate=Subquery(vehicle.annotate(
            label=Coalesce(NullIf(F("plate"), Value("")), F("vin"))).values("label")[:1]),
        v_brand=Subquery(vehicle.values("model__brand")[:1]),
        v_model=Subquery(vehicle.values("model__name")[:1]),
        v_due=Subquery(vehicle.values(due)[:1]))


def segment_preview(*, store, filters: dict[str, Any], limit: int = 20) -> dict[str, Any]:
    customers = segment_recipients(store=store, filters=filters)
    return {"count": customers.count(),
            "customers": list(customers.order_by("-id")[:limit])}


def segments_for(*, store) -> QuerySet[Segment]:
    return (Segment.objects.for_store(store).select_related("created_by__employee")
            .annotate(campaign_count=Count("campaigns")).order_by("name"))


def campaigns_for(*, store, status: str = "") -> QuerySet[Campaign]:
    campaigns = (Campaign.objects.for_store(store).select_related("segment", "created_by")
                 .annotate(message_count=Count("messages"),
                           sent_count=Count("messages",
                                            filter=Q(messages__status=MessageStatus.SENT))))
    return campaigns.filter(status=status) if status else campaigns


def upcoming_campaigns(*, store, limit: int = 5) -> list[Campaign]:
    return list(Campaign.objects.for_store(store).filter(status=CampaignStatus.SCHEDULED)
                .select_related("segment").order_by("send_at", "id")[:limit])


def last_sent_campaign(*, store) -> Campaign | None:
    return (Campaign.objects.for_store(store).filter(status=CampaignStatus.SENT)
            .order_by("-sent_at", "-id").first())


def campaign_results(campaign: Campaign) -> dict[str, Any]:
    """Recipients, sent/failed/queued/skipped (skips by reason) and, in the 30 days after
    sending, the reached customers' appointments booked, visits (repair orders received)
    and revenue (repair orders settled + sales orders signed). Three queries."""
    from siwei.sales.models import SalesOrder
    from siwei.service.models import Appointment, RepairOrder

    rows = (Message.objects.filter(campaign=campaign).order_by()
            .values("status", "skip_reason").annotate(n=Count("id")))
    by_status = dict.fromkeys(MessageStatus.values, 0)
    skipped: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] += row["n"]
        if row["status"] == MessageStatus.SKIPPED:
            skipped[row["skip_reason"]] = skipped.get(row["skip_reason"], 0) + row["n"]
    result: dict[str, Any] = {
        "recipients": sum(by_status.values()), **by_status, "skipped_by_reason": skipped,
        "window_start": campaign.sent_at, "window_end": None, "appointments": 0,
        "visits": 0, "service_revenue": Decimal("0.00"), "sales_revenue": Decimal("0.00"),
        "revenue": Decimal("0.00")}
    if campaign.sent_at is None:
        return result
    start, end = campaign.sent_at, campaign.sent_at + dt.timedelta(days=RESULT_DAYS)
    reached = Message.objects.filter(campaign=campaign, status=MessageStatus.SENT) \
        .values("customer_id")
    store = campaign.store_id
    figures = Campaign.objects.filter(pk=campaign.pk).annotate(
        appointments=_count(Appointment.objects.filter(
            store_id=store, customer_id__in=reached, created_at__gte=start,
            created_at__lt=end).exclude(status="rescheduled")),
        visits=_count(RepairOrder.objects.filter(
            store_id=store, customer_id__in=reached, received_at__gte=start,
            received_at__lt=end).exclude(status="cancelled")),
        service_revenue=_sum(RepairOrder.objects.filter(
            store_id=store, customer_id__in=reached, settled_at__gte=start,
            settled_at__lt=end).exclude(status="cancelled"),
            "customer_total"),
        sales_revenue=_sum(SalesOrder.objects.filter(
            store_id=store, customer_id__in=reached, created_at__gte=start,
            created_at__lt=end).exclude(status__in=["draft", "cancelled"]), "total"),
    ).values("appointments", "visits", "service_revenue", "sales_revenue").get()
    service, sales = money(figures["service_revenue"]), money(figures["sales_revenue"])
    result.update(figures, window_end=end, service_revenue=service, sales_revenue=sales,
                  revenue=service + sales)
    return result


def messages_for(*, store, status: str = "", campaign=None, customer=None,
                 q: str = "") -> QuerySet[Message]:
    """The store's messages, newest first (the messages log)."""
    messages = (Message.objects.for_store(store)
                .select_related("customer", "campaign").order_by("-created_at", "-id"))
    if status:
        messages = messages.filter(status=status)
    if campaign is not None:
        messages = messages.filter(campaign=campaign)
    if customer is not None:
        messages = messages.filter(customer=customer)
    if q:
        messages = messages.filter(Q(to__endswith=q) | Q(customer__name__icontains=q))
    return messages
