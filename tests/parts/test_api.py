"""The parts API (api.md): parts with stock, locations, stock moves, purchase orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from siwei.parts.models import POStatus, StockMove

from .conftest import make_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(staff, store_bj):
    return staff("parts_clerk", store=store_bj)


@pytest.fixture
def manager(staff, store_bj):
    return staff("parts_manager", store=store_bj)


def test_pt1_parts_search_by_pinyin_and_show_stock_of_the_store(api, clerk, store_bj, part,
                                                                shelf, stock_in, clock,
                                                                django_assert_max_num_queries):
    stock_in(store_bj, part, 6, "40.00", shelf)
    client = api(clerk, store_bj)
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/parts/", {"q": "jilv"}).json()  # 机油滤清器 → jiyoulvqingqi
    assert body["count"] == 0
    for q in ("jiyou", "jylq", "06L115", "机油"):
        body = client.get("/api/v1/parts/", {"q": q}).json()
        assert [p["number"] for p in body["results"]] == ["06L115562B"], q
    row = body["results"][0]
    assert (row["on_hand"], row["reserved"], row["available"]) == ("6.000", "0.000", "6.000")
    stock = client.get(f"/api/v1/parts/{part.pk}/stock/").json()
    assert stock["locations"][0]["location_code"] == "A-01-1"
    assert stock["locations"][0]["quantity"] == "6.000"


def test_pt1_create_part_needs_permission_and_names_bad_fields(api, clerk, manager, store_bj,
                                                              part):
    body = {"number": "1k0 819 644 b", "name": "空调滤芯", "unit": "个", "list_price": "120.00",
            "cost": "60.00", "attribute_class": "A", "order_cycle_days": 7,
            "lead_time_days": 3, "is_key_part": False}
    assert api(clerk, store_bj).post("/api/v1/parts/", body, format="json").status_code == 403
    created = api(manager, store_bj).post("/api/v1/parts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["number"] == "1K0 819 644 B"
    dup = api(manager, store_bj).post("/api/v1/parts/", {**body, "number": part.number},
                                      format="json")
    assert dup.status_code == 400 and "number" in dup.json()
    bad = api(manager, store_bj).post("/api/v1/parts/", {**body, "cost": "abc",
                                                          "attribute_class": "Z"}, format="json")
    assert bad.status_code == 400 and {"cost", "attribute_class"} <= set(bad.json())


def test_pt3_locations_are_created_per_store(api, manager, store_bj, store_sh):
    client = api(manager, store_bj)
    assert client.post("/api/v1/locations/", {"code": "a-03-2", "kind": "normal"},
                       format="json").status_code == 201
    bad = client.post("/api/v1/locations/", {"code": "shelf 3"}, format="json")
    assert bad.status_code == 400 and "code" in bad.json()
    make_location(store_sh, "S-01-1")
    codes = [r["code"] for r in client.get("/api/v1/locations/").json()["results"]]
    assert codes == ["A-03-2"]


def test_pt7_pt8_purchase_order_flow_over_the_api(api, manager, store_bj, supplier, part,
                                                  shelf, clock, django_assert_max_num_queries):
    client = api(manager, store_bj)
    created = client.post("/api/v1/purchase-orders/", {
        "supplier": supplier.pk, "lines": [{"part": part.pk, "quantity": "5", "price": "40"}]},
        format="json")
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["status"] == "draft" and order["number"].startswith("PO-BJ01-")
    url = f"/api/v1/purchase-orders/{order['id']}"
    line = order["lines"][0]["id"]
    early = client.post(f"{url}/receive/", {"lines": [{"line": line, "accepted": "1",
                                                       "location": shelf.pk}]}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    sent = client.post(f"{url}/send/", HTTP_IDEMPOTENCY_KEY="k-send-1")
    assert sent.json()["status"] == "sent"
    over = client.post(f"{url}/receive/", {"lines": [{"line": line, "accepted": "6",
                                                      "location": shelf.pk}]}, format="json")
    assert over.status_code == 409 and over.json()["code"] == "over_receipt"
    bad = client.post(f"{url}/receive/", {"lines": [{"line": line, "accepted": "x"}]},
                      format="json")
    assert bad.status_code == 400
    unknown = client.post(f"{url}/receive/", {"lines": [{"line": line, "accepted": "1",
                                                         "location": 999999}]}, format="json")
    assert unknown.status_code == 400 and "location" in unknown.json()
    with django_assert_max_num_queries(60):
        received = client.post(f"{url}/receive/", {"lines": [
            {"line": line, "accepted": "5", "location": shelf.pk, "batch": ""}]}, format="json")
    assert received.status_code == 200, received.json()
    assert received.json()["status"] == POStatus.RECEIVED
    assert received.json()["lines"][0]["accepted"] == "5.000"
    assert client.post(f"{url}/cancel/", {}, format="json").json()["code"] == \
        "invalid_transition"
    with django_assert_max_num_queries(12):  # auth, store, permissions, count, page, lines
        listing = client.get("/api/v1/purchase-orders/", {"status": "received"})
    assert listing.json()["count"] == 1


def test_pt4_stock_moves_are_read_only_and_filtered(api, clerk, store_bj, part, shelf,
                                                    stock_in, clock,
                                                    django_assert_max_num_queries):
    stock_in(store_bj, part, 3, "40.00", shelf)
    client = api(clerk, store_bj)
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/stock-moves/", {"kind": "receipt", "part": part.pk}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["quantity"] == "3.000" and row["reference"].startswith("parts.purchaseorder:")
    move = StockMove.objects.get()
    assert client.delete(f"/api/v1/stock-moves/{move.pk}/").status_code == 405
    assert client.post("/api/v1/stock-moves/", {}, format="json").status_code == 405


def test_api_roles_technician_sees_stock_but_not_the_ledger(api, staff, store_bj, part):
    technician = staff("technician", store=store_bj)
    client = api(technician, store_bj)
    assert client.get("/api/v1/parts/").status_code == 200
    assert client.get("/api/v1/stock-moves/").status_code == 403
    assert client.get("/api/v1/purchase-orders/").status_code == 403
    assert Decimal(client.get(f"/api/v1/parts/{part.pk}/").json()["available"]) == 0


def test_pt8_receive_replayed_with_the_same_idempotency_key_is_applied_once(
        api, manager, store_bj, supplier, part, shelf, clock):
    from siwei.parts.models import PartStore
    from siwei.parts.services import purchase_order_create, purchase_order_send

    order = purchase_order_create(actor=None, store=store_bj, supplier=supplier,
                                  lines=[{"part": part, "quantity": 4}])
    purchase_order_send(actor=None, order=order)
    body = {"lines": [{"line": order.lines.get().pk, "accepted": "2", "location": shelf.pk}]}
    client = api(manager, store_bj)
    first = client.post(f"/api/v1/purchase-orders/{order.pk}/receive/", body, format="json",
                        HTTP_IDEMPOTENCY_KEY="receive-1")
    again = client.post(f"/api/v1/purchase-orders/{order.pk}/receive/", body, format="json",
                        HTTP_IDEMPOTENCY_KEY="receive-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert PartStore.objects.get(part=part).on_hand == 2


def test_parts_list_query_count_does_not_grow_with_the_page(api, clerk, store_bj, group,
                                                           supplier, shelf, stock_in, clock,
                                                           django_assert_max_num_queries):
    from siwei.parts.models import Part

    for i in range(30):
        p = Part.objects.create(group=group, number=f"N{i:03d}", name=f"配件{i}",
                                default_supplier=supplier)
        if i % 3 == 0:
            stock_in(store_bj, p, 2, "10.00", shelf)
    client = api(clerk, store_bj)
    with django_assert_max_num_queries(10):  # auth, store, permissions, count, one page
        body = client.get("/api/v1/parts/", {"page_size": 50}).json()
    assert body["count"] == 30
    assert sum(Decimal(r["on_hand"]) for r in body["results"]) == 20
