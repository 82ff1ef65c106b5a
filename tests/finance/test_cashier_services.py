"""FN-1 refunds approved by a manager and FN-2 daily close (日结): totals computed by hand,
every refusal code, and the races on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.finance.models import DailyClose, Payment, RefundStatus
from siwei.finance.services import (
    daily_close,
    daily_close_review,
    day_totals,
    payment_record,
    refund_approve,
    refund_reject,
    refund_request_create,
)

from . import helpers_cashier
from .helpers_cashier import at, repair_order, sales_order

pytestmark = pytest.mark.django_db
desk = helpers_cashier.desk  # the fixture
D = Decimal
DAY = dt.date(2026, 11, 22)


def pay(desk, store, order, amount, method, who=None, **extra):
    field = "sales_order" if order.__class__.__name__ == "SalesOrder" else "repair_order"
    return payment_record(actor=who or desk.cashier, store=store, amount=D(amount),
                          method=method, **{field: order}, **extra)


@pytest.fixture
def busy_day(desk, store_bj, clock):
    """Cashier 1 on 22 Nov: cash 3000 + 200.50, WeChat 5000, card 1000 (4 payments, total
    9200.50); on 21 Nov cash 999 (another day); cashier 2 on 22 Nov cash 777."""
    so = sales_order(store_bj, desk.consultant, total="60000.00")
    ro = repair_order(store_bj, desk.advisor, total="1800.00")
    at(clock, 18, day=21)
    pay(desk, store_bj, so, "999.00", "cash")
    at(clock, 9, 30)
    pay(desk, store_bj, so, "3000.00", "cash")
    pay(desk, store_bj, so, "5000.00", "wechat")
    at(clock, 11)
    pay(desk, store_bj, ro, "200.50", "cash")
    pay(desk, store_bj, ro, "1000.00", "card")
    pay(desk, store_bj, so, "777.00", "cash", who=desk.cashier2)
    at(clock, 18)
    return so, ro


def test_fn2_totals_per_method_are_the_days_payments_of_the_cashier(desk, store_bj, busy_day):
    totals = day_totals(store=store_bj, cashier=desk.cashier, day=DAY)
    assert totals["per_method"]["cash"] == D("3200.50")
    assert totals["per_method"]["wechat"] == D("5000.00")
    assert totals["per_method"]["card"] == D("1000.00")
    assert totals["per_method"]["alipay"] == D("0.00")
    assert totals["count"] == 4 and totals["total"] == D("9200.50")


def test_fn2_close_records_totals_expected_and_counted_cash(desk, store_bj, busy_day):
    close = daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                        counted_cash=D("3200.50"))
    assert close.totals["cash"] == "3200.50" and close.totals["wechat"] == "5000.00"
    assert close.totals["card"] == "1000.00" and close.totals["voucher"] == "0.00"
    assert close.payments_count == 4 and close.total == D("9200.50")
    assert close.expected_cash == D("3200.50") and close.difference == D("0.00")
    assert close.status == "closed" and close.closed_by == desk.cashier
    assert close.closed_at == dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    assert AuditEvent.objects.filter(action="cashier.close_day").count() == 1


def test_fn2_a_cash_difference_needs_a_reason(desk, store_bj, busy_day):
    with pytest.raises(ValidationError) as exc:
        daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                    counted_cash=D("3150.50"))
    assert "reason" in exc.value.message_dict
    assert not DailyClose.objects.exists()
    close = daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                        counted_cash=D("3150.50"), reason="找零多找50元")
    assert close.difference == D("-50.00") and close.reason == "找零多找50元"


def test_fn2_bad_input_names_the_field(desk, store_bj, busy_day):
    for counted, field in (("abc", "counted_cash"), ("-1", "counted_cash")):
        with pytest.raises(ValidationError) as exc:
            daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                        counted_cash=counted)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier,
                    day=DAY + dt.timedelta(days=1), counted_cash=D("0"))
    assert "day" in exc.value.message_dict


def test_fn2_a_day_is_closed_once(desk, store_bj, busy_day):
    daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                counted_cash=D("3200.50"))
    with pytest.raises(DomainError) as exc:
        daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                    counted_cash=D("3200.50"))
    assert exc.value.code == "already_closed"
    # The other cashier's day and the previous day are separate closes.
    daily_close(actor=desk.cashier2, store=store_bj, cashier=desk.cashier2, day=DAY,
                counted_cash=D("777.00"))
    previous = daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier,
                           day=DAY - dt.timedelta(days=1), counted_cash=D("999.00"))
    assert previous.total == D("999.00") and DailyClose.objects.count() == 3


def test_fn2_only_finance_closes_another_cashiers_day(desk, store_bj, busy_day):
    with pytest.raises(PermissionDenied):
        daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier2, day=DAY,
                    counted_cash=D("777.00"))
    with pytest.raises(PermissionDenied):
        daily_close(actor=desk.manager, store=store_bj, cashier=desk.manager, day=DAY,
                    counted_cash=D("0"))
    close = daily_close(actor=desk.finance, store=store_bj, cashier=desk.cashier2, day=DAY,
                        counted_cash=D("777.00"))
    assert close.closed_by == desk.finance and close.cashier == desk.cashier2


def test_fn2_closed_day_refuses_payments_and_corrections_go_into_the_next_day(
        desk, store_bj, busy_day, clock):
    so, _ro = busy_day
    original = Payment.objects.get(cashier=desk.cashier, amount=D("5000.00"))
    daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                counted_cash=D("3200.50"))
    with pytest.raises(DomainError) as exc:
        pay(desk, store_bj, so, "100.00", "cash")
    assert exc.value.code == "day_closed"
    assert Payment.objects.filter(cashier=desk.cashier).count() == 5
    pay(desk, store_bj, so, "100.00", "cash", who=desk.cashier2)  # her day is open
    at(clock, 9, day=23)
    fix = pay(desk, store_bj, so, "300.00", "alipay", corrects=original,
              note="原收据方式记错")
    assert fix.corrects == original and fix.at.date() == dt.date(2026, 11, 23)
    close = DailyClose.objects.get(cashier=desk.cashier, day=DAY)
    assert close.total == D("9200.50")  # the closed day did not change
    other = sales_order(store_bj, desk.consultant, total="1000.00")
    with pytest.raises(ValidationError) as exc:
        pay(desk, store_bj, other, "100.00", "cash", corrects=original)
    assert "corrects" in exc.value.message_dict


def test_fn2_review_by_finance(desk, store_bj, busy_day):
    close = daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                        counted_cash=D("3200.50"))
    with pytest.raises(PermissionDenied):
        daily_close_review(actor=desk.cashier, close=close)
    daily_close_review(actor=desk.finance, close=close)
    close.refresh_from_db()
    assert close.status == "reviewed" and close.reviewed_by == desk.finance
    with pytest.raises(DomainError) as exc:
        daily_close_review(actor=desk.finance, close=close)
    assert exc.value.code == "invalid_transition"


# --- FN-1 refunds -------------------------------------------------------------------

def test_fn1_cashier_cannot_refund_without_a_manager(desk, store_bj, busy_day):
    so, _ro = busy_day
    with pytest.raises(DomainError) as exc:
        pay(desk, store_bj, so, "-500.00", "cash")
    assert exc.value.code == "approval_required"


def test_fn1_refund_request_then_manager_approval_records_it(desk, store_bj, busy_day):
    so, _ro = busy_day
    so.refresh_from_db()
    paid = so.paid
    request = refund_request_create(actor=desk.cashier, store=store_bj, sales_order=so,
                                    amount=D("1200.00"), method="wechat",
                                    reason="客户取消精品套餐")
    assert request.status == RefundStatus.PENDING and request.payment is None
    assert Payment.objects.filter(amount__lt=0).count() == 0  # nothing paid back yet
    with pytest.raises(PermissionDenied):
        refund_approve(actor=desk.cashier2, request=request)
    approved = refund_approve(actor=desk.manager, request=request, note="同意")
    refund = approved.payment
    assert approved.status == RefundStatus.APPROVED and approved.decided_by == desk.manager
    assert refund.amount == D("-1200.00") and refund.kind == "refund"
    assert refund.cashier == desk.cashier and refund.approved_by == desk.manager
    so.refresh_from_db()
    assert so.paid == paid - D("1200.00")
    assert day_totals(store=store_bj, cashier=desk.cashier, day=DAY)["per_method"][
        "wechat"] == D("3800.00")
    with pytest.raises(DomainError) as exc:
        refund_approve(actor=desk.manager, request=request)
    assert exc.value.code == "invalid_transition"


def test_fn1_refund_request_refusals(desk, store_bj, busy_day):
    so, ro = busy_day
    with pytest.raises(ValidationError) as exc:
        refund_request_create(actor=desk.cashier, store=store_bj, sales_order=so,
                              amount=D("100000.00"), method="cash", reason="退款")
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        refund_request_create(actor=desk.cashier, store=store_bj, repair_order=ro,
                              amount=D("100.00"), method="cash", reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        refund_request_create(actor=desk.consultant, store=store_bj, sales_order=so,
                              amount=D("100.00"), method="cash", reason="退款")
    request = refund_request_create(actor=desk.cashier, store=store_bj, repair_order=ro,
                                    amount=D("100.00"), method="cash", reason="工时多收")
    with pytest.raises(ValidationError) as exc:
        refund_reject(actor=desk.manager, request=request, note="")
    assert "note" in exc.value.message_dict
    refund_reject(actor=desk.manager, request=request, note="工时无误")
    request.refresh_from_db()
    assert request.status == RefundStatus.REJECTED and request.payment is None


def test_fn1_fn2_approval_into_a_closed_day_is_refused_and_stays_pending(desk, store_bj,
                                                                         busy_day, clock):
    _so, ro = busy_day
    request = refund_request_create(actor=desk.cashier, store=store_bj, repair_order=ro,
                                    amount=D("200.50"), method="cash", reason="重复收款")
    daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
                counted_cash=D("3200.50"))
    with pytest.raises(DomainError) as exc:
        refund_approve(actor=desk.manager, request=request)
    assert exc.value.code == "day_closed"
    request.refresh_from_db()
    assert request.status == RefundStatus.PENDING
    at(clock, 9, day=23)
    approved = refund_approve(actor=desk.manager, request=request)
    assert approved.payment.at.date() == dt.date(2026, 11, 23)
    ro.refresh_from_db()
    assert ro.paid == D("1000.00")


# --- races on PostgreSQL ------------------------------------------------------------

def _parallel(count, run):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(run(i))
        except DomainError as exc:
            results.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fn2_closing_one_cashier_day_twice_in_parallel_has_one_winner(desk, store_bj,
                                                                      busy_day):
    results = _parallel(4, lambda i: daily_close(
        actor=desk.cashier, store=store_bj, cashier=desk.cashier, day=DAY,
        counted_cash=D("3200.50")).pk)
    assert sorted(map(str, results)).count("already_closed") == 3
    assert DailyClose.objects.filter(cashier=desk.cashier, day=DAY).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fn2_a_payment_racing_the_close_is_counted_or_refused(desk, store_bj, busy_day):
    so, _ro = busy_day

    def run(i):
        if i == 0:
            return daily_close(actor=desk.cashier, store=store_bj, cashier=desk.cashier,
                               day=DAY, counted_cash=D("3200.50"), reason="并发测试")
        return pay(desk, store_bj, so, "10.00", "cash")

    results = _parallel(4, run)
    close = DailyClose.objects.get(cashier=desk.cashier, day=DAY)
    recorded = day_totals(store=store_bj, cashier=desk.cashier, day=DAY)
    # Whatever order the transactions ran in, the close holds every payment of the day.
    assert close.total == recorded["total"] and close.payments_count == recorded["count"]
    refused = [r for r in results if r == "day_closed"]
    assert recorded["count"] == 4 + (3 - len(refused))
