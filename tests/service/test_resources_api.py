"""api.md "everything a user can do on a page can be done through the API": technician
shifts (SV-3), the store calendar (SV-2), equipment with calibration and the maintenance
log, tool loans (SV-20), maintenance plans and vehicles due (SV-18), the knowledge base
written and approved (SV-19), pausing and resuming a job (SV-10) — 200/201, 400 naming the
field, 403 for a role or store without the permission, 409 with the rule's code."""

import datetime as dt

import pytest

from siwei.service.models import (
    Calibration,
    EquipmentKind,
    EquipmentLog,
    JobStatus,
    KnowledgeStatus,
    StoreCalendarDay,
    TechnicianShift,
    ToolLoan,
)
from siwei.service.services.equipment import equipment_create
from siwei.service.services.workshop import job_assign, job_start

from .test_workshop_helpers import jobs_of, open_ro

pytestmark = pytest.mark.django_db


def test_sv3_technician_shifts_api(api, crew, store_bj, store_sh, staff, clock):
    foreman = api(crew.foreman, store_bj)
    day = "2026-11-24"
    created = foreman.post("/api/v1/technician-shifts/", {
        "technician": crew.tech1.pk, "day": day, "start": "08:30", "end": "17:30"},
        format="json")
    assert created.status_code == 201, created.content
    again = foreman.post("/api/v1/technician-shifts/", {
        "technician": crew.tech1.pk, "day": day, "start": "09:00", "end": "18:00"},
        format="json")
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    assert TechnicianShift.objects.get().start == dt.time(9, 0)
    listed = foreman.get("/api/v1/technician-shifts/?from=2026-11-24&to=2026-11-24").json()
    assert listed["count"] == 1 and listed["results"][0]["technician"] == crew.tech1.pk
    bad = foreman.post("/api/v1/technician-shifts/", {
        "technician": crew.tech1.pk, "day": day, "start": "17:00", "end": "08:00"},
        format="json")
    assert bad.status_code == 400 and "end" in bad.json()
    not_tech = foreman.post("/api/v1/technician-shifts/", {
        "technician": crew.advisor.pk, "day": day, "start": "08:00", "end": "17:00"},
        format="json")
    assert not_tech.status_code == 400 and "technician" in not_tech.json()
    assert api(crew.advisor, store_bj).post("/api/v1/technician-shifts/", {
        "technician": crew.tech1.pk, "day": day, "start": "08:00", "end": "17:00"},
        format="json").status_code == 403
    other = staff("foreman", store=store_sh)
    assert api(other, store_sh).get("/api/v1/technician-shifts/").json()["count"] == 0
    assert api(other, store_bj).get("/api/v1/technician-shifts/").status_code == 403
    assert foreman.delete(f"/api/v1/technician-shifts/{created.json()['id']}/"
                          ).status_code == 204
    assert not TechnicianShift.objects.exists()


def test_sv2_calendar_days_api(api, crew, store_bj):
    manager = api(crew.manager, store_bj)
    response = manager.post("/api/v1/calendar-days/", {"day": "2026-12-05",
                                                       "is_working": False, "note": "盘点"},
                            format="json")
    assert response.status_code == 201 and response.json()["is_working"] is False
    response = manager.post("/api/v1/calendar-days/", {"day": "2026-12-05",
                                                       "is_working": True}, format="json")
    assert response.status_code == 201
    assert StoreCalendarDay.objects.get().is_working is True
    assert manager.post("/api/v1/calendar-days/", {"day": "2026-13-01", "is_working": True},
                        format="json").json().keys() == {"day"}
    assert api(crew.advisor, store_bj).post("/api/v1/calendar-days/", {
        "day": "2026-12-06", "is_working": False}, format="json").status_code == 403
    listed = manager.get("/api/v1/calendar-days/?from=2026-12-01").json()
    assert listed["count"] == 1
    assert manager.delete(f"/api/v1/calendar-days/{listed['results'][0]['id']}/"
                          ).status_code == 204
    assert not StoreCalendarDay.objects.exists()


