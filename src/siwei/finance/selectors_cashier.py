"""Reads of the cashier area: what is waiting for money, the cashier's day, daily closes
and refund requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum

from siwei.core.fields import ZERO, money
from siwei.core.models import Store

from .models import DailyClose, Payment, PaymentMethod, RefundRequest, RefundStatus
from .services.cashier import day_bounds, day_totals


def open_sales_orders(*, store: Store, query: str = "") -> QuerySet:
    """Sales orders with an open balance (customer pays more than paid), not cancelled or
    closed; ``query`` matches the number, the customer's name or mobile."""
    from siwei.sales.models import OrderStatus, SalesOrder

    orders = (SalesOrder.objects.for_store(store)
              .exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.CLOSED])
              .filter(total__gt=F("paid"))
              .select_related("customer", "model"))
    if query:
        orders = orders.filter(Q(number__icontains=query) | Q(customer__name__contains=query)
                               | Q(customer__mobile__endswith=query))
    return orders.order_by("-created_at")


def open_repair_orders(*, store: Store, query: str = "") -> QuerySet:
    """Settled repair orders whose customer share is not paid in full; ``query`` matches
    the number, the plate, the customer's name or mobile."""
    from siwei.service.models import RepairOrder, ROStatus

    orders = (RepairOrder.objects.for_store(store)
              .filter(status=ROStatus.SETTLED, customer_total__gt=F("paid"))
              .select_related("customer", "vehicle"))
    if query:
        orders = orders.filter(Q(number__icontains=query) | Q(vehicle__plate__icontains=query)
                               | Q(customer__name__contains=query)
                               | Q(customer__mobile__endswith=query))
    return orders.order_by("-settled_at", "-id")


def open_balance(*, store: Store) -> Decimal:
    """What is left to collect on the open sales and repair orders of the store."""
    sales = open_sales_orders(store=store).aggregate(t=Sum("total"), p=Sum("paid"))
    repairs = open_repair_orders(store=store).aggregate(t=Sum("customer_total"), p=Sum("paid"))
    return money((sales["t"] or ZERO) - (sales["p"] or ZERO)
                 + (repairs["t"] or ZERO) - (repairs["p"] or ZERO))


def cashier_payments(*, store: Store, cashier, day: dt.date) -> QuerySet:
    """The cashier's payments of ``day``, newest first."""
    start, end = day_bounds(day)
    return (Payment.objects.filter(store=store, cashier=cashier, at__gte=start, at__lt=end)
            .select_related("sales_order__customer", "repair_order__customer", "corrects")
            .order_by("-at", "-id"))


def method_rows(per_method: dict) -> list[tuple[str, str, Decimal]]:
    """(code, label, amount) for every method, in the order of ``PaymentMethod``."""
    return [(code, label, per_method.get(code, ZERO)) for code, label in PaymentMethod.choices]


def cashier_day(*, store: Store, cashier, day: dt.date) -> dict:
    """The cashier's day: totals per method, its close if any."""
    totals = day_totals(store=store, cashier=cashier, day=day)
    close = DailyClose.objects.filter(store=store, cashier=cashier, day=day).first()
    return {"day": day, "totals": totals, "rows": method_rows(totals["per_method"]),
            "expected_cash": totals["per_method"][PaymentMethod.CASH], "close": close}


def payment_list(*, store: Store, day: dt.date | None = None, cashier_id: int | None = None,
                 method: str = "") -> QuerySet:
    payments = Payment.objects.for_store(store)
    if day is not None:
        start, end = day_bounds(day)
        payments = payments.filter(at__gte=start, at__lt=end)
    if cashier_id:
        payments = payments.filter(cashier_id=cashier_id)
    if method:
        payments = payments.filter(method=method)
    return payments


def daily_closes(*, store: Store, start: dt.date | None = None, end: dt.date | None = None,
                 cashier_id: int | None = None, differences_only: bool = False) -> QuerySet:
    closes = (DailyClose.objects.for_store(store)
              .select_related("cashier__employee", "closed_by__employee",
                              "reviewed_by__employee"))
    if start:
        closes = closes.filter(day__gte=start)
    if end:
        closes = closes.filter(day__lte=end)
    if cashier_id:
        closes = closes.filter(cashier_id=cashier_id)
    if differences_only:
        closes = closes.exclude(difference=0)
    return closes.order_by("-day", "cashier_id")


def refund_requests(*, store: Store, status: str = "") -> QuerySet:
    requests = (RefundRequest.objects.for_store(store)
                .select_related("sales_order__customer", "repair_order__customer",
                                "requested_by__employee", "decided_by__employee", "payment",
                                "corrects"))
    if status:
        requests = requests.filter(status=status)
    return requests


def pending_refunds(*, store: Store) -> QuerySet:
    return refund_requests(store=store, status=RefundStatus.PENDING)
