"""CR-6, CR-7, CR-9 through the API: feedback/ create, read, filters and actions."""

import datetime as dt

import pytest

from siwei.care.services.feedback import feedback_escalate_due

from .feedback_support import *  # noqa: F403 - the fixtures
from .feedback_support import complaint

pytestmark = pytest.mark.django_db
URL = "/api/v1/feedback/"


def test_cr6_api_create_and_read(team, store_bj, customer, clock, api, no_suggestion):
    client = api(team.cs, store_bj)
    response = client.post(URL, {
        "channel": "phone", "customer": customer.pk, "kind": "complaint",
        "category": "service_quality", "subject": "保养后发动机故障灯亮",
        "content": "昨天刚做完保养，今天早上发动机故障灯就亮了。", "severity": "high",
        "received_at": "2026-11-22T08:00:00+08:00"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("FB-BJ01-") and body["status"] == "received"
    assert body["acknowledge_due_at"].startswith("2026-11-23T08:00")
    assert body["resolve_due_at"].startswith("2026-11-24T08:00")
    assert body["suggested_kind"] == "" and body["escalation_level"] == 0
    assert body["department"] == "service" and body["events"][0]["action"] == "receive"
    # Unknown customer: name and contact instead.
    anonymous = client.post(URL, {"channel": "social", "subject": "微博吐槽",
                                  "content": "展厅空调太热",
                                  "kind": "complaint", "category": "facilities",
                                  "contact_name": "网友", "contact_phone": "weibo@abc"},
                            format="json")
    assert anonymous.status_code == 201 and anonymous.json()["customer"] is None


@pytest.mark.parametrize(("change", "field"), [
    ({"customer": None}, "customer"),
    ({"channel": "pigeon"}, "channel"),
    ({"subject": ""}, "subject"),
    ({"kind": "rant"}, "kind"),
    ({"category": ""}, "category"),
])
def test_cr6_api_400_names_the_field(team, store_bj, customer, clock, api, no_suggestion,
                                     change, field):
    data = {"channel": "phone", "customer": customer.pk, "kind": "complaint",
            "category": "price", "subject": "收费不透明", "content": "多收了工时费"}
    data.update(change)
    response = api(team.cs, store_bj).post(URL, data, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_cr7_api_actions_and_409(team, store_bj, customer, clock, api, no_suggestion):
    fb = complaint(team, store_bj, customer)
    client = api(team.cs, store_bj)
    base = f"{URL}{fb.pk}/"
    refused = client.post(base + "start/")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert client.post(base + "acknowledge/", {"note": "已致电"}, format="json").json()[
        "status"] == "acknowledged"
    assert client.post(base + "start/").json()["status"] == "in_progress"
    bad = client.post(base + "resolve/", {"solution": "退款", "compensation": "-5"},
                      format="json")
    assert bad.status_code == 400 and "compensation" in bad.json()
    assert client.post(base + "resolve/", {}, format="json").json().keys() >= {"solution"}
    resolved = client.post(base + "resolve/", {"solution": "退还多收费用",
                                               "compensation": "150.00"}, format="json").json()
    assert resolved["status"] == "resolved" and resolved["compensation"] == "150.00"
    assert client.post(base + "close-attempt/", {}, format="json").status_code == 400
    for n in range(3):
        body = client.post(base + "close-attempt/", {"note": f"第{n + 1}次未接通"},
                           format="json").json()
    assert body["status"] == "closed" and body["close_attempts"] == 3
    assert client.post(base + "reopen/", {}, format="json").status_code == 400
    reopened = client.post(base + "reopen/", {"reason": "客户不认可"}, format="json").json()
    assert reopened["status"] == "reopened" and reopened["reopen_count"] == 1
    assert client.post(base + "close/").json()["code"] == "invalid_transition"


def test_cr9_api_corrective_action_needs_manager(team, store_bj, customer, clock, api,
                                                 no_suggestion):
    fb = complaint(team, store_bj, customer)
    data = {"kind": "corrective", "description": "服务顾问再培训", "owner": team.cs.pk,
            "due_date": str(clock.today() + dt.timedelta(days=10))}
    assert api(team.cs, store_bj).post(f"{URL}{fb.pk}/actions/", data,
                                       format="json").status_code == 403
    response = api(team.service_manager, store_bj).post(f"{URL}{fb.pk}/actions/", data,
                                                        format="json")
    assert response.status_code == 201
    assert response.json()["actions"][0]["description"] == "服务顾问再培训"
    data["owner"] = 999999
    assert "owner" in api(team.service_manager, store_bj).post(
        f"{URL}{fb.pk}/actions/", data, format="json").json()


def test_cr7_api_filters_and_query_count(team, store_bj, customer, clock, api, no_suggestion,
                                         django_assert_max_num_queries):
    late = complaint(team, store_bj, customer, subject="迟迟无人处理")
    praise = complaint(team, store_bj, customer, kind="praise", category="staff_attitude",
                       subject="表扬")
    for i in range(6):
        fb = complaint(team, store_bj, customer, subject=f"投诉{i}")
        from siwei.care.services import feedback as services
        services.feedback_acknowledge(actor=team.cs, feedback=fb, note="已联系")
    clock.advance(hours=30)
    feedback_escalate_due()
    client = api(team.cs, store_bj)
    client.get(URL)  # warm the token and permission caches
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 8

    def ids(**params):
        return {row["id"] for row in client.get(URL, params).json()["results"]}

    assert ids(overdue="true") == {late.pk}
    assert ids(escalated="true") == {late.pk}
    assert ids(kind="praise") == {praise.pk}
    assert ids(status="acknowledged") == ids(q="投诉") - {late.pk}
    assert ids(customer=customer.pk) == ids()


def test_cr6_api_other_store_and_roles(team, store_bj, store_sh, staff, customer, clock, api,
                                       no_suggestion):
    fb = complaint(team, store_bj, customer)
    assert api(team.cs, store_sh).get(URL).status_code == 403  # not working there
    other = staff("customer_service", store=store_sh)
    assert api(other, store_sh).get(f"{URL}{fb.pk}/").status_code == 404
    assert api(other, store_sh).post(f"{URL}{fb.pk}/acknowledge/").status_code == 404
    # The consultant may record feedback but not read or work the desk.
    consultant = api(team.consultant, store_bj)
    assert consultant.get(URL).status_code == 403
    assert consultant.post(f"{URL}{fb.pk}/acknowledge/").status_code == 403
    assert consultant.post(URL, {"channel": "walk_in", "customer": customer.pk,
                                 "kind": "suggestion", "category": "facilities",
                                 "subject": "建议增加充电桩", "content": "展厅停车场充电桩太少"},
                           format="json").status_code == 201