def test_sv20_equipment_api_create_calibrate_log(api, crew, store_bj, clock):
    manager = api(crew.manager, store_bj)
    response = manager.post("/api/v1/equipment/", {
        "asset_number": "JL-001", "name": "轮胎气压表", "kind": "instrument",
        "calibration_cycle_days": 180, "responsible": crew.qc.pk}, format="json")
    assert response.status_code == 201, response.content
    gauge = response.json()
    assert gauge["calibration_state"] == "red"  # never calibrated
    duplicate = manager.post("/api/v1/equipment/", {"asset_number": "JL-001", "name": "x",
                                                   "kind": "equipment"}, format="json")
    assert duplicate.status_code == 400 and "asset_number" in duplicate.json()
    no_cycle = manager.post("/api/v1/equipment/", {"asset_number": "JL-002", "name": "卡尺",
                                                  "kind": "instrument"}, format="json")
    assert no_cycle.status_code == 400 and "calibration_cycle_days" in no_cycle.json()
    qc = api(crew.qc, store_bj)
    url = f"/api/v1/equipment/{gauge['id']}/"
    calibrated = qc.post(url + "calibrate/", {"day": "2026-11-20", "agency": "北京市计量院",
                                             "certificate": "JD-1"}, format="json")
    assert calibrated.status_code == 200, calibrated.content
    assert calibrated.json()["next_calibration"] == "2027-05-19"
    assert calibrated.json()["calibration_state"] == "green"
    future = qc.post(url + "calibrate/", {"day": "2026-12-01"}, format="json")
    assert future.status_code == 400 and "day" in future.json()
    assert Calibration.objects.count() == 1
    lift = manager.post("/api/v1/equipment/", {"asset_number": "SB-01", "name": "举升机",
                                              "kind": "equipment"}, format="json").json()
    refused = qc.post(f"/api/v1/equipment/{lift['id']}/calibrate/", {"day": "2026-11-20"},
                      format="json")
    assert refused.status_code == 400 and "instrument" in refused.json()
    assert api(crew.advisor, store_bj).post(url + "calibrate/", {"day": "2026-11-20"},
                                            format="json").status_code == 403
    logged = api(crew.tech1, store_bj).post(f"/api/v1/equipment/{lift['id']}/log/", {
        "kind": "daily", "in_order": False}, format="json")
    assert logged.status_code == 400 and "notes" in logged.json()
    logged = api(crew.tech1, store_bj).post(f"/api/v1/equipment/{lift['id']}/log/", {
        "kind": "daily", "in_order": False, "notes": "液压油渗漏"}, format="json")
    assert logged.status_code == 200 and EquipmentLog.objects.count() == 1
    changed = manager.patch(url, {"location": "质检区"}, format="json")
    assert changed.status_code == 200 and changed.json()["location"] == "质检区"
    assert api(crew.tech1, store_bj).patch(url, {"location": "x"},
                                           format="json").status_code == 403


def test_sv20_tool_loans_api(api, crew, store_bj, staff, store_sh, clock):
    tool = equipment_create(actor=crew.manager, store=store_bj, asset_number="ZY-T10172",
                            name="凸轮轴固定工具 T10172", kind=EquipmentKind.SPECIAL_TOOL)
    foreman = api(crew.foreman, store_bj)
    lent = foreman.post("/api/v1/tool-loans/", {"tool": tool.pk, "borrower": crew.tech1.pk},
                        format="json")
    assert lent.status_code == 201, lent.content
    assert lent.json()["due_at"].startswith("2026-11-22T18:00")
    again = foreman.post("/api/v1/tool-loans/", {"tool": tool.pk, "borrower": crew.tech2.pk},
                         format="json")
    assert again.status_code == 409 and again.json()["code"] == "tool_unavailable"
    missing = foreman.post("/api/v1/tool-loans/", {"tool": tool.pk}, format="json")
    assert missing.status_code == 400 and "borrower" in missing.json()
    assert api(crew.tech1, store_bj).post("/api/v1/tool-loans/", {
        "tool": tool.pk, "borrower": crew.tech1.pk}, format="json").status_code == 403
    clock.set(dt.datetime(2026, 11, 22, 19, 0, tzinfo=clock.now().tzinfo))
    overdue = foreman.get("/api/v1/tool-loans/?overdue=true").json()
    assert overdue["count"] == 1 and overdue["results"][0]["overdue"] is True
    url = f"/api/v1/tool-loans/{lent.json()['id']}/return/"
    back = foreman.post(url)
    assert back.status_code == 200 and back.json()["returned_at"]
    assert foreman.post(url).json()["code"] == "invalid_transition"
    assert ToolLoan.objects.get().returned_to == crew.foreman
    assert api(staff("foreman", store=store_sh), store_sh).get(
        "/api/v1/tool-loans/").json()["count"] == 0


