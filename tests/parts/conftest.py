"""Fixtures of the parts tests: a catalog, locations, and stock put in through POs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from siwei.parts.models import Location, LocationKind, Part, Supplier
from siwei.parts.services import (
    ReceiptLine,
    purchase_order_create,
    purchase_order_receive,
    purchase_order_send,
)


def make_location(store, code: str, kind: str = LocationKind.NORMAL) -> Location:
    zone, shelf, level = [*code.split("-"), "0", "0"][:3]
    return Location.objects.create(store=store, code=code, zone=zone, shelf=int(shelf or 0),
                                   level=int(level or 0), kind=kind)


@pytest.fixture
def supplier(group):
    return Supplier.objects.create(group=group, name="一汽-大众配件中心", lead_time_days=3)


@pytest.fixture
def part(group, supplier):
    return Part.objects.create(group=group, number="06L115562B", name="机油滤清器",
                               unit="个", cost=Decimal("45.00"), list_price=Decimal("88.00"),
                               default_supplier=supplier)


@pytest.fixture
def key_part(group, supplier):
    return Part.objects.create(group=group, number="5Q0698151A", name="前刹车片",
                               unit="套", cost=Decimal("320.00"), is_key_part=True,
                               default_supplier=supplier)


@pytest.fixture
def shelf(store_bj):
    return make_location(store_bj, "A-01-1")


@pytest.fixture
def shelf2(store_bj):
    return make_location(store_bj, "A-02-1")


@pytest.fixture
def bad_shelf(store_bj):
    return make_location(store_bj, "N-01-1", LocationKind.NONCONFORMING)


@pytest.fixture
def stock_in(supplier):
    """``stock_in(store, part, qty, cost, location, batch="")``: receive through a PO."""

    def receive(store, part, qty, cost, location, batch=""):
        order = purchase_order_create(actor=None, store=store, supplier=supplier,
                                      lines=[{"part": part, "quantity": qty, "price": cost}])
        purchase_order_send(actor=None, order=order)
        line = order.lines.get()
        purchase_order_receive(actor=None, order=order, lines=[
            ReceiptLine(line=line, accepted=Decimal(qty), location=location, batch=batch)])
        return order

    return receive


def assert_ledger_matches(store):
    from siwei.parts.selectors import ledger_differences, part_store_differences

    assert ledger_differences(store=store) == []
    assert part_store_differences(store=store) == []
