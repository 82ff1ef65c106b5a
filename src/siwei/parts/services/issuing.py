"""Issuing several lines of one document at once (PT-5, PT-6, PT-9, PT-10): the rules of
``stock_issue`` for each line, with a fixed number of queries however many lines and
lots there are — the requests filled, the part rows locked, the reservations (only when
some stock of the parts is reserved), the balances, then one write per table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Case, DecimalField, F, Min, Q, Value, When
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_batch, audit_record
from siwei.core.transactions import service_transaction

from ..models import (
    MoveKind,
    Part,
    PartStore,
    RequestStatus,
    Reservation,
    ReservationStatus,
    StockBalance,
    StockMove,
    StockRequest,
)
from ..models.catalog import ISSUABLE_KINDS
from ._common import positive_quantity, require_perm
from .ledger import DocRef, _for_update, insufficient_stock, lock_part_stores, pick_fifo

OPEN_REQUEST = (RequestStatus.OPEN, RequestStatus.PARTLY_ISSUED)
QUANTITY = DecimalField(max_digits=14, decimal_places=3)


@dataclass(frozen=True)
class IssueLine:
    """One line of a document to issue to: the part, how many, the line's id."""

    part: Part
    quantity: Decimal
    document_line_id: str


@service_transaction
def stock_issue_lines(*, actor, store, document_type: str, document_id: str,
                      lines: list[IssueLine], note: str = "") -> list[StockMove]:
    """Issue stock to several lines of one document (PT-10), each as ``stock_issue``
    would: FIFO over lots and locations (PT-6), never below zero (PT-5), never into
    stock reserved for other documents (PT-9), the line's own open reservation consumed
    first. A line's open stock request that still asks for at least the quantity is
    filled by it (the fill rate of its first issue, PT-10). Lines are issued in the
    order given; one ``parts.issue`` audit event per line. Returns the moves."""
    require_perm(actor, store, "parts.issue_stock")
    if not document_type or not document_id:
        raise ValidationError({"document_id": [_("Name the document the parts are for.")]})
    wanted = [(line, positive_quantity(line.quantity)) for line in lines]
    if not wanted:
        return []
    base = DocRef(document_type, str(document_id))
    # The lock order of the ledger: a request before its part's row (stock_request_issue).
    _fill_requests(store, base, wanted)
    stores = lock_part_stores(store, [line.part.pk for line, _q in wanted])
    reservations = _open_reservations(store, base, wanted, stores)
    balances = _issuable_balances(store, stores)
    at = clock.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    moves: list[StockMove] = []
    touched: dict[int, StockBalance] = {}
    consumed: dict[int, Reservation] = {}
    with audit_batch():
        for line, qty in wanted:
            part, ps = line.part, stores[line.part.pk]
            ref = DocRef(base.document_type, base.document_id, str(line.document_line_id))
            reservation = reservations.get((part.pk, ref.document_line_id))
            own_reserved = reservation.remaining if reservation is not None else Decimal(0)
            available = ps.on_hand - ps.reserved + own_reserved
            if qty > available:
                raise insufficient_stock(part, qty, available)
            taken = pick_fifo(balances[part.pk], part=part, qty=qty,
                              prefer_location_id=reservation.location_id if reservation
                              else None)
            line_moves = []
            for balance, take in taken:
                balance.quantity -= take
                ps.on_hand -= take  # FIFO takes from issuable locations only
                touched[balance.pk] = balance
                line_moves.append(StockMove(
                    store_id=store.pk, part=part, location=balance.location, lot=balance.lot,
                    quantity=-take, unit_cost=balance.lot.unit_cost, kind=MoveKind.ISSUE,
                    user=user, created_at=at, note=note[:200], **ref.as_fields()))
            if reservation is not None:
                used = min(own_reserved, qty)
                reservation.consumed += used
                ps.reserved -= used
                if reservation.remaining <= 0:
                    reservation.status, reservation.closed_at = ReservationStatus.CONSUMED, at
                consumed[reservation.pk] = reservation
            moves += line_moves
            audit_record(actor=actor, action="parts.issue", obj=part, store=store,
                         after={"quantity": qty, "document": ref.as_fields(),
                                "lots": [[m.lot_id, m.quantity] for m in line_moves]})
        StockBalance.objects.bulk_update(list(touched.values()), ["quantity"])
        StockMove.objects.bulk_create(moves)
        PartStore.objects.bulk_update(list(stores.values()),
                                      ["on_hand", "blocked", "reserved", "average_cost"])
        if consumed:
            Reservation.objects.bulk_update(list(consumed.values()),
                                            ["consumed", "status", "closed_at"])
    return moves


