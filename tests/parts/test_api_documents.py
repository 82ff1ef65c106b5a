"""The parts API for everything the pages can do (api.md): suppliers, part and location
changes, requisitions, reservations, transfers and stocktakes. Actions return the updated
record; permission 403, bad field 400 naming it, business rule 409 with its code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from siwei.core.models import AuditEvent
from siwei.parts.models import (
    MoveKind,
    PartStore,
    Reservation,
    StockMove,
    StockRequest,
    Supplier,
)
from siwei.parts.services import stock_request_create, stock_reserve, stocktake_create
from tests.factories import DealerGroupFactory, StoreFactory

from .conftest import assert_ledger_matches, make_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(staff, store_bj):
    return staff("parts_clerk", store=store_bj)


@pytest.fixture
def manager(staff, store_bj):
    return staff("parts_manager", store=store_bj)


# --- suppliers/, parts/ update, locations/ update (PT-1 … PT-3) -----------------------

def test_pt2_suppliers_crud_over_the_api(api, manager, clerk, store_bj, group, supplier, part,
                                         django_assert_max_num_queries):
    client = api(manager, store_bj)
    body = {"name": "博世汽车配件", "kind": "other", "contact": "王经理", "phone": "010-1",
            "payment_terms": "月结30天", "lead_time_days": 5}
    assert api(clerk, store_bj).post("/api/v1/suppliers/", body,
                                     format="json").status_code == 403
    created = client.post("/api/v1/suppliers/", body, format="json")
    assert created.status_code == 201, created.json()
    bosch = created.json()
    assert (bosch["kind"], bosch["is_active"], bosch["lead_time_days"]) == ("other", True, 5)
    dup = client.post("/api/v1/suppliers/", {**body, "name": supplier.name}, format="json")
    assert dup.status_code == 400 and set(dup.json()) == {"name"}
    bad = client.post("/api/v1/suppliers/", {"name": "X", "kind": "cheap"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()
    url = f"/api/v1/suppliers/{bosch['id']}/"
    changed = client.patch(url, {"is_active": False, "lead_time_days": 7}, format="json")
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert AuditEvent.objects.filter(action="parts.supplier_update").exists()
    other = DealerGroupFactory(code="OTHER", name="另一集团")
    foreign = Supplier.objects.create(group=other, name="外部供应商")
    for i in range(20):
        Supplier.objects.create(group=group, name=f"供应商{i:02d}")
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/suppliers/", {"page_size": 50}).json()
    names = [r["name"] for r in listing["results"]]
    assert listing["count"] == 22 and foreign.name not in names
    assert client.get("/api/v1/suppliers/", {"q": "博世"}).json()["count"] == 1
    assert client.get("/api/v1/suppliers/", {"is_active": "false"}).json()["count"] == 1
    assert client.get(f"/api/v1/suppliers/{foreign.pk}/").status_code == 404
    in_use = client.delete(f"/api/v1/suppliers/{supplier.pk}/")
    assert in_use.status_code == 409 and in_use.json()["code"] == "supplier_in_use"
    assert api(clerk, store_bj).delete(url).status_code == 403
    assert client.delete(url).status_code == 204
    assert not Supplier.objects.filter(pk=bosch["id"]).exists()


def test_pt1_part_update_over_the_api_audits_the_price(api, manager, clerk, store_bj, part,
                                                       supplier):
    url = f"/api/v1/parts/{part.pk}/"
    assert api(clerk, store_bj).patch(url, {"list_price": "90"},
                                      format="json").status_code == 403
    client = api(manager, store_bj)
    changed = client.patch(url, {"list_price": "92.50", "pack_size": "6",
                                 "attribute_class": "A"}, format="json")
    assert changed.status_code == 200, changed.json()
    row = changed.json()
    assert (row["list_price"], row["pack_size"], row["attribute_class"]) == (
        "92.50", "6.000", "A")
    assert "available" in row
    event = AuditEvent.objects.get(action="parts.part_update")
    assert event.before["list_price"] == "88.00" and event.after["list_price"] == "92.50"
    bad = client.patch(url, {"list_price": "-3", "superseded_by": part.pk}, format="json")
    assert bad.status_code == 400 and {"list_price", "superseded_by"} & set(bad.json())
    bad = client.patch(url, {"pack_size": "0"}, format="json")
    assert bad.status_code == 400 and "pack_size" in bad.json()


def test_pt3_locations_update_and_deactivate_over_the_api(api, manager, clerk, store_bj,
                                                          store_sh, part, shelf, shelf2,
                                                          stock_in, clock,
                                                          django_assert_max_num_queries):
    stock_in(store_bj, part, 2, "40.00", shelf)
    client = api(manager, store_bj)
    url = f"/api/v1/locations/{shelf2.pk}/"
    assert api(clerk, store_bj).patch(url, {"is_active": False},
                                      format="json").status_code == 403
    changed = client.patch(url, {"code": "b-07-2", "kind": "inspection"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["code"], changed.json()["zone"], changed.json()["kind"]) == (
        "B-07-2", "B", "inspection")
    off = client.patch(url, {"is_active": False}, format="json")
    assert off.status_code == 200 and off.json()["is_active"] is False
    busy = client.patch(f"/api/v1/locations/{shelf.pk}/", {"is_active": False}, format="json")
    assert busy.status_code == 409 and busy.json()["code"] == "location_not_empty"
    bad = client.patch(url, {"code": "nonsense"}, format="json")
    assert bad.status_code == 400 and "code" in bad.json()
    transit = client.post("/api/v1/locations/", {"code": "T-01-1", "kind": "transit"},
                          format="json")
    assert transit.status_code == 400 and "kind" in transit.json()
    sh = make_location(store_sh, "S-01-1")
    assert client.patch(f"/api/v1/locations/{sh.pk}/", {"is_active": False},
                        format="json").status_code == 404
    for i in range(25):
        make_location(store_bj, f"D-{i + 1:02d}-1")
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/locations/", {"page_size": 50}).json()
    assert listing["count"] == 27 and "S-01-1" not in [r["code"] for r in listing["results"]]


# --- stock-requests/ (PT-10) ----------------------------------------------------------

def test_pt10_stock_requests_are_created_issued_and_cancelled_over_the_api(
        api, staff, clerk, store_bj, part, shelf, stock_in, clock, django_assert_max_num_queries):
    stock_in(store_bj, part, 3, "40.00", shelf)
    technician = api(staff("technician", store=store_bj), store_bj)
    created = technician.post("/api/v1/stock-requests/", {
        "part": part.pk, "quantity": "5", "document_type": "service.repairorder",
        "document_id": "RO-9", "document_line_id": "2"}, format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["status"], row["available"], row["first_fill"], row["reference"]) == (
        "open", "3.000", False, "service.repairorder:RO-9/2")
    assert row["number"].startswith("PR-BJ01-")
    url = f"/api/v1/stock-requests/{row['id']}"
    assert technician.post(f"{url}/issue/", {}, format="json").status_code == 403
    bad = technician.post("/api/v1/stock-requests/", {"part": part.pk, "quantity": "0",
                                                      "document_id": ""}, format="json")
    assert bad.status_code == 400 and {"quantity", "document_id"} <= set(bad.json())
    client = api(clerk, store_bj)
    issued = client.post(f"{url}/issue/", {}, format="json", HTTP_IDEMPOTENCY_KEY="iss-1")
    assert issued.status_code == 200, issued.json()
    assert (issued.json()["status"], issued.json()["issued"]) == ("partly_issued", "3.000")
    replay = client.post(f"{url}/issue/", {}, format="json", HTTP_IDEMPOTENCY_KEY="iss-1")
    assert replay.json() == issued.json() and replay["Idempotent-Replayed"] == "true"
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1
    short = client.post(f"{url}/issue/", {}, format="json")
    assert short.status_code == 409 and short.json()["code"] == "insufficient_stock"
    over = client.post(f"{url}/issue/", {"quantity": "9"}, format="json")
    assert over.status_code == 409 and over.json()["code"] == "over_issue"
    cancelled = client.post(f"{url}/cancel/", {"reason": "客户取消"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"{url}/cancel/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    for i in range(20):
        stock_request_create(actor=None, store=store_bj, part=part, quantity=1,
                             document_type="service.repairorder", document_id=f"RO-X{i}")
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/stock-requests/", {"status": "open", "page_size": 50})
    assert listing.json()["count"] == 20
    assert client.get("/api/v1/stock-requests/", {"document_id": "RO-9"}).json()["count"] == 1


def test_pt10_stock_requests_of_another_store_are_not_found(api, clerk, store_sh, part, clock):
    other = stock_request_create(actor=None, store=store_sh, part=part, quantity=1,
                                 document_type="service.repairorder", document_id="X")
    assert api(clerk).post(f"/api/v1/stock-requests/{other.pk}/issue/", {},
                           format="json").status_code == 404


# --- reservations/ (PT-9) -------------------------------------------------------------

def test_pt9_reservations_over_the_api(api, staff, clerk, store_bj, part, shelf, stock_in,
                                       clock, django_assert_max_num_queries):
    stock_in(store_bj, part, 5, "40.00", shelf)
    make_location(store_bj, "R-01-1", "reserve")
    advisor = api(staff("service_advisor", store=store_bj), store_bj)
    body = {"part": part.pk, "quantity": "2", "document_type": "service.appointment",
            "document_id": "AP-1", "to_reserve_shelf": True}
    created = advisor.post("/api/v1/reservations/", body, format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["status"], row["remaining"], row["location_code"]) == ("open", "2.000",
                                                                       "R-01-1")
    more = advisor.post("/api/v1/reservations/", {**body, "quantity": "1",
                                                  "to_reserve_shelf": False}, format="json")
    assert more.json()["id"] == row["id"] and more.json()["quantity"] == "3.000"
    too_much = advisor.post("/api/v1/reservations/", {**body, "quantity": "3",
                                                      "document_id": "AP-2"}, format="json")
    assert too_much.status_code == 409 and too_much.json()["code"] == "insufficient_stock"
    ps = PartStore.objects.get(part=part)
    assert (ps.on_hand, ps.reserved) == (5, 3)
    assert api(staff("technician", store=store_bj), store_bj).post(
        f"/api/v1/reservations/{row['id']}/release/", {}, format="json").status_code == 403
    released = advisor.post(f"/api/v1/reservations/{row['id']}/release/",
                            {"reason": "客户爽约"}, format="json")
    assert released.status_code == 200 and released.json()["status"] == "released"
    ps.refresh_from_db()
    assert ps.reserved == 0
    again = advisor.post(f"/api/v1/reservations/{row['id']}/release/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    for i in range(15):
        stock_reserve(actor=None, store=store_bj, part=part, quantity=Decimal("0.1"),
                      document_type="service.repairorder", document_id=f"RO-{i}")
    clerk_client = api(clerk, store_bj)
    with django_assert_max_num_queries(10):
        listing = clerk_client.get("/api/v1/reservations/", {"status": "open"})
    assert listing.json()["count"] == 15
    assert Reservation.objects.count() == 16


# --- transfers/ (PT-11) ---------------------------------------------------------------

def test_pt11_transfer_through_the_api_from_request_to_receipt(
        api, staff, store_bj, store_sh, part, shelf, stock_in, clock,
        django_assert_max_num_queries):
    stock_in(store_bj, part, 5, "40.00", shelf)
    sh_shelf = make_location(store_sh, "B-01-1")
    sh = api(staff("parts_clerk", store=store_sh), store_sh)
    bj_clerk = api(staff("parts_clerk", store=store_bj), store_bj)
    bj_manager = api(staff("parts_manager", store=store_bj), store_bj)
    created = sh.post("/api/v1/transfers/", {"from_store": store_bj.pk, "note": "急用",
                                             "lines": [{"part": part.pk, "quantity": "3"}]},
                      format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["status"], row["from_store_code"], row["to_store_code"]) == (
        "requested", "BJ01", "SH01")
    url = f"/api/v1/transfers/{row['id']}"
    assert bj_clerk.post(f"{url}/approve/", {}, format="json").status_code == 403
    early = bj_manager.post(f"{url}/ship/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    assert bj_manager.post(f"{url}/approve/", {}, format="json").json()["status"] == "approved"
    shipped = bj_clerk.post(f"{url}/ship/", {}, format="json", HTTP_IDEMPOTENCY_KEY="ship-1")
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert bj_clerk.post(f"{url}/ship/", {}, format="json",
                         HTTP_IDEMPOTENCY_KEY="ship-1").json() == shipped.json()
    wrong = sh.post(f"{url}/receive/", {"location": shelf.pk}, format="json")
    assert wrong.status_code == 400 and "location" in wrong.json()
    received = sh.post(f"{url}/receive/", {"location": sh_shelf.pk}, format="json")
    assert received.status_code == 200 and received.json()["status"] == "received"
    assert PartStore.objects.get(store=store_sh, part=part).on_hand == 3
    assert PartStore.objects.get(store=store_bj, part=part).on_hand == 2
    assert_ledger_matches(store_bj)
    assert_ledger_matches(store_sh)
    late = sh.post(f"{url}/cancel/", {}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "invalid_transition"
    with django_assert_max_num_queries(12):
        listing = bj_clerk.get("/api/v1/transfers/", {"status": "received"})
    assert listing.json()["count"] == 1


def test_pt11_transfer_refusals_over_the_api(api, staff, store_bj, store_sh, part, shelf,
                                             stock_in, clock):
    stock_in(store_bj, part, 1, "40.00", shelf)
    sh = api(staff("parts_clerk", store=store_sh), store_sh)
    bj_manager = api(staff("parts_manager", store=store_bj), store_bj)
    same = sh.post("/api/v1/transfers/", {"from_store": store_sh.pk,
                                          "lines": [{"part": part.pk, "quantity": "1"}]},
                   format="json")
    assert same.status_code == 400 and "from_store" in same.json()
    foreign = StoreFactory(group=DealerGroupFactory(code="OTHER", name="另一集团"), code="ZZ01")
    other = sh.post("/api/v1/transfers/", {"from_store": foreign.pk,
                                           "lines": [{"part": part.pk, "quantity": "1"}]},
                    format="json")
    assert other.status_code == 400 and "from_store" in other.json()
    empty = sh.post("/api/v1/transfers/", {"from_store": store_bj.pk, "lines": []},
                    format="json")
    assert empty.status_code == 400 and "lines" in empty.json()
    row = sh.post("/api/v1/transfers/", {"from_store": store_bj.pk,
                                         "lines": [{"part": part.pk, "quantity": "2"}]},
                  format="json").json()
    url = f"/api/v1/transfers/{row['id']}"
    bj_manager.post(f"{url}/approve/", {}, format="json")
    short = bj_manager.post(f"{url}/ship/", {}, format="json")
    assert short.status_code == 409 and short.json()["code"] == "insufficient_stock"
    cancelled = sh.post(f"{url}/cancel/", {}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


# --- stocktakes/ (PT-12) --------------------------------------------------------------

def test_pt12_stocktake_through_the_api_counts_a_found_part_and_posts_variances(
        api, staff, clerk, manager, store_bj, part, key_part, group, shelf, shelf2, stock_in,
        clock, django_assert_max_num_queries):
    stock_in(store_bj, part, 10, "40.00", shelf)
    client = api(clerk, store_bj)
    created = client.post("/api/v1/stocktakes/", {"locations": [shelf.pk], "note": "A区月盘"},
                          format="json")
    assert created.status_code == 201, created.json()
    stocktake = created.json()
    assert stocktake["status"] == "counting" and stocktake["line_count"] == 1
    line = stocktake["lines"][0]
    assert (line["location_code"], line["system_quantity"], line["counted_quantity"]) == (
        "A-01-1", "10.000", None)
    url = f"/api/v1/stocktakes/{stocktake['id']}"
    frozen = client.post("/api/v1/stocktakes/", {"locations": [shelf.pk]}, format="json")
    assert frozen.status_code == 409 and frozen.json()["code"] == "location_frozen"
    incomplete = client.post(f"{url}/submit/", {}, format="json")
    assert incomplete.status_code == 409 and incomplete.json()["code"] == "count_incomplete"
    bad = client.post(f"{url}/counts/", {"counts": [{"line": line["id"],
                                                     "counted_quantity": "-1"}]},
                      format="json")
    assert bad.status_code == 400
    unknown = client.post(f"{url}/counts/", {"counts": [{"line": 999999,
                                                         "counted_quantity": "1"}]},
                          format="json")
    assert unknown.status_code == 400 and "counts" in unknown.json()
    counted = client.post(f"{url}/counts/", {"counts": [{"line": line["id"],
                                                         "counted_quantity": "9"}]},
                          format="json")
    assert counted.json()["lines"][0]["variance"] == "-1.000"
    found = client.post(f"{url}/lines/", {"part": key_part.pk, "location": shelf.pk,
                                          "counted_quantity": "2"}, format="json")
    assert found.status_code == 400 and "batch" in found.json()  # a key part needs its batch
    off_sheet = client.post(f"{url}/lines/", {"part": key_part.pk, "location": shelf2.pk,
                                              "counted_quantity": "2", "batch": "B7"},
                            format="json")
    assert off_sheet.status_code == 400 and "location" in off_sheet.json()
    found = client.post(f"{url}/lines/", {"part": key_part.pk, "location": shelf.pk,
                                          "counted_quantity": "2", "batch": "B7"},
                        format="json")
    assert found.status_code == 200, found.json()
    new_line = next(li for li in found.json()["lines"] if li["is_found"])
    assert (new_line["system_quantity"], new_line["counted_quantity"], new_line["variance"],
            new_line["batch"], new_line["lot"], new_line["unit_cost"]) == (
        "0.000", "2.000", "2.000", "B7", None, "320.00")
    submitted = client.post(f"{url}/submit/", {}, format="json")
    assert submitted.json()["status"] == "review"
    assert client.post(f"{url}/approve/", {}, format="json").status_code == 403
    reopened = client.post(f"{url}/reopen/", {}, format="json")
    assert reopened.json()["status"] == "counting"
    client.post(f"{url}/submit/", {}, format="json")
    approved = api(manager, store_bj).post(f"{url}/approve/", {}, format="json",
                                           HTTP_IDEMPOTENCY_KEY="st-approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert PartStore.objects.get(part=part).on_hand == 9
    found_stock = PartStore.objects.get(part=key_part)
    assert (found_stock.on_hand, found_stock.average_cost) == (2, Decimal("320.00"))
    move = StockMove.objects.get(part=key_part)
    assert (move.kind, move.quantity, move.lot.batch) == (MoveKind.ADJUSTMENT,
                                                          Decimal("2.000"), "B7")
    assert_ledger_matches(store_bj)
    again = api(manager, store_bj).post(f"{url}/approve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    for _i in range(5):
        other = stocktake_create(actor=None, store=store_bj, locations=[shelf2])
        api(clerk, store_bj).post(f"/api/v1/stocktakes/{other.pk}/cancel/", {}, format="json")
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/stocktakes/")
    assert listing.json()["count"] == 6 and "lines" not in listing.json()["results"][0]
    assert client.get("/api/v1/stocktakes/", {"status": "cancelled"}).json()["count"] == 5


def test_api_new_resources_are_in_the_openapi_schema(api, manager, store_bj):
    schema = api(manager, store_bj).get("/api/v1/schema/",
                                        HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/suppliers/{id}/", "/api/v1/stock-requests/{id}/issue/",
                 "/api/v1/reservations/{id}/release/", "/api/v1/transfers/{id}/receive/",
                 "/api/v1/stocktakes/{id}/counts/", "/api/v1/stocktakes/{id}/lines/",
                 "/api/v1/nonconformances/{id}/photo/", "/api/v1/locations/{id}/"):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/locations/{id}/"]
    assert StockRequest.objects.count() == 0
