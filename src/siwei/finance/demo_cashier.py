"""Demo data of finance: cashier. Every past day with payments is closed (FN-2) — the
counted cash equals the expected cash except on one day per store, short with a reason;
today stays open. BJ01 has one refund request waiting for the manager (FN-1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from siwei.core import clock
from siwei.core.fields import ZERO, money

SHORT_REASONS = ["找零时多找给客户50元，已与客户联系追回中", "收到一张50元假币，已报备并登记"]


def build_cashier(ctx) -> None:
    """Build this area's demo history."""
    from .models import DailyClose, Payment, PaymentMethod

    today = clock.today()
    closes = []
    for index, store in enumerate(ctx.stores):
        days: dict[tuple[int, dt.date], dict] = defaultdict(
            lambda: {"per_method": defaultdict(lambda: ZERO), "count": 0})
        rows = Payment.objects.filter(store=store).values_list("cashier_id", "at", "method",
                                                               "amount")
        for cashier_id, at, method, amount in rows.iterator():
            day = timezone.localtime(at).date()
            if day >= today:
                continue
            entry = days[(cashier_id, day)]
            entry["per_method"][method] += amount
            entry["count"] += 1
        keys = sorted(days)
        short = ctx.rng.choice([k for k in keys if days[k]["per_method"]["cash"] > 0]
                               or keys) if keys else None
        for key in keys:
            cashier_id, day = key
            entry = days[key]
            totals = {code: money(entry["per_method"][code]) for code in PaymentMethod.values}
            expected = totals[PaymentMethod.CASH]
            counted, reason = expected, ""
            if key == short:
                counted, reason = max(expected - Decimal("50.00"), ZERO), SHORT_REASONS[index % 2]
            closed_at = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 30)))
            closes.append(DailyClose(
                store=store, cashier_id=cashier_id, day=day,
                totals={code: str(amount) for code, amount in totals.items()},
                payments_count=entry["count"], total=money(sum(totals.values(), ZERO)),
                expected_cash=expected, counted_cash=counted, difference=counted - expected,
                reason=reason, closed_at=closed_at, closed_by_id=cashier_id))
    DailyClose.objects.bulk_create(closes, batch_size=500)
    _refund_request(ctx)


def _refund_request(ctx) -> None:
    """A customer returns an accessory package; the cashier asks the manager to refund."""
    from siwei.sales.models import OrderStatus, SalesOrder

    from .services import refund_request_create

    if not ctx.stores:
        return
    store = ctx.stores[0]
    cashier = get_user_model().objects.filter(
        username=f"{store.code.lower()}_cashier").first()
    order = (SalesOrder.objects.for_store(store)
             .filter(status__in=[OrderStatus.CONFIRMED, OrderStatus.ALLOCATED],
                     paid__gte=Decimal("2000")).order_by("pk").first())
    if cashier is None or order is None:
        return
    refund_request_create(actor=cashier, store=store, sales_order=order,
                          amount=Decimal("1200.00"), method="wechat",
                          reason="客户取消精品套餐（脚垫、行车记录仪），退还已付精品款")
