"""CR-10 … CR-12 API: segments/ CRUD and preview, campaigns/ create/schedule/cancel with
results, messages/ log; 400 naming the field, 403 for a role or store, 409 for a state;
list query counts do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest

from siwei.care.models import Campaign, CampaignStatus, Message, Segment
from siwei.care.services.campaigns import campaigns_send_due
from siwei.care.services.messaging import message_queue
from tests.care.test_campaigns_segments import make_customer, make_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff, store_bj):
    return make_desk(staff, store_bj)


@pytest.fixture
def customers(store_bj, clock):
    return [make_customer(store_bj, name, mobile, tags=tags) for name, mobile, tags in (
        ("王芳", "13912345678", "车友会"), ("李强", "13687654321", "车友会"),
        ("赵敏", "13711112222", ""))]


def test_cr10_api_segments_crud_customers_and_preview(api, desk, customers, store_bj):
    client = api(desk.agent, store_bj)
    created = client.post("/api/v1/segments/", {"name": "车友会", "filters": {"tags": "车友会"}},
                          format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    listed = client.get(f"/api/v1/segments/{pk}/customers/").json()
    assert listed["count"] == 2
    assert {c["name"] for c in listed["results"]} == {"王芳", "李强"}
    assert {c["mobile"] for c in listed["results"]} == {"13912345678", "13687654321"}
    preview = client.post("/api/v1/segments/preview/", {"filters": {}}, format="json").json()
    assert preview["count"] == 3 and len(preview["customers"]) == 3
    bad = client.post("/api/v1/segments/preview/", {"filters": {"colour": "red"}},
                      format="json")
    assert bad.status_code == 400 and "filters" in bad.json()
    bad = client.patch(f"/api/v1/segments/{pk}/", {"filters": {"age_min": -1}}, format="json")
    assert bad.status_code == 400 and "filters" in bad.json()
    assert client.patch(f"/api/v1/segments/{pk}/", {"name": "车友"},
                        format="json").json()["name"] == "车友"
    assert client.delete(f"/api/v1/segments/{pk}/").status_code == 204
    assert not Segment.objects.exists()


def test_cr11_api_campaign_lifecycle_400_403_409(api, desk, staff, customers, store_bj,
                                                 store_sh, clock):
    client = api(desk.agent, store_bj)
    segment = client.post("/api/v1/segments/", {"name": "车友会", "filters": {"tags": "车友会"}},
                          format="json").json()["id"]
    body = {"name": "冬季保养", "segment": segment, "channel": "sms",
            "template": "{name}您好，{coupon}", "send_at": "2026-11-22T11:00:00+08:00"}
    refused = client.post("/api/v1/campaigns/", body, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["template"]
    other_store = staff("customer_service", store=store_sh)
    foreign = api(other_store, store_sh).post("/api/v1/segments/", {"name": "沪", "filters": {}},
                                              format="json").json()["id"]
    assert client.post("/api/v1/campaigns/", {**body, "template": "{name}", "segment": foreign},
                       format="json").status_code == 400
    created = client.post("/api/v1/campaigns/", {**body, "template": "{name}您好，冬季保养八折"},
                          format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["results"]["recipients"] == 0
    manager = api(staff("sales_manager", store=store_bj), store_bj)
    assert manager.get(f"/api/v1/campaigns/{pk}/").status_code == 200
    assert manager.post(f"/api/v1/campaigns/{pk}/schedule/").status_code == 403
    assert api(other_store, store_sh).get(f"/api/v1/campaigns/{pk}/").status_code == 404
    assert api(desk.agent, store_sh).get("/api/v1/campaigns/").status_code == 403
    scheduled = client.post(f"/api/v1/campaigns/{pk}/schedule/")
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    assert client.patch(f"/api/v1/campaigns/{pk}/", {"name": "x"},
                        format="json").status_code == 409
    clock.advance(hours=2)
    campaigns_send_due()
    result = client.get(f"/api/v1/campaigns/{pk}/").json()
    assert result["status"] == "sent" and result["results"]["queued"] == 2
    conflict = client.post(f"/api/v1/campaigns/{pk}/cancel/")
    assert conflict.status_code == 409 and conflict.json()["code"] == "invalid_transition"
    assert Campaign.objects.get(pk=pk).status == CampaignStatus.SENT


def test_cr12_api_messages_log_filters_masking_and_query_count(api, desk, customers, store_bj,
                                                               django_assert_max_num_queries,
                                                               clock):
    from django.contrib.auth.models import Permission

    from siwei.core.models import Role, StoreRolePermission
    from siwei.core.permissions import forget_cached_permissions

    for customer in customers:
        message_queue(store=store_bj, customer=customer, channel="sms", body="提醒")
    client = api(desk.agent, store_bj)
    with django_assert_max_num_queries(12):
        listed = client.get("/api/v1/messages/").json()
    assert listed["count"] == 3
    for customer in customers * 5:
        message_queue(store=store_bj, customer=customer, channel="sms", body="提醒")
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/messages/").json()["count"] == 18
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/campaigns/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/segments/").status_code == 200
    mine = client.get("/api/v1/messages/", {"customer": customers[0].pk}).json()
    assert mine["count"] == 6 and mine["results"][0]["to"] == "13912345678"
    assert client.get("/api/v1/messages/", {"status": "sent"}).json()["count"] == 0
    StoreRolePermission.objects.create(
        store=store_bj, role=Role.objects.get(code="customer_service"), granted=False,
        permission=Permission.objects.get(codename="view_personal_data"))
    forget_cached_permissions(desk.agent)
    masked = client.get("/api/v1/messages/", {"customer": customers[0].pk}).json()
    assert masked["results"][0]["to"] == "139****5678"
    assert client.post("/api/v1/messages/", {}).status_code == 405


def test_cr12_api_and_pages_need_their_permissions(api, client, staff, store_bj):
    technician = staff("technician", store=store_bj)
    for url in ("/api/v1/segments/", "/api/v1/campaigns/", "/api/v1/messages/"):
        assert api(technician, store_bj).get(url).status_code == 403
    client.force_login(technician)
    from django.urls import reverse

    for name in ("care:campaigns", "care:messages", "care:campaign-new"):
        assert client.get(reverse(name)).status_code == 403


def test_cr12_inbound_endpoint_needs_the_shared_secret(client, settings, store_bj, clock):
    customer = make_customer(store_bj, "王芳", "13912345678")
    url = "/care/messages/inbound/sms/"
    payload = '[{"phone_number": "+86 139 1234 5678", "content": "退订", "send_time": "x"}]'
    settings.SIWEI_MESSAGING = {"BACKEND": "sms", "INBOUND_SECRET": ""}
    assert client.post(url, payload, content_type="application/json",
                       HTTP_X_SIWEI_INBOUND_SECRET="").status_code == 403
    settings.SIWEI_MESSAGING = {"BACKEND": "sms", "INBOUND_SECRET": "s3cret"}
    assert client.post(url, payload, content_type="application/json",
                       HTTP_X_SIWEI_INBOUND_SECRET="wrong").status_code == 403
    assert client.post("/care/messages/inbound/carrier-pigeon/", payload,
                       content_type="application/json",
                       HTTP_X_SIWEI_INBOUND_SECRET="s3cret").status_code == 404
    assert client.post(url, "not json", content_type="application/json",
                       HTTP_X_SIWEI_INBOUND_SECRET="s3cret").status_code == 400
    done = client.post(url + "?store=BJ01", payload, content_type="application/json",
                       HTTP_X_SIWEI_INBOUND_SECRET="s3cret")
    assert done.status_code == 200 and done.json() == {"received": 1, "opted_out": 1}
    customer.refresh_from_db()
    assert customer.consent_sms is False and customer.consent_sms_at == clock.now()
    webhook = client.post("/care/messages/inbound/webhook/",
                          '{"from": "13912345678", "body": "好的，谢谢"}',
                          content_type="application/json", HTTP_X_SIWEI_INBOUND_SECRET="s3cret")
    assert webhook.json() == {"received": 1, "opted_out": 0}
    assert Message.objects.count() == 0


def test_cr11_campaign_send_time_in_the_api_is_iso_with_offset(api, desk, customers, store_bj,
                                                              clock):
    client = api(desk.agent, store_bj)
    segment = client.post("/api/v1/segments/", {"name": "全部", "filters": {}},
                          format="json").json()["id"]
    created = client.post("/api/v1/campaigns/", {
        "name": "周年庆", "segment": segment, "template": "{name}，周年庆到店有礼",
        "send_at": (clock.now() + dt.timedelta(days=7)).isoformat()}, format="json").json()
    assert created["send_at"].endswith("+08:00") and created["channel"] == "sms"
