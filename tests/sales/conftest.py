import datetime as dt
from decimal import Decimal

import pytest

from siwei.crm.services import customer_create, lead_create
from siwei.sales.services import stock_vehicle_create
from tests.sales_factories import make_model, make_vin


@pytest.fixture
def team(staff, store_bj):
    """The people of a sale in store BJ01."""

    class Team:
        consultant = staff("sales_consultant", store=store_bj)
        manager = staff("sales_manager", store=store_bj)
        cashier = staff("cashier", store=store_bj)
        store_manager = staff("store_manager", store=store_bj)

    return Team


@pytest.fixture
def catalogue(group):
    model, trim = make_model(group)
    return {"model": model, "trim": trim}


@pytest.fixture
def stock(team, store_bj, catalogue):
    def build(serial: int, **extra):
        return stock_vehicle_create(
            actor=team.manager, store=store_bj, vin=make_vin(serial), model=catalogue["model"],
            trim=catalogue["trim"], colour="白色", cost=Decimal("105000.00"),
            msrp=Decimal("120000.00"), arrival_date=dt.date(2026, 10, 1),
            certificate_number=f"WDK{serial:09d}", **extra)

    return build


@pytest.fixture
def buyer(team, store_bj):
    customer = customer_create(actor=team.consultant, store=store_bj, name="陈明",
                               mobile="13811112222", birthday=dt.date(1985, 6, 1))
    lead = lead_create(actor=team.consultant, store=store_bj, customer=customer,
                       source="walk_in", grade="H")
    return customer, lead
