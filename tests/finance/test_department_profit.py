"""FN-5 department profit and service absorption, checked against figures computed by hand:
a car delivered with sold and gift accessories and commissions, a repair order settled with
a discount and parts issued from the ledger, the month's overhead; the overhead page and
API; the report in the catalogue (FN-7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from siwei.core.audit import AuditEvent
from siwei.finance.models import MonthlyOverhead
from siwei.finance.selectors_profit import department_profit
from siwei.finance.services import overhead_set
from siwei.parts.models import LocationKind, Part
from siwei.parts.services.ledger import DocRef, receive_lot, stock_issue
from siwei.sales.models import OrderLine, StockVehicle
from tests.parts.conftest import make_location
from tests.sales_factories import make_vin

from .helpers_invoices_receivables import TZ, make_customer, make_order, make_ro

pytestmark = pytest.mark.django_db

NOV = dt.datetime(2026, 11, 10, 11, 0, tzinfo=TZ)


@pytest.fixture
def month(staff, store_bj, clock):
    """November 2026 at BJ01, by hand:

    car: price 150,000 + registration fee 500 − cost 140,000 − gift mats (cost 200)
         → new vehicles gross 10,300; accessories sold 3,000 at cost 1,800 → 1,200;
         insurance commission 1,500; finance commission 2,000
    RO settled 20 Nov, 10 % discount on the customer's lines:
         labour: customer job 1,000 → 900, warranty job 300 → labour 1,200
         parts: customer part 500 → 450, at ledger cost 2 × 120 = 240 → parts gross 210
    after-sales gross 1,410; overhead 2,820 → absorption 50.0 %; all departments 16,410
    """
    consultant = staff("sales_consultant", store=store_bj)
    advisor = staff("service_advisor", store=store_bj)
    clerk = staff("parts_clerk", store=store_bj)
    buyer = make_customer(store_bj)
    order = make_order(store_bj, buyer, consultant, price="150000.00",
                       accessories=[("脚垫", "300.00", True), ("行车记录仪", "3000.00", False)])
    order.stock_vehicle = StockVehicle.objects.create(
        store=store_bj, vin=make_vin(9101), model=order.model, colour="白",
        cost=Decimal("140000.00"), msrp=Decimal("150000.00"))
    order.registration_fee, order.insurance_commission = Decimal("500"), Decimal("1500")
    order.finance_commission, order.delivered_at = Decimal("2000"), NOV
    order.save()
    OrderLine.objects.filter(order=order, is_gift=True).update(unit_cost=Decimal("200"))
    OrderLine.objects.filter(order=order, is_gift=False).update(unit_cost=Decimal("1800"))
    ro = make_ro(store_bj, buyer, advisor, discount="10",
                 lines=[("job", "customer", "1000.00"), ("job", "warranty", "300.00"),
                        ("part", "customer", "500.00")])
    part = Part.objects.get(number="5Q0698151")
    shelf = make_location(store_bj, "A-01-1", LocationKind.NORMAL)
    receive_lot(actor=clerk, store=store_bj, part=part, qty=Decimal(3),
                unit_cost=Decimal("120.00"), location=shelf, ref=DocRef("test", "1"))
    stock_issue(actor=clerk, store=store_bj, part=part, quantity=2,
                document_type="service.repairorder", document_id=str(ro.pk))
    manager = staff("finance", store=store_bj)
    overhead_set(actor=manager, store=store_bj, month=dt.date(2026, 11, 5),
                 amount=Decimal("2820.00"))
    return {"order": order, "ro": ro, "finance": manager}


def test_fn5_department_profit_of_a_month_by_hand(month, store_bj):
    result = department_profit(store=store_bj, start=dt.date(2026, 11, 1),
                               end=dt.date(2026, 11, 30))
    totals = result["totals"]
    assert totals["new_vehicles"] == {"revenue": Decimal("150500.00"),
                                      "cost": Decimal("140200.00"),
                                      "gross": Decimal("10300.00")}
    assert totals["accessories"]["gross"] == Decimal("1200.00")
    assert totals["insurance"]["gross"] == Decimal("1500.00")
    assert totals["finance"]["gross"] == Decimal("2000.00")
    assert totals["labour"] == {"revenue": Decimal("1200.00"), "cost": Decimal("0.00"),
                                "gross": Decimal("1200.00")}
    assert totals["parts"] == {"revenue": Decimal("450.00"), "cost": Decimal("240.00"),
                               "gross": Decimal("210.00")}
    assert result["after_sales_gross"] == Decimal("1410.00")
    assert result["overhead"] == Decimal("2820.00") and result["absorption"] == Decimal("50.0")
    # The four sales lines add up to the order's own gross profit.
    sales = sum(totals[k]["gross"] for k in ("new_vehicles", "accessories", "insurance",
                                             "finance"))
    assert sales == Decimal("15000.00")


def test_fn5_absorption_needs_every_month_s_overhead(month, store_bj):
    result = department_profit(store=store_bj, start=dt.date(2026, 10, 1),
                               end=dt.date(2026, 11, 30))
    assert [r["month"] for r in result["months"]] == [dt.date(2026, 10, 1),
                                                      dt.date(2026, 11, 1)]
    assert result["months"][0]["gross"] == 0 and result["months"][1]["absorption"] == 50
    assert result["overhead"] is None and result["absorption"] is None
    assert result["overhead_missing"] == [dt.date(2026, 10, 1)]


def test_fn5_overhead_entry_rules_and_audit(month, store_bj, staff, clock):
    manager = month["finance"]
    row = overhead_set(actor=manager, store=store_bj, month=dt.date(2026, 11, 1),
                       amount=Decimal("3000"), note="更正")
    assert MonthlyOverhead.objects.filter(store=store_bj).count() == 1
    assert row.amount == Decimal("3000.00")
    event = AuditEvent.objects.filter(action="overhead.set").latest("id")
    assert event.before["amount"] == "2820.00" and event.after["amount"] == "3000.00"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as negative:
        overhead_set(actor=manager, store=store_bj, month=dt.date(2026, 11, 1),
                     amount=Decimal("-1"))
    assert "amount" in negative.value.message_dict
    with pytest.raises(ValidationError) as future:
        overhead_set(actor=manager, store=store_bj, month=dt.date(2026, 12, 1),
                     amount=Decimal("1"))
    assert "month" in future.value.message_dict
    from siwei.core.errors import DomainError

    with pytest.raises(DomainError):
        overhead_set(actor=staff("cashier", store=store_bj), store=store_bj,
                     month=dt.date(2026, 11, 1), amount=Decimal("1"))


def test_fn5_overhead_page_and_api(month, store_bj, staff, client, api):
    client.force_login(month["finance"])
    page = client.get(reverse("finance:overheads"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-month="2026-11"' in html and "50.0%" in html
    saved = client.post(reverse("finance:overheads"), {"month": "2026-10", "amount": "1000"})
    assert saved.status_code == 302
    assert MonthlyOverhead.objects.get(store=store_bj, month=dt.date(2026, 10, 1)).amount == 1000
    finance_api = api(month["finance"], store_bj)
    created = finance_api.post("/api/v1/overheads/", {"month": "2026-09", "amount": "2500.00"},
                               format="json")
    assert created.status_code == 201 and created.json()["month"] == "2026-09-01"
    bad = finance_api.post("/api/v1/overheads/", {"month": "2026-09", "amount": "-5"},
                           format="json")
    assert bad.status_code == 400 and "amount" in bad.json()
    assert [r["month"] for r in finance_api.get("/api/v1/overheads/").json()["results"]][:3] == [
        "2026-11-01", "2026-10-01", "2026-09-01"]
    cashier = staff("cashier", store=store_bj)
    assert api(cashier, store_bj).get("/api/v1/overheads/").status_code == 403
    client.force_login(cashier)
    assert client.get(reverse("finance:overheads")).status_code == 403


def test_fn5_fn7_department_profit_report_through_the_api(month, store_bj, staff, api):
    manager = staff("service_manager", store=store_bj)
    body = api(manager, store_bj).get("/api/v1/reports/department-profit/",
                                      {"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert body["summary"] == {"gross": "16410.00", "new_vehicles": "10300.00",
                               "after_sales_gross": "1410.00", "overhead": "2820.00",
                               "absorption": "50.0"}
    departments = {row["department"]: row["gross"] for row in body["tables"][0]["rows"]}
    assert len(departments) == 6 and "210.00" in departments.values()
    technician = staff("technician", store=store_bj)
    assert api(technician, store_bj).get(
        "/api/v1/reports/department-profit/").status_code == 403
