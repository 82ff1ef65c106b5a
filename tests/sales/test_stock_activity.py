"""CS-7 contacts, CS-13 stock vehicles and aging, CS-14 the 进销存 balance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from siwei.crm.models import Activity
from siwei.crm.services import lead_log_activity
from siwei.sales.models import StockStatus, StockVehicle
from siwei.sales.selectors import aging_days, stock_balance
from siwei.sales.services import stock_vehicle_create
from tests.sales_factories import make_vin

pytestmark = pytest.mark.django_db


def test_cs7_contact_keeps_type_time_content_outcome_and_next_step(team, buyer, clock):
    _customer, lead = buyer
    at = clock.now() - dt.timedelta(hours=2)
    activity = lead_log_activity(actor=team.consultant, lead=lead, type="home_visit",
                                 content="上门送资料", outcome="客户满意", next_step="周六试驾",
                                 at=at)
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.type, stored.at, stored.content, stored.outcome, stored.next_step) == (
        "home_visit", at, "上门送资料", "客户满意", "周六试驾")
    assert stored.user == team.consultant and stored.lead == lead
    with pytest.raises(ValidationError) as err:
        lead_log_activity(actor=team.consultant, lead=lead, type="fax", content="x")
    assert "type" in err.value.message_dict


def test_cs7_another_consultants_lead_is_refused(team, buyer, staff, store_bj):
    from django.core.exceptions import PermissionDenied

    _customer, lead = buyer
    other = staff("sales_consultant", store=store_bj)
    with pytest.raises(PermissionDenied):
        lead_log_activity(actor=other, lead=lead, type="call", content="x")


def test_cs13_stock_vehicle_statuses_certificate_and_aging(team, store_bj, catalogue, clock):
    def create(serial, **extra):
        return stock_vehicle_create(actor=team.manager, store=store_bj, vin=make_vin(serial),
                                    model=catalogue["model"], colour="白色",
                                    cost=Decimal("100000"), msrp=Decimal("120000"), **extra)

    arrived = create(1, arrival_date=clock.today() - dt.timedelta(days=45))
    demo = create(2, is_demo=True, arrival_date=clock.today())
    pledged = create(3, floor_plan_bank="工商银行", pledge_date=clock.today())
    coming = create(4, status=StockStatus.IN_TRANSIT)
    assert arrived.status == StockStatus.IN_STOCK and aging_days(arrived) == 45
    assert demo.status == StockStatus.DEMO
    assert pledged.certificate_status == "pledged" and arrived.certificate_status == "in_safe"
    assert coming.status == StockStatus.IN_TRANSIT and aging_days(coming) is None
    with pytest.raises(ValidationError) as err:
        create(5, status=StockStatus.SOLD)
    assert "status" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        create(1)  # the same VIN twice
    assert "vin" in err.value.message_dict
    assert StockVehicle.objects.count() == 4



def test_cs14_stock_balance_for_a_period(team, store_bj, catalogue, clock):
    """October: 1 car from September still there, 1 from September sold in October,
    2 received in October (one 10 days old), 1 in transit, 1 allocated."""
    def create(serial, arrival, **extra):
        return stock_vehicle_create(actor=team.manager, store=store_bj, vin=make_vin(serial),
                                    model=catalogue["model"], trim=catalogue["trim"],
                                    colour="白色", cost=Decimal("100000"),
                                    msrp=Decimal("120000"), arrival_date=arrival, **extra)

    create(11, dt.date(2026, 9, 1))  # opening, still in stock on 31 Oct: 60 days old
    sold = create(12, dt.date(2026, 9, 20))  # opening, delivered in October
    StockVehicle.objects.filter(pk=sold.pk).update(
        status=StockStatus.DELIVERED,
        delivered_at=timezone.make_aware(dt.datetime(2026, 10, 15, 10)))
    create(13, dt.date(2026, 10, 21))  # received, 10 days old on 31 Oct
    allocated = create(14, dt.date(2026, 10, 5))  # received, allocated
    StockVehicle.objects.filter(pk=allocated.pk).update(status=StockStatus.ALLOCATED)
    create(15, dt.date(2026, 11, 30), status=StockStatus.IN_TRANSIT)
    rows = stock_balance(store=store_bj, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    assert len(rows) == 1
    row = rows[0]
    assert (row["opening"], row["received"], row["sold"], row["closing"]) == (2, 2, 1, 3)
    assert (row["in_transit"], row["allocated"]) == (1, 1)
    # Aging of the three on hand at the end: 10 and 26 days (0–30), 60 days (31–60).
    assert (row["age_0"], row["age_31"], row["age_61"], row["age_91"]) == (2, 1, 0, 0)
    assert row["value"] == Decimal("300000.00")
