"""Requisitions (PT-10): a technician requests parts for a repair-order line, the clerk
issues them from the queue; the first issue decides the fill rate (一次满足率)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.enums import Transitions
from siwei.core.errors import DomainError
from siwei.core.numbering import number_next
from siwei.core.transactions import service_transaction

from ..models import Part, RequestStatus, StockMove, StockRequest
from ._common import positive_quantity, require_perm
from .ledger import (
    DocRef,
    _open_reservation,
    insufficient_stock,
    lock_part_stores,
    reservation_release,
    stock_issue,
    stock_reserve,
)

REQUEST_FLOW = Transitions({
    "issue": ({RequestStatus.OPEN, RequestStatus.PARTLY_ISSUED}, RequestStatus.PARTLY_ISSUED),
    "cancel": ({RequestStatus.OPEN, RequestStatus.PARTLY_ISSUED}, RequestStatus.CANCELLED),
})


@service_transaction
def stock_request_create(*, actor, store, part: Part, quantity, document_type: str,
                         document_id: str, document_line_id: str = "", note: str = "",
                         take_document_reservation: bool = False) -> StockRequest:
    """A request for parts for a document line. Whether stock covered it in full at
    this moment is recorded for the fill rate; a later short issue clears it. With
    ``take_document_reservation`` the part's stock reserved for the whole document (an
    appointment's reservation handed over to the repair order on arrival) moves to the
    line first, up to the quantity, so that issuing the line uses it (PT-9)."""
    require_perm(actor, store, "parts.request_parts")
    qty = positive_quantity(quantity)
    ref = DocRef(document_type, str(document_id), str(document_line_id or ""))
    ps = lock_part_stores(store, [part.pk])[part.pk]
    if take_document_reservation and ps.reserved > 0 and ref.document_line_id \
            and _hand_over(store, part, qty, ref, reason=note):
        ps = lock_part_stores(store, [part.pk])[part.pk]
    reservation = _open_reservation(store, part, ref, ps)
    available = ps.on_hand - ps.reserved + (reservation.remaining if reservation else 0)
    request = StockRequest.objects.create(
        store=store, number=number_next(store=store, doc_type="PR"), part=part, quantity=qty,
        first_fill=available >= qty, requested_at=clock.now(), note=note[:200],
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        **ref.as_fields())
    audit_record(actor=actor, action="parts.request", obj=request,
                 after={"part": part.pk, "quantity": qty, "document": ref.as_fields()})
    return request


def _hand_over(store, part: Part, quantity: Decimal, ref: DocRef, reason: str = "") -> bool:
    """Move the part's open reservation of the whole document (no line) to the line,
    up to ``quantity``; the rest stays reserved for the document. False when there is
    none."""
    document = DocRef(ref.document_type, ref.document_id)
    held = _open_reservation(store, part, document)
    if held is None:
        return False
    moved, left = min(held.remaining, quantity), held.remaining
    reservation_release(actor=None, store=store, part=part, reason=reason,
                        **document.as_fields())
    stock_reserve(actor=None, store=store, part=part, quantity=moved, **ref.as_fields())
    if left > moved:
        stock_reserve(actor=None, store=store, part=part, quantity=left - moved,
                      **document.as_fields())
    return True


@service_transaction
def stock_request_issue(*, actor, request: StockRequest,
                        quantity: Decimal | int | str | None = None) -> list[StockMove]:
    """Issue a request in one click: what is left of it, or as much of it as is
    available (FIFO, PT-6). Nothing available → ``insufficient_stock``."""
    store = request.store
    require_perm(actor, store, "parts.issue_stock")
    request = StockRequest.objects.select_for_update().select_related("part").get(pk=request.pk)
    REQUEST_FLOW.target(request.status, "issue")
    wanted = positive_quantity(quantity) if quantity not in (None, "") else request.remaining
    if wanted > request.remaining:
        raise DomainError("over_issue", _("Only %(n)s are still requested.")
                          % {"n": request.remaining})
    part = request.part
    ref = DocRef(request.document_type, request.document_id, request.document_line_id)
    ps = lock_part_stores(store, [part.pk])[part.pk]
    reservation = _open_reservation(store, part, ref, ps)
    available = ps.on_hand - ps.reserved + (reservation.remaining if reservation else 0)
    qty = min(wanted, available)
    if qty <= 0:
        raise insufficient_stock(part, wanted, available)
    moves = stock_issue(actor=actor, store=store, part=part, quantity=qty, **ref.as_fields())
    if request.issued == 0 and qty < request.quantity:
        request.first_fill = False
    request.issued += qty
    request.status = (RequestStatus.ISSUED if request.issued >= request.quantity
                      else RequestStatus.PARTLY_ISSUED)
    request.save(update_fields=["issued", "status", "first_fill"])
    return moves


@service_transaction
def stock_request_cancel(*, actor, request: StockRequest, reason: str = "") -> StockRequest:
    store = request.store
    require_perm(actor, store, "parts.request_parts")
    request = StockRequest.objects.select_for_update().get(pk=request.pk)
    before = request.status
    request.status = REQUEST_FLOW.target(request.status, "cancel")
    request.save(update_fields=["status"])
    audit_record(actor=actor, action="parts.request_cancel", obj=request,
                 before={"status": before}, after={"status": request.status}, note=reason)
    return request
