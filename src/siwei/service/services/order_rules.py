"""What every repair-order service shares (SV-6 … SV-9, SV-16): the store's service
rules, the permission check, the order's row lock, the totals of the lines, and the
rules for starting work. The services are in ``orders`` (reception, estimate,
signature), ``order_parts`` (parts issued to the lines), ``order_changes`` (additional
work, cancelling, closing), ``workshop`` and ``settlement``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import DecimalField, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money
from siwei.core.permissions import has_store_perm

from ..models import (
    Concern,
    Job,
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


_HELD = "_row_lock_held"


def locking(queryset):
    """``queryset`` locking the orders' rows (not their store's or vehicle's) for the rest
    of the transaction, with the store, vehicle and customer the services read."""
    queryset = queryset.select_related("store", "vehicle", "customer")
    if connection.features.has_select_for_update_of:
        return queryset.select_for_update(of=("self",))
    return queryset.select_for_update()


def locked(repair_order: RepairOrder) -> RepairOrder:
    """The order's row, locked for the rest of the transaction — or the order itself
    when it is held (``holding``): found and locked already in this transaction."""
    if getattr(repair_order, _HELD, False) and connection.in_atomic_block:
        return repair_order
    return locking(RepairOrder.objects.all()).get(pk=repair_order.pk)


@contextmanager
def holding(repair_order: RepairOrder) -> Iterator[RepairOrder]:
    """Inside a transaction, for the block only: ``repair_order`` was loaded with
    ``locking`` in this transaction, so the service given it uses it as its lock instead
    of reading the row again (an API action finds the order of the URL in the request's
    store and locks it with one query)."""
    if not connection.in_atomic_block:
        raise RuntimeError("an order is held only inside the transaction that locked it")
    setattr(repair_order, _HELD, True)
    try:
        yield repair_order
    finally:
        setattr(repair_order, _HELD, False)


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


def remember_lines(ro: RepairOrder, jobs: list[Job] | None, parts: list[PartLine] | None,
                   concerns: list[Concern] | None = None) -> None:
    """Keep the lines a service loaded on the order (all of them, in id order), as
    ``prefetch_related`` would, so that rendering the order afterwards does not load them
    again; ``None`` leaves that kind of line to be loaded."""
    cache = getattr(ro, "_prefetched_objects_cache", {})
    if jobs is not None:
        cache["jobs"] = _as_prefetched(Job.objects.filter(repair_order=ro),
                                       sorted(jobs, key=lambda line: line.pk))
    if parts is not None:
        cache["part_lines"] = _as_prefetched(PartLine.objects.filter(repair_order=ro),
                                             sorted(parts, key=lambda line: line.pk))
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


def invalid_state(ro: RepairOrder) -> DomainError:
    return DomainError("invalid_transition",
                       _("Not possible on a repair order in state %(s)s.")
                       % {"s": ro.get_status_display()}, status=ro.status)


