"""Shared fixtures of the service tests: the workshop team of BJ01, a customer's car,
labour operations, and parts in stock."""

import datetime as dt
from decimal import Decimal

import pytest

from siwei.crm.services import customer_create, vehicle_create
from siwei.parts.models import Part
from siwei.service.models import LabourOperation, LabourRate, TechnicianShift
from tests.sales_factories import make_model, make_vin


@pytest.fixture
def crew(staff, store_bj):
    """The service team of BJ01."""

    class Crew:
        advisor = staff("service_advisor", store=store_bj)
        manager = staff("service_manager", store=store_bj)
        foreman = staff("foreman", store=store_bj)
        tech1 = staff("technician", store=store_bj)
        tech2 = staff("technician", store=store_bj)
        qc = staff("qc_inspector", store=store_bj)
        cashier = staff("cashier", store=store_bj)
        parts_clerk = staff("parts_clerk", store=store_bj)
        store_manager = staff("store_manager", store=store_bj)

    return Crew


@pytest.fixture
def car(crew, store_bj, group, clock):
    """A customer's car, sold here a year ago, under warranty."""
    model, _trim = make_model(group)
    customer = customer_create(actor=crew.advisor, store=store_bj, name="周杰",
                               mobile="13512345678")
    vehicle = vehicle_create(actor=crew.advisor, store=store_bj, vin=make_vin(3001),
                             plate="京A88888", owner=customer, model=model,
                             sale_date=clock.today() - dt.timedelta(days=365),
                             selling_store=store_bj)
    return customer, vehicle


@pytest.fixture
def operations(group, store_bj):
    """Labour operations of the group and the store's hourly rate."""
    LabourRate.objects.create(store=store_bj, category="", rate=Decimal("300.00"))
    return {
        "oil": LabourOperation.objects.create(group=group, code="M001", name="更换机油机滤",
                                              default_hours=Decimal("0.50"),
                                              category="maintenance"),
        "brakes": LabourOperation.objects.create(group=group, code="B010", name="更换前刹车片",
                                                 default_hours=Decimal("1.20")),
        "engine": LabourOperation.objects.create(group=group, code="E100", name="发动机大修",
                                                 default_hours=Decimal("12.00"),
                                                 category="overhaul"),
    }


@pytest.fixture
def shifts(crew, store_bj, clock):
    """Both technicians work 08:30–17:30 for the next 14 days."""
    today = clock.today()
    for tech in (crew.tech1, crew.tech2):
        for offset in range(14):
            TechnicianShift.objects.create(store=store_bj, technician=tech,
                                           day=today + dt.timedelta(days=offset),
                                           start=dt.time(8, 30), end=dt.time(17, 30))


@pytest.fixture
def stocked_part(crew, store_bj, group):
    """An oil filter with 10 in stock at BJ01, received through a purchase order."""
    from siwei.parts.models import Supplier
    from siwei.parts.services import (
        ReceiptLine,
        purchase_order_create,
        purchase_order_receive,
        purchase_order_send,
    )
    from tests.parts.conftest import make_location

    supplier = Supplier.objects.create(group=group, name="一汽-大众配件中心", lead_time_days=3)
    part = Part.objects.create(group=group, number="06L115562B", name="机油滤清器", unit="个",
                               list_price=Decimal("88.00"), cost=Decimal("40.00"),
                               default_supplier=supplier)
    shelf = make_location(store_bj, "A-01-1")
    order = purchase_order_create(actor=None, store=store_bj, supplier=supplier,
                                  lines=[{"part": part, "quantity": 10, "price": "40.00"}])
    purchase_order_send(actor=None, order=order)
    purchase_order_receive(actor=None, order=order, lines=[
        ReceiptLine(line=order.lines.get(), accepted=Decimal(10), location=shelf)])
    return part
