"""Repair orders from reception to signature and the lines of the estimate (SV-6 … SV-9,
SV-11, SV-12, SV-16). Settlement, payment and the gate pass are in ``settlement``; the
workshop states (in progress, completed, inspected) belong to ``workshop``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import DecimalField, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money
from siwei.core.fields import quantity as to_quantity
from siwei.core.numbering import number_next
from siwei.core.permissions import has_store_perm

from ..models import (
    RO_FLOW,
    Appointment,
    ApprovalChannel,
    Concern,
    Job,
    JobStatus,
    LabourOperation,
    LabourRate,
    LabourTime,
    PartLine,
    Payer,
    RepairOrder,
    ROCategory,
    ROStatus,
    ServiceSettings,
)

DOCUMENT_TYPE = "service.repairorder"
CONTRACT_CATEGORIES = (ROCategory.LEVEL2_MAINTENANCE, ROCategory.OVERHAUL)
# Work has been done or billed: the order can no longer be cancelled or edited.
CLOSED_FOR_WORK = (ROStatus.SETTLED, ROStatus.PAID, ROStatus.RELEASED, ROStatus.CLOSED,
                   ROStatus.CANCELLED)
MAX_SIGNATURE_CHARS = 300_000  # a PNG data URL of a tablet signature pad


# --------------------------------------------------------------------------- helpers

def service_settings(store) -> ServiceSettings:
    """The store's service rules (defaults when the store has no row)."""
    found = ServiceSettings.objects.filter(store=store).first()
    return found or ServiceSettings(store=store)


def require(actor, store, perm: str) -> None:
    """Services called with a user check the user's permission; ``actor=None`` is the
    system (demo, scheduler) and is trusted."""
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not do this in store %(store)s.")
                               % {"store": store.code})


def locked(repair_order: RepairOrder) -> RepairOrder:
    """The order's row, locked for the rest of the transaction."""
    queryset = RepairOrder.objects.select_related("store", "vehicle")
    if connection.features.has_select_for_update_of:
        queryset = queryset.select_for_update(of=("self",))
    else:
        queryset = queryset.select_for_update()
    return queryset.get(pk=repair_order.pk)


def _payer(value: str, repair_order: RepairOrder | None = None) -> str:
    """A known payer; a line paid by the manufacturer needs the car within its warranty by
    date and km (SV-17, 409 ``warranty_expired``)."""
    if value not in Payer.values:
        raise ValidationError({"payer": [_("Unknown payer.")]})
    if value == Payer.WARRANTY and repair_order is not None:
        from .warranty import warranty_check

        warranty_check(vehicle=repair_order.vehicle, mileage=repair_order.mileage,
                       on_date=timezone.localtime(repair_order.received_at).date())
    return value


def _lines_of(repair_order: RepairOrder) -> tuple[list[Job], list[PartLine]]:
    return (list(Job.objects.filter(repair_order=repair_order)),
            list(PartLine.objects.filter(repair_order=repair_order).select_related("part")))


def _as_prefetched(queryset, rows: list):
    """A queryset whose results are already known, exactly as ``prefetch_related`` leaves
    it: iterating reads the rows, while ``filter``/``order_by`` still query the database."""
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    return queryset


def remember_lines(ro: RepairOrder, jobs: list[Job], parts: list[PartLine],
                   concerns: list[Concern] | None = None) -> None:
    """Keep the lines a service loaded on the order, as ``prefetch_related`` would, so
    that rendering the order afterwards does not load them again."""
    cache = getattr(ro, "_prefetched_objects_cache", {})
    cache["jobs"] = _as_prefetched(Job.objects.filter(repair_order=ro), jobs)
    cache["part_lines"] = _as_prefetched(PartLine.objects.filter(repair_order=ro), parts)
    if concerns is not None:
        cache["concerns"] = _as_prefetched(Concern.objects.filter(repair_order=ro), concerns)
    ro._prefetched_objects_cache = cache


def customer_share(jobs: Iterable[Job], parts: Iterable[PartLine]) -> Decimal:
    """What the customer pays for the lines before any discount (declined lines aside)."""
    return sum((line.amount for line in [*jobs, *parts]
                if not line.declined and line.payer == Payer.CUSTOMER), ZERO)


