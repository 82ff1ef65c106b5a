"""API for the showroom log (CS-9), test drives (CS-10) and targets (CS-11)."""

import datetime as dt
from decimal import Decimal

import pytest

from siwei.sales.models import SalesTarget

pytestmark = pytest.mark.django_db


def test_cs9_receptionist_logs_visits_through_the_api(team, store_bj, staff, api, catalogue):
    receptionist = staff("receptionist", store=store_bj)
    client = api(receptionist)
    visit = client.post("/api/v1/showroom-visits/", {
        "kind": "walk_in", "party_size": 2, "first_visit": True,
        "visitor_name": "刘先生", "visitor_mobile": "+86 136 1111 2222",
        "consultant_id": team.consultant.pk,
        "models_of_interest": [catalogue["model"].pk]}, format="json")
    assert visit.status_code == 201, visit.content
    body = visit.json()
    assert body["visitor_mobile"] == "13611112222" and body["info_left"] is True
    assert body["consultant"] == team.consultant.pk
    left = client.post(f"/api/v1/showroom-visits/{body['id']}/checkout/", {}, format="json")
    assert left.status_code == 200 and left.json()["time_out"]
    call_with_drive = client.post("/api/v1/showroom-visits/", {
        "kind": "call", "test_drive": True}, format="json")
    assert call_with_drive.status_code == 400 and "test_drive" in call_with_drive.json()
    not_a_consultant = client.post("/api/v1/showroom-visits/", {
        "kind": "walk_in", "consultant_id": team.cashier.pk}, format="json")
    assert not_a_consultant.status_code == 400 and "consultant_id" in not_a_consultant.json()
    assert api(team.cashier).get("/api/v1/showroom-visits/").status_code == 403
    listed = api(team.manager).get("/api/v1/showroom-visits/?kind=walk_in").json()
    assert listed["count"] == 1


def test_cs10_test_drive_clash_is_409_through_the_api(team, store_bj, buyer, stock, api,
                                                      clock):
    customer, lead = buyer
    demo = stock(61, is_demo=True)
    start = clock.now() + dt.timedelta(hours=1)
    payload = {"vehicle": demo.pk, "customer": customer.pk, "lead": lead.pk,
               "licence_number": "110101199001011234", "licence_checked": True,
               "start": start.isoformat(), "end": (start + dt.timedelta(minutes=40)).isoformat(),
               "route": "店—望京—店"}
    client = api(team.consultant)
    first = client.post("/api/v1/test-drives/", payload, format="json")
    assert first.status_code == 201, first.content
    clash = client.post("/api/v1/test-drives/", {
        **payload, "start": (start + dt.timedelta(minutes=20)).isoformat(),
        "end": (start + dt.timedelta(minutes=60)).isoformat()}, format="json")
    assert clash.status_code == 409 and clash.json()["code"] == "vehicle_unavailable"
    not_demo = client.post("/api/v1/test-drives/", {**payload, "vehicle": stock(62).pk},
                           format="json")
    assert not_demo.status_code == 409
    done = client.post(f"/api/v1/test-drives/{first.json()['id']}/finish/",
                       {"feedback": "底盘扎实"}, format="json")
    assert done.status_code == 200 and done.json()["feedback"] == "底盘扎实"


def test_cs11_manager_sets_targets_through_the_api(team, store_bj, api):
    month = "2026-11-01"
    manager = api(team.manager)
    created = manager.post("/api/v1/sales-targets/", {
        "month": month, "consultant": team.consultant.pk, "orders": 6, "deliveries": 5,
        "accessory_revenue": "15000.00"}, format="json")
    assert created.status_code == 201, created.content
    again = manager.post("/api/v1/sales-targets/", {
        "month": month, "consultant": team.consultant.pk, "orders": 8}, format="json")
    assert again.status_code == 201 and again.json()["orders"] == 8
    target = SalesTarget.objects.get(store=store_bj, consultant=team.consultant)
    assert (target.orders, target.deliveries) == (8, 5)
    assert target.accessory_revenue == Decimal("15000.00")
    refused = api(team.consultant).post("/api/v1/sales-targets/", {
        "month": month, "orders": 99}, format="json")
    assert refused.status_code == 403
    assert SalesTarget.objects.count() == 1
