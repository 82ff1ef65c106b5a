"""The advisor's pages: reception by plate, the RO page, prints, list, home cards, card."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from siwei.finance.services import payment_record
from siwei.service.models import RepairOrder, ROStatus
from siwei.service.services.settlement import repair_order_settle

from .test_orders_settlement import build, work

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sv7_walk_in_from_plate_to_signed_estimate(crew, car, store_bj, clock, operations,
                                                   stocked_part):
    advisor = login(crew.advisor)
    _customer, vehicle = car
    found = advisor.get("/service/repair-orders/reception/?plate=A888")
    assert found.status_code == 200 and 'id="reception-form"' in found.content.decode()
    from django.utils import timezone

    promised = timezone.localtime(clock.now() + dt.timedelta(hours=3)).strftime(
        "%Y-%m-%dT%H:%M")
    response = advisor.post("/service/repair-orders/reception/", {
        "vehicle": vehicle.pk, "category": "maintenance", "mileage": "12000",
        "fuel_level": "50", "complaints": "保养\n刹车有异响", "damage_notes": "左前门划痕",
        "covers_applied": "on", "customer_waits": "on", "promised_at": promised})
    ro = RepairOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/service/repair-orders/{ro.pk}/"
    assert ro.customer_waits and ro.covers_applied and ro.concerns.count() == 2
    action = f"/service/repair-orders/{ro.pk}/action/"
    advisor.post(action, {"action": "add_job", "operation": operations["oil"].pk,
                          "payer": "customer"})
    advisor.post(action, {"action": "add_part", "part_number": "06l-115 562b", "quantity": "1",
                          "payer": "customer"})
    page = advisor.get(f"/service/repair-orders/{ro.pk}/").content.decode()
    assert "更换机油机滤" in page and "06L115562B" in page and 'id="signature-pad"' in page
    advisor.post(action, {"action": "sign", "signed_by_name": "周杰",
                          "signature": "data:image/png;base64,iVBORw0KGgo="})
    ro.refresh_from_db()
    assert ro.status == ROStatus.OPEN and ro.estimate_total == Decimal("238.00")
    printed = advisor.get(f"/service/repair-orders/{ro.pk}/print/estimate/")
    assert printed.status_code == 200 and "保养" in printed.content.decode()


def test_sv7_unknown_plate_offers_the_customer_form(crew, car, store_bj):
    page = login(crew.advisor).get("/service/repair-orders/reception/?plate=沪Z0000")
    assert page.status_code == 200 and "/crm/customers/new/" in page.content.decode()


def test_refusals_show_as_messages_on_the_ro_page(crew, car, store_bj, clock, operations):
    ro = build(crew, store_bj, car, clock, operations)
    advisor = login(crew.advisor)
    response = advisor.post(f"/service/repair-orders/{ro.pk}/action/",
                            {"action": "settle", "discount_percent": "0"}, follow=True)
    assert response.status_code == 200 and 'class="alert' in response.content.decode()
    assert RepairOrder.objects.get(pk=ro.pk).status == ROStatus.OPEN
    forbidden = advisor.post(f"/service/repair-orders/{ro.pk}/action/",
                             {"action": "approve_contract"})
    assert forbidden.status_code == 403


def test_sv16_settle_pay_and_gate_pass_on_the_pages(crew, car, store_bj, clock, operations,
                                                    shifts):
    ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
    advisor, cashier = login(crew.advisor), login(crew.cashier)
    action = f"/service/repair-orders/{ro.pk}/action/"
    advisor.post(action, {"action": "settle", "discount_percent": "5"})
    ro.refresh_from_db()
    assert ro.status == ROStatus.SETTLED and ro.customer_total == Decimal("142.50")
    home = cashier.get("/").content.decode()
    assert 'id="card-ro-to-collect"' in home and ro.number in home
    cashier.post(action, {"action": "pay", "method": "wechat", "amount": "142.50"})
    advisor.post(action, {"action": "release"})
    ro.refresh_from_db()
    assert ro.status == ROStatus.RELEASED
    bill = advisor.get(f"/service/repair-orders/{ro.pk}/print/bill/").content.decode()
    assert 'id="next-due"' in bill and 'id="payer-totals"' in bill
    gate = advisor.get(f"/service/repair-orders/{ro.pk}/print/gate-pass/")
    assert ro.gate_pass_number in gate.content.decode()


def test_ro_list_marks_late_orders_and_downloads_excel(crew, car, store_bj, clock, operations):
    ro = build(crew, store_bj, car, clock, operations)
    clock.advance(hours=4)
    advisor = login(crew.advisor)
    page = advisor.get("/service/repair-orders/").content.decode()
    assert ro.number in page and "table-danger" in page
    home = advisor.get("/").content.decode()
    assert 'id="card-ro-in-progress"' in home and "link-danger" in home
    xlsx = advisor.get("/service/repair-orders/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")
    assert advisor.get(f"/service/repair-orders/?q={ro.number}").status_code == 200


def test_customer_card_and_global_search_show_repair_orders(crew, car, store_bj, clock,
                                                            operations, shifts):
    ro = work(crew, build(crew, store_bj, car, clock, operations), clock)
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    payment_record(actor=crew.cashier, store=store_bj, amount=Decimal("150"), method="cash",
                   repair_order=ro)
    advisor = login(crew.advisor)
    card = advisor.get(f"/crm/customers/{ro.customer_id}/").content.decode()
    assert ro.number in card
    found = advisor.get(f"/crm/search/?q={ro.number}")
    assert found.status_code == 302 and found["Location"] == f"/service/repair-orders/{ro.pk}/"


def test_pages_refuse_roles_without_the_permission(crew, car, store_bj, staff, clock,
                                                   operations):
    ro = build(crew, store_bj, car, clock, operations)
    receptionist = login(staff("receptionist", store=store_bj))
    assert receptionist.get("/service/repair-orders/").status_code == 403
    assert receptionist.get(f"/service/repair-orders/{ro.pk}/").status_code == 403
    assert login(crew.tech1).get("/service/repair-orders/reception/").status_code == 403
