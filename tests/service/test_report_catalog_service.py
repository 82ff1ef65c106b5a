"""FN-7: the appointment KPIs (SV-5), workshop KPIs (SV-10), quality daily report (SV-14)
and warranty claim KPIs (SV-17) in the report catalogue, through the API, against figures
computed by hand; the stores side by side for a group role; 403 without the permission."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from siwei.service.selectors_workshop import person_name
from siwei.service.services.appointments import (
    appointment_arrive,
    appointment_book,
    appointment_mark_no_shows,
)
from siwei.service.services.orders import repair_order_open
from siwei.service.services.workshop import inspection_record, job_assign, job_finish, job_start

from .test_warranty_claims import answered_claims
from .test_workshop_helpers import jobs_of, open_ro
from .test_workshop_reports import pass_both, work

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)
URL = "/api/v1/reports/{}/"


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def test_sv5_appointment_kpis_report_one_store_and_side_by_side(api, crew, car, shifts,
                                                                 staff, store_bj, store_sh,
                                                                 clock):
    """One booking arrives on time, one is a no-show, one car walks in: 2 ROs, 1 from an
    appointment (50 %), show rate 1 / 2, on time 1 / 1."""
    customer, vehicle = car

    def book(start):
        return appointment_book(actor=crew.advisor, store=store_bj, customer=customer,
                                vehicle=vehicle, advisor=crew.advisor, start=start,
                                category="maintenance")

    kept, _missed = book(at(MONDAY, 10)), book(at(MONDAY, 11))
    clock.set(at(MONDAY, 10, 10))
    appointment_arrive(actor=crew.advisor, appointment=kept, mileage=1000)
    clock.set(at(MONDAY, 11, 40))
    assert appointment_mark_no_shows(store=store_bj) == 1
    repair_order_open(actor=crew.advisor, store=store_bj, customer=customer, vehicle=vehicle,
                      category="minor_repair", mileage=1200, promised_at=at(MONDAY, 17),
                      complaints=["漏水"])
    query = {"from": "2026-11-23", "to": "2026-11-23"}
    body = api(crew.manager, store_bj).get(URL.format("appointment-kpis"), query).json()
    figures = {"ros": 2, "from_appointment": 1, "appointment_rate": "50.0", "booked": 2,
               "cancelled": 0, "arrived": 1, "no_show": 1, "show_rate": "50.0",
               "on_time": 1, "on_time_rate": "100.0"}
    assert body["summary"] == figures
    tables = {t["key"]: t for t in body["tables"]}
    assert tables["days"]["rows"] == [{"day": "2026-11-23", **figures}]
    assert tables["advisors"]["rows"] == [{"advisor": person_name(crew.advisor), **figures}]
    admin = staff("group_admin", store=store_bj)
    side = api(admin, store_bj).get(URL.format("appointment-kpis"),
                                    {**query, "store": "all"}).json()
    rows = {row["store"]: row for row in side["tables"][0]["rows"]}
    assert (rows["BJ01"]["ros"], rows["SH01"]["ros"]) == (2, 0)
    assert rows["SH01"]["show_rate"] is None
    assert side["tables"][0]["totals"]["no_show"] == 1


def test_sv10_workshop_kpis_report_per_technician(api, crew, store_bj, car, operations,
                                                  shifts, clock):
    """tech1 does the 0.50 h oil change in 30 minutes; both technicians are on shift for
    9 hours: productivity 0.5 / 9 = 5.6 %, efficiency 0.5 / 0.5 = 100 %."""
    ro = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job_start(actor=crew.tech1, job=job)
    clock.advance(minutes=30)
    job_finish(actor=crew.tech1, job=job)
    body = api(crew.foreman, store_bj).get(URL.format("workshop-kpis"),
                                           {"from": "2026-11-22", "to": "2026-11-22"}).json()
    assert body["summary"] == {"sold": "0.50", "clocked": "0.50", "on_shift": "18.00",
                               "productivity": "2.8", "efficiency": "100.0", "technicians": 2}
    table = body["tables"][0]
    row = next(r for r in table["rows"] if r["technician"] == person_name(crew.tech1))
    assert row == {"technician": person_name(crew.tech1), "sold": "0.50", "clocked": "0.50",
                   "on_shift": "9.00", "productivity": "5.6", "efficiency": "100.0"}
    assert table["totals"]["on_shift"] == "18.00"


def test_sv14_quality_daily_report(api, crew, store_bj, car, operations, shifts, clock):
    """A passes first time; B fails the foreman check, is reworked and passes: 2 inspected,
    1 first-time pass (50 %), 1 failure, counted for the technician who worked on B."""
    a = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    work(crew, a, clock, crew.tech1)
    pass_both(crew, a)
    b = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    work(crew, b, clock, crew.tech1)
    inspection_record(actor=crew.foreman, repair_order=b, level=2, passed=False,
                      findings="刹车异响")
    work(crew, b, clock, crew.tech1, minutes=10)
    pass_both(crew, b)
    body = api(crew.qc, store_bj).get(URL.format("quality-daily"),
                                      {"from": "2026-11-22", "to": "2026-11-22"}).json()
    figures = {"inspected": 2, "first_pass": 1, "ftp_rate": "50.0", "failures": 1,
               "comebacks": 0}
    assert body["summary"] == figures
    tables = {t["key"]: t for t in body["tables"]}
    assert tables["days"]["rows"] == [{"day": "2026-11-22", **figures}]
    assert [(r["findings"], r["n"]) for r in tables["causes"]["rows"]] == [("刹车异响", 1)]
    assert tables["technicians"]["rows"] == [{"technician": person_name(crew.tech1), "n": 1}]


def test_sv17_warranty_claim_report(api, car, crew, staff, store_bj, clock):
    """Three claims answered: two approved (one for 1,000), one rejected (66.7 %); one paid
    20 days after its submission; 1,000 approved and not yet paid."""
    clerk = staff("warranty_clerk", store=store_bj)
    _customer, vehicle = car
    answered_claims(vehicle, crew, clerk, clock)
    body = api(clerk, store_bj).get(URL.format("warranty-claims"),
                                    {"from": "2026-11-01", "to": "2026-12-31"}).json()
    assert body["summary"] == {"approved": 2, "rejected": 1, "approval_rate": "66.7",
                               "paid": 1, "days_to_payment": "20.0",
                               "receivable": "1000.00", "submitted": "0.00"}
    assert [row["value"] for row in body["tables"][0]["rows"]] == [
        2, 1, "66.7", 1, "20.0", "1000.00", "0.00"]


@pytest.mark.parametrize("key", ["appointment-kpis", "workshop-kpis", "quality-daily",
                                 "warranty-claims"])
def test_fn7_service_reports_side_by_side_and_permission(api, client, staff, store_bj,
                                                         store_sh, key):
    admin = staff("group_admin", store=store_bj)
    client.force_login(admin)
    for store in ("BJ01", "all"):  # the catalogue's page: tables and charts
        page = client.get(f"/reports/view/{key}/", {"store": store})
        assert page.status_code == 200 and "data-chart=" in page.content.decode()
    side = api(admin, store_bj).get(URL.format(key), {"store": "all"})
    assert side.status_code == 200
    assert [row["store"] for row in side.json()["tables"][0]["rows"]] == ["BJ01", "SH01"]
    outsider = staff("sales_consultant", store=store_bj)
    assert api(outsider, store_bj).get(URL.format(key)).status_code == 403
