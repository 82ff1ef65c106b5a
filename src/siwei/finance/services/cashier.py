"""The cashier's day (日结, FN-2) and refunds approved by a manager (FN-1)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money
from siwei.core.models import Store
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import (
    DailyClose,
    DailyCloseStatus,
    Payment,
    PaymentMethod,
    RefundRequest,
    RefundStatus,
)


def business_day(at: dt.datetime) -> dt.date:
    """The business day of a moment: its date in the store's time zone."""
    return timezone.localtime(at).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``day`` and of the next day, in the active time zone."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1),
                                                          dt.time.min))


def cashier_lock(cashier) -> None:
    """Serialise the payments and the close of one cashier: both lock the cashier's user
    row, so no payment slips into a day while it is being closed."""
    list(get_user_model().objects.select_for_update().filter(pk=cashier.pk).values("pk"))


def day_open_check(*, store: Store, cashier, at: dt.datetime) -> None:
    """FN-2: refuse a payment dated in a day the cashier has closed (409 ``day_closed``).
    Call inside the payment's transaction."""
    cashier_lock(cashier)
    day = business_day(at)
    if DailyClose.objects.filter(store=store, cashier=cashier, day=day).exists():
        raise DomainError("day_closed",
                          _("%(day)s is closed for this cashier; record the correction in "
                            "the next open day.") % {"day": day.isoformat()}, day=day.isoformat())


def day_totals(*, store: Store, cashier, day: dt.date) -> dict:
    """The cashier's payments of ``day``: amount per method (every method, zero when
    none), count and total."""
    start, end = day_bounds(day)
    rows = (Payment.objects.filter(store=store, cashier=cashier, at__gte=start, at__lt=end)
            .values("method").annotate(s=Sum("amount"), n=Count("id")))
    per_method = {code: ZERO for code in PaymentMethod.values}
    count = 0
    for row in rows:
        per_method[row["method"]] = money(row["s"] or ZERO)
        count += row["n"]
    return {"per_method": per_method, "count": count,
            "total": money(sum(per_method.values(), ZERO))}


@service_transaction
def daily_close(*, actor, store: Store, cashier, day: dt.date, counted_cash,
                reason: str = "") -> DailyClose:
    """FN-2: close ``cashier``'s ``day`` in ``store``. Totals per method come from the
    day's payments; the cash counted is compared with the cash expected and a difference
    needs a reason. A day is closed once (409 ``already_closed``); a day in the future
    cannot be closed."""
    if cashier.pk == actor.pk:
        if not has_store_perm(actor, store, "finance.add_dailyclose"):
            raise PermissionDenied(_("You may not close a cashier's day."))
    elif not has_store_perm(actor, store, "finance.close_any_day"):
        raise PermissionDenied(_("You may close only your own day."))
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError({"day": [_("Enter a date.")]})
    if day > clock.today():
        raise ValidationError({"day": [_("A day in the future cannot be closed.")]})
    try:
        counted = money(counted_cash)
    except Exception:  # not a number
        raise ValidationError({"counted_cash": [_("Enter the cash counted.")]}) from None
    if counted < 0:
        raise ValidationError({"counted_cash": [_("The cash counted cannot be negative.")]})
    cashier_lock(cashier)
    if DailyClose.objects.filter(store=store, cashier=cashier, day=day).exists():
        raise DomainError("already_closed", _("This day is already closed."),
                          day=day.isoformat())
    totals = day_totals(store=store, cashier=cashier, day=day)
    expected = totals["per_method"][PaymentMethod.CASH]
    difference = counted - expected
    reason = (reason or "").strip()
    if difference != 0 and not reason:
        raise ValidationError({"reason": [
            _("Give the reason for the difference of %(diff)s.") % {"diff": difference}]})
    try:
        with transaction.atomic():
            close = DailyClose.objects.create(
                store=store, cashier=cashier, day=day,
                totals={code: str(amount) for code, amount in totals["per_method"].items()},
                payments_count=totals["count"], total=totals["total"],
                expected_cash=expected, counted_cash=counted, difference=difference,
                reason=reason, closed_at=clock.now(), closed_by=actor)
    except IntegrityError:  # a parallel close of the same day won
        raise DomainError("already_closed", _("This day is already closed."),
                          day=day.isoformat()) from None
    audit_record(actor=actor, action="cashier.close_day", obj=close,
                 after={"day": day.isoformat(), "total": totals["total"],
                        "expected_cash": expected, "counted_cash": counted,
                        "difference": difference, "reason": reason})
    return close


