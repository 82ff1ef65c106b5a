"""Receivables (应收账款, FN-4).

Items arise from:

- an approved (or paid) warranty claim: the OEM owes the approved amount;
- a settled repair order with insurance lines: the vehicle's insurer owes their total;
- a sales order with an approved loan: the financing bank owes the loan amount, less what
  the cashier has already recorded as the bank's loan disbursement on the order; a
  disbursement recorded later settles the item (``loan_disbursement_received``), so a
  loan is never counted twice;
- a settled repair order of a company customer charged to its credit account (挂账),
  refused above the account's credit limit (409 ``credit_limit``).

``receivables_sync`` creates the missing items of the first three kinds idempotently
(one item per source document and debtor kind; the scheduler and the receivables page
call it). A receipt (回款) from a debtor is matched to one or more of its items, in part
or in full; matching more than the receipt or more than an item's open amount is refused
(409 ``over_matched``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money
from siwei.core.models import Store
from siwei.core.numbering import number_next
from siwei.core.transactions import service_transaction

from ..models import (
    CreditAccount,
    DebtorKind,
    Payment,
    PaymentMethod,
    ReceiptMatch,
    Receivable,
    ReceivableReceipt,
)
from .invoices import RO_INVOICEABLE, SO_INVOICEABLE, require

# Payment terms (days from the date the amount arose) of the debtors without an account.
DEFAULT_TERMS = {DebtorKind.OEM: 60, DebtorKind.INSURER: 30, DebtorKind.BANK: 15}
CLAIM_RECEIVABLE = ("approved", "paid")


def _day(value: dt.datetime | None) -> dt.date:
    """The local date of ``value``, never after today."""
    today = clock.today()
    return min(timezone.localtime(value).date(), today) if value else today


def _amount(value, field: str) -> Decimal:
    try:
        amount = money(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("Enter an amount.")]}) from None
    if amount <= 0:
        raise ValidationError({field: [_("The amount must be above zero.")]})
    return amount


# --- credit accounts -----------------------------------------------------------------


@service_transaction
def credit_account_set(*, actor, customer, credit_limit, terms_days: int = 30,
                       active: bool = True, note: str = "") -> CreditAccount:
    """Open or change the credit account (limit, terms) of a company customer."""
    from siwei.crm.models import CustomerKind

    require(actor, customer.store, "finance.change_creditaccount")
    if customer.kind != CustomerKind.COMPANY:
        raise ValidationError({"customer": [_("Only company customers buy on credit.")]})
    limit = money(credit_limit if credit_limit not in (None, "") else 0)
    if limit < 0:
        raise ValidationError({"credit_limit": [_("The limit cannot be negative.")]})
    if not 0 <= int(terms_days) <= 365:
        raise ValidationError({"terms_days": [_("Enter 0 to 365 days.")]})
    account = CreditAccount.objects.select_for_update().filter(customer=customer).first()
    before = None if account is None else {"credit_limit": account.credit_limit,
                                           "terms_days": account.terms_days,
                                           "active": account.active}
    account = account or CreditAccount(store=customer.store, customer=customer)
    account.credit_limit, account.terms_days = limit, int(terms_days)
    account.active, account.note = bool(active), (note or "")[:200]
    account.save()
    audit_record(actor=actor, action="receivable.credit_account", obj=account, before=before,
                 after={"credit_limit": limit, "terms_days": account.terms_days,
                        "active": account.active})
    return account


def credit_used(customer) -> Decimal:
    """The open amount a credit customer owes."""
    return money(Receivable.objects.filter(
        customer=customer, debtor_kind=DebtorKind.CREDIT_CUSTOMER).aggregate(
        s=Sum("open_amount"))["s"] or ZERO)


@service_transaction
def receivable_charge_to_account(*, actor, repair_order) -> Receivable:
    """Charge what the customer still owes on a settled repair order to the company's
    credit account (挂账). Refused: no active account (409 ``no_credit_account``), nothing
    owed (409 ``nothing_due``), already charged (409 ``already_charged``), above the
    credit limit (409 ``credit_limit``)."""
    from siwei.service.models import RepairOrder

    ro = RepairOrder.objects.select_for_update(of=("self",)).select_related(
        "customer").get(pk=repair_order.pk)
    require(actor, ro.store, "finance.add_receivable")
    if ro.status not in RO_INVOICEABLE:
        raise DomainError("invalid_transition", _("The repair order is not settled."),
                          status=ro.status)
    # The account row is the lock: two charges of one customer are checked one at a time.
    account = CreditAccount.objects.select_for_update().filter(
        customer=ro.customer, active=True).first()
    if account is None:
        raise DomainError("no_credit_account",
                          _("%(c)s has no credit account.") % {"c": ro.customer})
    if Receivable.objects.filter(repair_order=ro, warranty_claim__isnull=True,
                                 debtor_kind=DebtorKind.CREDIT_CUSTOMER).exists():
        raise DomainError("already_charged", _("%(ro)s is already charged to the account.")
                          % {"ro": ro.number})
    amount = money(ro.customer_total - ro.paid)
    if amount <= 0:
        raise DomainError("nothing_due", _("The customer owes nothing on %(ro)s.")
                          % {"ro": ro.number})
    used = credit_used(ro.customer)
    if used + amount > account.credit_limit:
        raise DomainError(
            "credit_limit",
            _("%(c)s owes %(used)s; %(amount)s more exceeds the credit limit of %(limit)s.")
            % {"c": ro.customer, "used": used, "amount": amount,
               "limit": account.credit_limit},
            limit=str(account.credit_limit), used=str(used))
    today = clock.today()
    item = Receivable.objects.create(
        store=ro.store, debtor_kind=DebtorKind.CREDIT_CUSTOMER, debtor_name=ro.customer.name,
        customer=ro.customer, repair_order=ro,
        description=_("Repair order %(ro)s on credit") % {"ro": ro.number}, amount=amount,
        open_amount=amount, arose_on=today,
        due_date=today + dt.timedelta(days=account.terms_days), created_at=clock.now())
    audit_record(actor=actor, action="receivable.charge", obj=item,
                 after={"repair_order": ro.number, "amount": amount,
                        "due_date": item.due_date})
    return item


# --- items from claims, insurance lines and loans ------------------------------------


def _item(store: Store, kind: str, name: str, amount: Decimal, arose_on: dt.date,
          description: str, **source) -> Receivable:
    return Receivable(store=store, debtor_kind=kind, debtor_name=(name or "")[:100],
                      amount=amount, open_amount=amount, arose_on=arose_on,
                      due_date=arose_on + dt.timedelta(days=DEFAULT_TERMS[kind]),
                      description=description[:200], created_at=clock.now(), **source)


def _claim_items(store: Store) -> list[Receivable]:
    from siwei.service.models import WarrantyClaim

    has_item = Receivable.objects.filter(warranty_claim=OuterRef("pk"),
                                         debtor_kind=DebtorKind.OEM)
    claims = (WarrantyClaim.objects.filter(store=store, status__in=CLAIM_RECEIVABLE,
                                           approved_amount__gt=0)
              .exclude(Exists(has_item)).select_related("repair_order"))
    oem = store.brand or _("OEM")
    return [_item(store, DebtorKind.OEM, oem, claim.approved_amount, _day(claim.decided_at),
                  _("Warranty claim %(c)s") % {"c": claim.number}, warranty_claim=claim,
                  repair_order=claim.repair_order)
            for claim in claims]


def _insurance_items(store: Store) -> list[Receivable]:
    from siwei.service.models import Job, PartLine, Payer, RepairOrder

    insured = Q(payer=Payer.INSURANCE, declined=False, repair_order=OuterRef("pk"))
    has_item = Receivable.objects.filter(repair_order=OuterRef("pk"),
                                         warranty_claim__isnull=True,
                                         debtor_kind=DebtorKind.INSURER)
    orders = (RepairOrder.objects.filter(store=store, status__in=RO_INVOICEABLE)
              .filter(Exists(Job.objects.filter(insured))
                      | Exists(PartLine.objects.filter(insured)))
              .exclude(Exists(has_item)).select_related("vehicle")
              .prefetch_related("jobs", "part_lines"))
    items = []
    for ro in orders:
        amount = sum((line.amount for line in [*ro.jobs.all(), *ro.part_lines.all()]
                      if line.payer == Payer.INSURANCE and not line.declined), ZERO)
        if amount > 0:
            items.append(_item(
                store, DebtorKind.INSURER,
                ro.vehicle.insurance_company or _("Insurer not recorded"), money(amount),
                _day(ro.settled_at), _("Accident repair %(ro)s") % {"ro": ro.number},
                repair_order=ro))
    return items


def _loan_items(store: Store) -> list[Receivable]:
    from siwei.sales.models import SalesOrder

    has_item = Receivable.objects.filter(sales_order=OuterRef("pk"),
                                         debtor_kind=DebtorKind.BANK)
    disbursed = (Payment.objects.filter(sales_order=OuterRef("pk"), method=PaymentMethod.LOAN)
                 .order_by().values("sales_order").annotate(total=Sum("amount"))
                 .values("total"))
    orders = (SalesOrder.objects.filter(store=store, status__in=SO_INVOICEABLE,
                                        loan_approved=True, loan_amount__gt=0)
              .exclude(Exists(has_item))
              .annotate(disbursed=Coalesce(Subquery(disbursed), Value(ZERO),
                                           output_field=DecimalField(max_digits=14,
                                                                     decimal_places=2))))
    return [_item(store, DebtorKind.BANK, order.finance_bank or _("Bank not recorded"),
                  order.loan_amount - order.disbursed, _day(order.confirmed_at
                                                            or order.created_at),
                  _("Loan of sales order %(o)s") % {"o": order.number}, sales_order=order)
            for order in orders if order.loan_amount > order.disbursed]


def loan_disbursement_received(*, actor, payment: Payment) -> ReceivableReceipt | None:
    """The bank's loan money recorded at the cashier's desk for a sales order is the bank
    paying its receivable: it becomes a receipt matched to the order's bank item (up to
    the item's open amount). Called by ``payment_record`` in its transaction."""
    if (payment.method != PaymentMethod.LOAN or payment.amount <= 0
            or payment.sales_order_id is None):
        return None
    item = (Receivable.objects.select_for_update()
            .filter(sales_order_id=payment.sales_order_id, debtor_kind=DebtorKind.BANK,
                    open_amount__gt=0).first())
    if item is None:
        return None
    amount = min(payment.amount, item.open_amount)
    receipt = ReceivableReceipt.objects.create(
        store=payment.store, number=number_next(store=payment.store, doc_type="RR"),
        debtor_kind=item.debtor_kind, debtor_name=item.debtor_name, amount=amount,
        received_on=timezone.localtime(payment.at).date(),
        reference=payment.receipt_number,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        at=clock.now())
    _apply(receipt, [(item, amount)])
    audit_record(actor=actor, action="receivable.receipt", obj=receipt,
                 after={"amount": amount, "debtor": receipt.debtor_name,
                        "matches": {item.pk: amount}, "payment": payment.receipt_number})
    return receipt


