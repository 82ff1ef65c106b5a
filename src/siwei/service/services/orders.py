"""Repair orders from reception to signature and the lines of the estimate (SV-6 … SV-9,
SV-11, SV-12, SV-16). Parts issued to the lines are in ``order_parts``, additional work,
cancelling and closing in ``order_changes``, the shared rules in ``order_rules`` — all
importable from here. Settlement, payment and the gate pass are in ``settlement``; the
workshop states (in progress, completed, inspected) belong to ``workshop``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_batch, audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import money
from siwei.core.fields import quantity as to_quantity
from siwei.core.numbering import number_next
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import (
    RO_FLOW,
    Appointment,
    Concern,
    Job,
    LabourOperation,
    PartLine,
    Payer,
    RepairOrder,
    ROCategory,
    ROStatus,
    ServiceSettings,
)
from .order_changes import (
    CLOSE_AFTER_DAYS,
    repair_order_approve_additional,
    repair_order_cancel,
    repair_order_close,
    repair_order_decline_additional,
    repair_orders_close_due,
)
from .order_parts import (
    _cancel_part_requests,
    repair_order_issue_parts,
    repair_order_return_parts,
    sync_issued,
)
from .order_rules import (
    CLOSED_FOR_WORK,
    CONTRACT_CATEGORIES,
    DOCUMENT_TYPE,
    MAX_SIGNATURE_CHARS,
    _lines_of,
    _payer,
    _signature,
    customer_share,
    holding,
    invalid_state,
    labour_rate,
    locked,
    locking,
    needs_contract,
    part_price,
    recompute,
    remember_lines,
    require,
    service_settings,
    standard_hours,
    work_allowed,
)

# --------------------------------------------------------------------------- reception

def find_comeback(*, store, vehicle, mileage: int, at: dt.datetime | None = None,
                  settings: ServiceSettings | None = None) -> RepairOrder | None:
    """SV-6: the latest order of the same vehicle released within the store's comeback
    window (30 days and 3,000 km by default)."""
    settings = settings or service_settings(store)
    at = at or clock.now()
    candidate = (RepairOrder.objects.filter(
        vehicle=vehicle, status__in=[ROStatus.RELEASED, ROStatus.CLOSED],
        released_at__gte=at - dt.timedelta(days=settings.comeback_days))
        .order_by("-released_at", "-id").first())
    if candidate is None or mileage - candidate.mileage > settings.comeback_km:
        return None
    return candidate


@service_transaction
def repair_order_open(*, actor, store, customer, vehicle, category: str, mileage: int,
                      promised_at: dt.datetime, complaints: list[str],
                      appointment: Appointment | None = None,
                      comeback_of: RepairOrder | None = None, fuel_level: int | None = None,
                      damage_notes: str = "", valuables: str = "", items_handed_over: str = "",
                      covers_applied: bool = False, customer_waits: bool = False,
                      return_old_parts: bool = False, diagnosis: str = "",
                      advisor=None) -> RepairOrder:
    """Reception (SV-7): open a draft repair order for a walk-in or an appointment. The
    odometer is recorded (CS-3, ``odometer_rollback``); a comeback within the store's
    window is linked to the earlier order (SV-6). The advisor is the acting user unless
    given (the system opening an order names one)."""
    require(actor, store, "service.add_repairorder")
    if customer.store_id != store.pk:
        raise ValidationError({"customer": [_("The customer belongs to another store.")]})
    if vehicle.store_id != store.pk:
        raise ValidationError({"vehicle": [_("The vehicle belongs to another store.")]})
    if category not in ROCategory.values:
        raise ValidationError({"category": [_("Unknown category.")]})
    if fuel_level is not None and not 0 <= int(fuel_level) <= 100:
        raise ValidationError({"fuel_level": [_("Enter a fuel level from 0 to 100 %.")]})
    texts = [str(text).strip()[:300] for text in complaints or [] if str(text).strip()]
    now = clock.now()
    if promised_at is None or promised_at <= now:
        raise ValidationError({"promised_at": [_("The promised time must be in the future.")]})
    if appointment is not None:
        if appointment.store_id != store.pk or appointment.vehicle_id != vehicle.pk:
            raise ValidationError({"appointment": [
                _("The appointment is for another store or vehicle.")]})
        if RepairOrder.objects.filter(appointment=appointment).exists():
            raise DomainError("invalid_transition",
                              _("This appointment already has a repair order."),
                              status=appointment.status)
    if advisor is None:
        advisor = actor if getattr(actor, "is_authenticated", False) else (
            appointment.advisor if appointment is not None else None)
    if advisor is None:
        raise ValidationError({"advisor": [_("Name the service advisor.")]})
    settings = service_settings(store)
    if comeback_of is not None:
        if comeback_of.vehicle_id != vehicle.pk:
            raise ValidationError({"comeback_of": [_("The earlier order is for another "
                                                     "vehicle.")]})
    else:
        comeback_of = find_comeback(store=store, vehicle=vehicle, mileage=int(mileage or 0),
                                    at=now, settings=settings)
    if category == ROCategory.COMEBACK and comeback_of is None:
        raise ValidationError({"comeback_of": [
            _("No earlier repair order of this vehicle is within the comeback window.")]})
    from siwei.crm.models import OdometerSource
    from siwei.crm.services import odometer_record

    odometer_record(actor=actor, store=store, vehicle=vehicle, km=mileage,
                    source=OdometerSource.SERVICE)
    ro = RepairOrder.objects.create(
        store=store, number=number_next(store=store, doc_type="RO"), customer=customer,
        vehicle=vehicle, advisor=advisor, category=category, appointment=appointment,
        comeback_of=comeback_of,
        mileage=int(mileage), fuel_level=fuel_level, damage_notes=damage_notes.strip(),
        valuables=valuables.strip()[:200], items_handed_over=items_handed_over.strip()[:200],
        covers_applied=covers_applied, customer_waits=customer_waits,
        return_old_parts=return_old_parts, diagnosis=diagnosis.strip(),
        promised_at=promised_at, received_at=now)
    concerns = Concern.objects.bulk_create([Concern(repair_order=ro, text=text)
                                            for text in texts])
    remember_lines(ro, [], [], concerns)
    audit_record(actor=actor, action="ro.open", obj=ro,
                 after={"number": ro.number, "category": category, "mileage": ro.mileage,
                        "appointment": appointment.pk if appointment else None,
                        "comeback_of": comeback_of.number if comeback_of else None})
    return ro


@service_transaction
def repair_order_update(*, actor, repair_order: RepairOrder, **data) -> RepairOrder:
    """Change the reception details (not the vehicle, customer or mileage) while the
    order is open for edits."""
    allowed = {"promised_at", "fuel_level", "damage_notes", "valuables", "items_handed_over",
               "covers_applied", "customer_waits", "return_old_parts", "diagnosis"}
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"unknown repair order fields: {sorted(unknown)}")
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    RO_FLOW.target(ro.status, "edit")
    before = {k: getattr(ro, k) for k in data}
    for key, value in data.items():
        setattr(ro, key, value.strip() if isinstance(value, str) else value)
    ro.save(update_fields=list(data))
    audit_record(actor=actor, action="ro.update", obj=ro, before=before, after=data)
    return ro


# --------------------------------------------------------------------------- lines

def _new_line_additional(ro: RepairOrder, additional: bool) -> bool:
    """After the customer signed, every new line is additional work (SV-11)."""
    return True if ro.status != ROStatus.DRAFT else bool(additional)


def _add_to_totals(ro: RepairOrder, line) -> None:
    ro.estimate_total += line.amount
    if line.payer == Payer.CUSTOMER:
        ro.customer_total += money(line.amount * (100 - ro.discount_percent) / 100)
    ro.save(update_fields=["estimate_total", "customer_total"])


@service_transaction
def repair_order_add_job(*, actor, repair_order: RepairOrder, payer: str = Payer.CUSTOMER,
                         name: str = "", operation: LabourOperation | None = None,
                         hours: Decimal | None = None, additional: bool = False,
                         safety_related: bool = False, rate: Decimal | None = None) -> Job:
    """A job line (SV-9): hours default to the operation's standard hours for the model,
    the rate is the store's for the category; amount = hours × rate."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    RO_FLOW.target(ro.status, "edit")
    _payer(payer, ro)
    if operation is not None and operation.group_id != ro.store.group_id:
        raise ValidationError({"operation": [_("This operation is of another dealer group.")]})
    name = (name or "").strip() or (operation.name if operation else "")
    if not name:
        raise ValidationError({"name": [_("Name the job or choose a labour operation.")]})
    if hours in (None, "") and operation is None:
        raise ValidationError({"hours": [_("Enter the hours.")]})
    if rate in (None, ""):
        rate, model_hours = labour_rate(ro.store, ro.category, operation, ro.vehicle)
    else:
        rate, model_hours = money(rate), None
        if hours in (None, ""):
            model_hours = standard_hours(operation, ro.vehicle)
    if hours in (None, ""):
        hours = model_hours if model_hours is not None else operation.default_hours
    hours = Decimal(str(hours)).quantize(Decimal("0.01"))
    if hours <= 0:
        raise ValidationError({"hours": [_("The hours must be greater than zero.")]})
    job = Job.objects.create(
        repair_order=ro, operation=operation, name=name[:120], hours=hours, rate=rate,
        amount=money(hours * rate), payer=payer,
        additional=_new_line_additional(ro, additional), safety_related=safety_related)
    _add_to_totals(ro, job)
    audit_record(actor=actor, action="ro.add_job", obj=ro,
                 after={"job": job.pk, "name": job.name, "hours": hours, "rate": rate,
                        "amount": job.amount, "payer": payer, "additional": job.additional})
    return job


