"""appointments/ over the API (api.md): create, list by day, slots, confirm, arrive,
cancel, reschedule and the 409 bodies."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from siwei.service.models import Appointment

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/appointments/"


@pytest.fixture
def client(api, crew, store_bj):
    return api(crew.advisor, store_bj)


@pytest.fixture
def body(crew, car):
    customer, vehicle = car
    return {"customer": customer.pk, "vehicle": vehicle.pk, "advisor": crew.advisor.pk,
            "start": "2026-11-23T10:00:00+08:00", "category": "maintenance",
            "description": "保养，右前轮异响"}


def test_sv1_api_books_with_number_status_and_hours(client, body, shifts, operations,
                                                   stocked_part):
    body.update(operations=[operations["oil"].pk], channel="online",
                parts=[{"part": stocked_part.pk, "quantity": "1"}])
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("AP-BJ01-") and data["status"] == "booked"
    assert data["estimated_hours"] == "0.50" and data["channel"] == "online"
    assert data["start"] == "2026-11-23T10:00:00+08:00"
    assert data["repair_order"] is None and "parts" not in data


def test_sv2_api_slots_list_free_times_with_offset(client, crew, shifts, store_bj, body):
    client.post(URL, body, format="json")
    response = client.get(f"{URL}slots/", {"date": "2026-11-23", "advisor": crew.advisor.pk})
    assert response.status_code == 200
    times = response.json()
    assert times[:3] == ["2026-11-23T08:30:00+08:00", "2026-11-23T08:45:00+08:00",
                         "2026-11-23T09:00:00+08:00"]
    assert "2026-11-23T09:15:00+08:00" not in times  # buffer
    assert "2026-11-23T10:00:00+08:00" not in times  # taken
    assert client.get(f"{URL}slots/", {"date": "bad"}).status_code == 400
    assert client.get(f"{URL}slots/", {"date": "2026-11-23", "hours": "20"}).json() == []


def test_sv2_api_taken_slot_is_409_slot_unavailable(client, body, shifts):
    assert client.post(URL, body, format="json").status_code == 201
    response = client.post(URL, body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "slot_unavailable"


def test_sv3_api_capacity_full_carries_next_days(client, body, shifts):
    body["estimated_hours"] = "10.00"
    assert client.post(URL, body, format="json").status_code == 201
    body.update(start="2026-11-23T11:00:00+08:00", estimated_hours="1.00")
    response = client.post(URL, body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_full"
    assert response.json()["next_days"] == ["2026-11-24", "2026-11-25", "2026-11-26"]


def test_sv1_api_bad_input_is_400(client, body, shifts, crew):
    body["advisor"] = crew.tech1.pk
    assert client.post(URL, body, format="json").status_code == 400
    body["advisor"] = crew.advisor.pk
    body["start"] = "2026-11-23T10:07:00+08:00"
    response = client.post(URL, body, format="json")
    assert response.status_code == 400 and "start" in response.json()


def test_sv4_api_list_by_date_and_actions(client, body, shifts, crew, clock):
    created = client.post(URL, body, format="json").json()
    body["start"] = "2026-11-24T10:00:00+08:00"
    client.post(URL, body, format="json")
    listed = client.get(URL, {"date": "2026-11-23", "advisor": crew.advisor.pk,
                              "status": "booked"}).json()
    assert [r["id"] for r in listed["results"]] == [created["id"]]
    detail = f"{URL}{created['id']}/"
    confirmed = client.post(f"{detail}confirm/", {}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    again = client.post(f"{detail}confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    clock.set(dt.datetime(2026, 11, 23, 9, 55, tzinfo=TZ))
    assert client.post(f"{detail}arrive/", {}, format="json").status_code == 400
    arrived = client.post(f"{detail}arrive/", {"mileage": 15000,
                                               "complaints": ["右前轮异响"]}, format="json")
    assert arrived.status_code == 200, arrived.content
    assert arrived.json()["status"] == "arrived"
    from siwei.service.models import RepairOrder

    ro = RepairOrder.objects.get(pk=arrived.json()["repair_order"])
    assert ro.appointment_id == created["id"] and ro.mileage == 15000


def test_sv4_api_cancel_and_reschedule(client, body, shifts, crew, staff, store_bj):
    first = client.post(URL, body, format="json").json()
    other = staff("service_advisor", store=store_bj)
    moved = client.post(f"{URL}{first['id']}/reschedule/",
                        {"start": "2026-11-25T10:00:00+08:00", "advisor": other.pk},
                        format="json")
    assert moved.status_code == 201, moved.content
    new = moved.json()
    assert new["rescheduled_from"] == first["id"] and new["advisor"] == other.pk
    old = client.get(f"{URL}{first['id']}/").json()
    assert old["status"] == "rescheduled" and old["rescheduled_to"] == new["id"]
    assert client.post(f"{URL}{new['id']}/cancel/", {}, format="json").status_code == 400
    cancelled = client.post(f"{URL}{new['id']}/cancel/", {"reason": "客户出差"},
                            format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "客户出差"


def test_sv1_api_permissions_and_store_scope(api, crew, body, shifts, store_sh, staff):
    assert api().post(URL, body, format="json").status_code == 401
    tech = api(crew.tech1)
    assert tech.post(URL, body, format="json").status_code == 403
    assert tech.get(URL).status_code == 200  # technicians may see the bookings
    sh_advisor = staff("service_advisor", store=store_sh)
    response = api(sh_advisor, store_sh).post(URL, body, format="json")
    assert response.status_code == 400  # BJ01's customer and advisor are unknown in SH01
    assert not Appointment.objects.exists()
