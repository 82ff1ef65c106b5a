"""Quotes and sales orders through the states of CS-17."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.enums import Transitions
from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money
from siwei.core.models import Store
from siwei.core.numbering import number_next
from siwei.core.selectors import employee_roles
from siwei.core.transactions import service_transaction

from ..models import (
    CertificateStatus,
    OrderLine,
    OrderStatus,
    SalesOrder,
    SalesSettings,
    StockStatus,
    StockVehicle,
)
from .stock import record_certificate_move

S = OrderStatus
ORDER_FLOW = Transitions({
    "update": ([S.DRAFT, S.CONFIRMED], None),
    "approve_discount": ([S.DRAFT, S.CONFIRMED], None),
    "confirm": ([S.DRAFT], S.CONFIRMED),
    "allocate": ([S.CONFIRMED], S.ALLOCATED),
    "pay_in_full": ([S.ALLOCATED], S.PAID),
    "unpay": ([S.PAID], S.ALLOCATED),
    "release_certificate": ([S.PAID], S.CERTIFICATE_RELEASED),
    "deliver": ([S.CERTIFICATE_RELEASED], S.DELIVERED),
    "close": ([S.DELIVERED], S.CLOSED),
    "cancel": ([S.DRAFT, S.CONFIRMED, S.ALLOCATED, S.PAID], S.CANCELLED),
})

PRICE_FIELDS = (
    "vehicle_price", "insurance_company", "insurance_premium", "insurance_commission",
    "finance_bank", "loan_amount", "loan_term_months", "down_payment", "finance_fee",
    "finance_commission", "loan_approved", "registration_fee", "trade_in_vin",
    "trade_in_valuation", "colour", "trim", "lead",
)
PURCHASE_TAX_RATE = Decimal("0.10")


def sales_settings(store: Store) -> SalesSettings:
    found = SalesSettings.objects.filter(store=store).first()
    return found or SalesSettings(store=store)


def purchase_tax(*, price: Decimal, vat_rate: Decimal, new_energy: bool, on: dt.date) -> Decimal:
    """CS-16: 10% of the tax-exclusive price; new-energy vehicles are exempt up to 30,000
    yuan for purchases in 2024–2025 and half exempt (up to 15,000) in 2026–2027."""
    tax = money(price / (1 + vat_rate) * PURCHASE_TAX_RATE)
    if new_energy and on.year <= 2025:
        return max(ZERO, tax - Decimal("30000"))
    if new_energy and on.year <= 2027:
        return tax - min(money(tax / 2), Decimal("15000"))
    return tax


def discount_limit(actor, store: Store) -> Decimal | None:
    """The largest discount from MSRP the actor may give; None is unlimited (CS-16)."""
    codes = {role.code for role in employee_roles(actor, store)}
    if actor.is_superuser or codes & {"store_manager", "group_admin"}:
        return None
    settings = sales_settings(store)
    if "sales_manager" in codes:
        return settings.manager_discount_limit
    return settings.consultant_discount_limit


def _recalculate(order: SalesOrder) -> None:
    lines = list(order.lines.all()) if order.pk else []
    sold = sum((money(line.quantity * line.unit_price) for line in lines if not line.is_gift),
               ZERO)
    sold_cost = sum((money(line.quantity * line.unit_cost) for line in lines if not line.is_gift),
                    ZERO)
    gift_cost = sum((money(line.quantity * line.unit_cost) for line in lines if line.is_gift),
                    ZERO)
    order.total = money(order.vehicle_price + sold + order.insurance_premium
                        + order.registration_fee + order.finance_fee - order.trade_in_valuation)
    vehicle_cost = order.stock_vehicle.cost if order.stock_vehicle_id else order.vehicle_price
    order.gross_profit = money(
        order.vehicle_price - vehicle_cost + (sold - sold_cost) - gift_cost
        + order.insurance_commission + order.finance_commission + order.registration_fee)
    order.purchase_tax_estimate = purchase_tax(
        price=order.vehicle_price, vat_rate=order.store.tax_rate,
        new_energy=order.model.is_new_energy, on=clock.today())


def _needs_discount_approval(order: SalesOrder, actor) -> bool:
    limit = discount_limit(actor, order.store)
    return limit is not None and order.msrp - order.vehicle_price > limit


def _accessory_defaults(order: SalesOrder, line: dict[str, Any]) -> dict[str, Any]:
    """CS-19: an accessory is a part flagged as accessory; its name, number, list price and
    the store's moving-average cost fill what the line leaves out."""
    part = line.get("part")
    if part is None:
        return line
    if not part.is_accessory or part.group_id != order.store.group_id:
        raise ValidationError({"lines": [_("%s is not an accessory of the catalogue.")
                                         % part.number]})
    from siwei.parts.models import PartStore

    cost = PartStore.objects.filter(store=order.store, part=part).values_list(
        "average_cost", flat=True).first() or part.cost
    filled = {"description": part.name, "part_number": part.number,
              "unit_price": ZERO if line.get("is_gift") else part.list_price, "unit_cost": cost}
    filled.update({k: v for k, v in line.items() if v not in (None, "")})
    return filled


