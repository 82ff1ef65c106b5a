"""FN-1/FN-2 through the API: payments/ filters, daily-closes/ (close, totals, 409 codes),
refund-requests/ approval, store and role scoping."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from siwei.finance.models import DailyClose, Payment
from siwei.finance.services import payment_record

from . import helpers_cashier
from .helpers_cashier import at, repair_order, sales_order

pytestmark = pytest.mark.django_db
desk = helpers_cashier.desk  # the fixture
D = Decimal


@pytest.fixture
def day_of_payments(desk, store_bj, clock):
    """Cashier 1: 21 Nov cash 100; 22 Nov cash 3000, alipay 500 (RO). Cashier 2: 22 Nov
    cash 40."""
    so = sales_order(store_bj, desk.consultant, total="80000.00")
    ro = repair_order(store_bj, desk.advisor, total="500.00", plate="京N12345")
    at(clock, 16, day=21)
    payment_record(actor=desk.cashier, store=store_bj, sales_order=so, amount=D("100"),
                   method="cash")
    at(clock, 10)
    payment_record(actor=desk.cashier, store=store_bj, sales_order=so, amount=D("3000"),
                   method="cash", reference="")
    payment_record(actor=desk.cashier, store=store_bj, repair_order=ro, amount=D("500"),
                   method="alipay", reference="2026112200012")
    payment_record(actor=desk.cashier2, store=store_bj, sales_order=so, amount=D("40"),
                   method="cash")
    at(clock, 18)
    return so, ro


def test_fn1_payments_list_filters_by_day_cashier_and_method(api, desk, store_bj,
                                                             day_of_payments,
                                                             django_assert_max_num_queries):
    client = api(desk.finance, store_bj)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/payments/?day=2026-11-22").json()
    assert body["count"] == 3
    body = client.get(f"/api/v1/payments/?day=2026-11-22&cashier={desk.cashier.pk}").json()
    assert sorted(r["amount"] for r in body["results"]) == ["3000.00", "500.00"]
    body = client.get(f"/api/v1/payments/?cashier={desk.cashier.pk}&method=cash").json()
    assert sorted(r["amount"] for r in body["results"]) == ["100.00", "3000.00"]
    assert client.get("/api/v1/payments/?day=2026-11-21").json()["count"] == 1
    assert client.get("/api/v1/payments/?day=yesterday").status_code == 400


def test_fn2_close_a_day_through_the_api(api, desk, store_bj, day_of_payments):
    client = api(desk.cashier, store_bj)
    totals = client.get("/api/v1/daily-closes/totals/").json()
    assert totals["expected_cash"] == "3000.00" and totals["totals"]["alipay"] == "500.00"
    assert totals["payments_count"] == 2 and totals["closed"] is False
    response = client.post("/api/v1/daily-closes/", {"counted_cash": "2990.00"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post("/api/v1/daily-closes/", {"counted_cash": "2990.00",
                                                     "reason": "少收10元"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["day"] == "2026-11-22" and body["cashier"] == desk.cashier.pk
    assert body["difference"] == "-10.00" and body["total"] == "3500.00"
    assert body["totals"]["cash"] == "3000.00"
    again = client.post("/api/v1/daily-closes/", {"counted_cash": "3000.00"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_closed"
    so, _ro = day_of_payments
    refused = client.post("/api/v1/payments/", {"sales_order": so.pk, "method": "cash",
                                                "amount": "10.00"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "day_closed"
    assert client.get("/api/v1/daily-closes/totals/").json()["closed"] is True


def test_fn2_close_with_idempotency_key_applies_once(api, desk, store_bj, day_of_payments):
    client, key = api(desk.cashier, store_bj), str(uuid.uuid4())
    first = client.post("/api/v1/daily-closes/", {"counted_cash": "3000.00"}, format="json",
                        HTTP_IDEMPOTENCY_KEY=key)
    replay = client.post("/api/v1/daily-closes/", {"counted_cash": "3000.00"}, format="json",
                         HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == replay.json()["id"]
    assert DailyClose.objects.count() == 1


def test_fn2_closes_list_for_finance_and_scoping(api, desk, store_bj, store_sh, staff,
                                                 day_of_payments,
                                                 django_assert_max_num_queries):
    api(desk.cashier, store_bj).post("/api/v1/daily-closes/", {
        "counted_cash": "100.00", "day": "2026-11-21"}, format="json")
    finance = api(desk.finance, store_bj)
    response = finance.post("/api/v1/daily-closes/", {
        "counted_cash": "40.00", "cashier": desk.cashier2.pk}, format="json")
    assert response.status_code == 201 and response.json()["cashier"] == desk.cashier2.pk
    with django_assert_max_num_queries(8):
        body = finance.get("/api/v1/daily-closes/").json()
    assert body["count"] == 2
    assert finance.get(f"/api/v1/daily-closes/?cashier={desk.cashier.pk}").json()["count"] == 1
    close = DailyClose.objects.get(cashier=desk.cashier)
    reviewed = finance.post(f"/api/v1/daily-closes/{close.pk}/review/")
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    # A cashier may not list the closes, nor close a colleague's day.
    cashier = api(desk.cashier, store_bj)
    assert cashier.get("/api/v1/daily-closes/").status_code == 403
    other = cashier.post("/api/v1/daily-closes/", {"counted_cash": "40.00",
                                                   "cashier": desk.cashier2.pk}, format="json")
    assert other.status_code == 403
    # Another store's staff see nothing of BJ01, and cannot act in it.
    outsider = staff("finance", store=store_sh)
    assert api(outsider, store_sh).get("/api/v1/daily-closes/").json()["count"] == 0
    assert api(outsider, store_bj).get("/api/v1/daily-closes/").status_code == 403
    stranger = api(desk.finance, store_bj).post("/api/v1/daily-closes/", {
        "counted_cash": "0", "cashier": outsider.pk}, format="json")
    assert stranger.status_code == 400 and "cashier" in stranger.json()


def test_fn1_refund_request_approved_through_the_api(api, desk, store_bj, day_of_payments):
    so, _ro = day_of_payments
    cashier = api(desk.cashier, store_bj)
    created = cashier.post("/api/v1/refund-requests/", {
        "sales_order": so.pk, "amount": "300.00", "method": "cash", "reason": "多收定金"},
        format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert cashier.post(f"/api/v1/refund-requests/{pk}/approve/").status_code == 403
    manager = api(desk.manager, store_bj)
    approved = manager.post(f"/api/v1/refund-requests/{pk}/approve/", {"note": "同意"},
                            format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    refund = Payment.objects.get(pk=approved.json()["payment"])
    assert refund.amount == D("-300.00") and refund.cashier == desk.cashier
    again = manager.post(f"/api/v1/refund-requests/{pk}/reject/", {"note": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    too_much = cashier.post("/api/v1/refund-requests/", {
        "sales_order": so.pk, "amount": "99999.00", "method": "cash", "reason": "退"},
        format="json")
    assert too_much.status_code == 400 and "amount" in too_much.json()


def test_fn1_correction_refers_to_the_original_receipt(api, desk, store_bj, day_of_payments,
                                                       clock):
    so, ro = day_of_payments
    original = Payment.objects.get(repair_order=ro)
    client = api(desk.cashier, store_bj)
    client.post("/api/v1/daily-closes/", {"counted_cash": "3000.00"}, format="json")
    at(clock, 9, day=23)
    response = client.post("/api/v1/payments/", {
        "sales_order": so.pk, "method": "cash", "amount": "20.00",
        "corrects": original.pk}, format="json")
    assert response.status_code == 400 and "corrects" in response.json()
    response = client.post("/api/v1/payments/", {
        "repair_order": ro.pk, "method": "wechat", "amount": "0.50",
        "corrects": original.pk}, format="json")
    assert response.status_code == 201 and response.json()["corrects"] == original.pk
    assert dt.date.fromisoformat(response.json()["at"][:10]) == dt.date(2026, 11, 23)
