"""CR-8 through the API: feedback-classifier/suggest/, accuracy/ and train/."""

from __future__ import annotations

import pytest

from siwei.care.models import ClassifierTerm

from .classification_support import dataset, make_feedback

pytestmark = pytest.mark.django_db
URL = "/api/v1/feedback-classifier/"


def test_cr8_api_suggest(api, store_bj, staff):
    receptionist = staff("receptionist", store=store_bj)
    response = api(receptionist, store_bj).post(URL + "suggest/", {
        "text": "请问途观L的原厂挡泥板有货吗？多少钱一套？"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "inquiry" and body["category"] == "parts"
    assert 0 < body["category_confidence"] <= 1


def test_cr8_api_suggest_400_on_empty_text(api, store_bj, staff):
    client = api(staff("customer_service", store=store_bj), store_bj)
    for data in ({"text": ""}, {}, {"text": "   "}):
        response = client.post(URL + "suggest/", data, format="json")
        assert response.status_code == 400 and "text" in response.json()


def test_cr8_api_suggest_403_without_permission(api, store_bj, staff):
    parts_manager = staff("parts_manager", store=store_bj)  # may read feedback, not record it
    response = api(parts_manager, store_bj).post(URL + "suggest/", {"text": "配件缺货"},
                                                 format="json")
    assert response.status_code == 403


def test_cr8_api_accuracy(api, store_bj, staff, clock):
    user = staff("customer_service", store=store_bj)
    make_feedback(store_bj, user, dataset()[:4],
                  suggested=[(r["kind"], r["category"]) for r in dataset()[:3]] + [("", "")])
    client = api(user, store_bj)
    response = client.get(URL + "accuracy/", {"from": "2026-11-01", "to": "2026-11-30"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"]["records"] == 4
    assert body["total"]["kind"] == {"suggested": 3, "correct": 3, "accuracy": 75.0}
    assert body["months"][0]["month"] == "2026-11-01"
    sales = next(r for r in body["confusion"] if r["category"] == "sales")
    assert sales["total"] == 4 and sales["suggested"]["sales"] == 3 and sales["suggested"][""] == 1
    assert client.get(URL + "accuracy/").status_code == 200  # this month by default
    bad = client.get(URL + "accuracy/", {"from": "2026-13-01"})
    assert bad.status_code == 400 and "from" in bad.json()


def test_cr8_api_accuracy_403_without_permission(api, store_bj, staff):
    consultant = staff("sales_consultant", store=store_bj)
    assert api(consultant, store_bj).get(URL + "accuracy/").status_code == 403


def test_cr8_api_train(api, store_bj, staff, clock):
    user = staff("customer_service", store=store_bj)
    make_feedback(store_bj, user, dataset()[:60])
    assert api(user, store_bj).post(URL + "train/").status_code == 403
    manager = staff("store_manager", store=store_bj)
    response = api(manager, store_bj).post(URL + "train/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["records"] == 60 and body["version"] == 1 and body["terms"]["category"] > 0
    assert ClassifierTerm.objects.filter(group=store_bj.group, field="category").exists()
