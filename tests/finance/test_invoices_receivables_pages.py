"""FN-3 / FN-4 pages: invoice list, issue form from a document, detail and void; the
receivables aging page with Excel, collecting items, a debtor's receipt matched to its
items, an item's receipts, credit accounts and charging a repair order; menu and the
finance role's home card; another store's rows are not shown."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from siwei.core.exports import XLSX_CONTENT_TYPE
from siwei.finance.models import CreditAccount, DebtorKind, Invoice, Receivable
from siwei.finance.services import invoice_issue

from .helpers_invoices_receivables import make_claim, make_customer, make_order, make_ro

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def clerk(staff, store_bj):
    return staff("finance", store=store_bj)


def login(client, user):
    client.force_login(user)
    return client


def test_fn3_issue_an_invoice_from_a_sales_order_on_the_pages(client, clerk, staff, store_bj,
                                                              clock):
    customer = make_customer(store_bj)
    order = make_order(store_bj, customer, staff("sales_consultant", store=store_bj),
                       price="113000.00")
    login(client, clerk)
    form = client.get(reverse("finance:invoice-new") + f"?sales_order={order.pk}")
    assert form.status_code == 200
    assert form.context["lines"].initial[0]["unit_price"] == D("113000.00")
    data = {"sales_order": order.pk, "number": "20260001", "kind": "special",
            "buyer_name": customer.name, "buyer_tax_id": customer.credit_code,
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-0-description": "车辆 朗逸", "lines-0-quantity": "1",
            "lines-0-unit_price": "113000.00", "lines-0-tax_rate": "",
            "lines-1-description": "", "lines-1-unit_price": ""}
    done = client.post(reverse("finance:invoice-new"), data)
    invoice = Invoice.objects.get(number="20260001")
    assert done.status_code == 302 and invoice.sales_order == order
    assert (invoice.amount_net, invoice.tax) == (D("100000.00"), D("13000.00"))
    again = client.post(reverse("finance:invoice-new"), {**data, "number": "20260002"})
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()  # over_invoiced shown on the form
    dup = client.post(reverse("finance:invoice-new"), {**data, "sales_order": ""})
    assert dup.context["form"].errors["number"]
    listed = client.get(reverse("finance:invoices"))
    assert listed.status_code == 200 and "20260001" in listed.content.decode()
    xlsx = client.get(reverse("finance:invoices") + "?format=xlsx")
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    detail = client.get(reverse("finance:invoice", args=[invoice.pk]))
    assert detail.status_code == 200 and detail.context["void_form"] is not None
    client.post(reverse("finance:invoice-void", args=[invoice.pk]), {"reason": "税号开错"})
    invoice.refresh_from_db()
    assert invoice.status == "void" and invoice.void_reason == "税号开错"


def test_fn3_pages_scoped_to_the_store_and_role(client, clerk, staff, store_bj, store_sh,
                                                clock, django_assert_max_num_queries):
    for n in range(5):
        invoice_issue(actor=clerk, store=store_bj, number=f"70{n}", buyer_name="张伟",
                      lines=[{"description": "服务", "unit_price": "10"}])
    login(client, clerk)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("finance:invoices")).status_code == 200
    mine = Invoice.objects.first()
    login(client, staff("finance", store=store_sh))
    assert client.get(reverse("finance:invoice", args=[mine.pk])).status_code == 404
    assert client.post(reverse("finance:invoice-void", args=[mine.pk]),
                       {"reason": "x"}).status_code == 404
    login(client, staff("sales_consultant", store=store_bj))
    assert client.get(reverse("finance:invoices")).status_code == 403
    login(client, staff("cashier", store=store_bj))
    assert client.post(reverse("finance:invoice-void", args=[mine.pk]),
                       {"reason": "x"}).status_code == 403


def test_fn4_aging_page_collect_and_match_a_receipt(client, clerk, staff, store_bj, clock,
                                                    django_assert_max_num_queries):
    customer = make_customer(store_bj)
    advisor = staff("service_advisor", store=store_bj)
    ro = make_ro(store_bj, customer, advisor, lines=[("job", "insurance", "3000.00")],
                 settled=dt.datetime(2026, 8, 1, 10, tzinfo=dt.UTC))
    ro2 = make_ro(store_bj, customer, advisor, lines=[("part", "insurance", "1000.00")],
                  vehicle=ro.vehicle)
    make_claim(make_ro(store_bj, customer, advisor, lines=[("job", "warranty", "500.00")]),
               approved="480.00")
    login(client, clerk)
    client.post(reverse("finance:receivables-sync"))
    assert Receivable.objects.count() == 3
    with django_assert_max_num_queries(20):
        page = client.get(reverse("finance:receivables"))
    rows = {r["debtor_name"]: r for r in page.context["rows"]}
    insurer = rows["中国人民财产保险"]
    # settled 08-01 → due 08-31, 83 days past due on 11-22; settled 11-20 → due 12-20
    assert (insurer["d61_90"], insurer["d0_30"]) == (D("3000.00"), D("1000.00"))
    xlsx = client.get(reverse("finance:receivables") + "?format=xlsx", follow=True)
    assert xlsx.redirect_chain[0][0].startswith(
        reverse("reports:report", args=["receivables-aging"]))  # FN-7 catalogue
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(BytesIO(xlsx.content))
    aging = {r[1]: r for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert aging["中国人民财产保险"][2:7] == (1000, 0, 3000, 0, 4000)
    assert len(list(book.worksheets[1].iter_rows(min_row=2))) == 3  # the open items
    url = reverse("finance:receivable-debtor") + "?kind=insurer&name=中国人民财产保险"
    assert client.get(url).status_code == 200
    old = Receivable.objects.get(repair_order=ro)
    new = Receivable.objects.get(repair_order=ro2)
    over = client.post(url, {"amount": "3500.00", "received_on": "2026-11-22",
                             f"match_{old.pk}": "3000.00", f"match_{new.pk}": "1000.00"})
    assert over.status_code == 200 and over.context["form"].non_field_errors()
    done = client.post(url, {"amount": "3500.00", "received_on": "2026-11-22",
                             "reference": "人保回款", f"match_{old.pk}": "3000.00",
                             f"match_{new.pk}": "500.00"})
    assert done.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.open_amount, new.open_amount) == (D("0.00"), D("500.00"))
    item = client.get(reverse("finance:receivable", args=[new.pk]))
    assert item.status_code == 200 and item.context["receipts"][0].matched == D("500.00")
    client.post(reverse("finance:receivable", args=[new.pk]), {"amount": "500.00"})
    new.refresh_from_db()
    assert new.open_amount == D("0.00")


def test_fn4_credit_accounts_page_and_charge(client, clerk, staff, store_bj, clock):
    company = make_customer(store_bj)
    login(client, clerk)
    saved = client.post(reverse("finance:credit-accounts"), {
        "customer": company.pk, "credit_limit": "5000", "terms_days": "30", "active": "on"})
    assert saved.status_code == 302 and CreditAccount.objects.get().credit_limit == D("5000")
    ro = make_ro(store_bj, company, staff("service_advisor", store=store_bj),
                 lines=[("job", "customer", "6000.00")])
    client.post(reverse("finance:credit-charge"), {"repair_order": ro.number})
    assert not Receivable.objects.exists()  # 6000 > 5000: credit_limit, shown as a message
    client.post(reverse("finance:credit-accounts"), {
        "customer": company.pk, "credit_limit": "8000", "terms_days": "30", "active": "on"})
    charged = client.post(reverse("finance:credit-charge"), {"repair_order": ro.number})
    item = Receivable.objects.get()
    assert charged.status_code == 302 and item.debtor_kind == DebtorKind.CREDIT_CUSTOMER
    page = client.get(reverse("finance:credit-accounts"))
    assert page.context["accounts"][0][1:] == (D("6000.00"), D("2000.00"))


def test_fn4_menu_and_home_card_for_the_finance_role(client, clerk, store_bj, clock):
    Receivable.objects.create(store=store_bj, debtor_kind="oem", debtor_name="大众",
                              amount=D("100"), open_amount=D("100"),
                              arose_on=dt.date(2026, 7, 1), due_date=dt.date(2026, 7, 1),
                              created_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    login(client, clerk)
    home = client.get(reverse("home")).content.decode()
    assert reverse("finance:receivables") in home and reverse("finance:invoices") in home
    assert "100.00" in home  # over 90 days on the aging card


def test_fn3_invoice_started_from_the_order_and_repair_order_pages(client, staff, store_bj,
                                                                   clock):
    """The order and RO pages lead to the invoice form with the document filled in, for
    those who may issue invoices."""
    manager = staff("store_manager", store=store_bj)
    consultant = staff("sales_consultant", store=store_bj)
    advisor = staff("service_advisor", store=store_bj)
    customer = make_customer(store_bj)
    order = make_order(store_bj, customer, consultant)
    ro = make_ro(store_bj, customer, advisor, lines=[("job", "customer", "500.00")])
    login(client, manager)
    order_page = client.get(reverse("sales:order", args=[order.pk])).content.decode()
    assert f'{reverse("finance:invoice-new")}?sales_order={order.pk}' in order_page
    ro_page = client.get(reverse("service:ro", args=[ro.pk])).content.decode()
    assert f'{reverse("finance:invoice-new")}?repair_order={ro.pk}' in ro_page
    login(client, advisor)
    assert 'id="ro-invoice"' not in client.get(
        reverse("service:ro", args=[ro.pk])).content.decode()
    login(client, consultant)
    assert 'id="order-invoice"' not in client.get(
        reverse("sales:order", args=[order.pk])).content.decode()