def recompute(repair_order: RepairOrder, jobs: list[Job] | None = None,
              parts: list[PartLine] | None = None) -> None:
    """Estimate and customer totals from the lines (declined lines are recommended work,
    not part of the estimate); the discount applies to the customer's share."""
    if jobs is None or parts is None:
        jobs, parts = _lines_of(repair_order)
    lines = [line for line in [*jobs, *parts] if not line.declined]
    repair_order.estimate_total = sum((line.amount for line in lines), ZERO)
    gross = customer_share(jobs, parts)
    discount = money(gross * repair_order.discount_percent / 100)
    repair_order.customer_total = gross - discount


def needs_contract(repair_order: RepairOrder, threshold: Decimal | None = None) -> bool:
    """SV-8: estimate ≥ the store's threshold (1,000 yuan) or level-2 maintenance or
    overhaul."""
    if repair_order.category in CONTRACT_CATEGORIES:
        return True
    if threshold is None:
        threshold = service_settings(repair_order.store).contract_threshold
    return repair_order.estimate_total >= threshold


def work_allowed(repair_order: RepairOrder, job: Job | None = None) -> None:
    """May work (dispatch, clocking on) start on this order, or on this job of it? The
    workshop calls this before assigning or starting a job. Raises ``not_signed``,
    ``contract_required`` (SV-8) or ``approval_required`` (additional work, SV-11)."""
    if repair_order.status == ROStatus.DRAFT:
        raise DomainError("not_signed", _("The customer has not signed the estimate yet."))
    if repair_order.status in CLOSED_FOR_WORK:
        raise DomainError("invalid_transition",
                          _("No more work on a repair order in state %(s)s.")
                          % {"s": repair_order.get_status_display()},
                          status=repair_order.status)
    if repair_order.contract_approved_at is None and needs_contract(repair_order):
        raise DomainError("contract_required",
                          _("A repair contract approved by the service manager is needed "
                            "before work starts."))
    if job is not None:
        if job.repair_order_id != repair_order.pk:
            raise ValidationError({"job": [_("This job is on another repair order.")]})
        if job.declined:
            raise DomainError("invalid_transition",
                              _("The customer declined this job."), status=job.status)
        if job.needs_approval:
            raise DomainError("approval_required",
                              _("The customer has not approved this additional work yet."),
                              job=job.pk)


def labour_rate(store, category: str, operation: LabourOperation | None = None,
                vehicle=None) -> tuple[Decimal, Decimal | None]:
    """The store's hourly rate for the category, else its rate for every category, and
    the operation's standard hours for the vehicle's model (工时定额) when there are
    some — one query."""
    rates = LabourRate.objects.for_store(store).filter(category__in=[category, ""])
    if operation is not None and vehicle is not None and vehicle.model_id:
        rates = rates.annotate(model_hours=Subquery(LabourTime.objects.filter(
            operation=operation, model_id=vehicle.model_id).values("hours")[:1]))
    else:
        rates = rates.annotate(model_hours=Value(None, output_field=DecimalField()))
    found = {row[0]: row for row in rates.values_list("category", "rate", "model_hours")}
    row = found.get(category) or found.get("")
    if row is None:
        raise ValidationError({"rate": [
            _("No labour rate is configured for this store and category; set one in the "
              "service settings or give the rate.")]})
    return row[1], row[2]


def standard_hours(operation: LabourOperation, vehicle) -> Decimal:
    """The operation's standard hours for the vehicle's model (工时定额), else its default."""
    if vehicle.model_id:
        hours = LabourTime.objects.filter(operation=operation, model_id=vehicle.model_id
                                          ).values_list("hours", flat=True).first()
        if hours is not None:
            return hours
    return operation.default_hours


def part_price(part, payer: str) -> Decimal:
    """SV-9: the list price of the payer type (warranty and insurance prices where the
    catalogue has them)."""
    if payer == Payer.WARRANTY and part.warranty_price > 0:
        return part.warranty_price
    if payer == Payer.INSURANCE and part.insurance_price > 0:
        return part.insurance_price
    return part.list_price


