"""Invoices (发票, FN-3): record the tax invoices issued for a sales order, a repair order
or nothing in Siwei, and void them with a reason.

Each line is quantity × unit price (tax included) = amount, split into net and tax at the
line's rate (the store's VAT rate unless the line names another), rounded half up to the
cent per line (``vat_split``); the invoice totals are the sums of its lines. The issued
(not void) invoices of one document never add up to more than the document's total
(409 ``over_invoiced``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money, quantity, to_decimal, vat_split
from siwei.core.models import Store
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.core.validators import validate_credit_code

from ..models import INVOICE_FLOW, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus

# Documents that may be invoiced: a confirmed (not cancelled) sales order, a settled RO.
SO_INVOICEABLE = ("confirmed", "allocated", "paid", "certificate_released", "delivered",
                  "closed")
RO_INVOICEABLE = ("settled", "paid", "released", "closed")
MAX_RATE = Decimal("0.17")


@dataclass(frozen=True)
class LineInput:
    """A line to invoice: quantity × unit price (tax included) at ``tax_rate`` (None: the
    store's rate)."""

    description: str
    unit_price: Decimal
    quantity: Decimal = Decimal(1)
    tax_rate: Decimal | None = None


def require(actor, store: Store, perm: str) -> None:
    """Services called by the system (``actor=None``: demo, scheduler) skip the check."""
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not do this in %(store)s.") % {"store": store.code})


def document_total(document) -> Decimal:
    """What a document can be invoiced for: a sales order's vehicle price and the
    accessories sold (not gifts; the insurer invoices the premium itself), a repair
    order's customer share after discount."""
    from siwei.sales.models import SalesOrder

    if isinstance(document, SalesOrder):
        sold = sum((money(line.quantity * line.unit_price) for line in document.lines.all()
                    if not line.is_gift), ZERO)
        return money(document.vehicle_price + sold)
    return money(document.customer_total)


def invoiced_total(document, *, exclude: Invoice | None = None) -> Decimal:
    """The total of the issued (not void) invoices of a document."""
    from siwei.sales.models import SalesOrder

    field = "sales_order" if isinstance(document, SalesOrder) else "repair_order"
    invoices = Invoice.objects.filter(**{field: document}, status=InvoiceStatus.ISSUED)
    if exclude is not None:
        invoices = invoices.exclude(pk=exclude.pk)
    return money(invoices.aggregate(s=Sum("total"))["s"] or ZERO)


def default_lines(document) -> list[LineInput]:
    """Lines proposed for a document: the vehicle and the accessories sold of a sales
    order; labour and parts of a repair order's customer share (after its discount)."""
    from siwei.sales.models import SalesOrder

    if isinstance(document, SalesOrder):
        vehicle = " ".join(str(part) for part in (document.model, document.trim or "",
                                                  document.colour) if part)
        if document.stock_vehicle_id:
            vehicle = f"{vehicle} VIN {document.stock_vehicle.vin}"
        lines = [LineInput(description=_("Vehicle %(v)s") % {"v": vehicle},
                           unit_price=document.vehicle_price)]
        lines += [LineInput(description=line.description[:100], unit_price=line.unit_price,
                            quantity=line.quantity)
                  for line in document.lines.all() if not line.is_gift and line.unit_price]
        return [line for line in lines if line.unit_price > 0]
    from siwei.service.models import Payer

    labour = sum((j.amount for j in document.jobs.all()
                  if j.payer == Payer.CUSTOMER and not j.declined), ZERO)
    parts = sum((p.amount for p in document.part_lines.all()
                 if p.payer == Payer.CUSTOMER and not p.declined), ZERO)
    labour_due = labour - money(labour * document.discount_percent / 100)
    if parts <= 0:  # no parts for the customer: the discount's rounding stays on labour
        labour_due = document.customer_total
    parts_due = document.customer_total - labour_due
    lines = [LineInput(description=_("Repair labour %(ro)s") % {"ro": document.number},
                       unit_price=labour_due),
             LineInput(description=_("Repair parts %(ro)s") % {"ro": document.number},
                       unit_price=parts_due)]
    return [line for line in lines if line.unit_price > 0]


def _line(store: Store, index: int, raw: LineInput | dict[str, Any]) -> InvoiceLine:
    """One checked line with amount, net and tax; errors name the line."""
    data = raw if isinstance(raw, dict) else raw.__dict__
    prefix = _("Line %(n)s") % {"n": index + 1}
    description = str(data.get("description") or "").strip()
    if not description:
        raise ValidationError({"lines": [f"{prefix}: " + _("Enter a description.")]})
    try:
        unit_price = money(data.get("unit_price"))
        qty = quantity(data.get("quantity") if data.get("quantity") not in (None, "") else 1)
        rate = data.get("tax_rate")
        rate = store.tax_rate if rate in (None, "") else to_decimal(rate)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"lines": [f"{prefix}: " + _("Enter numbers.")]}) from None
    if qty <= 0 or unit_price <= 0:
        raise ValidationError({"lines": [
            f"{prefix}: " + _("Quantity and unit price must be above zero.")]})
    if not Decimal(0) <= rate <= MAX_RATE:
        raise ValidationError({"lines": [
            f"{prefix}: " + _("The VAT rate must be between 0 and 17%.")]})
    amount = money(qty * unit_price)
    net, tax = vat_split(amount, rate)
    return InvoiceLine(description=description[:100], quantity=qty, unit_price=unit_price,
                       amount=amount, tax_rate=rate, amount_net=net, tax=tax)


