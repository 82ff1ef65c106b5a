"""The sales flow through the API alone (api.md resources customers/, vehicles/, leads/,
stock-vehicles/, sales-orders/, payments/)."""

import json
import threading
import uuid

import pytest
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from siwei.finance.models import Payment
from siwei.sales.services.delivery import CHECKLIST
from tests.sales_factories import make_model, make_vin

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_whole_sale_through_the_api(team, store_bj, group, api, clock):
    model, trim = make_model(group)
    consultant, cashier = api(team.consultant), api(team.cashier)
    manager = api(team.manager)
    customer = ok(consultant.post("/api/v1/customers/", {
        "kind": "person", "name": "马丽", "mobile": "+86 139 0000 1111", "gender": "female",
        "consent_sms": True}, format="json"), 201)
    assert customer["mobile"] == "13900001111" and customer["category"] == "prospect"
    duplicate = consultant.post("/api/v1/customers/", {"name": "马莉", "mobile": "13900001111"},
                                format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_customer"
    assert duplicate.json()["existing_id"] == customer["id"]
    bad = consultant.post("/api/v1/customers/", {"name": "X", "mobile": "123"}, format="json")
    assert bad.status_code == 400 and "mobile" in bad.json()

    lead = ok(consultant.post("/api/v1/leads/", {"customer": customer["id"], "source": "walk_in",
                                                 "grade": "A"}, format="json"), 201)
    assert lead["status"] == "open" and lead["next_follow_up_at"]
    lead = ok(consultant.post(f"/api/v1/leads/{lead['id']}/activities/", {
        "type": "call", "notes": "约周六试驾", "grade": "H"}, format="json"), 201)
    assert lead["grade"] == "H" and lead["contact_count"] == 1
    found = ok(consultant.get("/api/v1/customers/?q=mali"))
    assert [c["id"] for c in found["results"]] == [customer["id"]]

    stock = ok(manager.post("/api/v1/stock-vehicles/", {
        "vin": make_vin(501), "model": model.pk, "trim": trim.pk, "colour": "白色",
        "cost": "100000.00", "msrp": "120000.00", "arrival_date": "2026-10-01",
        "certificate_number": "WDK000000501"}, format="json"), 201)
    order = ok(consultant.post("/api/v1/sales-orders/", {
        "customer": customer["id"], "lead": lead["id"], "model": model.pk, "trim": trim.pk,
        "colour": "白色", "vehicle_price": "118000.00",
        "lines": [{"description": "脚垫", "quantity": "1", "unit_price": "500.00",
                   "unit_cost": "150.00"}]}, format="json"), 201)
    assert order["status"] == "draft" and order["total"] == "118500.00"
    refused = consultant.post(f"/api/v1/sales-orders/{order['id']}/confirm/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "payment_incomplete"

    key = str(uuid.uuid4())
    deposit = {"sales_order": order["id"], "method": "wechat", "amount": "5000.00",
               "reference": "WX-1"}
    first = ok(cashier.post("/api/v1/payments/", deposit, format="json",
                            HTTP_IDEMPOTENCY_KEY=key), 201)
    again = ok(cashier.post("/api/v1/payments/", deposit, format="json",
                            HTTP_IDEMPOTENCY_KEY=key), 201)
    assert first == again and Payment.objects.count() == 1
    order = ok(consultant.post(f"/api/v1/sales-orders/{order['id']}/confirm/", {},
                               format="json"))
    assert order["status"] == "confirmed"
    assert ok(consultant.get(f"/api/v1/leads/{lead['id']}/"))["grade"] == "O"
    order = ok(consultant.post(f"/api/v1/sales-orders/{order['id']}/allocate/",
                               {"stock_vehicle": stock["id"]}, format="json"))
    assert order["status"] == "allocated" and order["stock_vehicle"] == stock["id"]
    early = cashier.post(f"/api/v1/sales-orders/{order['id']}/release-certificate/", {},
                         format="json")
    assert early.status_code == 409 and early.json()["code"] == "payment_incomplete"
    ok(cashier.post("/api/v1/payments/", {"sales_order": order["id"], "method": "transfer",
                                          "amount": "113500.00"}, format="json"), 201)
    order = ok(cashier.post(f"/api/v1/sales-orders/{order['id']}/release-certificate/", {},
                            format="json"))
    assert order["status"] == "certificate_released"
    delivered = ok(consultant.post(f"/api/v1/sales-orders/{order['id']}/deliver/", {
        "checklist": {k: True for k, _ in CHECKLIST}, "signature": "data:image/png;base64,AA",
        "mileage": 8}, format="json"))
    assert delivered["status"] == "delivered"
    vehicles = ok(consultant.get(f"/api/v1/vehicles/?vin={stock['vin']}"))["results"]
    assert vehicles[0]["owner"] == customer["id"] and vehicles[0]["warranty_end"]
    assert ok(consultant.get(f"/api/v1/customers/{customer['id']}/"))["category"] == "owner_new"


def test_api_refusals_are_409_with_stable_codes(team, store_bj, group, api, buyer):
    model, trim = make_model(group)
    consultant = api(team.consultant)
    customer, lead = buyer
    lose = consultant.post(f"/api/v1/leads/{lead.pk}/lose/", {"reason": "price"}, format="json")
    assert lose.status_code == 200 and lose.json()["status"] == "loss_requested"
    refused = consultant.post(f"/api/v1/leads/{lead.pk}/approve-loss/", {}, format="json")
    assert refused.status_code == 403  # a consultant lacks the approval permission
    approved = api(team.manager).post(f"/api/v1/leads/{lead.pk}/approve-loss/", {},
                                      format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "lost"
    bad_vin = consultant.post("/api/v1/vehicles/", {"vin": make_vin(1)[:8] + "Q" +
                                                    make_vin(1)[9:]}, format="json")
    assert bad_vin.status_code == 400 and "vin" in bad_vin.json()
    order = consultant.post("/api/v1/sales-orders/", {
        "customer": customer.pk, "model": model.pk, "trim": trim.pk,
        "vehicle_price": "100000.00"}, format="json").json()
    api(team.cashier).post("/api/v1/payments/", {"sales_order": order["id"], "method": "cash",
                                                 "amount": "5000"}, format="json")
    too_cheap = consultant.post(f"/api/v1/sales-orders/{order['id']}/confirm/", {},
                                format="json")
    assert too_cheap.status_code == 409 and too_cheap.json()["code"] == "discount_limit"
    refund = api(team.cashier).post("/api/v1/payments/", {
        "sales_order": order["id"], "method": "cash", "amount": "-5000"}, format="json")
    assert refund.status_code == 409 and refund.json()["code"] == "approval_required"


def test_other_stores_records_are_invisible_and_unreferenceable(team, store_bj, store_sh,
                                                                 staff, api, buyer):
    customer, _lead = buyer
    outsider = staff("sales_consultant", store=store_sh)
    client = api(outsider)
    assert client.get(f"/api/v1/customers/{customer.pk}/").status_code == 404
    assert client.get("/api/v1/customers/?q=13811112222").json()["count"] == 0
    response = client.post("/api/v1/leads/", {"customer": customer.pk, "source": "walk_in",
                                              "grade": "A"}, format="json")
    assert response.status_code == 400 and "customer" in response.json()


def test_personal_data_masked_without_permission(team, store_bj, staff, api, buyer):
    technician = staff("technician", store=store_bj)
    from django.contrib.auth.models import Permission

    from siwei.core.models import Role, StoreRolePermission

    StoreRolePermission.objects.create(
        store=store_bj, role=Role.objects.get(code="technician"),
        permission=Permission.objects.get(codename="view_customer"), granted=True)
    masked = api(technician).get("/api/v1/customers/").json()["results"][0]
    assert masked["mobile"] == "138****2222"
    full = api(team.consultant).get("/api/v1/customers/").json()["results"][0]
    assert full["mobile"] == "13811112222"


def test_customer_search_uses_bounded_queries(team, store_bj, api, django_assert_max_num_queries):
    from siwei.crm.services import customer_create, vehicle_create

    for i in range(15):
        c = customer_create(actor=team.consultant, store=store_bj, name=f"王{i}",
                            mobile=f"1360000{i:04d}")
        vehicle_create(actor=team.consultant, store=store_bj, vin=make_vin(700 + i), owner=c)
    client = api(team.consultant)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/customers/?q=wang").json()
    assert body["count"] == 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fn1_same_idempotency_key_in_parallel_records_one_payment(staff, store_bj, group):
    from decimal import Decimal

    from rest_framework.authtoken.models import Token

    from siwei.crm.services import customer_create
    from siwei.sales.services import order_create

    consultant = staff("sales_consultant", store=store_bj)
    cashier = staff("cashier", store=store_bj)
    model, trim = make_model(group)
    customer = customer_create(actor=consultant, store=store_bj, name="并发", mobile="13700001234")
    order = order_create(actor=consultant, store=store_bj, customer=customer, model=model,
                         trim=trim, vehicle_price=Decimal("118000"))
    token = Token.objects.create(user=cashier).key
    key, clients = str(uuid.uuid4()), 5
    barrier = threading.Barrier(clients)
    results = []

    def pay():
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait()
            response = client.post("/api/v1/payments/", {
                "sales_order": order.pk, "method": "cash", "amount": "5000.00"},
                format="json", HTTP_IDEMPOTENCY_KEY=key)
            results.append((response.status_code, json.loads(response.content)))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [status for status, _ in results] == [201] * clients
    assert len({body["receipt_number"] for _, body in results}) == 1
    assert Payment.objects.filter(sales_order=order).count() == 1
    order.refresh_from_db()
    assert order.paid == Decimal("5000.00")


def test_cs19_accessory_lines_come_from_the_parts_catalogue(team, store_bj, group, api, buyer):
    from decimal import Decimal

    from siwei.parts.models import Part, PartStore

    model, trim = make_model(group)
    customer, _lead = buyer
    mats = Part.objects.create(group=group, number="000061500A", name="原厂脚垫", unit="套",
                               list_price=Decimal("680.00"), cost=Decimal("300.00"),
                               is_accessory=True)
    PartStore.objects.create(store=store_bj, part=mats, average_cost=Decimal("280.00"))
    oil = Part.objects.create(group=group, number="G055167M4", name="机油", unit="L",
                              list_price=Decimal("90"), cost=Decimal("50"))
    client = api(team.consultant)
    body = client.post("/api/v1/sales-orders/", {
        "customer": customer.pk, "model": model.pk, "trim": trim.pk,
        "vehicle_price": "118000.00",
        "lines": [{"part": mats.pk, "quantity": "1"},
                  {"part": mats.pk, "quantity": "1", "is_gift": True}]}, format="json")
    assert body.status_code == 201, body.content
    lines = body.json()["lines"]
    assert lines[0]["description"] == "原厂脚垫" and lines[0]["part_number"] == "000061500A"
    assert lines[0]["unit_price"] == "680.00" and lines[0]["unit_cost"] == "280.00"
    assert lines[1]["unit_price"] == "0.00"  # a gift costs the sales department only
    assert body.json()["total"] == "118680.00"
    not_accessory = client.post("/api/v1/sales-orders/", {
        "customer": customer.pk, "model": model.pk, "vehicle_price": "118000.00",
        "lines": [{"part": oil.pk, "quantity": "1"}]}, format="json")
    assert not_accessory.status_code == 400 and "lines" in not_accessory.json()