def _signature(value: str) -> str:
    value = (value or "").strip()
    if value and (not value.startswith("data:image/") or len(value) > MAX_SIGNATURE_CHARS):
        raise ValidationError({"signature": [_("The signature must be an image from the "
                                               "signature pad.")]})
    return value


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


@transaction.atomic
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


@transaction.atomic
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


@transaction.atomic
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


@transaction.atomic
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

    _hand_over_reservation(ro, line)
    stock_request_create(actor=None, store=ro.store, part=part, quantity=qty,
                         document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
                         document_line_id=str(line.pk), note=ro.number)
    _add_to_totals(ro, line)
    audit_record(actor=actor, action="ro.add_part", obj=ro,
                 after={"line": line.pk, "part": part.number, "quantity": qty,
                        "unit_price": price, "payer": payer, "additional": line.additional})
    return line


def _hand_over_reservation(ro: RepairOrder, line: PartLine) -> None:
    """Parts reserved for the whole order (an appointment's reservation handed over on
    arrival) move to the line, so that issuing the line uses them (PT-9)."""
    from siwei.parts.models import Reservation, ReservationStatus
    from siwei.parts.services import reservation_release, stock_reserve

    held = Reservation.objects.filter(
        store=ro.store, part=line.part, status=ReservationStatus.OPEN,
        document_type=DOCUMENT_TYPE, document_id=str(ro.pk), document_line_id="").first()
    if held is None:
        return
    quantity = min(held.remaining, line.quantity)
    reservation_release(actor=None, store=ro.store, document_type=DOCUMENT_TYPE,
                        document_id=str(ro.pk), document_line_id="", part=line.part,
                        reason=ro.number)
    stock_reserve(actor=None, store=ro.store, part=line.part, quantity=quantity,
                  document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
                  document_line_id=str(line.pk))
    if held.remaining > quantity:
        stock_reserve(actor=None, store=ro.store, part=line.part,
                      quantity=held.remaining - quantity, document_type=DOCUMENT_TYPE,
                      document_id=str(ro.pk))


def _cancel_part_requests(ro: RepairOrder, lines: Iterable[PartLine], reason: str) -> None:
    """Withdraw the open stock requests and reservations of part lines no longer wanted."""
    from siwei.parts.models import RequestStatus, StockRequest
    from siwei.parts.services import reservation_release, stock_request_cancel

    ids = [str(line.pk) for line in lines]
    if not ids:
        return
    open_requests = StockRequest.objects.filter(
        store=ro.store, document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
        document_line_id__in=ids,
        status__in=[RequestStatus.OPEN, RequestStatus.PARTLY_ISSUED])
    for request in open_requests:
        stock_request_cancel(actor=None, request=request, reason=reason)
    for line_id in ids:
        reservation_release(actor=None, store=ro.store, document_type=DOCUMENT_TYPE,
                            document_id=str(ro.pk), document_line_id=line_id, reason=reason)


@transaction.atomic
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

@transaction.atomic
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


@transaction.atomic
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


def _own_lines(ro: RepairOrder, lines: Iterable[Job | PartLine]) -> list[Job | PartLine]:
    """Fresh copies of the lines, checked to belong to the order."""
    lines = list(lines)
    if not lines:
        raise ValidationError({"lines": [_("Choose the lines.")]})
    fresh: list[Job | PartLine] = []
    job_ids = [line.pk for line in lines if isinstance(line, Job)]
    part_ids = [line.pk for line in lines if isinstance(line, PartLine)]
    if len(job_ids) + len(part_ids) != len(lines):
        raise ValidationError({"lines": [_("Only jobs and part lines can be chosen.")]})
    if job_ids:
        fresh += list(Job.objects.filter(pk__in=job_ids, repair_order=ro))
    if part_ids:
        fresh += list(PartLine.objects.filter(pk__in=part_ids, repair_order=ro))
    if len(fresh) != len(set(job_ids)) + len(set(part_ids)):
        raise ValidationError({"lines": [_("A line is on another repair order.")]})
    return fresh


def _pending_additional(lines: list[Job | PartLine]) -> None:
    for line in lines:
        if not line.needs_approval:
            raise DomainError("invalid_transition",
                              _("%(line)s is not additional work waiting for the customer.")
                              % {"line": line}, line=line.pk)


