"""The stock ledger (PT-4 … PT-6, PT-9): every stock change goes through here.

Locking (PT-5): a change of a part's stock in a store first locks that part's
``PartStore`` row (``SELECT … FOR UPDATE``; several parts in ascending id order), then
the balance rows it touches. Concurrent issues of one part therefore serialise on one
row in PostgreSQL, and SQLite's IMMEDIATE transactions serialise all writers. The
balance row also carries a ``quantity >= 0`` check constraint as the last guard.

This module is the API the Service department calls for repair-order lines:
``stock_reserve``, ``reservation_release``, ``stock_issue``, ``stock_return`` and
``issued_quantity``, all keyed by a generic document reference
(``document_type``, ``document_id``, ``document_line_id``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max, Q, Sum
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.enums import Transitions
from siwei.core.errors import DomainError
from siwei.core.fields import ZERO, money
from siwei.core.fields import quantity as to_qty
from siwei.core.transactions import service_transaction

from ..models import (
    Location,
    LocationKind,
    Lot,
    MoveKind,
    Part,
    PartStore,
    Reservation,
    ReservationStatus,
    StockBalance,
    StockMove,
)
from ..models.catalog import ISSUABLE_KINDS
from ._common import positive_quantity, require_perm, same_store

QZERO = Decimal("0.000")


@dataclass(frozen=True)
class DocRef:
    document_type: str = ""
    document_id: str = ""
    document_line_id: str = ""

    def as_fields(self) -> dict[str, str]:
        return {"document_type": self.document_type[:60], "document_id": str(self.document_id)[:40],
                "document_line_id": str(self.document_line_id or "")[:40]}


def _for_update(queryset):
    """Lock only the rows of the queried table (PostgreSQL ``FOR UPDATE OF``)."""
    if connection.features.has_select_for_update_of:
        return queryset.select_for_update(of=("self",))
    return queryset.select_for_update()


def lock_part_stores(store, part_ids: Iterable[int]) -> dict[int, PartStore]:
    """Lock the parts' ``PartStore`` rows in ascending part id order, creating the
    missing ones first (one query when they all exist)."""
    ids = sorted(set(part_ids))
    if not ids:
        return {}
    locking = _for_update(PartStore.objects.filter(store=store, part_id__in=ids)
                          .order_by("part_id"))
    rows = {row.part_id: row for row in locking}
    if len(rows) < len(ids):  # a part's first stock change in the store
        PartStore.objects.bulk_create([PartStore(store=store, part_id=i) for i in ids
                                       if i not in rows], ignore_conflicts=True)
        rows = {row.part_id: row for row in locking.all()}
    return rows


def insufficient_stock(part: Part, wanted: Decimal, available: Decimal) -> DomainError:
    return DomainError(
        "insufficient_stock",
        _("Not enough stock of %(part)s: %(wanted)s wanted, %(available)s available.")
        % {"part": part.number, "wanted": wanted, "available": max(available, QZERO)},
        part=part.pk, available=str(max(available, QZERO)),
    )


def _save_part_store(ps: PartStore) -> None:
    ps.save(update_fields=["on_hand", "blocked", "reserved", "average_cost"])


def post_move(*, ps: PartStore, part: Part, location: Location, lot: Lot, qty: Decimal,
              kind: str, ref: DocRef, actor, at: dt.datetime,
              balance: StockBalance | None = None, note: str = "") -> StockMove:
    """Apply one signed quantity to a balance and write its move. The caller holds the
    ``PartStore`` lock and saves ``ps`` afterwards."""
    if balance is None:
        balance, _created = StockBalance.objects.get_or_create(
            store_id=ps.store_id, part=part, location=location, lot=lot,
            defaults={"quantity": QZERO})
    new_quantity = balance.quantity + qty
    if new_quantity < 0:
        raise insufficient_stock(part, -qty, balance.quantity)
    balance.quantity = new_quantity
    balance.save(update_fields=["quantity"])
    if location.kind in ISSUABLE_KINDS:
        ps.on_hand += qty
    else:
        ps.blocked += qty
    if ps.on_hand < 0 or ps.blocked < 0:
        raise insufficient_stock(part, -qty, ps.on_hand)
    return StockMove.objects.create(
        store_id=ps.store_id, part=part, location=location, lot=lot, quantity=qty,
        unit_cost=lot.unit_cost, kind=kind, user=actor if getattr(
            actor, "is_authenticated", False) else None,
        created_at=at, note=note[:200], **ref.as_fields())


def _check_location(location: Location, store, field: str = "location") -> None:
    same_store(location, store, field)
    if not location.is_active:
        raise ValidationError({field: [_("This location is not in use.")]})
    if location.frozen_by_id:
        raise DomainError("location_frozen",
                          _("Location %(code)s is frozen for a stocktake.")
                          % {"code": location.code}, location=location.pk)


def receive_lot(*, actor, store, part: Part, qty: Decimal, unit_cost: Decimal,
                location: Location, batch: str = "", supplier=None, ref: DocRef,
                kind: str = MoveKind.RECEIPT, inbound_date: dt.date | None = None,
                ps: PartStore | None = None, update_average: bool = True,
                note: str = "") -> StockMove:
    """Put a new lot into stock (PT-6) and update the moving-average cost (PT-8). Used
    by receiving, transfers in and spot receipts; the caller checks permissions."""
    _check_location(location, store)
    batch = (batch or "").strip()
    if part.is_key_part and not batch:
        raise ValidationError({"batch": [_("%(part)s is a key/safety part: enter the batch "
                                           "number.") % {"part": part.number}]})
    at = clock.now()
    if ps is None:
        ps = lock_part_stores(store, [part.pk])[part.pk]
    unit_cost = money(unit_cost)
    lot = Lot.objects.create(store=store, part=part, batch=batch[:40], unit_cost=unit_cost,
                             inbound_date=inbound_date or clock.today(), supplier=supplier,
                             created_at=at)
    if update_average:
        apply_average_cost(actor=actor, store=store, part=part, ps=ps, qty=qty,
                           unit_cost=unit_cost)
    move = post_move(ps=ps, part=part, location=location, lot=lot, qty=qty, kind=kind,
                     ref=ref, actor=actor, at=at, note=note)
    _save_part_store(ps)
    return move


def apply_average_cost(*, actor, store, part: Part, ps: PartStore, qty: Decimal,
                       unit_cost: Decimal) -> None:
    """Moving-average cost after ``qty`` come in at ``unit_cost`` (PT-8); call before
    posting the move. A change is audited."""
    held = ps.on_hand + ps.blocked
    total = held + qty
    before = ps.average_cost
    if held <= 0 or total <= 0:
        ps.average_cost = money(unit_cost)
    else:
        ps.average_cost = money((held * ps.average_cost + qty * unit_cost) / total)
    if before != ps.average_cost:
        audit_record(actor=actor, action="parts.average_cost", obj=part, store=store,
                     before={"average_cost": before}, after={"average_cost": ps.average_cost})


def _open_reservation(store, part: Part, ref: DocRef,
                      ps: PartStore | None = None) -> Reservation | None:
    """The document line's open reservation of the part, locked. Given the part's locked
    ``PartStore`` row with nothing reserved, there is none to look for."""
    if not ref.document_type or (ps is not None and ps.reserved <= 0):
        return None
    return _for_update(Reservation.objects.filter(
        store=store, part=part, status=ReservationStatus.OPEN, **ref.as_fields())
    ).first()


def take_fifo(*, store, part: Part, qty: Decimal, batch: str | None = None,
              prefer_location_id: int | None = None) -> list[tuple[StockBalance, Decimal]]:
    """The balances to take ``qty`` from, oldest lot first (PT-6), then pick order of
    the locations; frozen locations are skipped. Raises when stock is short."""
    balances = _for_update(
        StockBalance.objects.filter(store=store, part=part, quantity__gt=0,
                                    location__kind__in=ISSUABLE_KINDS, location__is_active=True)
        .select_related("location", "lot")
        .order_by("lot__inbound_date", "lot_id", "location__zone", "location__shelf",
                  "location__level", "location_id"))
    if batch:
        balances = balances.filter(lot__batch=batch)
    return pick_fifo(list(balances), part=part, qty=qty, prefer_location_id=prefer_location_id)


def pick_fifo(rows: list[StockBalance], *, part: Part, qty: Decimal,
              prefer_location_id: int | None = None) -> list[tuple[StockBalance, Decimal]]:
    """The FIFO choice of ``take_fifo`` among balances already locked and in FIFO order
    (empty ones are skipped); the balances are not changed."""
    rows = [b for b in rows if b.quantity > 0]
    if prefer_location_id:
        rows.sort(key=lambda b: b.location_id != prefer_location_id)
    usable = [b for b in rows if b.location.frozen_by_id is None]
    usable_total = sum((b.quantity for b in usable), QZERO)
    if usable_total < qty:
        if sum((b.quantity for b in rows), QZERO) >= qty:
            raise DomainError("location_frozen",
                              _("Part of the stock of %(part)s is frozen for a stocktake.")
                              % {"part": part.number}, part=part.pk)
        raise insufficient_stock(part, qty, usable_total)
    taken, left = [], qty
    for balance in usable:
        if left <= 0:
            break
        take = min(balance.quantity, left)
        taken.append((balance, take))
        left -= take
    return taken


@service_transaction
def stock_issue(*, actor, store, part: Part, quantity: Decimal | int | str,
                document_type: str, document_id: str, document_line_id: str = "",
                batch: str | None = None, kind: str = MoveKind.ISSUE,
                note: str = "") -> list[StockMove]:
    """Issue stock to a document line (PT-10): FIFO over lots and locations (PT-6),
    never below zero (PT-5), never into stock reserved for other documents (PT-9). An
    open reservation of the same document line is consumed first. Returns the moves
    (one per lot and location taken; their ``lot.batch`` is the batch given)."""
    require_perm(actor, store, "parts.issue_stock")
    qty = positive_quantity(quantity)
    if not document_type or not document_id:
        raise ValidationError({"document_id": [_("Name the document the parts are for.")]})
    ref = DocRef(document_type, str(document_id), str(document_line_id or ""))
    ps = lock_part_stores(store, [part.pk])[part.pk]
    reservation = _open_reservation(store, part, ref, ps)
    own_reserved = reservation.remaining if reservation else QZERO
    available = ps.on_hand - ps.reserved + own_reserved
    if qty > available:
        raise insufficient_stock(part, qty, available)
    taken = take_fifo(store=store, part=part, qty=qty, batch=batch,
                      prefer_location_id=reservation.location_id if reservation else None)
    at = clock.now()
    moves = [post_move(ps=ps, part=part, location=b.location, lot=b.lot, qty=-take, kind=kind,
                       ref=ref, actor=actor, at=at, balance=b, note=note) for b, take in taken]
    if reservation is not None:
        used = min(own_reserved, qty)
        reservation.consumed += used
        ps.reserved -= used
        if reservation.remaining <= 0:
            reservation.status = ReservationStatus.CONSUMED
            reservation.closed_at = at
        reservation.save(update_fields=["consumed", "status", "closed_at"])
    _save_part_store(ps)
    audit_record(actor=actor, action="parts.issue", obj=part, store=store,
                 after={"quantity": qty, "document": ref.as_fields(),
                        "lots": [[m.lot_id, m.quantity] for m in moves]})
    return moves


def issued_quantity(*, document_type: str, document_id: str, document_line_id: str = "",
                    store=None, part: Part | None = None) -> Decimal:
    """Net quantity issued to a document line (issues less returns)."""
    moves = StockMove.objects.filter(kind__in=(MoveKind.ISSUE, MoveKind.RETURN),
                                     **DocRef(document_type, str(document_id),
                                              str(document_line_id or "")).as_fields())
    if store is not None:
        moves = moves.for_store(store)
    if part is not None:
        moves = moves.filter(part=part)
    total = moves.aggregate(total=Sum("quantity"))["total"]
    return to_qty(-(total or 0))


@service_transaction
def stock_return(*, actor, store, part: Part, quantity: Decimal | int | str,
                 document_type: str, document_id: str, document_line_id: str = "",
                 location: Location | None = None, note: str = "") -> list[StockMove]:
    """Take back parts issued to a document line (退料): at most what was issued to it
    and not yet returned, back into the lots it came from (latest first), at their cost,
    to the location given or the one it was taken from."""
    require_perm(actor, store, "parts.issue_stock")
    qty = positive_quantity(quantity)
    ref = DocRef(document_type, str(document_id), str(document_line_id or ""))
    if location is not None:
        _check_location(location, store)
    ps = lock_part_stores(store, [part.pk])[part.pk]
    per_lot = list(
        StockMove.objects.filter(store=store, part=part,
                                 kind__in=(MoveKind.ISSUE, MoveKind.RETURN), **ref.as_fields())
        .values("lot_id", "location_id")
        .annotate(net=Sum("quantity"), last=Max("id"))
        .filter(net__lt=0).order_by("-last"))
    returnable = -sum((row["net"] for row in per_lot), QZERO)
    if qty > returnable:
        raise DomainError(
            "return_exceeds_issue",
            _("Only %(n)s of %(part)s were issued to this document and not yet returned.")
            % {"n": to_qty(returnable), "part": part.number}, returnable=str(returnable))
    lots = Lot.objects.in_bulk([row["lot_id"] for row in per_lot])
    locations = Location.objects.in_bulk([row["location_id"] for row in per_lot])
    at, left, moves = clock.now(), qty, []
    for row in per_lot:
        if left <= 0:
            break
        take = min(-row["net"], left)
        target = location or locations[row["location_id"]]
        if location is None:
            _check_location(target, store)
        moves.append(post_move(ps=ps, part=part, location=target, lot=lots[row["lot_id"]],
                               qty=take, kind=MoveKind.RETURN, ref=ref, actor=actor, at=at,
                               note=note))
        left -= take
    _save_part_store(ps)
    audit_record(actor=actor, action="parts.return", obj=part, store=store,
                 after={"quantity": qty, "document": ref.as_fields()})
    return moves


def reserve_location(store) -> Location | None:
    return Location.objects.filter(store=store, kind=LocationKind.RESERVE, is_active=True,
                                   frozen_by__isnull=True).order_by("code").first()


def _relocate(*, ps: PartStore, part: Part, taken, to_location: Location, ref: DocRef, actor,
              at) -> list[StockMove]:
    moves = []
    for balance, take in taken:
        if balance.location_id == to_location.pk:
            continue
        moves.append(post_move(ps=ps, part=part, location=balance.location, lot=balance.lot,
                               qty=-take, kind=MoveKind.RELOCATE, ref=ref, actor=actor, at=at,
                               balance=balance))
        moves.append(post_move(ps=ps, part=part, location=to_location, lot=balance.lot,
                               qty=take, kind=MoveKind.RELOCATE, ref=ref, actor=actor, at=at))
    return moves


@service_transaction
def stock_reserve(*, actor, store, part: Part, quantity: Decimal | int | str,
                  document_type: str, document_id: str, document_line_id: str = "",
                  to_reserve_shelf: bool = False) -> Reservation:
    """Reserve stock for an appointment or an open repair order line (PT-9). Reserved
    stock lowers available, not on hand. Reserving again for the same line adds to its
    open reservation. With ``to_reserve_shelf`` the parts are moved to the store's
    appointment reserve shelf (预约备件货架)."""
    require_perm(actor, store, "parts.reserve_stock")
    qty = positive_quantity(quantity)
    if not document_type or not document_id:
        raise ValidationError({"document_id": [_("Name the document the parts are for.")]})
    ref = DocRef(document_type, str(document_id), str(document_line_id or ""))
    ps = lock_part_stores(store, [part.pk])[part.pk]
    available = ps.on_hand - ps.reserved
    if qty > available:
        raise insufficient_stock(part, qty, available)
    at = clock.now()
    reservation = _open_reservation(store, part, ref)
    if reservation is None:
        reservation = Reservation(store=store, part=part, quantity=QZERO, created_at=at,
                                  created_by=actor if getattr(actor, "is_authenticated", False)
                                  else None, **ref.as_fields())
    reservation.quantity += qty
    if to_reserve_shelf:
        shelf = reserve_location(store)
        if shelf is None:
            raise DomainError("no_reserve_shelf", _("This store has no reserve shelf."))
        taken = take_fifo(store=store, part=part, qty=qty)
        _relocate(ps=ps, part=part, taken=taken, to_location=shelf, ref=ref, actor=actor, at=at)
        reservation.location = shelf
    reservation.save()
    ps.reserved += qty
    _save_part_store(ps)
    audit_record(actor=actor, action="parts.reserve", obj=part, store=store,
                 after={"quantity": qty, "document": ref.as_fields()})
    return reservation


@service_transaction
def reservation_release(*, actor, store, document_type: str, document_id: str,
                        document_line_id: str | None = None, part: Part | None = None,
                        reason: str = "") -> list[Reservation]:
    """Release the open reservations of a document (or one line, or one part), e.g.
    when an appointment is cancelled or a no-show (PT-9). Returns those released."""
    require_perm(actor, store, "parts.reserve_stock")
    filters = Q(store=store, status=ReservationStatus.OPEN, document_type=document_type,
                document_id=str(document_id))
    if document_line_id is not None:
        filters &= Q(document_line_id=str(document_line_id))
    if part is not None:
        filters &= Q(part=part)
    part_ids = list(Reservation.objects.filter(filters).values_list("part_id", flat=True))
    if not part_ids:
        return []
    stores = lock_part_stores(store, part_ids)
    released = list(_for_update(Reservation.objects.filter(filters).order_by("part_id", "id")))
    at = clock.now()
    for reservation in released:
        ps = stores[reservation.part_id]
        ps.reserved -= reservation.remaining
        reservation.status = ReservationStatus.RELEASED
        reservation.closed_at = at
        reservation.save(update_fields=["status", "closed_at"])
        _save_part_store(ps)
        audit_record(actor=actor, action="parts.release", obj=reservation, store=store,
                     after={"quantity": reservation.remaining}, note=reason)
    return released


RESERVATION_FLOW = Transitions({"release": ({ReservationStatus.OPEN}, ReservationStatus.RELEASED)})


@service_transaction
def reservation_release_one(*, actor, reservation: Reservation, reason: str = "") -> Reservation:
    """Release one open reservation (PT-9); one already issued or released is
    ``invalid_transition``."""
    store = reservation.store
    require_perm(actor, store, "parts.reserve_stock")
    lock_part_stores(store, [reservation.part_id])  # the ledger's lock order: part first
    reservation = _for_update(Reservation.objects.filter(pk=reservation.pk)).get()
    RESERVATION_FLOW.target(reservation.status, "release")
    reservation_release(actor=actor, store=store, document_type=reservation.document_type,
                        document_id=reservation.document_id,
                        document_line_id=reservation.document_line_id,
                        part=reservation.part, reason=reason)
    reservation.refresh_from_db()
    return reservation


@service_transaction
def stock_relocate(*, actor, store, part: Part, quantity: Decimal | int | str,
                   from_location: Location, to_location: Location,
                   lot: Lot | None = None) -> list[StockMove]:
    """Move stock between locations of the store (put away from inspection, to the
    reserve shelf …), oldest lot first unless a lot is named."""
    require_perm(actor, store, "parts.receive_stock")
    qty = positive_quantity(quantity)
    _check_location(from_location, store, "from_location")
    _check_location(to_location, store, "to_location")
    ps = lock_part_stores(store, [part.pk])[part.pk]
    balances = _for_update(StockBalance.objects.filter(
        store=store, part=part, location=from_location, quantity__gt=0
    ).select_related("location", "lot").order_by("lot__inbound_date", "lot_id"))
    if lot is not None:
        balances = balances.filter(lot=lot)
    rows, taken, left = list(balances), [], qty
    if sum((b.quantity for b in rows), QZERO) < qty:
        raise insufficient_stock(part, qty, sum((b.quantity for b in rows), QZERO))
    if from_location.kind in ISSUABLE_KINDS and to_location.kind not in ISSUABLE_KINDS \
            and qty > ps.on_hand - ps.reserved:
        raise insufficient_stock(part, qty, ps.on_hand - ps.reserved)
    for balance in rows:
        if left <= 0:
            break
        take = min(balance.quantity, left)
        taken.append((balance, take))
        left -= take
    moves = _relocate(ps=ps, part=part, taken=taken, to_location=to_location,
                      ref=DocRef(), actor=actor, at=clock.now())
    _save_part_store(ps)
    audit_record(actor=actor, action="parts.relocate", obj=part, store=store,
                 after={"quantity": qty, "from": from_location.code, "to": to_location.code})
    return moves


@service_transaction
def stock_move_reverse(*, actor, move: StockMove, reason: str) -> StockMove:
    """Correct a mistaken move with a reversing move (PT-4: nobody edits the ledger)."""
    store = move.store
    require_perm(actor, store, "parts.approve_stocktake")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the correction.")]})
    if StockMove.objects.filter(store=store, kind=MoveKind.REVERSAL,
                                document_type="parts.stockmove",
                                document_id=str(move.pk)).exists():
        raise DomainError("already_reversed", _("This move was already reversed."))
    ps = lock_part_stores(store, [move.part_id])[move.part_id]
    reversal = post_move(ps=ps, part=move.part, location=move.location, lot=move.lot,
                         qty=-move.quantity, kind=MoveKind.REVERSAL,
                         ref=DocRef("parts.stockmove", str(move.pk)), actor=actor,
                         at=clock.now(), note=reason)
    _save_part_store(ps)
    audit_record(actor=actor, action="parts.reverse", obj=move, store=store,
                 after={"reversal": reversal.pk}, note=reason)
    return reversal


def value_of(moves: Iterable[StockMove]) -> Decimal:
    return money(sum((m.quantity * m.unit_cost for m in moves), ZERO))
