"""Stocktakes (盘点, PT-12): freeze locations, count, review variances, approve (posts
adjustment moves). Cycle counts by ABC class (A monthly, B quarterly, C yearly)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.numbering import number_next
from siwei.core.transactions import service_transaction

from ..models import (
    Location,
    Lot,
    MoveKind,
    Part,
    PartStore,
    StockBalance,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
)
from ..models.catalog import ISSUABLE_KINDS
from ..models.documents import STOCKTAKE_FLOW
from ._common import non_negative_quantity, require_perm, same_store
from .catalog import part_unit_cost
from .ledger import DocRef, _save_part_store, apply_average_cost, lock_part_stores, post_move

STOCKTAKE_DOC = "parts.stocktake"


@service_transaction
def stocktake_create(*, actor, store, locations=None, abc_class: str = "",
                     note: str = "") -> Stocktake:
    """Start a count of ``locations`` (all of the store's stock locations if none), or a
    cycle count of the parts of one ABC class. The locations counted are frozen: no
    issue, receipt or transfer touches them until approval or cancellation."""
    require_perm(actor, store, "parts.count_stock")
    if abc_class and abc_class not in "ABC":
        raise ValidationError({"abc_class": [_("Choose A, B or C.")]})
    balances = StockBalance.objects.filter(store=store, quantity__gt=0,
                                           location__kind__in=ISSUABLE_KINDS)
    if locations:
        balances = balances.filter(location__in=list(locations))
    if abc_class:
        classed = PartStore.objects.filter(store=store, abc_class=abc_class)
        balances = balances.filter(part_id__in=classed.values("part_id"))
    rows = list(balances.select_related("lot").order_by("location_id", "part_id", "lot_id"))
    location_ids = ({loc.pk for loc in locations} if locations
                    else {b.location_id for b in rows})
    if not location_ids:
        raise DomainError("nothing_to_count", _("There is no stock to count here."))
    frozen = Location.objects.select_for_update().filter(store=store, pk__in=location_ids)
    if any(loc.frozen_by_id for loc in frozen):
        raise DomainError("location_frozen",
                          _("Some of these locations are already being counted."))
    stocktake = Stocktake.objects.create(
        store=store, number=number_next(store=store, doc_type="ST"), abc_class=abc_class,
        note=note[:200], created_at=clock.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    Location.objects.filter(store=store, pk__in=location_ids).update(frozen_by=stocktake)
    StocktakeLine.objects.bulk_create([
        StocktakeLine(store=store, stocktake=stocktake, part_id=b.part_id,
                      location_id=b.location_id, lot=b.lot, batch=b.lot.batch,
                      system_quantity=b.quantity, unit_cost=b.lot.unit_cost) for b in rows])
    audit_record(actor=actor, action="parts.stocktake_create", obj=stocktake,
                 after={"locations": len(location_ids), "lines": len(rows)})
    return stocktake


def _locked(stocktake: Stocktake) -> Stocktake:
    return Stocktake.objects.select_for_update().get(pk=stocktake.pk)


@service_transaction
def stocktake_count(*, actor, stocktake: Stocktake, counts: dict) -> Stocktake:
    """Enter counted quantities: ``{line_id: quantity}`` (blank leaves a line uncounted)."""
    require_perm(actor, stocktake.store, "parts.count_stock")
    stocktake = _locked(stocktake)
    STOCKTAKE_FLOW.target(stocktake.status, "count")
    try:
        counts = {int(key): value for key, value in counts.items()}
    except (TypeError, ValueError):
        raise ValidationError({"counts": [_("This line is not on the count sheet.")]}) from None
    lines = {line.pk: line for line in stocktake.lines.filter(pk__in=list(counts))}
    changed = []
    for key, value in counts.items():
        line = lines.get(key)
        if line is None:
            raise ValidationError({"counts": [_("This line is not on the count sheet.")]})
        line.counted_quantity = (None if value in (None, "")
                                 else non_negative_quantity(value, f"count_{key}"))
        changed.append(line)
    StocktakeLine.objects.bulk_update(changed, ["counted_quantity"])
    return stocktake


@service_transaction
def stocktake_add_line(*, actor, stocktake: Stocktake, part: Part, location: Location,
                       counted_quantity, batch: str = "") -> StocktakeLine:
    """The counter found ``part`` on one of the frozen locations but it is not on the
    count sheet there: a new line with system quantity zero and the count, valued at
    the store's moving-average cost (the purchase cost if the store never had it).
    Approval puts it into stock as a new lot. A key/safety part needs its batch number;
    a part already on the sheet at that location (same batch) is counted on its line."""
    store = stocktake.store
    require_perm(actor, store, "parts.count_stock")
    stocktake = _locked(stocktake)
    STOCKTAKE_FLOW.target(stocktake.status, "count")
    if part.group_id != store.group_id:
        raise ValidationError({"part": [_("This belongs to another dealer group.")]})
    same_store(location, store, "location")
    if not Location.objects.filter(pk=location.pk, frozen_by=stocktake).exists():
        raise ValidationError({"location": [_("Location %(code)s is not counted in this "
                                              "stocktake.") % {"code": location.code}]})
    if counted_quantity in (None, ""):
        raise ValidationError({"counted_quantity": [_("Enter the counted quantity.")]})
    qty = non_negative_quantity(counted_quantity, "counted_quantity")
    batch = (batch or "").strip()[:40]
    if part.is_key_part and not batch:
        raise ValidationError({"batch": [_("%(part)s is a key/safety part: enter the batch "
                                           "number.") % {"part": part.number}]})
    existing = stocktake.lines.filter(part=part, location=location)
    if part.is_key_part:
        existing = existing.filter(batch=batch)
    if existing.exists():
        raise ValidationError({"part": [_("%(part)s is already on the count sheet at "
                                          "%(code)s; enter the count on its line.")
                                        % {"part": part.number, "code": location.code}]})
    line = StocktakeLine.objects.create(
        store=store, stocktake=stocktake, part=part, location=location, lot=None,
        batch=batch, is_found=True, system_quantity=Decimal("0.000"), counted_quantity=qty,
        unit_cost=part_unit_cost(store, part))
    audit_record(actor=actor, action="parts.stocktake_found", obj=stocktake,
                 after={"line": line.pk, "part": part.pk, "location": location.code,
                        "counted_quantity": qty, "batch": batch})
    return line


def _transition(actor, stocktake: Stocktake, action: str, **extra) -> Stocktake:
    before = stocktake.status
    stocktake.status = STOCKTAKE_FLOW.target(stocktake.status, action)
    for name, value in extra.items():
        setattr(stocktake, name, value)
    stocktake.save(update_fields=["status", *extra])
    audit_record(actor=actor, action=f"parts.stocktake_{action}", obj=stocktake,
                 before={"status": before}, after={"status": stocktake.status})
    return stocktake


@service_transaction
def stocktake_submit(*, actor, stocktake: Stocktake) -> Stocktake:
    require_perm(actor, stocktake.store, "parts.count_stock")
    stocktake = _locked(stocktake)
    if stocktake.lines.filter(counted_quantity__isnull=True).exists():
        raise DomainError("count_incomplete", _("Some lines have no count yet."))
    return _transition(actor, stocktake, "submit")


@service_transaction
def stocktake_reopen(*, actor, stocktake: Stocktake) -> Stocktake:
    require_perm(actor, stocktake.store, "parts.count_stock")
    return _transition(actor, _locked(stocktake), "reopen")


@service_transaction
def stocktake_approve(*, actor, stocktake: Stocktake) -> Stocktake:
    """The parts manager approves the variances: each becomes an adjustment move, the
    locations are unfrozen and the parts' last count date is set."""
    store = stocktake.store
    require_perm(actor, store, "parts.approve_stocktake")
    stocktake = _locked(stocktake)
    STOCKTAKE_FLOW.target(stocktake.status, "approve")
    lines = list(stocktake.lines.select_related("part", "location", "lot"))
    stores = lock_part_stores(store, [line.part_id for line in lines])
    at, total = clock.now(), Decimal("0.00")
    for line in lines:
        if not line.variance:
            continue
        ps = stores[line.part_id]
        if line.lot is None:  # found during the count: it enters stock as a new lot
            apply_average_cost(actor=actor, store=store, part=line.part, ps=ps,
                               qty=line.variance, unit_cost=line.unit_cost)
            line.lot = Lot.objects.create(
                store=store, part=line.part, batch=line.batch, inbound_date=clock.today(),
                unit_cost=line.unit_cost, created_at=at)
            line.save(update_fields=["lot"])
        post_move(ps=ps, part=line.part, location=line.location, lot=line.lot,
                  qty=line.variance, kind=MoveKind.ADJUSTMENT,
                  ref=DocRef(STOCKTAKE_DOC, str(stocktake.pk), str(line.pk)),
                  actor=actor, at=at)
        if ps.reserved > ps.on_hand:
            ps.reserved = max(ps.on_hand, Decimal(0))
        _save_part_store(ps)
        total += line.variance_value
    PartStore.objects.filter(store=store, part_id__in=list(stores)).update(
        last_counted_on=clock.today())
    Location.objects.filter(frozen_by=stocktake).update(frozen_by=None)
    stocktake = _transition(actor, stocktake, "approve", approved_by=actor
                            if getattr(actor, "is_authenticated", False) else None,
                            approved_at=at)
    audit_record(actor=actor, action="parts.stocktake_adjust", obj=stocktake,
                 after={"variance_value": total})
    return stocktake


@service_transaction
def stocktake_cancel(*, actor, stocktake: Stocktake) -> Stocktake:
    require_perm(actor, stocktake.store, "parts.count_stock")
    stocktake = _transition(actor, _locked(stocktake), "cancel")
    Location.objects.filter(frozen_by=stocktake).update(frozen_by=None)
    return stocktake


CYCLE_MONTHS = {"A": 1, "B": 3, "C": 12}


def cycle_count_due(*, store, abc_class: str) -> bool:
    """Whether a class is due for its cycle count (A monthly, B quarterly, C yearly)."""
    months = CYCLE_MONTHS[abc_class]
    last = (Stocktake.objects.filter(store=store, abc_class__in=[abc_class, ""],
                                     status=StocktakeStatus.APPROVED)
            .order_by("-approved_at").values_list("approved_at", flat=True).first())
    if last is None:
        return True
    today = clock.today()
    last_day = clock.localnow().tzinfo and last.astimezone(clock.localnow().tzinfo).date()
    elapsed = (today.year - last_day.year) * 12 + today.month - last_day.month
    return elapsed >= months