@transaction.atomic
def repair_order_approve_additional(*, actor, repair_order: RepairOrder,
                                    lines: Iterable[Job | PartLine], approved_by_name: str,
                                    channel: str,
                                    promised_at: dt.datetime | None = None) -> RepairOrder:
    """SV-11: the customer approved additional work — who, how and when; the promised
    time may move with it."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    RO_FLOW.target(ro.status, "edit")
    if channel not in ApprovalChannel.values:
        raise ValidationError({"channel": [_("Choose how the customer approved.")]})
    name = (approved_by_name or "").strip()
    if not name:
        raise ValidationError({"approved_by_name": [_("Enter who approved.")]})
    chosen = _own_lines(ro, lines)
    _pending_additional(chosen)
    now = clock.now()
    for line in chosen:
        line.approved_at, line.approved_by_name, line.approval_channel = now, name[:50], channel
        line.save(update_fields=["approved_at", "approved_by_name", "approval_channel"])
    fields = ["estimate_total", "customer_total"]
    if promised_at is not None:
        if promised_at <= now:
            raise ValidationError({"promised_at": [_("The promised time must be in the "
                                                     "future.")]})
        ro.promised_at = promised_at
        fields.append("promised_at")
    recompute(ro)
    ro.save(update_fields=fields)
    audit_record(actor=actor, action="ro.approve_additional", obj=ro,
                 after={"lines": [str(line) for line in chosen], "by": name,
                        "channel": channel, "estimate_total": ro.estimate_total})
    return ro


@transaction.atomic
def repair_order_decline_additional(*, actor, repair_order: RepairOrder,
                                    lines: Iterable[Job | PartLine], declined_by_name: str = "",
                                    signature: str = "") -> RepairOrder:
    """SV-11/SV-15: declined additional work stays on the order as recommended work. A
    declined safety item needs the customer's signature (kept in the audit log)."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    RO_FLOW.target(ro.status, "edit")
    chosen = _own_lines(ro, lines)
    _pending_additional(chosen)
    signature = _signature(signature)
    if any(line.safety_related for line in chosen) and not (signature and
                                                            declined_by_name.strip()):
        raise ValidationError({"signature": [
            _("A declined safety item needs the customer's name and signature.")]})
    for line in chosen:
        line.declined = True
        line.approved_by_name = declined_by_name.strip()[:50]
        fields = ["declined", "approved_by_name"]
        if isinstance(line, Job) and line.status in (JobStatus.PENDING, JobStatus.ASSIGNED):
            line.status = JobStatus.DECLINED
            fields.append("status")
        line.save(update_fields=fields)
    _cancel_part_requests(ro, [line for line in chosen if isinstance(line, PartLine)],
                          _("declined by the customer"))
    recompute(ro)
    ro.save(update_fields=["estimate_total", "customer_total"])
    audit_record(actor=actor, action="ro.decline_additional", obj=ro,
                 after={"lines": [str(line) for line in chosen],
                        "safety": [str(line) for line in chosen if line.safety_related],
                        "by": declined_by_name, "signature": signature or None})
    return ro


# --------------------------------------------------------------------------- parts

def _part_lines_for_issue(ro: RepairOrder, lines) -> list[tuple[PartLine, Decimal]]:
    wanted: list[tuple[PartLine, Decimal]] = []
    for line, qty in lines:
        try:
            qty = to_quantity(qty)
        except (ArithmeticError, TypeError, ValueError):
            raise ValidationError({"quantity": [_("Enter a number.")]}) from None
        if qty <= 0:
            raise ValidationError({"quantity": [_("The quantity must be greater than "
                                                  "zero.")]})
        wanted.append((line, qty))
    if not wanted:
        raise ValidationError({"lines": [_("Choose the lines.")]})
    fresh = {line.pk: line for line in PartLine.objects.select_related("part").filter(
        repair_order=ro, pk__in=[line.pk for line, _q in wanted])}
    if len(fresh) != len({line.pk for line, _q in wanted}):
        raise ValidationError({"lines": [_("A line is on another repair order.")]})
    return [(fresh[line.pk], qty) for line, qty in wanted]


