"""The FN-3 / FN-4 demo steps: invoices for delivered orders and paid repair orders (one
voided and reissued per store), receivables from claims, insured repairs and loans with
receipts that leave items in several aging buckets, fleet customers on credit."""

import datetime as dt
import random

import pytest

from siwei.demo.builder import DemoContext, build_organisation
from siwei.finance.demo_invoices import build_invoices
from siwei.finance.demo_receivables import build_receivables
from siwei.finance.models import CreditAccount, Invoice, Receivable, ReceivableReceipt
from siwei.finance.selectors_receivables import aging_totals
from siwei.finance.services import document_total, invoiced_total

from .helpers_invoices_receivables import TZ, make_claim, make_customer, make_order, make_ro

pytestmark = pytest.mark.django_db


def seed(store, staff):
    customer = make_customer(store, name="李娜", kind="person")
    advisor = staff("service_advisor", store=store)
    consultant = staff("sales_consultant", store=store)
    make_order(store, customer, consultant, loan="60000.00", bank="招商银行",
               confirmed=dt.datetime(2026, 6, 1, 10, tzinfo=TZ))
    order = make_order(store, customer, consultant)
    order.delivered_at = dt.datetime(2026, 10, 8, 10, tzinfo=TZ)
    order.save()
    for days, payer in ((20, "insurance"), (150, "insurance"), (5, "customer")):
        make_ro(store, customer, advisor, status="paid", lines=[("job", payer, "2000.00"),
                                                                ("job", "customer", "300.00")],
                settled=dt.datetime(2026, 11, 21, 10, tzinfo=TZ) - dt.timedelta(days=days))
    warranty = make_ro(store, customer, advisor, lines=[("job", "warranty", "800.00")])
    claim = make_claim(warranty, status="paid", approved="800.00",
                       decided=dt.datetime(2026, 8, 1, 10, tzinfo=TZ))
    claim.paid_at = dt.datetime(2026, 9, 1, 10, tzinfo=TZ)
    claim.save()


@pytest.mark.parametrize("small", [True, False])
def test_fn3_fn4_demo(clock, staff, small):
    ctx = DemoContext(rng=random.Random(3), small=small)
    build_organisation(ctx)
    for store in ctx.stores:
        seed(store, staff)
    build_invoices(ctx)
    build_receivables(ctx)
    for store in ctx.stores:
        invoices = Invoice.objects.for_store(store)
        assert invoices.filter(status="void").count() == 1
        assert invoices.filter(status="issued").count() >= 3
        for invoice in invoices.filter(status="issued"):
            document = invoice.source
            assert invoiced_total(document) <= document_total(document)
        assert Receivable.objects.for_store(store).values("debtor_kind").distinct().count() == 3
        assert ReceivableReceipt.objects.for_store(store).exists()
        assert CreditAccount.objects.for_store(store).count() == 2
        totals = aging_totals(store=store, today=clock.today())
        assert totals["total"] > 0
