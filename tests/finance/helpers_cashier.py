"""Builders of the FN-1/FN-2 cashier tests: the people of BJ01, a sales order and a settled
repair order with open balances, written straight to the tables."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from siwei.crm.models import Customer, Vehicle
from siwei.sales.models import SalesOrder
from siwei.service.models import RepairOrder
from tests.sales_factories import make_model, make_vin

TZ = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


class People:
    def __init__(self, staff, store):
        self.cashier = staff("cashier", store=store)
        self.cashier2 = staff("cashier", store=store)
        self.manager = staff("sales_manager", store=store)
        self.finance = staff("finance", store=store)
        self.consultant = staff("sales_consultant", store=store)
        self.advisor = staff("service_advisor", store=store)


@pytest.fixture
def desk(staff, store_bj, clock):
    return People(staff, store_bj)


def customer(store, name="王建国", mobile="13900001111"):
    return Customer.objects.create(store=store, group=store.group, name=name, mobile=mobile)


def sales_order(store, consultant, *, total="50000.00", status="confirmed", buyer=None):
    model, trim = make_model(store.group)
    n = next(_serial)
    return SalesOrder.objects.create(
        store=store, number=f"SO-C-{n:05d}", customer=buyer or customer(store),
        consultant=consultant, model=model, trim=trim, colour="极地白", msrp=Decimal(total),
        vehicle_price=Decimal(total), total=Decimal(total), status=status,
        created_at=dt.datetime(2026, 11, 1, 10, 0, tzinfo=TZ))


def repair_order(store, advisor, *, total="1800.00", plate=None, buyer=None):
    buyer = buyer or customer(store, name="李晓梅", mobile="13700002222")
    model, _trim = make_model(store.group)
    n = next(_serial)
    vehicle = Vehicle.objects.create(store=store, vin=make_vin(8100 + n),
                                     plate=plate or f"京C{n:05d}", model=model, owner=buyer)
    received = dt.datetime(2026, 11, 21, 9, 0, tzinfo=TZ)
    return RepairOrder.objects.create(
        store=store, number=f"RO-C-{n:05d}", customer=buyer, vehicle=vehicle, advisor=advisor,
        category="repair", status="settled", mileage=30000, received_at=received,
        promised_at=received + dt.timedelta(hours=8),
        settled_at=received + dt.timedelta(hours=7), estimate_total=Decimal(total),
        customer_total=Decimal(total))


def at(clock, hour: int, minute: int = 0, day: int = 22):
    """Move the test clock to ``day`` November 2026, ``hour:minute`` in Shanghai."""
    clock.set(dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ))