def _buyer_tax_id(value: str, kind: str) -> str:
    value = (value or "").strip()
    if not value:
        if kind == InvoiceKind.SPECIAL:
            raise ValidationError({"buyer_tax_id": [
                _("A special VAT invoice needs the buyer's tax ID.")]})
        return ""
    try:
        return validate_credit_code(value)
    except ValidationError as exc:
        raise ValidationError({"buyer_tax_id": exc.messages}) from None


def _locked_document(store: Store, sales_order, repair_order):
    if sales_order is not None and repair_order is not None:
        raise ValidationError({"sales_order": [
            _("An invoice is for a sales order or a repair order, not both.")]})
    document = sales_order if sales_order is not None else repair_order
    if document is None:
        return None
    document = type(document).objects.select_for_update().get(pk=document.pk)
    field = "sales_order" if sales_order is not None else "repair_order"
    if document.store_id != store.pk:
        raise ValidationError({field: [_("The order belongs to another store.")]})
    allowed = SO_INVOICEABLE if sales_order is not None else RO_INVOICEABLE
    if document.status not in allowed:
        raise DomainError("invalid_transition",
                          _("%(doc)s cannot be invoiced in its state.") % {"doc": document},
                          status=document.status)
    return document


@service_transaction
def invoice_issue(*, actor, store: Store, number: str, kind: str = InvoiceKind.ORDINARY,
                  buyer_name: str = "", buyer_tax_id: str = "", sales_order=None,
                  repair_order=None, lines: list | None = None, issued_at=None,
                  note: str = "") -> Invoice:
    """FN-3: record an invoice. Without lines, a document's default lines are used;
    buyer name and tax ID default to the document's customer. Refused: a number already
    recorded in the store (400 ``number``), a bad tax ID (400 ``buyer_tax_id``), more than
    the document's total invoiced (409 ``over_invoiced``)."""
    require(actor, store, "finance.add_invoice")
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": [_("Enter the invoice number.")]})
    if kind not in InvoiceKind.values:
        raise ValidationError({"kind": [_("Unknown invoice kind.")]})
    document = _locked_document(store, sales_order, repair_order)
    if document is not None:
        customer = document.customer
        buyer_name = buyer_name or customer.name
        buyer_tax_id = buyer_tax_id or customer.credit_code
    buyer_name = (buyer_name or "").strip()
    if not buyer_name:
        raise ValidationError({"buyer_name": [_("Enter the buyer.")]})
    buyer_tax_id = _buyer_tax_id(buyer_tax_id, kind)
    if not lines:
        if document is None:
            raise ValidationError({"lines": [_("Enter at least one line.")]})
        lines = default_lines(document)
        if not lines:
            raise DomainError("over_invoiced", _("Nothing left to invoice on %(doc)s.")
                              % {"doc": document})
    items = [_line(store, i, raw) for i, raw in enumerate(lines)]
    total = sum((item.amount for item in items), ZERO)
    if document is not None:
        limit, done = document_total(document), invoiced_total(document)
        if done + total > limit:
            raise DomainError(
                "over_invoiced",
                _("%(doc)s totals %(limit)s; %(done)s is already invoiced, %(new)s more "
                  "would exceed it.") % {"doc": document, "limit": limit, "done": done,
                                         "new": total},
                document_total=str(limit), invoiced=str(done))
    if Invoice.objects.filter(store=store, number=number).exists():
        raise ValidationError({"number": [_("Invoice %(n)s is already recorded.")
                                          % {"n": number}]})
    invoice = Invoice(
        store=store, number=number, kind=kind, buyer_name=buyer_name[:100],
        buyer_tax_id=buyer_tax_id,
        sales_order=document if sales_order is not None else None,
        repair_order=document if repair_order is not None else None,
        issued_at=issued_at or clock.now(),
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        amount_net=sum((item.amount_net for item in items), ZERO),
        tax=sum((item.tax for item in items), ZERO), total=total, note=note[:200])
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:  # a parallel clerk recorded the same number
        raise ValidationError({"number": [_("Invoice %(n)s is already recorded.")
                                          % {"n": number}]}) from None
    for item in items:
        item.invoice = invoice
    InvoiceLine.objects.bulk_create(items)
    audit_record(actor=actor, action="invoice.issue", obj=invoice,
                 after={"number": number, "total": total, "tax": invoice.tax,
                        "document": str(document) if document is not None else ""})
    return invoice


@service_transaction
def invoice_void(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """FN-3: void an issued invoice with a reason; its amount can be invoiced again."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    require(actor, locked.store, "finance.void_invoice")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    status = INVOICE_FLOW.target(locked.status, "void")
    locked.status, locked.void_reason, locked.voided_at = status, reason[:200], clock.now()
    locked.voided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
    audit_record(actor=actor, action="invoice.void", obj=locked,
                 before={"status": InvoiceStatus.ISSUED},
                 after={"status": status, "reason": locked.void_reason})
    for field in ("status", "void_reason", "voided_at", "voided_by_id"):
        setattr(invoice, field, getattr(locked, field))
    return invoice
