"""Purchasing and receiving (PT-7, PT-8, PT-16 one-step ordering)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import money
from siwei.core.numbering import number_next
from siwei.core.transactions import service_transaction
from siwei.core.uploads import checked_photo

from ..models import (
    Location,
    LocationKind,
    MoveKind,
    Nonconformance,
    Part,
    POStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)
from ..models.documents import PO_FLOW, POKind
from ._common import non_negative_quantity, positive_quantity, require_perm
from .ledger import DocRef, lock_part_stores, receive_lot
from .photos import store_photo

PO_DOC = "parts.purchaseorder"


@dataclass
class ReceiptLine:
    """What was counted for one PO line: accepted into ``location``, rejected to the
    nonconforming location with ``reason`` and, optionally, a ``photo`` (an uploaded
    JPEG, PNG or WebP of at most 5 MB)."""

    line: PurchaseOrderLine
    accepted: Decimal
    rejected: Decimal = Decimal("0")
    location: Location | None = None
    batch: str = ""
    reason: str = ""
    photo: Any = None


def _group_check(obj, store, field: str) -> None:
    if obj.group_id != store.group_id:
        raise ValidationError({field: [_("This belongs to another dealer group.")]})


def _add_lines(order: PurchaseOrder, lines) -> None:
    if not lines:
        raise ValidationError({"lines": [_("Add at least one line.")]})
    rows = []
    for i, line in enumerate(lines):
        part = line["part"]
        _group_check(part, order.store, "lines")
        qty = positive_quantity(line.get("quantity"), "lines")
        price = line.get("price")
        price = money(part.cost if price in (None, "") else price)
        if price < 0:
            raise ValidationError({"lines": [_("Line %(n)s: the price cannot be negative.")
                                             % {"n": i + 1}]})
        rows.append(PurchaseOrderLine(store=order.store, order=order, part=part, quantity=qty,
                                      price=price))
    PurchaseOrderLine.objects.bulk_create(rows)


@service_transaction
def purchase_order_create(*, actor, store, supplier: Supplier, lines: list[dict],
                          kind: str = POKind.STOCK, document_type: str = "",
                          document_id: str = "", expected_on=None,
                          note: str = "") -> PurchaseOrder:
    """A draft PO (PT-7). ``lines``: ``[{"part", "quantity", "price"}]`` (price defaults
    to the part's cost). An urgent order names its repair order in the reference; a spot
    purchase (delivery for other models without a PO, PT-8) has ``kind="spot"``."""
    require_perm(actor, store, "parts.manage_purchasing")
    _group_check(supplier, store, "supplier")
    if kind == POKind.URGENT and not document_id:
        raise ValidationError({"document_id": [_("An urgent order names its repair order.")]})
    order = PurchaseOrder.objects.create(
        store=store, number=number_next(store=store, doc_type="PO"), supplier=supplier,
        kind=kind, expected_on=expected_on, note=note[:200], created_at=clock.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **DocRef(document_type, str(document_id or "")).as_fields())
    _add_lines(order, lines)
    audit_record(actor=actor, action="parts.po_create", obj=order,
                 after={"status": order.status, "supplier": supplier.pk, "lines": len(lines)})
    return order


def _locked(order: PurchaseOrder) -> PurchaseOrder:
    return PurchaseOrder.objects.select_for_update().get(pk=order.pk)


def _transition(actor, order: PurchaseOrder, action: str, **extra) -> PurchaseOrder:
    before = order.status
    order.status = PO_FLOW.target(order.status, action)
    for name, value in extra.items():
        setattr(order, name, value)
    order.save(update_fields=["status", *extra])
    audit_record(actor=actor, action=f"parts.po_{action}", obj=order,
                 before={"status": before}, after={"status": order.status})
    return order


@service_transaction
def purchase_order_add_line(*, actor, order: PurchaseOrder, part: Part, quantity,
                            price=None) -> PurchaseOrder:
    require_perm(actor, order.store, "parts.manage_purchasing")
    order = _locked(order)
    PO_FLOW.target(order.status, "add_line")
    _add_lines(order, [{"part": part, "quantity": quantity, "price": price}])
    audit_record(actor=actor, action="parts.po_add_line", obj=order,
                 after={"part": part.pk, "quantity": str(quantity)})
    return order


@service_transaction
def purchase_order_send(*, actor, order: PurchaseOrder) -> PurchaseOrder:
    require_perm(actor, order.store, "parts.manage_purchasing")
    order = _locked(order)
    if order.status == POStatus.DRAFT and not order.lines.exists():
        raise DomainError("empty_order", _("The order has no lines."))
    return _transition(actor, order, "send", sent_at=clock.now())


@service_transaction
def purchase_order_cancel(*, actor, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    require_perm(actor, order.store, "parts.manage_purchasing")
    order = _locked(order)
    order = _transition(actor, order, "cancel")
    if reason:
        order.note = f"{order.note} {reason}".strip()[:200]
        order.save(update_fields=["note"])
    return order


@service_transaction
def purchase_order_close(*, actor, order: PurchaseOrder) -> PurchaseOrder:
    """Close a received order, or one that will not be delivered in full (short close)."""
    require_perm(actor, order.store, "parts.manage_purchasing")
    return _transition(actor, _locked(order), "close")


def nonconforming_location(store) -> Location:
    location = Location.objects.filter(store=store, kind=LocationKind.NONCONFORMING,
                                       is_active=True).order_by("code").first()
    if location is None:
        raise DomainError("no_nonconforming_location",
                          _("This store has no nonconforming location; create one first."))
    return location


@service_transaction
def purchase_order_receive(*, actor, order: PurchaseOrder,
                           lines: list[ReceiptLine]) -> PurchaseOrder:
    """Receive goods against a PO (入库, PT-8): accepted quantity into its location as a
    new lot at the PO price (moving average updated), rejected quantity into the
    nonconforming location with a nonconformance record (with the photo, if one was
    given). More than the outstanding quantity of a line is refused (``over_receipt``);
    a photo that is not a JPEG, PNG or WebP image of at most 5 MB is refused naming the
    ``photo`` field."""
    store = order.store
    require_perm(actor, store, "parts.receive_stock")
    order = _locked(order)
    PO_FLOW.target(order.status, "receive_part")
    if not lines:
        raise ValidationError({"lines": [_("Enter what was received.")]})
    by_id = {line.pk: line for line in PurchaseOrderLine.objects.select_for_update()
             .filter(order=order).select_related("part")}
    wanted: dict[int, list[ReceiptLine]] = defaultdict(list)
    for entry in lines:
        line = by_id.get(getattr(entry.line, "pk", entry.line))
        if line is None:
            raise ValidationError({"lines": [_("This line is not on the order.")]})
        entry.line = line
        entry.accepted = non_negative_quantity(entry.accepted, "accepted")
        entry.rejected = non_negative_quantity(entry.rejected, "rejected")
        wanted[line.pk].append(entry)
    for line_id, entries in wanted.items():
        line = by_id[line_id]
        total = sum((e.accepted + e.rejected for e in entries), Decimal(0))
        if total > line.outstanding:
            raise DomainError(
                "over_receipt",
                _("%(part)s: %(n)s received but only %(open)s outstanding on the order.")
                % {"part": line.part.number, "n": total, "open": line.outstanding},
                line=line.pk, outstanding=str(line.outstanding))
    if not any(e.accepted or e.rejected for e in lines):
        raise ValidationError({"lines": [_("Enter an accepted or rejected quantity.")]})
    for entry in lines:
        if entry.photo:
            if not entry.rejected:
                raise ValidationError({"photo": [
                    _("Photo of %(part)s: a photo documents rejected goods; enter the rejected "
                      "quantity.") % {"part": entry.line.part.number}]})
            entry.photo = checked_photo(entry.photo, subject=entry.line.part.number)
    photos = []
    stores = lock_part_stores(store, [by_id[i].part_id for i in wanted])
    rejected_to = None
    for entry in lines:
        line, part = entry.line, entry.line.part
        ref = DocRef(PO_DOC, str(order.pk), str(line.pk))
        if entry.accepted:
            location = entry.location or stores[part.pk].default_location
            if location is None:
                raise ValidationError({"location": [_("Choose the location for %(part)s.")
                                                    % {"part": part.number}]})
            if location.kind in (LocationKind.NONCONFORMING, LocationKind.TRANSIT):
                raise ValidationError({"location": [_("Accepted goods go to a normal, "
                                                      "inspection or reserve location.")]})
            receive_lot(actor=actor, store=store, part=part, qty=entry.accepted,
                        unit_cost=line.price, location=location, batch=entry.batch,
                        supplier=order.supplier, ref=ref, ps=stores[part.pk])
            line.accepted += entry.accepted
        if entry.rejected:
            rejected_to = rejected_to or nonconforming_location(store)
            move = receive_lot(actor=actor, store=store, part=part, qty=entry.rejected,
                               unit_cost=line.price, location=rejected_to, batch=entry.batch,
                               supplier=order.supplier, ref=ref, ps=stores[part.pk],
                               kind=MoveKind.NONCONFORMING, update_average=False)
            record = Nonconformance.objects.create(
                store=store, po_line=line, part=part, supplier=order.supplier, lot=move.lot,
                quantity=entry.rejected, created_at=clock.now(),
                reason=(entry.reason or _("Rejected at receiving inspection"))[:200],
                created_by=actor if getattr(actor, "is_authenticated", False) else None)
            audit_record(actor=actor, action="parts.nonconformance", obj=record,
                         after={"quantity": entry.rejected, "reason": record.reason,
                                "photo": bool(entry.photo)})
            if entry.photo:
                photos.append((record, entry.photo))
            line.rejected += entry.rejected
        line.save(update_fields=["accepted", "rejected"])
    for record, photo in photos:  # files are written once every line went through
        store_photo(record, photo)
    complete = all(line.outstanding <= 0 for line in by_id.values())
    return _transition(actor, order, "receive_all" if complete else "receive_part")


@service_transaction
def purchase_orders_from_suggestions(*, actor, store, suggestions) -> list[PurchaseOrder]:
    """Turn reorder suggestions (PT-16) into draft POs, one per supplier, in one step.
    ``suggestions``: ``(part, quantity)`` pairs; each part is ordered from its default
    supplier at its cost. Parts without a default supplier are skipped."""
    require_perm(actor, store, "parts.manage_purchasing")
    by_supplier: dict[int, list[dict]] = defaultdict(list)
    for part, qty in suggestions:
        if part.default_supplier_id and qty > 0:
            by_supplier[part.default_supplier_id].append(
                {"part": part, "quantity": qty, "price": part.cost})
    suppliers = Supplier.objects.in_bulk(list(by_supplier))
    return [purchase_order_create(actor=actor, store=store, supplier=suppliers[sid], lines=rows,
                                  note=_("From reorder suggestions"))
            for sid, rows in sorted(by_supplier.items())]
