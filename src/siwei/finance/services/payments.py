"""Payments (收款, FN-1): against a sales order (deposit, balance, refund) or a repair order."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import money
from siwei.core.models import Store
from siwei.core.numbering import number_next
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import Payment, PaymentKind, PaymentMethod
from .cashier import day_open_check


def _checked_amount(amount, method: str):
    """The amount rounded to the cent, refusing an unknown method, a non-number or zero."""
    if method not in PaymentMethod.values:
        raise ValidationError({"method": [_("Unknown payment method.")]})
    try:
        amount = money(amount)
    except Exception:  # a non-numeric amount from the caller
        raise ValidationError({"amount": [_("Enter an amount.")]}) from None
    if amount == 0:
        raise ValidationError({"amount": [_("The amount cannot be zero.")]})
    return amount


@service_transaction
def payment_record(*, actor, store: Store, amount: Decimal, method: str, sales_order=None,
                   repair_order=None, kind: str | None = None, reference: str = "",
                   note: str = "", cashier=None, corrects: Payment | None = None) -> Payment:
    """Record money received (positive) or refunded (negative) against a sales order or a
    repair order. A refund needs a manager's approval: the user recording it must hold
    ``finance.approve_refund``; a manager approving a cashier's refund request records it
    in that ``cashier``'s name. ``corrects`` names the receipt a correction refers to (FN-2:
    a closed day's payments never change; corrections go into an open day). A payment in
    a day the cashier has closed is refused (409 ``day_closed``)."""
    if (sales_order is None) == (repair_order is None):
        raise ValidationError({"sales_order": [
            _("Name the sales order or the repair order the payment is for.")]})
    if corrects is not None and (corrects.store_id != store.pk
                                 or corrects.sales_order_id != getattr(sales_order, "pk", None)
                                 or corrects.repair_order_id != getattr(repair_order, "pk",
                                                                        None)):
        raise ValidationError({"corrects": [
            _("The corrected receipt belongs to another order.")]})
    if repair_order is not None:
        return _repair_order_payment(actor=actor, store=store, amount=amount, method=method,
                                     repair_order=repair_order, reference=reference,
                                     note=note, cashier=cashier, corrects=corrects)
    from siwei.sales.models import SalesOrder

    # Lock the order: payments of one order are recorded one at a time, on fresh totals.
    # (The order may be a bare reference by id from the API: the lock checks it exists.)
    sales_order = SalesOrder.objects.select_for_update().filter(pk=sales_order.pk).first()
    if sales_order is None or sales_order.store_id != store.pk:
        raise ValidationError({"sales_order": [_("The order belongs to another store.")]})
    sales_order.store = store
    amount = _checked_amount(amount, method)
    from siwei.sales.models import OrderStatus

    if sales_order.status in (OrderStatus.CANCELLED, OrderStatus.CLOSED) and amount > 0:
        raise DomainError("invalid_transition", _("The order is closed."),
                          status=sales_order.status)
    approved_by = None
    if amount < 0:
        kind = PaymentKind.REFUND
        if not has_store_perm(actor, store, "finance.approve_refund"):
            raise DomainError("approval_required", _("A refund needs a manager's approval."))
        if -amount > sales_order.paid:
            raise ValidationError({"amount": [_("A refund cannot exceed what was paid.")]})
        approved_by = actor
    elif cashier is not None and cashier.pk != actor.pk:
        raise ValidationError({"cashier": [_("Only a refund is recorded for another cashier.")]})
    elif kind is None:
        from siwei.sales.models import OrderStatus as S

        kind = PaymentKind.DEPOSIT if sales_order.status == S.DRAFT else PaymentKind.BALANCE
    if kind not in PaymentKind.values:
        raise ValidationError({"kind": [_("Unknown kind.")]})
    cashier, at = cashier or actor, clock.now()
    day_open_check(store=store, cashier=cashier, at=at)
    payment = Payment.objects.create(
        store=store, receipt_number=number_next(store=store, doc_type="RC"),
        sales_order=sales_order, kind=kind, method=method, amount=amount,
        reference=reference.strip(), cashier=cashier, approved_by=approved_by, at=at,
        note=note, corrects=corrects)
    from siwei.sales.services import order_payment_changed

    order_payment_changed(actor=actor, order=sales_order)
    from .receivables import loan_disbursement_received

    loan_disbursement_received(actor=actor, payment=payment)
    audit_record(actor=actor, action="payment.record", obj=payment,
                 after={"amount": amount, "method": method, "order": sales_order.number,
                        "receipt": payment.receipt_number})
    return payment


def _repair_order_payment(*, actor, store: Store, amount, method: str, repair_order,
                          reference: str, note: str, cashier=None, corrects=None) -> Payment:
    """Payment of a settled repair order (SV-16); the service department updates the
    order's paid amount and state through ``ro_payment_changed``."""
    from siwei.service.models import RepairOrder
    from siwei.service.services.settlement import ro_payment_changed

    repair_order = RepairOrder.objects.select_for_update(of=("self",)).filter(
        pk=repair_order.pk).first()
    if repair_order is None or repair_order.store_id != store.pk:
        raise ValidationError({"repair_order": [_("The order belongs to another store.")]})
    repair_order.store = store
    amount = _checked_amount(amount, method)
    approved_by = None
    if amount < 0:
        if not has_store_perm(actor, store, "finance.approve_refund"):
            raise DomainError("approval_required", _("A refund needs a manager's approval."))
        if -amount > repair_order.paid:
            raise ValidationError({"amount": [_("A refund cannot exceed what was paid.")]})
        approved_by = actor
    elif cashier is not None and cashier.pk != actor.pk:
        raise ValidationError({"cashier": [_("Only a refund is recorded for another cashier.")]})
    cashier, at = cashier or actor, clock.now()
    day_open_check(store=store, cashier=cashier, at=at)
    payment = Payment.objects.create(
        store=store, receipt_number=number_next(store=store, doc_type="RC"),
        repair_order=repair_order,
        kind=PaymentKind.REFUND if amount < 0 else PaymentKind.SETTLEMENT, method=method,
        amount=amount, reference=reference.strip(), cashier=cashier, approved_by=approved_by,
        at=at, note=note, corrects=corrects)
    ro_payment_changed(actor=actor, repair_order=repair_order)
    audit_record(actor=actor, action="payment.record", obj=payment,
                 after={"amount": amount, "method": method, "order": repair_order.number,
                        "receipt": payment.receipt_number})
    return payment
