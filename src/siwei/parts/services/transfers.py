"""Transfers between the stores of a group (PT-11): request → approved → shipped
(stock leaves the shipping store into its in-transit location) → received (enters the
receiving store as new lots keeping their inbound date and cost)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.numbering import number_next
from siwei.core.transactions import service_transaction

from ..models import (
    Location,
    LocationKind,
    MoveKind,
    StockBalance,
    StockMove,
    Transfer,
    TransferLine,
)
from ..models.documents import TRANSFER_FLOW
from ._common import positive_quantity, require_perm
from .ledger import (
    DocRef,
    _check_location,
    _save_part_store,
    insufficient_stock,
    lock_part_stores,
    post_move,
    receive_lot,
    take_fifo,
)

TRANSFER_DOC = "parts.transfer"


def transit_location(store) -> Location:
    location, _created = Location.objects.get_or_create(
        store=store, code="TRANSIT", defaults={"zone": "ZZ", "kind": LocationKind.TRANSIT})
    return location


@service_transaction
def transfer_request(*, actor, store, from_store, lines: list[dict],
                     note: str = "") -> Transfer:
    """``store`` asks ``from_store`` (same group) for parts: ``[{"part", "quantity"}]``."""
    require_perm(actor, store, "parts.transfer_stock")
    if from_store.pk == store.pk or from_store.group_id != store.group_id:
        raise ValidationError({"from_store": [_("Choose another store of the group.")]})
    if not lines:
        raise ValidationError({"lines": [_("Add at least one line.")]})
    transfer = Transfer.objects.create(
        store=from_store, to_store=store, number=number_next(store=from_store, doc_type="TR"),
        note=note[:200], requested_at=clock.now(),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None)
    TransferLine.objects.bulk_create([
        TransferLine(store=from_store, transfer=transfer, part=line["part"],
                     quantity=positive_quantity(line["quantity"], "lines"))
        for line in lines])
    audit_record(actor=actor, action="parts.transfer_request", obj=transfer, store=store,
                 after={"from": from_store.code, "lines": len(lines)})
    return transfer


def _step(actor, transfer: Transfer, action: str, store, **extra) -> Transfer:
    before = transfer.status
    transfer.status = TRANSFER_FLOW.target(transfer.status, action)
    for name, value in extra.items():
        setattr(transfer, name, value)
    transfer.save(update_fields=["status", *extra])
    audit_record(actor=actor, action=f"parts.transfer_{action}", obj=transfer, store=store,
                 before={"status": before}, after={"status": transfer.status})
    return transfer


@service_transaction
def transfer_approve(*, actor, transfer: Transfer) -> Transfer:
    require_perm(actor, transfer.store, "parts.approve_transfer")
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    return _step(actor, transfer, "approve", transfer.store)


@service_transaction
def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    allowed = [transfer.store, transfer.to_store]
    if actor is not None:
        from siwei.core.permissions import has_store_perm

        if not any(has_store_perm(actor, s, "parts.transfer_stock") for s in allowed):
            require_perm(actor, transfer.store, "parts.transfer_stock")
    return _step(actor, transfer, "cancel", transfer.store)


@service_transaction
def transfer_ship(*, actor, transfer: Transfer) -> Transfer:
    """Take the lines FIFO out of the shipping store's available stock into its
    in-transit location."""
    store = transfer.store
    require_perm(actor, store, "parts.transfer_stock")
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    TRANSFER_FLOW.target(transfer.status, "ship")
    lines = list(transfer.lines.select_related("part"))
    stores = lock_part_stores(store, [line.part_id for line in lines])
    transit, at = transit_location(store), clock.now()
    for line in lines:
        ps = stores[line.part_id]
        if line.quantity > ps.on_hand - ps.reserved:
            raise insufficient_stock(line.part, line.quantity, ps.on_hand - ps.reserved)
        ref = DocRef(TRANSFER_DOC, str(transfer.pk), str(line.pk))
        for balance, take in take_fifo(store=store, part=line.part, qty=line.quantity):
            post_move(ps=ps, part=line.part, location=balance.location, lot=balance.lot,
                      qty=-take, kind=MoveKind.TRANSFER_OUT, ref=ref, actor=actor, at=at,
                      balance=balance)
            post_move(ps=ps, part=line.part, location=transit, lot=balance.lot, qty=take,
                      kind=MoveKind.TRANSFER_OUT, ref=ref, actor=actor, at=at)
        _save_part_store(ps)
    return _step(actor, transfer, "ship", store, shipped_at=at)


@service_transaction
def transfer_receive(*, actor, transfer: Transfer, location: Location) -> Transfer:
    """The receiving store takes the goods out of transit into ``location``."""
    to_store = transfer.to_store
    require_perm(actor, to_store, "parts.transfer_stock")
    _check_location(location, to_store)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    TRANSFER_FLOW.target(transfer.status, "receive")
    if location.kind not in (LocationKind.NORMAL, LocationKind.RESERVE,
                             LocationKind.INSPECTION):
        raise ValidationError({"location": [_("Choose a normal or inspection location.")]})
    store, transit, at = transfer.store, transit_location(transfer.store), clock.now()
    lines = list(transfer.lines.select_related("part"))
    part_ids = [line.part_id for line in lines]
    from_stores = lock_part_stores(store, part_ids)
    to_stores = lock_part_stores(to_store, part_ids)
    for line in lines:
        ref = DocRef(TRANSFER_DOC, str(transfer.pk), str(line.pk))
        lot_ids = list(StockMove.objects.filter(
            store=store, location=transit, quantity__gt=0, **ref.as_fields()
        ).values_list("lot_id", flat=True))
        balances = list(StockBalance.objects.select_for_update().filter(
            store=store, location=transit, lot_id__in=lot_ids, part=line.part, quantity__gt=0
        ).select_related("lot", "location").order_by("lot__inbound_date", "lot_id"))
        left = line.quantity
        for balance in balances:
            if left <= 0:
                break
            take = min(balance.quantity, left)
            post_move(ps=from_stores[line.part_id], part=line.part, location=transit,
                      lot=balance.lot, qty=-take, kind=MoveKind.TRANSFER_OUT, ref=ref,
                      actor=actor, at=at, balance=balance)
            receive_lot(actor=actor, store=to_store, part=line.part, qty=take,
                        unit_cost=balance.lot.unit_cost, location=location,
                        batch=balance.lot.batch, supplier=balance.lot.supplier, ref=ref,
                        kind=MoveKind.TRANSFER_IN, inbound_date=balance.lot.inbound_date,
                        ps=to_stores[line.part_id])
            left -= take
        if left > 0:
            raise DomainError("transit_mismatch",
                              _("The goods in transit do not match the transfer."))
        _save_part_store(from_stores[line.part_id])
    return _step(actor, transfer, "receive", to_store, received_at=at)
