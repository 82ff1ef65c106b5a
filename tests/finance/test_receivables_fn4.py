"""FN-4 receivables: items from approved warranty claims (OEM), insured repairs (insurer)
and approved loans (bank), created idempotently; credit customers with a limit and terms
(``credit_limit``); aging buckets 0–30, 31–60, 61–90, 90+ days past the due date; receipts
matched to items in part or in full (``over_matched``); store scoping over the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.core.errors import DomainError
from siwei.crm.models import CustomerKind
from siwei.finance.models import DebtorKind, Receivable
from siwei.finance.selectors_receivables import aging_bucket, aging_by_debtor, aging_totals
from siwei.finance.services import (
    credit_account_set,
    receipt_match,
    receivable_charge_to_account,
    receivable_receipt_record,
    receivables_sync,
)

from .helpers_invoices_receivables import make_claim, make_customer, make_order, make_ro

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def clerk(staff, store_bj):
    return staff("finance", store=store_bj)


@pytest.fixture
def advisor(staff, store_bj):
    return staff("service_advisor", store=store_bj)


@pytest.fixture
def company(store_bj):
    return make_customer(store_bj)


def item(store, name="人保财险", kind=DebtorKind.INSURER, amount="1000.00", due=None, **kw):
    amount = D(amount)
    due = due or dt.date(2026, 11, 22)
    return Receivable.objects.create(store=store, debtor_kind=kind, debtor_name=name,
                                     amount=amount, open_amount=amount, arose_on=due,
                                     due_date=due, description=kw.pop("description", "测试"),
                                     created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), **kw)


def test_fn4_sync_creates_items_from_claims_insured_repairs_and_loans(
        store_bj, company, advisor, staff, clock):
    ro = make_ro(store_bj, company, advisor, lines=[
        ("job", "insurance", "3000.00"), ("part", "insurance", "2000.00"),
        ("job", "customer", "300.00"), ("part", "warranty", "800.00")])
    make_claim(ro, approved="1550.00")
    warranty_ro = make_ro(store_bj, company, advisor, lines=[("job", "warranty", "500.00")])
    make_claim(warranty_ro, status="submitted", approved="500.00")  # not approved yet
    make_order(store_bj, company, staff("sales_consultant", store=store_bj),
               loan="100000.00", bank="招商银行")
    make_order(store_bj, company, staff("sales_consultant", store=store_bj), status="draft",
               loan="80000.00", bank="招商银行")  # a quote: no loan yet
    assert receivables_sync(store=store_bj) == 3
    items = {i.debtor_kind: i for i in Receivable.objects.all()}
    oem, insurer, bank = items["oem"], items["insurer"], items["bank"]
    assert (oem.amount, oem.debtor_name, oem.due_date) == (
        D("1550.00"), store_bj.brand, dt.date(2026, 10, 31))  # decided 09-01 + 60 days
    assert (insurer.amount, insurer.debtor_name, insurer.repair_order) == (
        D("5000.00"), "中国人民财产保险", ro)
    assert insurer.due_date == dt.date(2026, 12, 20)  # settled 11-20 + 30 days
    assert (bank.amount, bank.debtor_name, bank.due_date) == (
        D("100000.00"), "招商银行", dt.date(2026, 10, 16))  # confirmed 10-01 + 15 days
    assert all(i.open_amount == i.amount for i in items.values())
    assert receivables_sync(store=store_bj) == 0
    assert Receivable.objects.count() == 3


def test_fn4_aging_buckets_by_due_date_worked_by_hand(store_bj, clock):
    today = clock.today()  # 2026-11-22
    for days, amount in ((-10, "1"), (0, "2"), (30, "4"), (31, "8"), (60, "16"), (61, "32"),
                         (90, "64"), (91, "128")):
        item(store_bj, amount=amount, due=today - dt.timedelta(days=days))
    item(store_bj, name="太平洋保险", amount="256", due=today - dt.timedelta(days=200))
    assert [aging_bucket(today - dt.timedelta(days=d), today) for d in (-10, 30, 31, 60, 61,
                                                                        90, 91)] == [
        "d0_30", "d0_30", "d31_60", "d31_60", "d61_90", "d61_90", "d90_plus"]
    rows = {r["debtor_name"]: r for r in aging_by_debtor(store=store_bj, today=today)}
    picc = rows["人保财险"]
    assert (picc["d0_30"], picc["d31_60"], picc["d61_90"], picc["d90_plus"]) == (
        D("7.00"), D("24.00"), D("96.00"), D("128.00"))
    assert picc["total"] == D("255.00") and picc["items"] == 8
    assert rows["太平洋保险"]["d90_plus"] == D("256.00")
    totals = aging_totals(store=store_bj, today=today)
    assert totals["d90_plus"] == D("384.00") and totals["total"] == D("511.00")


def test_fn4_receipt_matched_in_part_then_in_full(clerk, store_bj, clock):
    first, second = item(store_bj, amount="1000.00"), item(store_bj, amount="500.00")
    receipt = receivable_receipt_record(actor=clerk, store=store_bj, amount="1200.00",
                                        matches=[(first, "1000.00"), (second, "100.00")],
                                        reference="银行回单 20261122")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.open_amount, second.open_amount) == (D("0.00"), D("400.00"))
    assert receipt.number.startswith("RR") and receipt.debtor_name == "人保财险"
    receipt_match(actor=clerk, receipt=receipt, matches=[(second, "100.00")])
    second.refresh_from_db()
    assert second.open_amount == D("300.00")
    with pytest.raises(DomainError) as over:
        receipt_match(actor=clerk, receipt=receipt, matches=[(second, "0.01")])
    assert over.value.code == "over_matched"


def test_fn4_over_matching_refused(clerk, store_bj, clock):
    one = item(store_bj, amount="100.00")
    with pytest.raises(DomainError) as above_open:
        receivable_receipt_record(actor=clerk, store=store_bj, amount="500.00",
                                  matches=[(one, "100.01")])
    assert above_open.value.code == "over_matched"
    two = item(store_bj, amount="100.00")
    with pytest.raises(DomainError) as above_receipt:
        receivable_receipt_record(actor=clerk, store=store_bj, amount="150.00",
                                  matches=[(one, "100.00"), (two, "50.01")])
    assert above_receipt.value.code == "over_matched"
    one.refresh_from_db()
    assert one.open_amount == D("100.00")  # nothing written
    other = item(store_bj, name="平安保险", amount="100.00")
    with pytest.raises(ValidationError) as two_debtors:
        receivable_receipt_record(actor=clerk, store=store_bj, amount="200.00",
                                  matches=[(one, "100.00"), (other, "100.00")])
    assert "matches" in two_debtors.value.message_dict


def test_fn4_receipt_for_another_stores_item_refused(clerk, store_bj, store_sh, clock):
    theirs = item(store_sh, amount="100.00")
    with pytest.raises(ValidationError):
        receivable_receipt_record(actor=clerk, store=store_bj, amount="100.00",
                                  matches=[(theirs, "100.00")])
    with pytest.raises(PermissionDenied):
        receivable_receipt_record(actor=clerk, store=store_sh, amount="100.00",
                                  matches=[(theirs, "100.00")])


def test_fn4_credit_customer_limit_and_terms(clerk, store_bj, company, advisor, clock):
    credit_account_set(actor=clerk, customer=company, credit_limit="10000", terms_days=45)
    ro1 = make_ro(store_bj, company, advisor, lines=[("job", "customer", "6000.00")])
    ro2 = make_ro(store_bj, company, advisor, lines=[("job", "customer", "5000.00")])
    first = receivable_charge_to_account(actor=clerk, repair_order=ro1)
    assert (first.debtor_kind, first.customer, first.amount) == (
        DebtorKind.CREDIT_CUSTOMER, company, D("6000.00"))
    assert first.due_date == clock.today() + dt.timedelta(days=45)
    with pytest.raises(DomainError) as limit:
        receivable_charge_to_account(actor=clerk, repair_order=ro2)
    assert limit.value.code == "credit_limit"  # 6000 + 5000 > 10000
    with pytest.raises(DomainError) as twice:
        receivable_charge_to_account(actor=clerk, repair_order=ro1)
    assert twice.value.code == "already_charged"
    receivable_receipt_record(actor=clerk, store=store_bj, amount="2000",
                              matches=[(first, "2000")])
    assert receivable_charge_to_account(actor=clerk, repair_order=ro2).amount == D("5000.00")


def test_fn4_credit_only_for_company_customers_with_an_account(clerk, store_bj, advisor,
                                                               clock):
    person = make_customer(store_bj, name="李娜", kind=CustomerKind.PERSON)
    with pytest.raises(ValidationError) as not_company:
        credit_account_set(actor=clerk, customer=person, credit_limit="1000")
    assert "customer" in not_company.value.message_dict
    ro = make_ro(store_bj, person, advisor, lines=[("job", "customer", "100.00")])
    with pytest.raises(DomainError) as none:
        receivable_charge_to_account(actor=clerk, repair_order=ro)
    assert none.value.code == "no_credit_account"


# --- API ---------------------------------------------------------------------------


def test_fn4_api_aging_receipts_and_refusals(clerk, api, store_bj, company, advisor, clock,
                                             django_assert_max_num_queries):
    today = clock.today()
    for days in (5, 40, 70, 100):
        item(store_bj, amount="100.00", due=today - dt.timedelta(days=days))
    client = api(clerk, store_bj)
    with django_assert_max_num_queries(6):
        aging = client.get("/api/v1/receivables/aging/")
    assert aging.status_code == 200
    row = aging.json()[0]
    assert [row[k] for k in ("d0_30", "d31_60", "d61_90", "d90_plus", "total")] == [
        "100.00", "100.00", "100.00", "100.00", "400.00"]
    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/receivables/?open=1")
    assert listed.status_code == 200 and listed.json()["count"] == 4
    target = Receivable.objects.order_by("due_date").first()
    paid = client.post(f"/api/v1/receivables/{target.pk}/receipts/",
                       {"amount": "80.00", "reference": "回单1"}, format="json")
    assert paid.status_code == 201 and paid.json()["open_amount"] == "20.00"
    over = client.post(f"/api/v1/receivables/{target.pk}/receipts/", {"amount": "20.01"},
                       format="json")
    assert over.status_code == 409 and over.json()["code"] == "over_matched"
    receipts = client.get(f"/api/v1/receivables/{target.pk}/receipts/")
    assert receipts.status_code == 200 and receipts.json()[0]["matched"] == "80.00"
    credit_account_set(actor=clerk, customer=company, credit_limit="100")
    ro = make_ro(store_bj, company, advisor, lines=[("job", "customer", "300.00")])
    refused = client.post("/api/v1/receivables/charge-to-account/", {"repair_order": ro.pk},
                          format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "credit_limit"
    synced = client.post("/api/v1/receivables/sync/")
    assert synced.status_code == 200 and synced.json() == {"created": 0}


def test_fn4_api_other_store_and_roles(clerk, api, staff, store_bj, store_sh, clock):
    mine = item(store_bj)
    assert api(clerk, store_sh).get("/api/v1/receivables/aging/").status_code == 403
    other = staff("finance", store=store_sh)
    assert api(other, store_sh).get(f"/api/v1/receivables/{mine.pk}/").status_code == 404
    assert api(other, store_sh).post(f"/api/v1/receivables/{mine.pk}/receipts/",
                                     {"amount": "1"}, format="json").status_code == 404
    viewer = staff("service_manager", store=store_bj)
    assert api(viewer, store_bj).get("/api/v1/receivables/aging/").status_code == 200
    assert api(viewer, store_bj).post(f"/api/v1/receivables/{mine.pk}/receipts/",
                                      {"amount": "1"}, format="json").status_code == 403
    advisor = staff("sales_consultant", store=store_bj)
    assert api(advisor, store_bj).get("/api/v1/receivables/").status_code == 403


def test_fn4_sv16_a_repair_order_charged_to_the_account_gets_its_gate_pass(
        clerk, store_bj, advisor, clock):
    """A fleet car on credit (挂账) leaves without paying at the desk once finance charged
    the customer's share to the account; before that the gate pass is refused."""
    from siwei.service.services.settlement import repair_order_release

    company = make_customer(store_bj, name="顺达物流有限公司")
    credit_account_set(actor=clerk, customer=company, credit_limit="10000", terms_days=30)
    ro = make_ro(store_bj, company, advisor, lines=[("job", "customer", "800.00")])
    with pytest.raises(DomainError) as unpaid:
        repair_order_release(actor=advisor, repair_order=ro)
    assert unpaid.value.code == "payment_incomplete"
    receivable_charge_to_account(actor=clerk, repair_order=ro)
    released = repair_order_release(actor=advisor, repair_order=ro)
    assert released.status == "released" and released.gate_pass_number