@transaction.atomic
def repair_order_issue_parts(*, actor, repair_order: RepairOrder,
                             lines: list[tuple[PartLine, Decimal]]) -> RepairOrder:
    """SV-12: the parts clerk issues parts to the order's lines (FIFO through the parts
    ledger, PT-6); the line's open stock request is issued first."""
    from siwei.parts.models import RequestStatus, StockRequest
    from siwei.parts.services import stock_issue, stock_request_issue

    ro = locked(repair_order)
    if ro.status == ROStatus.DRAFT:
        raise DomainError("not_signed", _("The customer has not signed the estimate yet."))
    if ro.status in CLOSED_FOR_WORK:
        raise invalid_state(ro)
    chosen = _part_lines_for_issue(ro, lines)
    requests = {r.document_line_id: r for r in StockRequest.objects.filter(
        store=ro.store, document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
        document_line_id__in=[str(line.pk) for line, _q in chosen],
        status__in=[RequestStatus.OPEN, RequestStatus.PARTLY_ISSUED])}
    for line, qty in chosen:
        if line.declined:
            raise DomainError("invalid_transition", _("The customer declined %(line)s.")
                              % {"line": line.part.number}, line=line.pk)
        if line.needs_approval:
            raise DomainError("approval_required",
                              _("The customer has not approved %(line)s yet.")
                              % {"line": line.part.number}, line=line.pk)
        request = requests.get(str(line.pk))
        if request is not None and request.remaining >= qty:
            stock_request_issue(actor=actor, request=request, quantity=qty)
        else:
            stock_issue(actor=actor, store=ro.store, part=line.part, quantity=qty,
                        document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
                        document_line_id=str(line.pk), note=ro.number)
        line.issued += qty
    PartLine.objects.bulk_update([line for line, _q in chosen], ["issued"])
    audit_record(actor=actor, action="ro.issue_parts", obj=ro,
                 after={"lines": [[line.pk, qty] for line, qty in chosen]})
    return ro


@transaction.atomic
def repair_order_return_parts(*, actor, repair_order: RepairOrder,
                              lines: list[tuple[PartLine, Decimal]]) -> RepairOrder:
    """SV-12: unused parts go back into stock (退料), at most what the line received."""
    from siwei.parts.services import stock_return

    ro = locked(repair_order)
    if ro.status in CLOSED_FOR_WORK:
        raise invalid_state(ro)
    chosen = _part_lines_for_issue(ro, lines)
    for line, qty in chosen:
        stock_return(actor=actor, store=ro.store, part=line.part, quantity=qty,
                     document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
                     document_line_id=str(line.pk), note=ro.number)
        line.issued = max(line.issued - qty, Decimal("0.000"))
    PartLine.objects.bulk_update([line for line, _q in chosen], ["issued"])
    audit_record(actor=actor, action="ro.return_parts", obj=ro,
                 after={"lines": [[line.pk, qty] for line, qty in chosen]})
    return ro


def sync_issued(repair_order: RepairOrder, parts: list[PartLine]) -> list[PartLine]:
    """Bring ``PartLine.issued`` in step with the parts ledger (issues less returns),
    also for parts issued from the parts department's queue. One query."""
    from django.db.models import Sum

    from siwei.parts.models import MoveKind, StockMove

    net = dict(StockMove.objects.filter(
        store_id=repair_order.store_id, document_type=DOCUMENT_TYPE,
        document_id=str(repair_order.pk), kind__in=(MoveKind.ISSUE, MoveKind.RETURN))
        .values_list("document_line_id").annotate(total=Sum("quantity"))
        .values_list("document_line_id", "total"))
    changed = []
    for line in parts:
        issued = to_quantity(-(net.get(str(line.pk)) or 0))
        if issued != line.issued:
            line.issued = issued
            changed.append(line)
    if changed:
        PartLine.objects.bulk_update(changed, ["issued"])
    return parts


def invalid_state(ro: RepairOrder) -> DomainError:
    return DomainError("invalid_transition",
                       _("Not possible on a repair order in state %(s)s.")
                       % {"s": ro.get_status_display()}, status=ro.status)


# --------------------------------------------------------------------------- end of life

