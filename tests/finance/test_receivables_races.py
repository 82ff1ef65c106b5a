"""FN-4 races on PostgreSQL with real parallel connections: two repair orders charged to
one credit account at once stay within the limit; two receipts matched to one item at
once never settle more than it is open; two syncs at once create each item once."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from siwei.core.errors import DomainError
from siwei.finance.models import DebtorKind, Receivable
from siwei.finance.services import (
    credit_account_set,
    receivable_charge_to_account,
    receivable_receipt_record,
    receivables_sync,
)

from .helpers_invoices_receivables import make_customer, make_ro

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(outcomes)


def test_fn4_two_charges_at_once_stay_within_the_credit_limit(staff, store_bj, clock):
    clerk = staff("finance", store=store_bj)
    company = make_customer(store_bj)
    credit_account_set(actor=clerk, customer=company, credit_limit="10000")
    advisor = staff("service_advisor", store=store_bj)
    ros = [make_ro(store_bj, company, advisor, lines=[("job", "customer", "6000.00")])
           for _ in range(2)]
    outcomes = race([lambda ro=ro: receivable_charge_to_account(actor=clerk, repair_order=ro)
                     for ro in ros])
    assert outcomes == ["credit_limit", "ok"]
    assert Receivable.objects.filter(debtor_kind=DebtorKind.CREDIT_CUSTOMER).count() == 1


def test_fn4_two_receipts_at_once_never_over_match_an_item(staff, store_bj, clock):
    clerk = staff("finance", store=store_bj)
    item = Receivable.objects.create(
        store=store_bj, debtor_kind=DebtorKind.INSURER, debtor_name="平安保险",
        amount=Decimal("1000.00"), open_amount=Decimal("1000.00"), arose_on=clock.today(),
        due_date=clock.today(), created_at=clock.now())
    outcomes = race([lambda: receivable_receipt_record(actor=clerk, store=store_bj,
                                                       amount="700", matches=[(item, "700")])
                     for _ in range(3)])
    assert outcomes == ["ok", "over_matched", "over_matched"]
    item.refresh_from_db()
    assert item.open_amount == Decimal("300.00")


def test_fn4_two_syncs_at_once_create_each_item_once(staff, store_bj, clock):
    company = make_customer(store_bj)
    advisor = staff("service_advisor", store=store_bj)
    for _ in range(3):
        make_ro(store_bj, company, advisor, lines=[("job", "insurance", "1000.00")])
    outcomes = race([lambda: receivables_sync(store=store_bj) for _ in range(3)])
    assert outcomes == ["ok", "ok", "ok"]
    assert Receivable.objects.count() == 3
