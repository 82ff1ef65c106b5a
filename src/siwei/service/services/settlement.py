"""Settlement, payment and the gate pass of a repair order (SV-15, SV-16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money
from siwei.core.numbering import number_next
from siwei.core.permissions import has_store_perm
from siwei.core.selectors import employee_roles
from siwei.core.transactions import service_transaction

from ..models import (
    APPOINTMENT_FLOW,
    RO_FLOW,
    Appointment,
    Job,
    PartLine,
    Payer,
    RepairOrder,
    ROStatus,
)
from .orders import (
    DOCUMENT_TYPE,
    customer_share,
    locked,
    recompute,
    remember_lines,
    require,
    service_settings,
    sync_issued,
)

UNLIMITED_ROLES = frozenset({"store_manager", "group_admin"})


def discount_limit(actor, store) -> Decimal | None:
    """SV-15: the largest discount (%) the actor may give — the advisor's limit (5 %),
    the service manager's (15 %), unlimited for the store manager; None is unlimited."""
    if actor is None or actor.is_superuser:
        return None
    codes = {role.code for role in employee_roles(actor, store)}
    if codes & UNLIMITED_ROLES:
        return None
    settings = service_settings(store)
    if "service_manager" in codes or has_store_perm(actor, store,
                                                    "service.approve_service_discount"):
        return settings.manager_discount_percent
    return settings.advisor_discount_percent


def approved_limit(jobs: list[Job], parts: list[PartLine], signed_estimate: Decimal) -> Decimal:
    """The most the customer agreed to pay: the signed estimate plus approved additions."""
    approved = [line for line in [*jobs, *parts]
                if line.additional and line.approved_at is not None and not line.declined]
    return signed_estimate + customer_share(
        [line for line in approved if isinstance(line, Job)],
        [line for line in approved if isinstance(line, PartLine)])


def payer_totals(jobs: list[Job], parts: list[PartLine]) -> dict[str, dict[str, Decimal]]:
    """SV-15: labour, parts and total per payer (declined lines are not billed)."""
    totals: dict[str, dict[str, Decimal]] = {}
    for kind, lines in (("labour", jobs), ("parts", parts)):
        for line in lines:
            if line.declined:
                continue
            row = totals.setdefault(line.payer, {"labour": ZERO, "parts": ZERO, "total": ZERO})
            row[kind] += line.amount
            row["total"] += line.amount
    return totals


@service_transaction
def repair_order_settle(*, actor, repair_order: RepairOrder,
                        discount_percent: Decimal = Decimal(0)) -> RepairOrder:
    """SV-15: bill an inspected order. Issued parts must equal billed parts, the
    customer's share must stay within the signed estimate plus approved additions, and
    the discount within the actor's limit."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    if ro.status in (ROStatus.OPEN, ROStatus.IN_PROGRESS, ROStatus.COMPLETED):
        raise DomainError("inspection_required",
                          _("The final inspection (level 3) has not passed yet."),
                          status=ro.status)
    status = RO_FLOW.target(ro.status, "settle")
    try:
        discount = Decimal(str(discount_percent if discount_percent not in (None, "") else 0))
    except ArithmeticError:
        raise ValidationError({"discount_percent": [_("Enter a percentage.")]}) from None
    if not Decimal(0) <= discount <= Decimal(100):
        raise ValidationError({"discount_percent": [_("Enter a percentage from 0 to 100.")]})
    jobs = list(Job.objects.filter(repair_order=ro))
    parts = sync_issued(ro, list(PartLine.objects.filter(repair_order=ro)
                                 .select_related("part")))
    pending = [str(line) for line in [*jobs, *parts] if line.needs_approval]
    if pending:
        raise DomainError("approval_required",
                          _("The customer must approve or decline the additional work first: "
                            "%(lines)s") % {"lines": ", ".join(pending)})
    mismatched = [line for line in parts
                  if line.issued != (Decimal(0) if line.declined else line.quantity)]
    if mismatched:
        raise DomainError("quantity_mismatch",
                          _("Issued and billed quantities differ: %(lines)s")
                          % {"lines": ", ".join(f"{line.part.number} {line.issued:g}/"
                                                f"{line.quantity:g}" for line in mismatched)},
                          lines=[line.pk for line in mismatched])
    share = customer_share(jobs, parts)
    if share > approved_limit(jobs, parts, ro.signed_estimate):
        raise DomainError("approval_required",
                          _("The customer's share %(share)s is above the signed estimate and "
                            "the approved additions; get the customer's approval again.")
                          % {"share": share})
    limit = discount_limit(actor, ro.store) if discount > 0 else None
    if limit is not None and discount > limit:
        raise DomainError("discount_limit",
                          _("A discount of %(d)s %% is above your limit of %(l)s %%.")
                          % {"d": discount, "l": limit}, limit=str(limit))
    ro.discount_percent = discount
    ro.discount_approved_by = actor if discount > 0 and getattr(
        actor, "is_authenticated", False) else None
    recompute(ro, jobs, parts)
    ro.status, ro.settled_at = status, clock.now()
    ro.save(update_fields=["status", "settled_at", "discount_percent", "discount_approved_by",
                           "estimate_total", "customer_total"])
    totals = payer_totals(jobs, parts)
    audit_record(actor=actor, action="ro.settle", obj=ro, before={"status": ROStatus.INSPECTED},
                 after={"status": status, "discount_percent": discount,
                        "customer_total": ro.customer_total,
                        "payers": {payer: row["total"] for payer, row in totals.items()}})
    _refresh_maintenance_due(ro)
    remember_lines(ro, jobs, parts)
    return ro


def _refresh_maintenance_due(ro: RepairOrder) -> None:
    """SV-18: the next maintenance now starts from this visit."""
    try:
        from .maintenance import maintenance_due_refresh
    except ImportError:  # the maintenance module is optional for this department
        return
    from .maintenance import MAINTENANCE_CATEGORIES

    if ro.category in MAINTENANCE_CATEGORIES:
        maintenance_due_refresh(vehicle=ro.vehicle)


def fully_paid(ro: RepairOrder) -> bool:
    """Paid in full, or nothing for the customer to pay (warranty, insurance, internal)."""
    return ro.customer_total <= 0 or ro.paid >= ro.customer_total


def charged_to_account(ro: RepairOrder) -> Decimal:
    """What finance charged to the customer's credit account (挂账, FN-4) for this order."""
    from siwei.finance.models import DebtorKind, Receivable

    return money(Receivable.objects.filter(
        repair_order=ro, debtor_kind=DebtorKind.CREDIT_CUSTOMER, warranty_claim__isnull=True,
    ).aggregate(s=Sum("amount"))["s"] or ZERO)