def test_fn4_credit_accounts_through_the_api(clerk, api, staff, store_bj, store_sh, company,
                                             advisor, clock, django_assert_max_num_queries):
    """``credit-accounts/``: open and change an account; the list shows what the company
    owes and what is left of its limit, in a bounded number of queries."""
    client = api(clerk, store_bj)
    opened = client.post("/api/v1/credit-accounts/", {"customer": company.pk,
                                                      "credit_limit": "10000.00",
                                                      "terms_days": 45}, format="json")
    assert opened.status_code == 201 and opened.json()["available"] == "10000.00"
    ro = make_ro(store_bj, company, advisor, lines=[("job", "customer", "6000.00")])
    receivable_charge_to_account(actor=clerk, repair_order=ro)
    other = make_customer(store_bj, name="京城出租汽车有限责任公司",
                          code="91110108MA01EFGH0")
    credit_account_set(actor=clerk, customer=other, credit_limit="5000")
    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/credit-accounts/").json()["results"]
    by_customer = {row["customer"]: row for row in listed}
    assert (by_customer[company.pk]["used"], by_customer[company.pk]["available"]) == (
        "6000.00", "4000.00")
    assert by_customer[other.pk]["used"] == "0.00"
    changed = client.post("/api/v1/credit-accounts/", {"customer": company.pk,
                                                       "credit_limit": "8000.00"},
                          format="json")
    assert changed.json()["available"] == "2000.00" and changed.json()["terms_days"] == 30
    person = make_customer(store_bj, name="李娜", kind=CustomerKind.PERSON)
    refused = client.post("/api/v1/credit-accounts/", {"customer": person.pk,
                                                       "credit_limit": "100"}, format="json")
    assert refused.status_code == 400 and "customer" in refused.json()
    negative = client.post("/api/v1/credit-accounts/", {"customer": company.pk,
                                                        "credit_limit": "-1"}, format="json")
    assert negative.status_code == 400 and "credit_limit" in negative.json()
    shanghai = make_customer(store_sh, name="申城城市配送有限公司", code="91310112MA1MNPQ00")
    foreign = client.post("/api/v1/credit-accounts/", {"customer": shanghai.pk,
                                                       "credit_limit": "100"}, format="json")
    assert foreign.status_code == 400 and "customer" in foreign.json()
    assert api(advisor, store_bj).post("/api/v1/credit-accounts/", {
        "customer": company.pk, "credit_limit": "1"}, format="json").status_code == 403