@service_transaction
def repair_order_add_part(*, actor, repair_order: RepairOrder, part, quantity,
                          payer: str = Payer.CUSTOMER, additional: bool = False,
                          unit_price: Decimal | None = None,
                          safety_related: bool = False) -> PartLine:
    """A part line (SV-9, SV-12) at the list price of the payer type; the parts clerk gets
    a stock request for it (PT-10)."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    RO_FLOW.target(ro.status, "edit")
    _payer(payer, ro)
    if part.group_id != ro.store.group_id:
        raise ValidationError({"part": [_("This part is not in the group's catalogue.")]})
    try:
        qty = to_quantity(quantity)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError({"quantity": [_("Enter a number.")]}) from None
    if qty <= 0:
        raise ValidationError({"quantity": [_("The quantity must be greater than zero.")]})
    price = money(unit_price) if unit_price not in (None, "") else part_price(part, payer)
    if price < 0:
        raise ValidationError({"unit_price": [_("Enter a price of zero or more.")]})
    line = PartLine.objects.create(
        repair_order=ro, part=part, quantity=qty, unit_price=price, amount=money(qty * price),
        payer=payer, additional=_new_line_additional(ro, additional),
        safety_related=safety_related)
    from siwei.parts.services import stock_request_create

    with audit_batch():
        stock_request_create(actor=None, store=ro.store, part=part, quantity=qty,
                             document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
                             document_line_id=str(line.pk), note=ro.number,
                             take_document_reservation=True)
        _add_to_totals(ro, line)
        audit_record(actor=actor, action="ro.add_part", obj=ro,
                     after={"line": line.pk, "part": part.number, "quantity": qty,
                            "unit_price": price, "payer": payer,
                            "additional": line.additional})
    return line


@service_transaction
def repair_order_remove_line(*, actor, repair_order: RepairOrder,
                             line: Job | PartLine) -> RepairOrder:
    """Take a line off a draft estimate. After the signature lines are not deleted: the
    customer declines them instead (recommended work)."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    if line.repair_order_id != ro.pk:
        raise ValidationError({"line": [_("This line is on another repair order.")]})
    if ro.status != ROStatus.DRAFT:
        raise DomainError("invalid_transition",
                          _("The estimate is signed: decline the line instead of deleting it."),
                          status=ro.status)
    if isinstance(line, PartLine):
        from siwei.parts.services import issued_quantity

        if issued_quantity(document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
                           document_line_id=str(line.pk)) > 0:
            raise DomainError("quantity_mismatch",
                              _("Parts were issued to this line; return them first."))
        _cancel_part_requests(ro, [line], _("line removed from the estimate"))
    description = str(line)
    line.delete()
    recompute(ro)
    ro.save(update_fields=["estimate_total", "customer_total"])
    audit_record(actor=actor, action="ro.remove_line", obj=ro,
                 after={"line": description, "estimate_total": ro.estimate_total})
    return ro