def test_sv18_maintenance_plans_and_due_api(api, crew, car, store_bj, staff):
    from siwei.service.models import MaintenancePlan

    _customer, vehicle = car
    MaintenancePlan.objects.create(group=store_bj.group, model=None)
    vehicle.next_maintenance_date = dt.date(2026, 12, 10)
    vehicle.save(update_fields=["next_maintenance_date"])
    client = api(crew.advisor, store_bj)
    plans = client.get("/api/v1/maintenance-plans/").json()
    assert plans["count"] == 1 and plans["results"][0]["first_km"] == 5000
    due = client.get("/api/v1/maintenance-due/?days=30").json()
    assert [v["vehicle"] for v in due["results"]] == [vehicle.pk]
    assert client.get("/api/v1/maintenance-due/?days=7").json()["count"] == 0
    assert api(crew.tech1, store_bj).get("/api/v1/maintenance-due/").status_code == 403


def test_sv19_knowledge_entries_written_corrected_and_approved(api, crew, store_bj):
    tech = api(crew.tech1, store_bj)
    body = {"title": "冷车怠速抖动", "symptom": "冷车启动后怠速抖动", "cause": "节气门积碳",
            "fix": "清洗节气门并匹配"}
    missing = tech.post("/api/v1/knowledge-entries/", {"title": "x"}, format="json")
    assert missing.status_code == 400 and "symptom" in missing.json()
    created = tech.post("/api/v1/knowledge-entries/", body, format="json")
    assert created.status_code == 201 and created.json()["status"] == KnowledgeStatus.DRAFT
    entry = created.json()["id"]
    assert tech.get("/api/v1/knowledge-entries/").json()["count"] == 0  # not approved yet
    assert tech.patch(f"/api/v1/knowledge-entries/{entry}/", {"parts": "节气门体"},
                      format="json").json()["parts"] == "节气门体"
    assert tech.post(f"/api/v1/knowledge-entries/{entry}/approve/").status_code == 403
    qc = api(crew.qc, store_bj)
    assert qc.get("/api/v1/knowledge-entries/?status=draft").json()["count"] == 1
    approved = qc.post(f"/api/v1/knowledge-entries/{entry}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = qc.post(f"/api/v1/knowledge-entries/{entry}/approve/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert tech.get("/api/v1/knowledge-entries/").json()["count"] == 1


def test_sv10_pause_and_resume_a_job_through_the_api(api, crew, store_bj, car, operations,
                                                     shifts, clock):
    ro = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    tech = api(crew.tech1, store_bj)
    base = f"/api/v1/repair-orders/{ro.pk}/"
    early = tech.post(base + "pause-job/", {"job": job.pk}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    job_start(actor=crew.tech1, job=job)
    clock.advance(minutes=30)
    paused = tech.post(base + "pause-job/", {"job": job.pk}, format="json")
    assert paused.status_code == 200
    assert paused.json()["jobs"][0]["status"] == JobStatus.PAUSED
    assert paused.json()["jobs"][0]["actual_hours"] == "0.50"
    assert tech.post(base + "resume-job/", {}, format="json").json().keys() == {"job"}
    assert api(crew.advisor, store_bj).post(base + "resume-job/", {"job": job.pk},
                                            format="json").status_code == 403
    resumed = tech.post(base + "resume-job/", {"job": job.pk}, format="json")
    assert resumed.status_code == 200
    assert resumed.json()["jobs"][0]["status"] == JobStatus.IN_PROGRESS
