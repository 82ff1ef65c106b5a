"""FN-7: the finance reports in the report catalogue, through the API: receivables aging
(FN-4) at a day, with figures counted by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from siwei.finance.models import DebtorKind, Receivable

pytestmark = pytest.mark.django_db


def item(store, name, amount, due, kind=DebtorKind.INSURER):
    """An item due on ``due``; it arose then, or on 1 November for one due later."""
    return Receivable.objects.create(
        store=store, debtor_kind=kind, debtor_name=name, amount=Decimal(amount),
        open_amount=Decimal(amount), arose_on=min(due, dt.date(2026, 11, 1)), due_date=due,
        description="测试",
        created_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))


def table(body: dict, key: str) -> dict:
    return next(t for t in body["tables"] if t["key"] == key)


def test_fn4_receivables_aging_at_a_day_by_debtor_and_bucket(api, client, staff, store_bj,
                                                             store_sh, clock):
    item(store_bj, "人保财险", "3000.00", dt.date(2026, 8, 31))  # 83 days past due: 61–90
    item(store_bj, "人保财险", "1000.00", dt.date(2026, 12, 20))  # not yet due: 0–30
    item(store_bj, "大众", "500.00", dt.date(2026, 7, 1), kind=DebtorKind.OEM)  # 144: 90+
    item(store_sh, "平安", "700.00", dt.date(2026, 11, 1))
    clerk = staff("finance", store=store_bj)
    response = api(clerk, store_bj).get("/api/v1/reports/receivables-aging/",
                                        {"to": "2026-11-22"})
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == {"d0_30": "1000.00", "d31_60": "0.00", "d61_90": "3000.00",
                               "d90_plus": "500.00", "total": "4500.00", "items": 3}
    debtors = {r["debtor"]: r for r in table(body, "debtors")["rows"]}
    assert (debtors["人保财险"]["d61_90"], debtors["人保财险"]["total"],
            debtors["人保财险"]["items"]) == ("3000.00", "4000.00", 2)
    assert table(body, "debtors")["totals"]["total"] == "4500.00"
    items = {r["amount"]: r for r in table(body, "items")["rows"]}
    assert items["3000.00"]["days_past_due"] == 83 and items["1000.00"]["days_past_due"] == 0
    # A balance at a day: a month earlier, the August item is 53 days past due.
    earlier = api(clerk, store_bj).get("/api/v1/reports/receivables-aging/",
                                       {"from": "2026-01-01", "to": "2026-10-23"}).json()
    assert earlier["to"] == "2026-10-23"
    assert earlier["summary"]["d31_60"] == "3000.00"
    admin = staff("group_admin", store=store_bj)
    side = api(admin, store_bj).get("/api/v1/reports/receivables-aging/",
                                    {"to": "2026-11-22", "store": "all"}).json()
    assert [(r["store"], r["total"]) for r in table(side, "stores")["rows"]] == [
        ("BJ01", "4500.00"), ("SH01", "700.00")]
    assert side["summary"]["total"] == "5200.00"
    client.force_login(clerk)
    page = client.get(reverse("reports:report", args=["receivables-aging"]))
    assert page.status_code == 200 and 'id="table-debtors"' in page.content.decode()
    consultant = staff("sales_consultant", store=store_bj)
    assert api(consultant, store_bj).get(
        "/api/v1/reports/receivables-aging/").status_code == 403


def test_fn4_receivables_aging_at_a_past_day_is_the_balance_of_that_day(api, staff,
                                                                         store_bj, clock):
    """At a past day: only the items that had arisen by then, less only the receipts
    received by then (a receipt of 10 November does not lower October's balance)."""
    from siwei.finance.services import receivable_receipt_record

    clerk = staff("finance", store=store_bj)
    august = item(store_bj, "人保财险", "3000.00", dt.date(2026, 8, 31))
    item(store_bj, "人保财险", "1000.00", dt.date(2026, 11, 15))  # arose 1 November
    receivable_receipt_record(actor=clerk, store=store_bj, amount="1200.00",
                              matches=[(august, "1200.00")],
                              received_on=dt.date(2026, 11, 10))
    client = api(clerk, store_bj)
    october = client.get("/api/v1/reports/receivables-aging/",
                         {"from": "2026-10-01", "to": "2026-10-23"}).json()
    assert october["from"] == october["to"] == "2026-10-23"  # a balance at one day
    assert october["summary"]["total"] == "3000.00" and october["summary"]["items"] == 1
    assert october["summary"]["d31_60"] == "3000.00"  # 53 days past due then
    rows = table(october, "items")["rows"]
    assert [(r["amount"], r["open_amount"]) for r in rows] == [("3000.00", "3000.00")]
    today = client.get("/api/v1/reports/receivables-aging/", {"to": "2026-11-22"}).json()
    assert today["summary"]["total"] == "2800.00"  # 1,800 left of August + November's 1,000
    assert today["summary"]["d61_90"] == "1800.00"