# --------------------------------------------------------------------------- signature

@service_transaction
def repair_order_sign(*, actor, repair_order: RepairOrder, signed_by_name: str,
                      signature: str = "", phone_consent: bool = False) -> RepairOrder:
    """SV-7: the customer signs the estimate (draft → open). Without a signature image
    the advisor ticks that the customer agreed by phone. No work starts before this."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    status = RO_FLOW.target(ro.status, "sign")
    name = (signed_by_name or "").strip()
    if not name:
        raise ValidationError({"signed_by_name": [_("Enter the name of who signs.")]})
    signature = _signature(signature)
    if not signature and not phone_consent:
        raise ValidationError({"signature": [
            _("The customer signs on the pad, or tick that they agreed by phone.")]})
    jobs, parts = _lines_of(ro)
    if not jobs and not parts:
        raise ValidationError({"jobs": [_("Add the jobs and parts of the estimate first.")]})
    recompute(ro, jobs, parts)
    now = clock.now()
    # The signed estimate: the customer's share of the lines that need no separate
    # approval; approved additional work is added to it at settlement (SV-15).
    ro.signed_estimate = customer_share([j for j in jobs if not j.needs_approval],
                                        [p for p in parts if not p.needs_approval])
    ro.status, ro.signed_at, ro.signed_by_name = status, now, name[:50]
    ro.signature, ro.phone_consent = signature, bool(phone_consent and not signature)
    ro.save(update_fields=["status", "signed_at", "signed_by_name", "signature",
                           "phone_consent", "signed_estimate", "estimate_total",
                           "customer_total"])
    audit_record(actor=actor, action="ro.sign", obj=ro, before={"status": ROStatus.DRAFT},
                 after={"status": status, "signed_by": name, "phone": ro.phone_consent,
                        "signed_estimate": ro.signed_estimate})
    remember_lines(ro, jobs, parts)
    return ro


@service_transaction
def repair_order_approve_contract(*, actor, repair_order: RepairOrder) -> RepairOrder:
    """SV-8: the service manager (or above) approves the repair contract."""
    ro = locked(repair_order)
    if actor is None or not has_store_perm(actor, ro.store, "service.approve_contract"):
        raise PermissionDenied(_("Only the service manager may approve repair contracts."))
    RO_FLOW.target(ro.status, "edit")
    ro.contract_approved_by, ro.contract_approved_at = actor, clock.now()
    ro.save(update_fields=["contract_approved_by", "contract_approved_at"])
    audit_record(actor=actor, action="ro.approve_contract", obj=ro,
                 after={"estimate_total": ro.estimate_total, "category": ro.category})
    return ro


__all__ = [
    "CLOSED_FOR_WORK", "CLOSE_AFTER_DAYS", "CONTRACT_CATEGORIES", "DOCUMENT_TYPE",
    "MAX_SIGNATURE_CHARS", "customer_share", "find_comeback", "holding", "invalid_state",
    "labour_rate", "locked", "locking", "needs_contract", "part_price", "recompute",
    "remember_lines", "repair_order_add_job", "repair_order_add_part",
    "repair_order_approve_additional", "repair_order_approve_contract", "repair_order_cancel",
    "repair_order_close", "repair_order_decline_additional", "repair_order_issue_parts",
    "repair_order_open", "repair_order_remove_line", "repair_order_return_parts",
    "repair_order_sign", "repair_order_update", "repair_orders_close_due", "require",
    "service_settings", "standard_hours", "sync_issued", "work_allowed",
]