@transaction.atomic
def repair_order_cancel(*, actor, repair_order: RepairOrder, reason: str) -> RepairOrder:
    """Cancel a draft or signed order before any work: nothing clocked, no parts issued
    (SV-16). Its stock requests and reservations are withdrawn."""
    ro = locked(repair_order)
    require(actor, ro.store, "service.change_repairorder")
    status = RO_FLOW.target(ro.status, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    from ..models import JobClock

    if JobClock.objects.filter(job__repair_order=ro).exists() or Job.objects.filter(
            repair_order=ro, status__in=[JobStatus.IN_PROGRESS, JobStatus.PAUSED,
                                         JobStatus.FINISHED]).exists():
        raise DomainError("invalid_transition",
                          _("Work has started on this order; it cannot be cancelled."),
                          status=ro.status)
    parts = sync_issued(ro, list(PartLine.objects.filter(repair_order=ro)))
    if any(line.issued > 0 for line in parts):
        raise DomainError("quantity_mismatch",
                          _("Parts were issued to this order; return them first."))
    _cancel_part_requests(ro, parts, reason)
    from siwei.parts.services import reservation_release

    reservation_release(actor=None, store=ro.store, document_type=DOCUMENT_TYPE,
                        document_id=str(ro.pk), reason=reason)
    if ro.appointment_id:  # anything still held for the appointment goes back too (PT-9)
        from .appointments import DOCUMENT_TYPE as APPOINTMENT_DOCUMENT

        reservation_release(actor=None, store=ro.store, document_type=APPOINTMENT_DOCUMENT,
                            document_id=str(ro.appointment_id), reason=reason)
    before = ro.status
    ro.status, ro.cancel_reason = status, reason[:200]
    ro.save(update_fields=["status", "cancel_reason"])
    audit_record(actor=actor, action="ro.cancel", obj=ro, before={"status": before},
                 after={"status": status, "reason": reason})
    return ro


CLOSE_AFTER_DAYS = 7


@transaction.atomic
def repair_order_close(*, actor, repair_order: RepairOrder) -> RepairOrder:
    """SV-16: a released order closes when its follow-up call is done or 7 days passed."""
    from siwei.care.models import FollowUp, FollowUpKind, FollowUpStatus

    ro = locked(repair_order)
    if actor is not None:
        require(actor, ro.store, "service.change_repairorder")
    status = RO_FLOW.target(ro.status, "close")
    now = clock.now()
    called = FollowUp.objects.filter(
        kind=FollowUpKind.SERVICE_CALL, source_type=DOCUMENT_TYPE, source_id=ro.pk,
        status__in=[FollowUpStatus.DONE, FollowUpStatus.UNREACHABLE,
                    FollowUpStatus.CANCELLED]).exists()
    if not called and ro.released_at and now < ro.released_at + dt.timedelta(
            days=CLOSE_AFTER_DAYS):
        raise DomainError("invalid_transition",
                          _("The order closes after the follow-up call or 7 days after "
                            "release."), status=ro.status)
    ro.status, ro.closed_at = status, now
    ro.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="ro.close", obj=ro, before={"status": ROStatus.RELEASED},
                 after={"status": status})
    return ro


def repair_orders_close_due(*, store=None) -> int:
    """For the scheduler: close released orders whose follow-up is done or that were
    released 7 days ago. Returns how many were closed."""
    from django.db.models import Exists, OuterRef, Q

    from siwei.care.models import FollowUp, FollowUpKind, FollowUpStatus

    calls = FollowUp.objects.filter(
        kind=FollowUpKind.SERVICE_CALL, source_type=DOCUMENT_TYPE, source_id=OuterRef("pk"),
        status__in=[FollowUpStatus.DONE, FollowUpStatus.UNREACHABLE, FollowUpStatus.CANCELLED])
    due = RepairOrder.objects.filter(status=ROStatus.RELEASED).filter(
        Q(released_at__lte=clock.now() - dt.timedelta(days=CLOSE_AFTER_DAYS)) | Exists(calls))
    if store is not None:
        due = due.for_store(store)
    closed = 0
    for ro in due.only("pk"):
        repair_order_close(actor=None, repair_order=ro)
        closed += 1
    return closed
