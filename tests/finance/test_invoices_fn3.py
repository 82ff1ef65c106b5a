"""FN-3 invoices: lines with VAT split per line (rounded half up), totals, buyer tax ID,
default lines from the source document, never more than the document's total
(``over_invoiced``), void with a reason, store scoping over the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.finance.models import Invoice, InvoiceStatus
from siwei.finance.services import default_lines, invoice_issue, invoice_void

from .helpers_invoices_receivables import credit_code, make_customer, make_order, make_ro

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(staff, store_bj):
    return staff("finance", store=store_bj)


@pytest.fixture
def customer(store_bj):
    return make_customer(store_bj)


def test_fn3_vat_split_per_line_worked_by_hand(clerk, store_bj, clock):
    invoice = invoice_issue(actor=clerk, store=store_bj, number="04400212", lines=[
        {"description": "机油保养套餐", "quantity": "2", "unit_price": "1130.00"},
        {"description": "雨刮片", "unit_price": "99.99"},
        {"description": "代办服务费", "unit_price": "100.00", "tax_rate": "0.06"},
    ], buyer_name="张伟")
    lines = list(invoice.lines.order_by("id"))
    # 2 × 1130.00 = 2260.00 at 13 %: 2260 / 1.13 = 2000.00, tax 260.00
    assert (lines[0].amount, lines[0].amount_net, lines[0].tax) == (
        Decimal("2260.00"), Decimal("2000.00"), Decimal("260.00"))
    # 99.99 / 1.13 = 88.4867… → 88.49 (half up), tax 11.50
    assert (lines[1].amount_net, lines[1].tax) == (Decimal("88.49"), Decimal("11.50"))
    # 100.00 at 6 %: 100 / 1.06 = 94.3396… → 94.34, tax 5.66
    assert (lines[2].tax_rate, lines[2].amount_net, lines[2].tax) == (
        Decimal("0.0600"), Decimal("94.34"), Decimal("5.66"))
    assert lines[0].tax_rate == store_bj.tax_rate == Decimal("0.1300")
    assert (invoice.amount_net, invoice.tax, invoice.total) == (
        Decimal("2182.83"), Decimal("277.16"), Decimal("2459.99"))
    assert AuditEvent.objects.filter(action="invoice.issue").count() == 1


def test_fn3_store_rate_is_the_default(clerk, store_bj, clock):
    store_bj.tax_rate = Decimal("0.0900")
    store_bj.save()
    invoice = invoice_issue(actor=clerk, store=store_bj, number="1", buyer_name="张伟",
                            lines=[{"description": "服务", "unit_price": "109.00"}])
    line = invoice.lines.get()
    assert (line.tax_rate, line.amount_net, line.tax) == (
        Decimal("0.0900"), Decimal("100.00"), Decimal("9.00"))


def test_fn3_buyer_tax_id_checked_with_the_credit_code_validator(clerk, store_bj, clock):
    with pytest.raises(ValidationError) as bad:
        invoice_issue(actor=clerk, store=store_bj, number="2", buyer_name="某公司",
                      buyer_tax_id="91110108MA01ABCD0X",
                      lines=[{"description": "服务", "unit_price": "10"}])
    assert "buyer_tax_id" in bad.value.message_dict
    with pytest.raises(ValidationError) as special:
        invoice_issue(actor=clerk, store=store_bj, number="2", buyer_name="某公司",
                      kind="special", lines=[{"description": "服务", "unit_price": "10"}])
    assert "buyer_tax_id" in special.value.message_dict
    good = invoice_issue(actor=clerk, store=store_bj, number="2", buyer_name="某公司",
                         kind="special", buyer_tax_id=credit_code().lower(),
                         lines=[{"description": "服务", "unit_price": "10"}])
    assert good.buyer_tax_id == credit_code()


def test_fn3_number_unique_per_store(clerk, staff, store_bj, store_sh, clock):
    line = [{"description": "服务", "unit_price": "10"}]
    invoice_issue(actor=clerk, store=store_bj, number="88", buyer_name="A", lines=line)
    with pytest.raises(ValidationError) as twice:
        invoice_issue(actor=clerk, store=store_bj, number="88", buyer_name="A", lines=line)
    assert "number" in twice.value.message_dict
    other = staff("finance", store=store_sh)
    assert invoice_issue(actor=other, store=store_sh, number="88", buyer_name="A", lines=line)


def test_fn3_sales_order_default_lines_and_over_invoiced(clerk, staff, store_bj, customer,
                                                         clock):
    order = make_order(store_bj, customer, staff("sales_consultant", store=store_bj),
                       accessories=[("脚垫", "3000.00", False), ("贴膜", "500.00", True)])
    lines = default_lines(order)
    assert [line.unit_price for line in lines] == [Decimal("150000.00"), Decimal("3000.00")]
    first = invoice_issue(actor=clerk, store=store_bj, number="100", sales_order=order)
    assert first.total == Decimal("153000.00")
    assert first.buyer_name == customer.name and first.buyer_tax_id == customer.credit_code
    # 150000 / 1.13 = 132743.3628… → 132743.36; 3000 / 1.13 = 2654.8672… → 2654.87
    assert first.amount_net == Decimal("135398.23") and first.tax == Decimal("17601.77")
    with pytest.raises(DomainError) as over:
        invoice_issue(actor=clerk, store=store_bj, number="101", sales_order=order,
                      lines=[{"description": "补开", "unit_price": "0.01"}])
    assert over.value.code == "over_invoiced"
    invoice_void(actor=clerk, invoice=first, reason="购方名称开错")
    again = invoice_issue(actor=clerk, store=store_bj, number="102", sales_order=order)
    assert again.total == Decimal("153000.00")


def test_fn3_repair_order_customer_share_after_discount(clerk, staff, store_bj, customer,
                                                        clock):
    ro = make_ro(store_bj, customer, staff("service_advisor", store=store_bj), discount="10",
                 lines=[("job", "customer", "400.00"), ("part", "customer", "600.00"),
                        ("job", "insurance", "3000.00"), ("part", "warranty", "800.00")])
    invoice = invoice_issue(actor=clerk, store=store_bj, number="200", repair_order=ro)
    assert [line.amount for line in invoice.lines.order_by("id")] == [Decimal("360.00"),
                                                                     Decimal("540.00")]
    assert invoice.total == ro.customer_total == Decimal("900.00")
    with pytest.raises(DomainError) as over:
        invoice_issue(actor=clerk, store=store_bj, number="201", repair_order=ro)
    assert over.value.code == "over_invoiced"


def test_fn3_unsettled_repair_order_cannot_be_invoiced(clerk, staff, store_bj, customer,
                                                       clock):
    ro = make_ro(store_bj, customer, staff("service_advisor", store=store_bj),
                 status="in_progress", lines=[("job", "customer", "400.00")])
    with pytest.raises(DomainError) as refused:
        invoice_issue(actor=clerk, store=store_bj, number="300", repair_order=ro)
    assert refused.value.code == "invalid_transition"


def test_fn3_void_needs_a_reason_and_the_permission(clerk, staff, store_bj, clock):
    invoice = invoice_issue(actor=clerk, store=store_bj, number="400", buyer_name="A",
                            lines=[{"description": "服务", "unit_price": "10"}])
    with pytest.raises(ValidationError) as no_reason:
        invoice_void(actor=clerk, invoice=invoice, reason=" ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(PermissionDenied):
        invoice_void(actor=staff("cashier", store=store_bj), invoice=invoice, reason="错")
    invoice_void(actor=clerk, invoice=invoice, reason="金额开错")
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.VOID
    with pytest.raises(DomainError) as twice:
        invoice_void(actor=clerk, invoice=invoice, reason="再次作废")
    assert twice.value.code == "invalid_transition"


def test_fn3_bad_lines_are_400_naming_lines(clerk, store_bj, clock):
    for lines in ([], [{"description": "", "unit_price": "1"}],
                  [{"description": "x", "unit_price": "-1"}],
                  [{"description": "x", "unit_price": "1", "tax_rate": "0.5"}]):
        with pytest.raises(ValidationError) as bad:
            invoice_issue(actor=clerk, store=store_bj, number="500", buyer_name="A",
                          lines=lines)
        assert "lines" in bad.value.message_dict


# --- API ---------------------------------------------------------------------------


def test_fn3_api_issue_list_and_void(clerk, api, store_bj, customer, staff, clock,
                                     django_assert_max_num_queries):
    ro = make_ro(store_bj, customer, staff("service_advisor", store=store_bj),
                 lines=[("job", "customer", "226.00")])
    client = api(clerk, store_bj)
    created = client.post("/api/v1/invoices/", {"number": "00112233", "repair_order": ro.pk},
                          format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["total"] == "226.00" and body["tax"] == "26.00"
    assert body["lines"][0]["amount_net"] == "200.00"
    over = client.post("/api/v1/invoices/", {"number": "00112234", "repair_order": ro.pk,
                                             "lines": [{"description": "x",
                                                        "unit_price": "1.00"}]},
                       format="json")
    assert over.status_code == 409 and over.json()["code"] == "over_invoiced"
    dup = client.post("/api/v1/invoices/", {"number": "00112233", "buyer_name": "A",
                                            "lines": [{"description": "x",
                                                       "unit_price": "1.00"}]},
                      format="json")
    assert dup.status_code == 400 and "number" in dup.json()
    for n in range(3):
        client.post("/api/v1/invoices/", {"number": f"9{n}", "buyer_name": "A",
                                          "lines": [{"description": "x",
                                                     "unit_price": "1.00"}]}, format="json")
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/invoices/")
    assert listed.status_code == 200
    voided = client.post(f"/api/v1/invoices/{body['id']}/void/", {"reason": "开错"},
                         format="json")
    assert voided.status_code == 200 and voided.json()["status"] == "void"
    again = client.post(f"/api/v1/invoices/{body['id']}/void/", {"reason": "开错"},
                        format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_fn3_api_other_store_is_403_and_invisible(clerk, api, staff, store_bj, store_sh,
                                                  clock):
    invoice = invoice_issue(actor=clerk, store=store_bj, number="600", buyer_name="A",
                            lines=[{"description": "服务", "unit_price": "10"}])
    assert api(clerk, store_sh).get("/api/v1/invoices/").status_code == 403
    other = staff("finance", store=store_sh)
    assert api(other, store_sh).get(f"/api/v1/invoices/{invoice.pk}/").status_code == 404
    assert api(other, store_sh).post(f"/api/v1/invoices/{invoice.pk}/void/",
                                     {"reason": "x"}, format="json").status_code == 404
    consultant = staff("sales_consultant", store=store_bj)
    assert api(consultant, store_bj).get("/api/v1/invoices/").status_code == 403
    cashier = staff("cashier", store=store_bj)
    assert api(cashier, store_bj).post(f"/api/v1/invoices/{invoice.pk}/void/",
                                       {"reason": "x"}, format="json").status_code == 403