def _fill_requests(store, base: DocRef, wanted: list[tuple[IssueLine, Decimal]]) -> int:
    """One update: each line's first open request that still asks for at least what is
    issued now takes it (``stock_request_issue``'s bookkeeping); the others stay as they
    are. Returns how many requests were filled."""
    per_line: dict[str, Decimal] = defaultdict(Decimal)
    for line, qty in wanted:
        per_line[str(line.document_line_id)] += qty
    now_issued = Case(*[When(document_line_id=line_id, then=Value(qty))
                        for line_id, qty in per_line.items()], output_field=QUANTITY)
    open_requests = StockRequest.objects.filter(
        store=store, document_type=base.document_type, document_id=base.document_id,
        document_line_id__in=list(per_line), status__in=OPEN_REQUEST)
    first_of_line = (open_requests.order_by().values("document_line_id")
                     .annotate(first=Min("id")).values("first"))
    still_wanted = Q()
    for line_id, qty in per_line.items():
        still_wanted |= Q(document_line_id=line_id, quantity__gte=F("issued") + Value(qty))
    return open_requests.filter(still_wanted, pk__in=first_of_line).update(
        first_fill=Case(When(Q(issued=0) & Q(quantity__gt=now_issued), then=Value(False)),
                        default=F("first_fill")),
        status=Case(When(quantity__lte=F("issued") + now_issued,
                         then=Value(RequestStatus.ISSUED)),
                    default=Value(RequestStatus.PARTLY_ISSUED)),
        issued=F("issued") + now_issued,
    )


def _open_reservations(store, base: DocRef, wanted: list[tuple[IssueLine, Decimal]],
                       stores: dict[int, PartStore]) -> dict[tuple[int, str], Reservation]:
    """The lines' open reservations, locked, by (part, line); no query when none of the
    parts has stock reserved."""
    part_ids = [pid for pid, ps in stores.items() if ps.reserved > 0]
    if not part_ids:
        return {}
    rows = _for_update(Reservation.objects.filter(
        store=store, status=ReservationStatus.OPEN, document_type=base.document_type,
        document_id=base.document_id, part_id__in=part_ids,
        document_line_id__in=[str(line.document_line_id) for line, _q in wanted],
    ).order_by("part_id", "-created_at", "-id"))
    found: dict[tuple[int, str], Reservation] = {}
    for row in rows:
        found.setdefault((row.part_id, row.document_line_id), row)
    return found


def _issuable_balances(store, stores: dict[int, PartStore]) -> dict[int, list[StockBalance]]:
    """The parts' balances in issuable locations, locked, in FIFO order per part."""
    rows = _for_update(
        StockBalance.objects.filter(store=store, part_id__in=list(stores), quantity__gt=0,
                                    location__kind__in=ISSUABLE_KINDS,
                                    location__is_active=True)
        .select_related("location", "lot")
        .order_by("part_id", "lot__inbound_date", "lot_id", "location__zone",
                  "location__shelf", "location__level", "location_id"))
    found: dict[int, list[StockBalance]] = defaultdict(list)
    for row in rows:
        found[row.part_id].append(row)
    return found
