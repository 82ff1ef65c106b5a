"""FN-1/FN-2 pages: the cashier desk (search, payment posted once, receipt), refund
approval, close my day, the list of closes with .xlsx, the home-page card, the demo."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from siwei.finance.models import DailyClose, Payment, RefundRequest
from siwei.finance.services import daily_close, payment_record

from . import helpers_cashier
from .helpers_cashier import at, customer, repair_order, sales_order

pytestmark = pytest.mark.django_db
desk = helpers_cashier.desk  # the fixture
D = Decimal


@pytest.fixture
def orders(desk, store_bj, clock):
    so = sales_order(store_bj, desk.consultant, total="120000.00",
                     buyer=customer(store_bj, "赵志强", "13611112222"))
    ro = repair_order(store_bj, desk.advisor, total="1680.00", plate="京A6H888",
                      buyer=customer(store_bj, "孙丽", "15822223333"))
    paid_so = sales_order(store_bj, desk.consultant, total="1000.00", status="paid")
    payment_record(actor=desk.cashier, store=store_bj, sales_order=paid_so,
                   amount=D("1000"), method="card")
    return so, ro


def login(client, user, store):
    client.force_login(user)
    session = client.session
    session["active_store_id"] = store.pk
    session.save()
    return client


def test_fn1_desk_finds_open_orders_by_number_plate_name_or_mobile(
        client, desk, store_bj, orders, django_assert_max_num_queries):
    so, ro = orders
    login(client, desk.cashier, store_bj)
    with django_assert_max_num_queries(25):
        page = client.get("/finance/cashier/").content.decode()
    assert so.number in page and ro.number in page
    open_sales = page.split('id="open-sales"')[1].split("</table>")[0]
    assert open_sales.count("SO-C-") == 1  # the order paid in full is not listed
    for query, shown, hidden in (("京A6H", ro.number, so.number), ("赵志", so.number, ro.number),
                                 ("2222", so.number, ro.number),
                                 (ro.number, ro.number, so.number)):
        page = client.get("/finance/cashier/", {"q": query}).content.decode()
        assert shown in page and hidden not in page, query


def test_fn1_payment_form_posted_twice_records_one_payment(client, desk, store_bj, orders):
    so, _ro = orders
    login(client, desk.cashier, store_bj)
    form = client.get(f"/finance/cashier/pay/sales/{so.pk}/").context["form"]
    token = form.initial["token"]
    data = {"token": token, "amount": "5000.00", "method": "wechat", "reference": "WX001"}
    first = client.post(f"/finance/cashier/pay/sales/{so.pk}/", data)
    second = client.post(f"/finance/cashier/pay/sales/{so.pk}/", data)
    payment = Payment.objects.get(sales_order=so)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/finance/cashier/receipts/{payment.pk}/"
    assert payment.amount == D("5000.00") and payment.reference == "WX001"
    receipt = client.get(first["Location"]).content.decode()
    assert payment.receipt_number in receipt and "¥5,000.00" in receipt
    # A refused post (closed day) can be posted again with the same token later.
    daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier,
                day=dt.date(2026, 11, 22), counted_cash=D("0"))
    again = {"token": "5c2b6b4e-0d3e-4a4b-9a39-3d0f3c1c1f01", "amount": "1.00",
             "method": "cash"}
    page = client.post(f"/finance/cashier/pay/sales/{so.pk}/", again)
    assert page.status_code == 200 and Payment.objects.filter(sales_order=so).count() == 1
    assert page.context["form"].non_field_errors()


def test_fn1_refund_requested_on_the_page_and_approved_by_the_manager(client, desk, store_bj,
                                                                      orders):
    so, _ro = orders
    payment_record(actor=desk.cashier, store=store_bj, sales_order=so, amount=D("5000"),
                   method="cash")
    login(client, desk.cashier, store_bj)
    form = client.get(f"/finance/cashier/refund/sales/{so.pk}/").context["form"]
    response = client.post(f"/finance/cashier/refund/sales/{so.pk}/", {
        "token": form.initial["token"], "amount": "800.00", "method": "cash",
        "reason": "客户退订贴膜"})
    assert response.status_code == 302
    request = RefundRequest.objects.get()
    assert request.status == "pending" and not Payment.objects.filter(amount__lt=0).exists()
    assert client.post(f"/finance/cashier/refunds/{request.pk}/decide/",
                       {"decision": "approve"}).status_code == 403
    login(client, desk.manager, store_bj)
    assert "客户退订贴膜" in client.get("/finance/cashier/refunds/").content.decode()
    client.post(f"/finance/cashier/refunds/{request.pk}/decide/", {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved" and request.payment.amount == D("-800.00")
    assert request.payment.cashier == desk.cashier


def test_fn2_close_my_day_page_and_the_list_for_finance(client, desk, store_bj, orders):
    so, _ro = orders
    payment_record(actor=desk.cashier, store=store_bj, sales_order=so, amount=D("2000"),
                   method="cash")
    login(client, desk.cashier, store_bj)
    page = client.get("/finance/cashier/close/")
    assert page.context["info"]["expected_cash"] == D("2000.00")
    token = page.context["form"].initial["token"]
    refused = client.post("/finance/cashier/close/", {"token": token, "counted_cash": "1950"})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    done = client.post("/finance/cashier/close/", {"token": token, "counted_cash": "1950",
                                                   "reason": "短款50元"})
    assert done.status_code == 302
    close = DailyClose.objects.get()
    assert close.difference == D("-50.00") and close.totals["card"] == "1000.00"
    assert client.get("/finance/daily-closes/").status_code == 403
    login(client, desk.finance, store_bj)
    page = client.get("/finance/daily-closes/").content.decode()
    assert 'class="table-danger"' in page and "短款50元" in page
    xlsx = client.get("/finance/daily-closes/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "短款50元" in rows[1]


def test_fn2_home_card_shows_takings_per_method_and_open_balance(client, desk, store_bj,
                                                                  orders):
    login(client, desk.cashier, store_bj)
    page = client.get("/").content.decode()
    assert 'id="card-takings"' in page and "¥1,000.00" in page
    # Open balance: 120000 on the sales order + 1680 on the repair order.
    assert "¥121,680.00" in page


def test_fn2_demo_closes_past_days_with_one_difference_and_keeps_today_open(clock):
    from django.contrib.auth import get_user_model

    from siwei.demo.builder import DemoContext, build_organisation
    from siwei.finance.demo_cashier import build_cashier

    ctx = DemoContext(rng=random.Random(5), small=True)
    build_organisation(ctx)
    store = ctx.stores[0]
    cashier = get_user_model().objects.get(username="bj01_cashier")
    consultant = get_user_model().objects.get(username="bj01_sales_consultant")
    so = sales_order(store, consultant, total="90000.00", status="confirmed")
    for day, amount, method in ((19, "5000", "cash"), (20, "3000", "wechat"),
                                (21, "800", "cash"), (22, "100", "cash")):
        at(clock, 10, day=day)
        payment_record(actor=cashier, store=store, sales_order=so, amount=D(amount),
                       method=method)
    build_cashier(ctx)
    closes = {c.day.day: c for c in DailyClose.objects.filter(store=store)}
    assert sorted(closes) == [19, 20, 21]  # today (22) stays open
    assert closes[20].totals["wechat"] == "3000.00" and closes[20].difference == 0
    short = [c for c in closes.values() if c.difference]
    assert len(short) == 1 and short[0].difference == D("-50.00") and short[0].reason
    assert RefundRequest.objects.filter(store=store, status="pending").count() == 1
