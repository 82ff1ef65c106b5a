"""Builders shared by the FN-3 invoice and FN-4 receivable tests: customers, a sales order
with a loan, repair orders with lines per payer, a warranty claim — written straight to
the tables so that each test states only what it needs."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from stdnum.cn import uscc

from siwei.crm.models import Customer, CustomerKind, Vehicle
from siwei.sales.models import OrderLine, SalesOrder
from siwei.service.models import Job, PartLine, RepairOrder, WarrantyClaim
from tests.sales_factories import make_model, make_vin

TZ = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


def credit_code(body: str = "91110108MA01ABCD0") -> str:
    """A valid unified social credit code (check character computed)."""
    return body[:17] + uscc.calc_check_digit(body[:17])


def make_customer(store, name="北京顺达物流有限公司", kind=CustomerKind.COMPANY, code=None):
    return Customer.objects.create(store=store, group=store.group, kind=kind, name=name,
                                   credit_code=code if code is not None else
                                   (credit_code() if kind == CustomerKind.COMPANY else ""))


def make_vehicle(store, customer, insurer="中国人民财产保险"):
    model, _trim = make_model(store.group)
    n = next(_serial)
    return Vehicle.objects.create(store=store, vin=make_vin(7000 + n), plate=f"京B{n:05d}",
                                  model=model, owner=customer, insurance_company=insurer,
                                  warranty_end=dt.date(2028, 1, 1), warranty_km=100000)


def make_ro(store, customer, advisor, *, lines=(), status="settled", discount="0",
            settled=dt.datetime(2026, 11, 20, 15, 0, tzinfo=TZ), vehicle=None):
    """A repair order with ``lines`` = [(kind 'job'|'part', payer, amount)]; the customer
    total is the customer lines less the discount, as the settlement computes it."""
    vehicle = vehicle or make_vehicle(store, customer)
    received = settled - dt.timedelta(hours=6)
    ro = RepairOrder.objects.create(
        store=store, number=f"RO-T-{next(_serial):05d}", customer=customer, vehicle=vehicle,
        advisor=advisor, category="repair", status=status, mileage=20000,
        promised_at=received + dt.timedelta(hours=8), received_at=received,
        settled_at=settled if status in ("settled", "paid", "released", "closed") else None,
        discount_percent=Decimal(discount))
    from siwei.parts.models import Part

    part = Part.objects.get_or_create(group=store.group, number="5Q0698151",
                                      defaults={"name": "前刹车片"})[0]
    gross = Decimal(0)
    for kind, payer, amount in lines:
        amount = Decimal(amount)
        if kind == "job":
            Job.objects.create(repair_order=ro, name="钣金喷漆", hours=Decimal(1), rate=amount,
                               amount=amount, payer=payer)
        else:
            PartLine.objects.create(repair_order=ro, part=part, quantity=Decimal(1),
                                    unit_price=amount, amount=amount, payer=payer)
        if payer == "customer":
            gross += amount
    discount_amount = (gross * Decimal(discount) / 100).quantize(Decimal("0.01"))
    ro.estimate_total = gross
    ro.customer_total = gross - discount_amount
    ro.save()
    return ro


def make_order(store, customer, consultant, *, price="150000.00", status="delivered",
               loan="0", bank="", accessories=(),
               confirmed=dt.datetime(2026, 10, 1, 10, 0, tzinfo=TZ)):
    model, trim = make_model(store.group)
    order = SalesOrder.objects.create(
        store=store, number=f"SO-T-{next(_serial):05d}", customer=customer,
        consultant=consultant, model=model, trim=trim, colour="极地白", msrp=Decimal(price),
        vehicle_price=Decimal(price), loan_amount=Decimal(loan), finance_bank=bank,
        loan_approved=Decimal(loan) > 0, status=status, created_at=confirmed,
        confirmed_at=confirmed, total=Decimal(price))
    for description, unit_price, gift in accessories:
        OrderLine.objects.create(order=order, description=description, quantity=1,
                                 unit_price=Decimal(unit_price), is_gift=gift)
    return order


def make_claim(ro, *, status="approved", approved="1550.00",
               decided=dt.datetime(2026, 9, 1, 10, 0, tzinfo=TZ)):
    return WarrantyClaim.objects.create(
        store=ro.store, number=f"WC-T-{next(_serial):05d}", repair_order=ro,
        vehicle=ro.vehicle, vin=ro.vehicle.vin, mileage=ro.mileage,
        repair_date=decided.date(), amount=Decimal(approved), status=status,
        approved_amount=Decimal(approved) if status in ("approved", "paid") else None,
        created_at=decided - dt.timedelta(days=10), decided_at=decided)