@service_transaction
def receivables_sync(*, store: Store, actor=None) -> int:
    """Create the missing items from approved claims, insured repairs and approved loans
    of ``store``; returns how many were created. Idempotent: the unique constraints keep
    one item per source document and debtor kind, also when two runs race."""
    items = [*_claim_items(store), *_insurance_items(store), *_loan_items(store)]
    before = Receivable.objects.filter(store=store).count()
    # A parallel run may insert the same items first: the unique constraints skip them.
    Receivable.objects.bulk_create(items, batch_size=500, ignore_conflicts=True)
    created = Receivable.objects.filter(store=store).count() - before
    if created:
        audit_record(actor=actor, action="receivable.sync", store=store,
                     after={"created": created})
    return created


# --- receipts ------------------------------------------------------------------------


def _checked_matches(store: Store, matches) -> list[tuple[Receivable, Decimal]]:
    """Lock the items (in id order) and check store, debtor and amounts."""
    if not matches:
        raise ValidationError({"matches": [_("Match the receipt to at least one item.")]})
    wanted: dict[int, Decimal] = {}
    for receivable, amount in matches:
        wanted[receivable.pk] = wanted.get(receivable.pk, ZERO) + _amount(amount, "matches")
    locked = {r.pk: r for r in Receivable.objects.select_for_update().filter(
        pk__in=wanted).order_by("pk")}
    if len(locked) != len(wanted) or any(r.store_id != store.pk for r in locked.values()):
        raise ValidationError({"matches": [_("Unknown receivable.")]})
    debtors = {(r.debtor_kind, r.debtor_name) for r in locked.values()}
    if len(debtors) > 1:
        raise ValidationError({"matches": [_("A receipt comes from one debtor.")]})
    for pk, amount in wanted.items():
        item = locked[pk]
        if amount > item.open_amount:
            raise DomainError(
                "over_matched",
                _("%(amount)s is more than the %(open)s still open on %(item)s.")
                % {"amount": amount, "open": item.open_amount, "item": item.description},
                receivable=pk, open_amount=str(item.open_amount))
    return [(locked[pk], amount) for pk, amount in wanted.items()]


