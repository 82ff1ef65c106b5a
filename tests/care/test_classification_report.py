"""CR-8: the suggestion accuracy against the staff's final choice — the report on a
hand-built set, its page (menu, filter, chart, Excel) and retraining from the page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from siwei.care.models import ClassifierTerm
from siwei.care.selectors_classification import classification_accuracy
from siwei.core.audit import AuditEvent
from siwei.core.navigation import menu_for

from .classification_support import make_feedback

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
URL = "/care/feedback/classifier/"


def _item(kind, category, day):
    return {"subject": "测试", "content": "内容", "kind": kind, "category": category,
            "received_at": day}


@pytest.fixture
def hand_built(store_bj, store_sh, staff):
    """October: 3 records (type right 2, category right 1, one without suggestion);
    November: 2 records (both right). Plus one in Shanghai and one before the period."""
    user = staff("customer_service", store=store_bj)
    oct5 = dt.datetime(2026, 10, 5, 10, tzinfo=TZ)
    nov3 = dt.datetime(2026, 11, 3, 23, 30, tzinfo=TZ)
    make_feedback(store_bj, user, [
        _item("complaint", "price", oct5), _item("complaint", "parts", oct5),
        _item("praise", "sales", oct5),
        _item("inquiry", "facilities", nov3), _item("complaint", "price", nov3),
    ], suggested=[("complaint", "price"), ("suggestion", "price"), ("", ""),
                  ("inquiry", "facilities"), ("complaint", "price")])
    make_feedback(store_sh, user, [_item("complaint", "price", oct5)],
                  suggested=[("praise", "sales")])
    make_feedback(store_bj, user, [_item("complaint", "price", dt.datetime(2026, 9, 30, 12,
                                                                            tzinfo=TZ))],
                  suggested=[("praise", "sales")])
    return user


def test_cr8_accuracy_figures_on_a_hand_built_set(store_bj, hand_built):
    result = classification_accuracy(store=store_bj, start=dt.date(2026, 10, 1),
                                     end=dt.date(2026, 11, 30))
    total = result["total"]
    assert total["records"] == 5
    assert total["kind"] == {"suggested": 4, "correct": 3, "accuracy": 60.0}
    assert total["category"] == {"suggested": 4, "correct": 3, "accuracy": 60.0}
    october, november = result["months"]
    assert october["month"] == dt.date(2026, 10, 1) and october["records"] == 3
    assert october["kind"]["accuracy"] == 33.3 and october["category"]["accuracy"] == 33.3
    assert november["month"] == dt.date(2026, 11, 1)
    assert november["kind"]["accuracy"] == 100.0 and november["category"]["accuracy"] == 100.0
    rows = {r["category"]: r for r in result["confusion"]["rows"]}
    columns = [value for value, _label in result["confusion"]["columns"]]
    assert columns[-1] == ""
    assert rows["price"]["cells"][columns.index("price")] == 2 and rows["price"]["recall"] == 100.0
    assert rows["parts"]["cells"][columns.index("price")] == 1 and rows["parts"]["recall"] == 0.0
    assert rows["sales"]["cells"][columns.index("")] == 1
    assert rows["waiting_time"]["total"] == 0 and rows["waiting_time"]["recall"] is None
    assert sum(result["confusion"]["column_totals"]) == 5
    both = classification_accuracy(stores=[store_bj, store_bj.group.stores.get(code="SH01")],
                                   start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 30))
    assert both["total"]["records"] == 6 and both["total"]["kind"]["correct"] == 3


def test_cr8_accuracy_of_an_empty_period(store_bj):
    result = classification_accuracy(store=store_bj, start=dt.date(2026, 1, 1),
                                     end=dt.date(2026, 1, 31))
    assert result["total"]["records"] == 0 and result["total"]["kind"]["accuracy"] is None
    assert result["months"] == []


def test_cr8_accuracy_page_menu_chart_and_excel(client, store_bj, hand_built, staff, clock,
                                                django_assert_max_num_queries):
    manager = staff("store_manager", store=store_bj)
    for user in (hand_built, manager):
        assert "care:classifier-accuracy" in {i["url_name"] for i in menu_for(user, store_bj)}
    client.force_login(hand_built)
    with django_assert_max_num_queries(25):
        page = client.get(URL, {"from": "2026-10-01", "to": "2026-11-30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="kind-accuracy">60.0%' in html and 'data-chart="chart-classifier"' in html
    assert "2026-10" in html and "classifier/train/" not in html  # no right to retrain
    default = client.get(URL)  # the last twelve months
    assert default.status_code == 200 and default.context["start"] == dt.date(2025, 12, 1)
    xlsx = client.get(URL, {"from": "2026-10-01", "to": "2026-11-30", "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_cr8_accuracy_page_403_without_permission(client, store_bj, staff):
    consultant = staff("sales_consultant", store=store_bj)
    assert "care:classifier-accuracy" not in {i["url_name"]
                                              for i in menu_for(consultant, store_bj)}
    client.force_login(consultant)
    assert client.get(URL).status_code == 403


def test_cr8_retrain_from_the_page(client, store_bj, hand_built, staff, clock):
    client.force_login(hand_built)  # customer service: may view, not retrain
    assert client.post(URL + "train/").status_code == 403
    manager = staff("store_manager", store=store_bj)
    client.force_login(manager)
    assert "classifier/train/" in client.get(URL).content.decode()
    response = client.post(URL + "train/")
    assert response.status_code == 302
    assert ClassifierTerm.objects.filter(group=store_bj.group, field="_version").exists()
    event = AuditEvent.objects.get(action="classifier.train")
    assert event.actor == manager and event.after["records"] == 7
