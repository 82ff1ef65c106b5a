"""CR-6, CR-7, CR-9 pages: the complaint desk with SLA clocks, new feedback with the
suggestion, the detail page's actions and timeline, the customer card section, menus."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siwei.care.classification import Suggestion
from siwei.care.models import Feedback, FeedbackAction

from .feedback_support import *  # noqa: F403 - the fixtures
from .feedback_support import complaint

pytestmark = pytest.mark.django_db


def test_cr7_desk_shows_clocks_filters_and_excel(team, store_bj, customer, clock, client,
                                                 no_suggestion, django_assert_max_num_queries):
    fresh = complaint(team, store_bj, customer, subject="新投诉")
    old = complaint(team, store_bj, customer, subject="旧投诉",
                    received_at=clock.now() - dt.timedelta(hours=30))
    praise = complaint(team, store_bj, customer, kind="praise", category="staff_attitude",
                       subject="表扬")
    for i in range(5):
        complaint(team, store_bj, customer, subject=f"其他{i}")
    client.force_login(team.cs)
    client.get(reverse("care:feedback"))
    with django_assert_max_num_queries(20):
        page = client.get(reverse("care:feedback"))
    html = page.content.decode()
    assert page.status_code == 200 and fresh.number in html and praise.number in html
    rows = {f.pk: f for f in page.context["page"]}
    assert [c["colour"] for c in rows[fresh.pk].clocks] == ["success", "success"]
    assert [(c["key"], c["colour"]) for c in rows[old.pk].clocks] == [
        ("acknowledge", "danger"), ("resolve", "success")]
    assert "6" in rows[old.pk].clocks[0]["text"].split()  # 6 h late, in either language
    assert rows[praise.pk].clocks == []
    overdue = client.get(reverse("care:feedback"), {"overdue": "1"})
    assert [f.pk for f in overdue.context["page"]] == [old.pk]
    kinds = client.get(reverse("care:feedback"), {"kind": "praise"})
    assert [f.pk for f in kinds.context["page"]] == [praise.pk]
    excel = client.get(reverse("care:feedback"), {"format": "xlsx"})
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_cr6_new_feedback_with_suggestion(team, store_bj, customer, clock, client,
                                          monkeypatch):
    monkeypatch.setattr("siwei.care.classification.suggest",
                        lambda *, group_id, text: Suggestion("complaint", "waiting_time"))
    client.force_login(team.cs)
    url = reverse("care:feedback-new")
    data = {"channel": "phone", "customer_query": customer.mobile, "subject": "等待太久",
            "content": "保养等了四个小时", "severity": "medium", "kind": "", "category": ""}
    shown = client.post(url, {**data, "suggest": "1"})
    assert shown.status_code == 200
    form = shown.context["form"]
    assert (form.initial["kind"], form.initial["category"]) == ("complaint", "waiting_time")
    assert not Feedback.objects.exists()
    # Staff change the category before saving; the suggestion is kept apart.
    saved = client.post(url, {**data, "kind": "complaint", "category": "service_quality"})
    fb = Feedback.objects.get()
    assert saved.status_code == 302 and saved.url == reverse("care:feedback-detail",
                                                            args=[fb.pk])
    assert (fb.category, fb.suggested_category, fb.customer) == (
        "service_quality", "waiting_time", customer)
    # Neither a customer nor a name and phone: refused on the form.
    missing = client.post(url, {**data, "customer_query": "", "kind": "complaint",
                                "category": "price"})
    assert "customer_query" in missing.context["form"].errors
    unknown = client.post(url, {**data, "customer_query": "13999999999", "kind": "complaint",
                                "category": "price"})
    assert "customer_query" in unknown.context["form"].errors
    assert Feedback.objects.count() == 1


def test_cr7_detail_actions_timeline_and_capa(team, store_bj, customer, clock, client,
                                              no_suggestion):
    fb = complaint(team, store_bj, customer)
    client.force_login(team.service_manager)
    url = reverse("care:feedback-action", args=[fb.pk])
    page = client.get(reverse("care:feedback-detail", args=[fb.pk]))
    assert page.status_code == 200
    assert page.context["actions"] == ["acknowledge", "resolve"]
    client.post(url, {"action": "start"})  # refused: shown as a message
    client.post(url, {"action": "acknowledge", "note": "已致电客户致歉"})
    client.post(url, {"action": "start"})
    client.post(url, {"action": "resolve", "solution": "重新派工", "compensation": "100"})
    client.post(url, {"action": "update", "kind": "complaint", "category": "waiting_time",
                      "severity": "high", "department": "", "root_cause": "派工系统未提醒",
                      "owner": team.service_manager.pk})
    client.post(url, {"action": "action_add", "kind": "preventive",
                      "description": "派工超时自动提醒", "owner": team.cs.pk,
                      "due_date": "2026-12-01"})
    fb.refresh_from_db()
    assert fb.status == "resolved" and fb.root_cause == "派工系统未提醒"
    assert fb.owner == team.service_manager
    action = FeedbackAction.objects.get(feedback=fb)
    client.post(url, {"action": "action_done", "capa": action.pk})
    action.refresh_from_db()
    assert action.done_at is not None
    page = client.get(reverse("care:feedback-detail", args=[fb.pk]))
    html = page.content.decode()
    assert "派工超时自动提醒" in html and 'data-event="resolve"' in html
    assert page.context["actions"] == ["close_attempt", "reopen", "close"]
    # Customer service works the desk but does not decide corrective actions.
    client.force_login(team.cs)
    response = client.post(url, {"action": "action_add", "kind": "corrective",
                                 "description": "x", "owner": team.cs.pk,
                                 "due_date": "2026-12-01"})
    assert response.status_code == 403


def test_cr9_analysis_page_and_excel(team, store_bj, customer, clock, client, no_suggestion):
    complaint(team, store_bj, customer)
    client.force_login(team.store_manager)
    page = client.get(reverse("care:feedback-analysis"), {"period": "quarter",
                                                          "value": "2026-Q4"})
    assert page.status_code == 200 and page.context["report"]["total"] == 1
    assert 'data-chart="chart-fb-volume"' in page.content.decode()
    excel = client.get(reverse("care:feedback-analysis"), {"format": "xlsx"}, follow=True)
    assert excel.redirect_chain[0][0].startswith(
        reverse("reports:report", args=["complaint-analysis"]))
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(excel.content))
    assert len(book.sheetnames) == 6  # volume, SLA, repeat, root causes, actions, trend
    complaints_row = next(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert complaints_row[1] == 1
    client.force_login(team.cs)
    assert client.get(reverse("care:feedback-analysis")).status_code == 403


def test_cr6_customer_card_section_menu_and_store_scope(team, store_bj, store_sh, staff,
                                                        customer, clock, client,
                                                        no_suggestion):
    fb = complaint(team, store_bj, customer, subject="卡片上的投诉")
    client.force_login(team.cs)
    card = client.get(reverse("crm:customer", args=[customer.pk]))
    assert 'id="customer-feedback"' in card.content.decode() and fb.number in card.content.decode()
    home = client.get("/").content.decode()
    assert reverse("care:feedback") in home and reverse("care:feedback-new") in home
    assert 'id="card-open-complaints"' in home
    other = staff("customer_service", store=store_sh)
    client.force_login(other)
    assert client.get(reverse("care:feedback-detail", args=[fb.pk])).status_code == 404
    client.force_login(team.consultant)
    assert client.get(reverse("care:feedback")).status_code == 403
    assert client.get(reverse("care:feedback-new")).status_code == 200


def test_cr9_analysis_through_the_reports_api(team, store_bj, customer, clock, api,
                                              no_suggestion):
    """api.md ``reports/``: the complaint analysis of a period, by category and SLA."""
    complaint(team, store_bj, customer)
    complaint(team, store_bj, customer, kind="suggestion", category="facilities",
              subject="休息区可以加充电口")
    client = api(team.store_manager, store_bj)
    body = client.get("/api/v1/reports/complaint-analysis/",
                      {"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert body["summary"]["total"] == 2 and body["summary"]["complaints"] == 1
    volume = {(row["by"], row["value"]): row["n"] for row in body["tables"][0]["rows"]}
    categories = {value: n for (by, value), n in volume.items() if by in ("Category", "类别")}
    assert sorted(categories.values()) == [1, 1]
    repeat = next(t for t in body["tables"] if t["key"] == "repeat")
    assert repeat["rows"] == []  # one complaint only
    trend = next(t for t in body["tables"] if t["key"] == "trend")
    assert trend["rows"][-1]["month"] == "2026-11" and trend["rows"][-1]["total"] == 2
    october = client.get("/api/v1/reports/complaint-analysis/",
                         {"from": "2026-10-01", "to": "2026-10-31"}).json()
    assert october["summary"]["total"] == 0
    assert api(team.cs, store_bj).get(
        "/api/v1/reports/complaint-analysis/").status_code == 403