@service_transaction
def daily_close_review(*, actor, close: DailyClose, note: str = "") -> DailyClose:
    """Finance confirms a close (the cash reached the bank, the difference is explained)."""
    close = DailyClose.objects.select_for_update().get(pk=close.pk)
    if not has_store_perm(actor, close.store, "finance.review_dailyclose"):
        raise PermissionDenied(_("You may not review daily closes."))
    if close.status != DailyCloseStatus.CLOSED:
        raise DomainError("invalid_transition", _("This close is already reviewed."),
                          status=close.status)
    close.status = DailyCloseStatus.REVIEWED
    close.reviewed_by, close.reviewed_at = actor, clock.now()
    close.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(actor=actor, action="cashier.review_close", obj=close,
                 before={"status": DailyCloseStatus.CLOSED},
                 after={"status": close.status, "note": note})
    return close


@service_transaction
def refund_request_create(*, actor, store: Store, amount, method: str, reason: str,
                          sales_order=None, repair_order=None, reference: str = "",
                          corrects: Payment | None = None) -> RefundRequest:
    """FN-1: a cashier asks to pay ``amount`` (positive) back; nothing moves until a
    manager approves."""
    if not has_store_perm(actor, store, "finance.add_refundrequest"):
        raise PermissionDenied(_("You may not request refunds."))
    if (sales_order is None) == (repair_order is None):
        raise ValidationError({"sales_order": [
            _("Name the sales order or the repair order the refund is for.")]})
    order = sales_order or repair_order
    order = type(order).objects.get(pk=order.pk)  # the paid amount as it is now
    if order.store_id != store.pk:
        raise ValidationError({"sales_order": [_("The order belongs to another store.")]})
    if method not in PaymentMethod.values:
        raise ValidationError({"method": [_("Unknown payment method.")]})
    try:
        amount = money(amount)
    except Exception:
        raise ValidationError({"amount": [_("Enter an amount.")]}) from None
    if amount <= 0:
        raise ValidationError({"amount": [_("Enter the amount to pay back (positive).")]})
    if amount > order.paid:
        raise ValidationError({"amount": [_("A refund cannot exceed what was paid.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the refund.")]})
    _check_corrects(corrects, sales_order=sales_order, repair_order=repair_order)
    request = RefundRequest.objects.create(
        store=store, sales_order=sales_order, repair_order=repair_order, amount=amount,
        method=method, reference=reference.strip(), reason=reason.strip(), corrects=corrects,
        requested_by=actor, requested_at=clock.now())
    audit_record(actor=actor, action="cashier.refund_request", obj=request,
                 after={"amount": amount, "method": method, "order": order.number,
                        "reason": request.reason})
    return request


def _check_corrects(corrects, *, sales_order, repair_order) -> None:
    if corrects is None:
        return
    if (corrects.sales_order_id != (sales_order.pk if sales_order else None)
            or corrects.repair_order_id != (repair_order.pk if repair_order else None)):
        raise ValidationError({"corrects": [
            _("The corrected receipt belongs to another order.")]})


def _pending(request: RefundRequest, actor) -> RefundRequest:
    request = RefundRequest.objects.select_for_update().get(pk=request.pk)
    if not has_store_perm(actor, request.store, "finance.approve_refund"):
        raise PermissionDenied(_("A refund needs a manager's approval."))
    if request.status != RefundStatus.PENDING:
        raise DomainError("invalid_transition", _("This refund request is already decided."),
                          status=request.status)
    return request


@service_transaction
def refund_approve(*, actor, request: RefundRequest, note: str = "") -> RefundRequest:
    """FN-1: the manager approves; the refund is recorded at once as a negative payment in
    the requesting cashier's day, approved by the manager."""
    from .payments import payment_record

    request = _pending(request, actor)
    if request.requested_by_id == actor.pk:  # four eyes: who asks does not approve
        raise DomainError("approval_required",
                          _("Another manager must approve your own refund request."))
    payment = payment_record(
        actor=actor, store=request.store, amount=-request.amount, method=request.method,
        sales_order=request.sales_order, repair_order=request.repair_order,
        reference=request.reference, note=request.reason[:200],
        cashier=request.requested_by, corrects=request.corrects)
    request.status, request.payment = RefundStatus.APPROVED, payment
    request.decided_by, request.decided_at = actor, clock.now()
    request.decision_note = (note or "").strip()
    request.save(update_fields=["status", "payment", "decided_by", "decided_at",
                                "decision_note"])
    audit_record(actor=actor, action="cashier.refund_approve", obj=request,
                 before={"status": RefundStatus.PENDING},
                 after={"status": request.status, "receipt": payment.receipt_number})
    return request


@service_transaction
def refund_reject(*, actor, request: RefundRequest, note: str) -> RefundRequest:
    """FN-1: the manager refuses the refund, with a reason."""
    request = _pending(request, actor)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Give the reason for the rejection.")]})
    request.status = RefundStatus.REJECTED
    request.decided_by, request.decided_at = actor, clock.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="cashier.refund_reject", obj=request,
                 before={"status": RefundStatus.PENDING},
                 after={"status": request.status, "note": request.decision_note})
    return request