def _apply(receipt: ReceivableReceipt, matches: list[tuple[Receivable, Decimal]]) -> None:
    ReceiptMatch.objects.bulk_create([ReceiptMatch(receipt=receipt, receivable=item,
                                                   amount=amount) for item, amount in matches])
    for item, amount in matches:
        item.open_amount -= amount
        item.save(update_fields=["open_amount"])


def receipt_unmatched(receipt: ReceivableReceipt) -> Decimal:
    matched = receipt.matches.aggregate(s=Sum("amount"))["s"] or ZERO
    return money(receipt.amount - matched)


@service_transaction
def receivable_receipt_record(*, actor, store: Store, amount, matches,
                              received_on: dt.date | None = None,
                              reference: str = "") -> ReceivableReceipt:
    """Record money received from a debtor and match it to its items: ``matches`` is a
    list of (receivable, amount). Partial matches are fine; more than the receipt or more
    than an item's open amount is refused (409 ``over_matched``). What is left unmatched
    can be matched later (``receipt_match``)."""
    require(actor, store, "finance.add_receivablereceipt")
    amount = _amount(amount, "amount")
    received_on = received_on or clock.today()
    if received_on > clock.today():
        raise ValidationError({"received_on": [_("The date cannot be in the future.")]})
    checked = _checked_matches(store, matches)
    matched = sum((a for _item, a in checked), ZERO)
    if matched > amount:
        raise DomainError("over_matched",
                          _("%(matched)s matched is more than the receipt of %(amount)s.")
                          % {"matched": matched, "amount": amount})
    first = checked[0][0]
    receipt = ReceivableReceipt.objects.create(
        store=store, number=number_next(store=store, doc_type="RR"),
        debtor_kind=first.debtor_kind, debtor_name=first.debtor_name, amount=amount,
        received_on=received_on, reference=(reference or "").strip()[:60],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        at=clock.now())
    _apply(receipt, checked)
    audit_record(actor=actor, action="receivable.receipt", obj=receipt,
                 after={"amount": amount, "debtor": receipt.debtor_name,
                        "matches": {item.pk: a for item, a in checked}})
    return receipt


@service_transaction
def receipt_match(*, actor, receipt: ReceivableReceipt, matches) -> ReceivableReceipt:
    """Match what is still unmatched of a receipt to more items of the same debtor."""
    receipt = ReceivableReceipt.objects.select_for_update().get(pk=receipt.pk)
    require(actor, receipt.store, "finance.add_receivablereceipt")
    checked = _checked_matches(receipt.store, matches)
    if any((item.debtor_kind, item.debtor_name) != (receipt.debtor_kind, receipt.debtor_name)
           for item, _a in checked):
        raise ValidationError({"matches": [_("A receipt comes from one debtor.")]})
    left = receipt_unmatched(receipt)
    matched = sum((a for _item, a in checked), ZERO)
    if matched > left:
        raise DomainError("over_matched",
                          _("Only %(left)s of the receipt is still unmatched.")
                          % {"left": left})
    _apply(receipt, checked)
    audit_record(actor=actor, action="receivable.match", obj=receipt,
                 after={"matches": {item.pk: a for item, a in checked}})
    return receipt