def test_fn4_fn1_a_loan_is_counted_once_whether_the_bank_item_or_the_payment_comes_first(
        store_bj, company, staff, clock):
    """The cashier records the bank's disbursement as a loan payment on the order; the
    bank's receivable is then settled by it (a receipt matched to the item), and a
    sync after a disbursement creates an item only for what the bank still owes."""
    from siwei.finance.models import ReceiptMatch
    from siwei.finance.services import payment_record

    consultant = staff("sales_consultant", store=store_bj)
    cashier = staff("cashier", store=store_bj)
    first = make_order(store_bj, company, consultant, loan="100000.00", bank="招商银行")
    second = make_order(store_bj, company, consultant, loan="80000.00", bank="工商银行")
    assert receivables_sync(store=store_bj) == 2
    bank_item = Receivable.objects.get(sales_order=first, debtor_kind=DebtorKind.BANK)
    payment = payment_record(actor=cashier, store=store_bj, amount=D("60000.00"),
                             method="loan", sales_order=first, reference="招行放款")
    bank_item.refresh_from_db()
    assert bank_item.open_amount == D("40000.00")
    match = ReceiptMatch.objects.get(receivable=bank_item)
    assert (match.amount, match.receipt.reference) == (D("60000.00"), payment.receipt_number)
    # A card payment by the buyer is not the bank's money.
    payment_record(actor=cashier, store=store_bj, amount=D("1000.00"), method="card",
                   sales_order=first)
    bank_item.refresh_from_db()
    assert bank_item.open_amount == D("40000.00")
    # More than the bank owes: the item is settled, the rest stays a payment on the order.
    payment_record(actor=cashier, store=store_bj, amount=D("45000.00"), method="loan",
                   sales_order=first)
    bank_item.refresh_from_db()
    assert bank_item.open_amount == D("0.00")
    # Disbursed before any item existed: the sync asks the bank only for the rest.
    Receivable.objects.filter(sales_order=second).delete()
    third = make_order(store_bj, company, consultant, loan="50000.00", bank="建设银行")
    payment_record(actor=cashier, store=store_bj, amount=D("50000.00"), method="loan",
                   sales_order=third)
    payment_record(actor=cashier, store=store_bj, amount=D("30000.00"), method="loan",
                   sales_order=second)
    assert receivables_sync(store=store_bj) == 1
    assert Receivable.objects.get(sales_order=second).amount == D("50000.00")
    assert not Receivable.objects.filter(sales_order=third).exists()
