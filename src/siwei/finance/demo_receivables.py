"""Demo data of finance: receivables (FN-4). Items come from the demo's approved and paid
warranty claims, insured repairs and approved loans (``receivables_sync``). The OEM pays
paid claims in one transfer a month, insurers pay a month's repairs together about six
weeks later (one insurer is slow, so some items age past 90 days), banks disburse loans
within a week (the loans of the confirmed orders are approved here); each store has two
fleet customers on credit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from siwei.core import clock
from siwei.core.fields import ZERO

FLEETS = [("北京顺达物流有限公司", "91110105MA00ABCD1"), ("京城出租汽车有限责任公司",
                                                        "91110108MA01EFGH2"),
          ("上海浦江商务租车有限公司", "91310115MA1HJKL03"), ("申城城市配送有限公司",
                                                           "91310112MA1MNPQ04")]
SLOW_INSURER, SLOW_DAYS = "太平洋保险", 200


def _credit_code(body: str) -> str:
    from stdnum.cn import uscc

    return body[:17] + uscc.calc_check_digit(body[:17])


def _receive(store, debtor_items, on: dt.date, reference: str) -> None:
    """One receipt paying ``debtor_items`` in full on ``on``."""
    from .services.receivables import receivable_receipt_record

    total = sum((i.open_amount for i in debtor_items), ZERO)
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 30)))
    with clock.frozen(min(at, clock.now())):
        receivable_receipt_record(actor=None, store=store, amount=total,
                                  matches=[(i, i.open_amount) for i in debtor_items],
                                  received_on=min(on, clock.today()), reference=reference)


def _fleets(ctx, store, index: int) -> None:
    from siwei.crm.models import Customer, CustomerKind

    from .services.receivables import credit_account_set

    for name, body in FLEETS[2 * index % len(FLEETS):][:2]:
        customer, _created = Customer.objects.get_or_create(
            store=store, group=store.group, name=name,
            defaults={"kind": CustomerKind.COMPANY, "credit_code": _credit_code(body),
                      "address": "车队管理部"})
        credit_account_set(actor=None, customer=customer,
                           credit_limit=ctx.rng.choice([50000, 80000, 100000]),
                           terms_days=ctx.rng.choice([30, 45, 60]), note="月结，每月5日对账")


def _approve_loans(store) -> None:
    """The banks have approved the loans of the confirmed orders waiting for a car."""
    from siwei.sales.models import SalesOrder
    from siwei.sales.services import order_update

    for order in SalesOrder.objects.filter(store=store, status="confirmed", loan_amount__gt=0,
                                           loan_approved=False):
        order_update(actor=None, order=order, loan_approved=True)


def build_receivables(ctx) -> None:
    """Build this area's demo history."""
    from .models import DebtorKind, Receivable
    from .services.receivables import receivables_sync

    today = clock.today()
    for index, store in enumerate(ctx.stores):
        _fleets(ctx, store, index)
        _approve_loans(store)
        receivables_sync(store=store)
        items = list(Receivable.objects.filter(store=store, open_amount__gt=0)
                     .select_related("warranty_claim").order_by("arose_on", "id"))
        if ctx.small:
            items = items[:12]
        batches: dict[tuple, list] = defaultdict(list)
        for item in items:
            if item.debtor_kind == DebtorKind.OEM:
                claim = item.warranty_claim
                if claim is None or claim.paid_at is None:
                    continue
                paid = timezone.localtime(claim.paid_at).date()
                batches[(item.debtor_kind, item.debtor_name, paid.replace(day=1))].append(item)
            elif item.debtor_kind == DebtorKind.INSURER:
                month = item.arose_on.replace(day=1)
                delay = SLOW_DAYS if item.debtor_name == SLOW_INSURER else 45
                if month + dt.timedelta(days=delay) <= today:
                    batches[(item.debtor_kind, item.debtor_name, month)].append(item)
            elif (item.debtor_kind == DebtorKind.BANK
                  and item.arose_on + dt.timedelta(days=7) <= today and ctx.rng.random() < 0.9):
                batches[(item.debtor_kind, item.debtor_name, item.arose_on)].append(item)
        for (kind, name, day), batch in sorted(batches.items(), key=lambda b: (b[0][2],
                                                                              b[0][0], b[0][1])):
            if kind == DebtorKind.OEM:
                on, reference = day + dt.timedelta(days=40), f"厂家索赔结算 {day:%Y-%m}"
            elif kind == DebtorKind.INSURER:
                delay = SLOW_DAYS if name == SLOW_INSURER else 45
                on, reference = day + dt.timedelta(days=delay), f"{name}理赔款 {day:%Y-%m}"
            else:
                on = day + dt.timedelta(days=ctx.rng.randint(2, 7))
                reference = f"{name}放款"
            _receive(store, batch, min(on, today), reference)
