"""SV-17 … SV-20 pages and the warranty-claims/ API: store-scoped, permission-checked,
one button = one service call, Excel downloads."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from siwei.core.exports import XLSX_CONTENT_TYPE
from siwei.service.models import (
    ClaimStatus,
    Equipment,
    EquipmentKind,
    KnowledgeEntry,
    KnowledgeStatus,
    WarrantyClaim,
)
from siwei.service.services.equipment import calibration_record, equipment_create, tool_lend
from siwei.service.services.knowledge import knowledge_approve, knowledge_create
from siwei.service.services.warranty import claim_create_from_repair_order
from tests.service.test_warranty_claims import make_ro

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(staff, store_bj):
    return staff("warranty_clerk", store=store_bj)


@pytest.fixture
def ro(car, crew):
    return make_ro(car[1], crew.advisor)


def login(client, user):
    client.force_login(user)
    return client


def test_sv17_clerk_creates_and_submits_a_claim_on_the_pages(client, clerk, ro):
    login(client, clerk)
    page = client.get(reverse("service:warranty-claims"))
    assert page.status_code == 200 and ro.number in page.content.decode()
    response = client.post(reverse("service:warranty-claim-new", args=[ro.pk]))
    claim = WarrantyClaim.objects.get()
    assert response.url == reverse("service:warranty-claim", args=[claim.pk])
    url = reverse("service:warranty-claim-action", args=[claim.pk])
    client.post(url, {"action": "submit"})  # refused: no failure code → message
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    client.post(url, {"action": "update", "complaint": "冷车怠速抖动", "cause": "节气门积碳",
                      "correction": "更换节气门体", "failure_code": "0300-B1",
                      "causal_part": claim.causal_part_id})
    client.post(url, {"action": "submit"})
    client.post(url, {"action": "approve", "amount": "1500.00"})
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == (ClaimStatus.APPROVED, Decimal("1500.00"))
    detail = client.get(reverse("service:warranty-claim", args=[claim.pk]))
    assert claim.number in detail.content.decode()
    xlsx = client.get(reverse("service:warranty-claims") + "?format=xlsx")
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE


def test_sv17_failed_parts_shelf(client, clerk, ro):
    claim = claim_create_from_repair_order(actor=clerk, repair_order=ro)
    login(client, clerk)
    page = client.get(reverse("service:warranty-failed-parts"))
    assert claim.number in page.content.decode()
    tag = claim.failed_parts.get()
    client.post(reverse("service:warranty-failed-part-dispose", args=[tag.pk]),
                {"action": "scrap"})
    tag.refresh_from_db()
    assert tag.status == "kept"  # the claim is still a draft
    assert client.get(reverse("service:warranty-failed-parts") + "?format=xlsx")[
        "Content-Type"] == XLSX_CONTENT_TYPE


def test_sv17_pages_need_the_permission_and_stay_in_the_store(client, crew, clerk, ro, staff,
                                                             store_sh):
    claim = claim_create_from_repair_order(actor=clerk, repair_order=ro)
    login(client, crew.tech1)
    assert client.get(reverse("service:warranty-claims")).status_code == 403
    other = staff("warranty_clerk", store=store_sh)
    login(client, other)
    assert client.get(reverse("service:warranty-claim", args=[claim.pk])).status_code == 404


def test_sv17_api_claim_lifecycle(api, clerk, ro, store_bj):
    client = api(clerk, store_bj)
    response = client.post("/api/v1/warranty-claims/", {"repair_order": ro.pk}, format="json")
    assert response.status_code == 201, response.content
    claim_id = response.json()["id"]
    assert response.json()["amount"] == "1550.00" and len(response.json()["lines"]) == 2
    again = client.post("/api/v1/warranty-claims/", {"repair_order": ro.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "claim_exists"
    base = f"/api/v1/warranty-claims/{claim_id}/"
    assert client.post(base + "submit/").status_code == 400  # failure code missing
    assert client.patch(base, {"failure_code": "0300-B1"}, format="json").status_code == 200
    assert client.post(base + "submit/").json()["status"] == "submitted"
    rejected = client.post(base + "reject/", {"reason": "照片不清晰"}, format="json").json()
    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected", "照片不清晰")
    assert client.post(base + "mark-paid/").json()["code"] == "invalid_transition"
    assert client.post(base + "resubmit/").json()["submissions"] == 2
    approved = client.post(base + "approve/", {"amount": "1200.00"}, format="json").json()
    assert approved["approved_amount"] == "1200.00"
    assert client.post(base + "mark-paid/").json()["status"] == "paid"
    tags = client.get("/api/v1/failed-parts/").json()["results"]
    dispose = client.post(f"/api/v1/failed-parts/{tags[0]['id']}/dispose/",
                          {"action": "return", "reference": "SF001"}, format="json")
    assert dispose.json()["status"] == "returned"


def test_sv17_api_refuses_out_of_warranty_with_409(api, clerk, ro, store_bj):
    ro.vehicle.warranty_end = dt.date(2026, 1, 1)
    ro.vehicle.save()
    response = api(clerk, store_bj).post("/api/v1/warranty-claims/", {"repair_order": ro.pk},
                                         format="json")
    assert response.status_code == 409 and response.json()["code"] == "warranty_expired"


def test_sv17_api_permissions(api, crew, ro, store_bj):
    assert api(crew.tech1, store_bj).get("/api/v1/warranty-claims/").status_code == 403
    response = api(crew.advisor, store_bj).post("/api/v1/warranty-claims/",
                                                {"repair_order": ro.pk}, format="json")
    assert response.status_code == 403


def test_sv19_knowledge_pages_write_approve_search(client, crew, store_bj, store_sh, staff,
                                                  car):
    model = car[1].model
    login(client, crew.tech1)
    response = client.post(reverse("service:knowledge-new"), {
        "title": "空调出风有异味", "symptom": "开空调后出风口有霉味", "diagnosis": "拆检蒸发箱",
        "cause": "蒸发箱表面霉菌滋生", "fix": "清洗蒸发箱并更换空调滤芯", "parts": "空调滤芯",
        "vehicle_models": [model.pk]})
    assert response.status_code == 302
    entry = KnowledgeEntry.objects.get()
    assert entry.status == KnowledgeStatus.DRAFT
    assert client.post(reverse("service:knowledge-approve", args=[entry.pk])).status_code == 403
    login(client, crew.qc)
    assert "空调出风有异味" in client.get(reverse("service:knowledge")).content.decode()
    client.post(reverse("service:knowledge-approve", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == KnowledgeStatus.APPROVED
    login(client, staff("technician", store=store_sh))
    found = client.get(reverse("service:knowledge") + "?q=异味")
    assert "空调出风有异味" in found.content.decode()
    suggestions = client.get(reverse("service:knowledge-suggest"),
                             {"model": model.pk, "text": "空调有异味"})
    assert "空调出风有异味" in suggestions.content.decode()


def test_sv19_api_knowledge_suggest(api, crew, store_bj, car):
    model = car[1].model
    entry = knowledge_create(actor=crew.tech1, store=store_bj, vehicle_models=[model],
                             title="怠速抖动", symptom="冷车怠速抖动", cause="节气门积碳",
                             fix="清洗节气门")
    knowledge_approve(actor=crew.qc, store=store_bj, entry=entry)
    client = api(crew.advisor, store_bj)
    assert client.get("/api/v1/knowledge-entries/?q=积碳").json()["count"] == 1
    found = client.get(f"/api/v1/knowledge-entries/suggest/?model={model.pk}&text=怠速抖动")
    assert found.json()[0]["entry"]["id"] == entry.pk and found.json()[0]["model_match"]


def test_sv20_equipment_pages(client, crew, store_bj, clock):
    gauge = equipment_create(actor=crew.manager, store=store_bj, asset_number="JL-009",
                             name="尾气分析仪", kind=EquipmentKind.INSTRUMENT,
                             calibration_cycle_days=365)
    calibration_record(actor=crew.manager, instrument=gauge,
                       day=clock.today() - dt.timedelta(days=370))
    tool = equipment_create(actor=crew.manager, store=store_bj, asset_number="ZY-01",
                            name="正时专用工具", kind=EquipmentKind.SPECIAL_TOOL)
    login(client, crew.manager)
    page = client.get(reverse("service:equipment")).content.decode()
    assert 'data-calibration="red"' in page and "JL-009" in page
    response = client.post(reverse("service:equipment-new"), {
        "asset_number": "SB-02", "name": "四轮定位仪", "kind": "equipment", "location": "工位5"})
    assert response.status_code == 302
    lift = Equipment.objects.get(store=store_bj, asset_number="SB-02")
    client.post(reverse("service:equipment-log", args=[lift.pk]),
                {"kind": "daily", "day": clock.today().isoformat(), "in_order": "on"})
    assert lift.logs.count() == 1
    client.post(reverse("service:equipment-calibrate", args=[gauge.pk]),
                {"day": clock.today().isoformat(), "passed": "on", "agency": "计量院"})
    gauge.refresh_from_db()
    assert gauge.next_calibration == clock.today() + dt.timedelta(days=365)
    client.post(reverse("service:tool-loans"), {"tool": tool.pk, "borrower": crew.tech1.pk})
    loan = tool.loans.get()
    clock.advance(hours=12)
    assert "table-danger" in client.get(reverse("service:tool-loans")).content.decode()
    client.post(reverse("service:tool-return", args=[loan.pk]))
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert client.get(reverse("service:equipment") + "?format=xlsx")[
        "Content-Type"] == XLSX_CONTENT_TYPE
    login(client, crew.tech1)
    assert client.get(reverse("service:equipment-new")).status_code == 403
    assert client.get(reverse("service:equipment-detail", args=[gauge.pk])).status_code == 200
    tool_lend(actor=crew.foreman, tool=tool, borrower=crew.tech2)
    assert client.post(reverse("service:tool-return",
                               args=[tool.loans.filter(returned_at=None).get().pk])
                       ).status_code == 403


def test_sv18_maintenance_due_page(client, crew, car):
    from siwei.service.services.maintenance import maintenance_due_refresh

    maintenance_due_refresh(vehicle=car[1])
    login(client, crew.advisor)
    page = client.get(reverse("service:maintenance-due"))
    assert car[1].plate in page.content.decode()
    assert client.get(reverse("service:maintenance-due") + "?format=xlsx")[
        "Content-Type"] == XLSX_CONTENT_TYPE


@pytest.mark.parametrize("role", ["warranty_clerk", "service_manager", "qc_inspector",
                                  "foreman", "technician", "service_advisor"])
def test_sv17_home_cards_and_menu_render(client, staff, store_bj, role):
    login(client, staff(role, store=store_bj))
    assert client.get(reverse("home")).status_code == 200