def _set_lines(order: SalesOrder, lines: list[dict[str, Any]] | None) -> None:
    if lines is None:
        return
    order.lines.all().delete()
    for i, line in enumerate(lines):
        line = _accessory_defaults(order, line)
        try:
            item = OrderLine(order=order, **line)
            item.full_clean(exclude=["order"])
        except (TypeError, ValidationError) as exc:
            detail = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise ValidationError({"lines": [f"{i + 1}: {m}" for m in detail]}) from None
        item.save()


def _apply(order: SalesOrder, data: dict[str, Any]) -> None:
    unknown = set(data) - set(PRICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown order fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(order, field, value)
    for field in ("vehicle_price", "insurance_premium", "insurance_commission", "loan_amount",
                  "down_payment", "finance_fee", "finance_commission", "registration_fee",
                  "trade_in_valuation"):
        value = getattr(order, field)
        if value is None or Decimal(value) < 0:
            raise ValidationError({field: [_("Enter an amount of zero or more.")]})
        setattr(order, field, money(value))
    if order.vehicle_price <= 0:
        raise ValidationError({"vehicle_price": [_("Enter the vehicle price.")]})


@service_transaction
def order_create(*, actor, store: Store, customer, model, lines: list[dict] | None = None,
                 consultant=None, **data: Any) -> SalesOrder:
    """A quote (draft order) with its price components (CS-16)."""
    if customer.store_id != store.pk:
        raise ValidationError({"customer": [_("The customer belongs to another store.")]})
    trim = data.get("trim")
    msrp = trim.msrp if trim is not None else data.get("vehicle_price") or ZERO
    order = SalesOrder(store=store, customer=customer, model=model, consultant=consultant or actor,
                       msrp=msrp, created_at=clock.now(),
                       number=number_next(store=store, doc_type="SO"))
    data.setdefault("vehicle_price", msrp)
    _apply(order, data)
    _recalculate(order)
    order.save()
    _set_lines(order, lines)
    _recalculate(order)
    order.save()
    audit_record(actor=actor, action="sales_order.create", obj=order,
                 after={"number": order.number, "vehicle_price": order.vehicle_price,
                        "total": order.total})
    return order


def _locked(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.select_for_update(of=("self",)).select_related(
        "store", "model", "stock_vehicle", "lead").get(pk=order.pk)


@service_transaction
def order_update(*, actor, order: SalesOrder, lines: list[dict] | None = None,
                 **data: Any) -> SalesOrder:
    order = _locked(order)
    ORDER_FLOW.target(order.status, "update")
    before = {"vehicle_price": order.vehicle_price, "total": order.total}
    price_changed = "vehicle_price" in data and money(data["vehicle_price"]) != order.vehicle_price
    _apply(order, data)
    _set_lines(order, lines)
    _recalculate(order)
    if price_changed:
        order.discount_approved_by = None
    order.save()
    audit_record(actor=actor, action="sales_order.update", obj=order, before=before,
                 after={"vehicle_price": order.vehicle_price, "total": order.total})
    return order


@service_transaction
def order_approve_discount(*, actor, order: SalesOrder) -> SalesOrder:
    """A manager whose limit covers the discount approves it (CS-16)."""
    order = _locked(order)
    ORDER_FLOW.target(order.status, "approve_discount")
    limit = discount_limit(actor, order.store)
    discount = order.msrp - order.vehicle_price
    if limit is not None and discount > limit:
        raise DomainError("discount_limit",
                          _("A discount of %(d)s is above your limit of %(l)s.")
                          % {"d": discount, "l": limit}, limit=str(limit))
    from siwei.core.permissions import has_store_perm

    if not has_store_perm(actor, order.store, "sales.approve_discount"):
        raise DomainError("approval_required", _("A sales manager must approve discounts."))
    order.discount_approved_by = actor
    order.save(update_fields=["discount_approved_by"])
    audit_record(actor=actor, action="sales_order.approve_discount", obj=order,
                 after={"discount": discount})
    return order


@service_transaction
def order_confirm(*, actor, order: SalesOrder) -> SalesOrder:
    """Confirm the order once a deposit is recorded; the lead becomes grade O (CS-17)."""
    order = _locked(order)
    status = ORDER_FLOW.target(order.status, "confirm")
    approver = order.discount_approved_by
    if _needs_discount_approval(order, approver or order.consultant):
        raise DomainError("discount_limit",
                          _("The discount of %(d)s needs a manager's approval.")
                          % {"d": order.msrp - order.vehicle_price})
    if order.paid <= 0:
        raise DomainError("payment_incomplete", _("Record the deposit in payments first."))
    order.status, order.confirmed_at = status, clock.now()
    order.save(update_fields=["status", "confirmed_at"])
    if order.lead is not None and order.paid >= sales_settings(order.store).o_grade_deposit:
        from siwei.crm.services import lead_set_grade

        lead_set_grade(actor=actor, lead=order.lead, grade="O")
    audit_record(actor=actor, action="sales_order.confirm", obj=order,
                 before={"status": S.DRAFT}, after={"status": status, "paid": order.paid})
    return order


@service_transaction
def order_allocate(*, actor, order: SalesOrder, stock_vehicle: StockVehicle) -> SalesOrder:
    """Reserve a stock VIN for the order: one VIN, one order (409 ``vehicle_unavailable``)."""
    order = _locked(order)
    status = ORDER_FLOW.target(order.status, "allocate")
    vehicle = StockVehicle.objects.select_for_update().get(pk=stock_vehicle.pk)
    if vehicle.store_id != order.store_id or vehicle.status != StockStatus.IN_STOCK:
        raise DomainError("vehicle_unavailable",
                          _("VIN %(vin)s is not free in stock (%(status)s).")
                          % {"vin": vehicle.vin, "status": vehicle.get_status_display()})
    if vehicle.model_id != order.model_id:
        raise DomainError("vehicle_unavailable", _("This vehicle is another model."))
    vehicle.status = StockStatus.ALLOCATED
    vehicle.save(update_fields=["status"])
    order.stock_vehicle, order.status = vehicle, status
    _recalculate(order)
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        raise DomainError("vehicle_unavailable",
                          _("VIN %(vin)s is already on another order.") % {"vin": vehicle.vin}
                          ) from None
    audit_record(actor=actor, action="sales_order.allocate", obj=order,
                 after={"vin": vehicle.vin, "status": status})
    _settle_payment_state(actor=actor, order=order)
    return order


def fully_paid(order: SalesOrder) -> bool:
    """Paid in full, or the rest covered by an approved loan (CS-17)."""
    if order.paid >= order.total:
        return True
    return order.loan_approved and order.paid + order.loan_amount >= order.total


def _settle_payment_state(*, actor, order: SalesOrder) -> None:
    if order.status == S.ALLOCATED and fully_paid(order):
        order.status = ORDER_FLOW.target(order.status, "pay_in_full")
        order.save(update_fields=["status"])
        audit_record(actor=actor, action="sales_order.paid", obj=order,
                     after={"status": order.status, "paid": order.paid})
    elif order.status == S.PAID and not fully_paid(order):
        order.status = ORDER_FLOW.target(order.status, "unpay")
        order.save(update_fields=["status"])
        audit_record(actor=actor, action="sales_order.unpaid", obj=order,
                     after={"status": order.status, "paid": order.paid})


def order_payment_changed(*, actor, order: SalesOrder) -> SalesOrder:
    """Called by the payment service in its transaction: recompute paid and the state."""
    from siwei.finance.models import Payment

    order = _locked(order)
    order.paid = money(Payment.objects.filter(sales_order=order).aggregate(
        s=Sum("amount"))["s"] or ZERO)
    order.save(update_fields=["paid"])
    _settle_payment_state(actor=actor, order=order)
    return order


@service_transaction
def order_release_certificate(*, actor, order: SalesOrder) -> SalesOrder:
    """Hand the certificate to the buyer: only when the cashier has recorded full payment or
    the bank's loan approval; the release keeps the receipts as proof (CS-15)."""
    from siwei.core.permissions import has_store_perm
    from siwei.finance.models import Payment

    order = _locked(order)
    if order.status in (S.DRAFT, S.CONFIRMED, S.ALLOCATED):
        raise DomainError("payment_incomplete",
                          _("The order is not paid in full (%(paid)s of %(total)s).")
                          % {"paid": order.paid, "total": order.total})
    status = ORDER_FLOW.target(order.status, "release_certificate")
    if not has_store_perm(actor, order.store, "sales.release_certificate"):
        raise PermissionDenied(_("You may not release certificates."))
    vehicle = StockVehicle.objects.select_for_update().get(pk=order.stock_vehicle_id)
    if vehicle.certificate_status != CertificateStatus.IN_SAFE:
        raise DomainError("invalid_transition",
                          _("The certificate is not in the safe (%(s)s); bring it back first.")
                          % {"s": vehicle.get_certificate_status_display()},
                          status=vehicle.certificate_status)
    receipts = list(Payment.objects.filter(sales_order=order, amount__gt=0)
                    .values_list("receipt_number", flat=True))
    proof = ", ".join(receipts)
    if order.loan_approved:
        proof = f"{proof}; {_('loan approved by')} {order.finance_bank}".strip("; ")
    record_certificate_move(actor=actor, vehicle=vehicle, to_status=CertificateStatus.RELEASED,
                            to_whom=order.customer.name, payment_proof=proof)
    order.status = status
    order.save(update_fields=["status"])
    audit_record(actor=actor, action="sales_order.release_certificate", obj=order,
                 after={"status": status, "proof": proof})
    return order


@service_transaction
def order_cancel(*, actor, order: SalesOrder, reason: str,
                 forfeit_deposit: bool = False) -> SalesOrder:
    """Cancel before delivery; the VIN is freed. A deposit is refunded through payments
    (a negative payment) or recorded as forfeited (CS-17)."""
    order = _locked(order)
    status = ORDER_FLOW.target(order.status, "cancel")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    if order.paid > 0 and not forfeit_deposit:
        raise DomainError("payment_incomplete",
                          _("Refund the %(paid)s paid (a refund in payments) or forfeit it.")
                          % {"paid": order.paid})
    if order.stock_vehicle_id:
        StockVehicle.objects.filter(pk=order.stock_vehicle_id).update(status=StockStatus.IN_STOCK)
    before = order.status
    order.status, order.cancelled_at = status, clock.now()
    order.cancel_reason, order.deposit_forfeited = reason.strip(), bool(order.paid > 0)
    order.save(update_fields=["status", "cancelled_at", "cancel_reason", "deposit_forfeited"])
    audit_record(actor=actor, action="sales_order.cancel", obj=order,
                 before={"status": before},
                 after={"status": status, "reason": reason, "forfeited": order.deposit_forfeited})
    return order