def ro_payment_changed(*, actor, repair_order: RepairOrder) -> RepairOrder:
    """Called by the payment service inside its transaction: recompute ``paid`` from the
    payments; a settled order whose customer share is paid becomes paid."""
    from siwei.finance.models import Payment

    ro = repair_order
    ro.paid = money(Payment.objects.filter(repair_order=ro).aggregate(
        s=Sum("amount"))["s"] or ZERO)
    fields = ["paid"]
    before = ro.status
    if ro.status == ROStatus.SETTLED and fully_paid(ro):
        ro.status = RO_FLOW.target(ro.status, "pay")
        fields.append("status")
    ro.save(update_fields=fields)
    if before != ro.status:
        audit_record(actor=actor, action="ro.paid", obj=ro, before={"status": before},
                     after={"status": ro.status, "paid": ro.paid})
    return ro


@service_transaction
def repair_order_release(*, actor, repair_order: RepairOrder) -> RepairOrder:
    """SV-16: the gate pass (出门证) once the customer's share is paid in full (or is
    zero), or what is left of it is charged to the company's credit account (FN-4); the
    follow-up call is scheduled (CR-3) and the appointment is done."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.release_vehicle")
    if (ro.status in (ROStatus.SETTLED, ROStatus.PAID) and not fully_paid(ro)
            and ro.paid + charged_to_account(ro) < ro.customer_total):
        raise DomainError("payment_incomplete",
                          _("The customer has paid %(paid)s of %(total)s.")
                          % {"paid": ro.paid, "total": ro.customer_total},
                          paid=str(ro.paid), total=str(ro.customer_total))
    if ro.status in (ROStatus.OPEN, ROStatus.IN_PROGRESS, ROStatus.COMPLETED,
                     ROStatus.INSPECTED):
        raise DomainError("payment_incomplete", _("The order is not settled and paid yet."),
                          status=ro.status)
    status = RO_FLOW.target(ro.status, "release")
    now = clock.now()
    before = ro.status
    ro.status, ro.released_at = status, now
    ro.gate_pass_number = number_next(store=ro.store, doc_type="GP")
    ro.save(update_fields=["status", "released_at", "gate_pass_number"])
    release_leftover_reservations(ro, reason=ro.gate_pass_number)
    _follow_up_call(ro, now)
    if ro.appointment_id:
        _appointment_done(actor, ro)
    audit_record(actor=actor, action="ro.release", obj=ro, before={"status": before},
                 after={"status": status, "gate_pass": ro.gate_pass_number, "paid": ro.paid})
    return ro


def release_leftover_reservations(ro: RepairOrder, *, reason: str) -> None:
    """PT-9: parts still reserved when the car leaves — reserved for the whole order (an
    appointment's reservation handed over on arrival) and never moved to a line, or more
    than was issued — go back to available stock, and so does anything still held for the
    appointment."""
    from siwei.parts.services import reservation_release

    from .appointments import DOCUMENT_TYPE as APPOINTMENT_DOCUMENT

    reservation_release(actor=None, store=ro.store, document_type=DOCUMENT_TYPE,
                        document_id=str(ro.pk), reason=reason)
    if ro.appointment_id:
        reservation_release(actor=None, store=ro.store, document_type=APPOINTMENT_DOCUMENT,
                            document_id=str(ro.appointment_id), reason=reason)


def _follow_up_call(ro: RepairOrder, released_at: dt.datetime) -> None:
    """CR-3: customer service calls within 7 days of release (the store's setting)."""
    from siwei.care.models import FollowUpChannel, FollowUpKind
    from siwei.care.services import followup_schedule

    days = service_settings(ro.store).follow_up_days
    followup_schedule(store=ro.store, kind=FollowUpKind.SERVICE_CALL, customer=ro.customer,
                      due_at=released_at + dt.timedelta(days=days), source_type=DOCUMENT_TYPE,
                      source_id=ro.pk, vehicle=ro.vehicle, assignee_role="customer_service",
                      channel=FollowUpChannel.PHONE)


def _appointment_done(actor, ro: RepairOrder) -> None:
    """The visit's appointment is done (arrived → done)."""
    from .appointments import appointment_finish

    appointment = Appointment.objects.get(pk=ro.appointment_id)
    if APPOINTMENT_FLOW.allowed(appointment.status, "finish"):
        appointment_finish(actor=actor, appointment=appointment)


def bill(repair_order: RepairOrder) -> dict:
    """What the bill shows (SV-15): lines, totals per payer, old parts, recommended work,
    wear parts, next maintenance due."""
    from ..selectors_orders import bill_context

    return bill_context(repair_order)


__all__ = [
    "Payer", "bill", "discount_limit", "fully_paid", "payer_totals", "repair_order_release",
    "repair_order_settle", "ro_payment_changed",
]
