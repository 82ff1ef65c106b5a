"""Parts on a repair order's lines (SV-12, PT-9, PT-10): the stock request and the
reservation of a new part line, issuing (FIFO through the parts ledger, PT-6) and
returning parts, and keeping ``PartLine.issued`` in step with the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core.audit import audit_batch, audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import quantity as to_quantity
from siwei.core.transactions import service_transaction

from ..models import PartLine, RepairOrder, ROStatus
from .order_rules import CLOSED_FOR_WORK, DOCUMENT_TYPE, invalid_state, locked, remember_lines


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


def _part_lines_for_issue(ro: RepairOrder, lines) -> tuple[list[tuple[PartLine, Decimal]],
                                                         list[PartLine]]:
    """The chosen lines (part lines of the order or their ids) with their quantities,
    and every part line of the order (one query)."""
    wanted: list[tuple[int, Decimal]] = []
    for line, qty in lines:
        try:
            qty = to_quantity(qty)
        except (ArithmeticError, TypeError, ValueError):
            raise ValidationError({"quantity": [_("Enter a number.")]}) from None
        if qty <= 0:
            raise ValidationError({"quantity": [_("The quantity must be greater than "
                                                  "zero.")]})
        wanted.append((line.pk if isinstance(line, PartLine) else line, qty))
    if not wanted:
        raise ValidationError({"lines": [_("Choose the lines.")]})
    every = list(PartLine.objects.select_related("part").filter(repair_order=ro))
    fresh = {line.pk: line for line in every}
    try:
        return [(fresh[int(pk)], qty) for pk, qty in wanted], every
    except (KeyError, TypeError, ValueError):
        raise ValidationError({"lines": [_("A line is on another repair order.")]}) from None


@service_transaction
def repair_order_issue_parts(*, actor, repair_order: RepairOrder,
                             lines: list[tuple[PartLine | int, Decimal]]) -> RepairOrder:
    """SV-12: the parts clerk issues parts to the order's lines (FIFO through the parts
    ledger, PT-6), all lines at once; a line's open stock request is filled by the issue
    when it still asks for that much."""
    from siwei.parts.services import IssueLine, stock_issue_lines

    ro = locked(repair_order)
    if ro.status == ROStatus.DRAFT:
        raise DomainError("not_signed", _("The customer has not signed the estimate yet."))
    if ro.status in CLOSED_FOR_WORK:
        raise invalid_state(ro)
    chosen, every = _part_lines_for_issue(ro, lines)
    for line, _qty in chosen:
        if line.declined:
            raise DomainError("invalid_transition", _("The customer declined %(line)s.")
                              % {"line": line.part.number}, line=line.pk)
        if line.needs_approval:
            raise DomainError("approval_required",
                              _("The customer has not approved %(line)s yet.")
                              % {"line": line.part.number}, line=line.pk)
    with audit_batch():
        stock_issue_lines(actor=actor, store=ro.store, document_type=DOCUMENT_TYPE,
                          document_id=str(ro.pk), note=ro.number,
                          lines=[IssueLine(part=line.part, quantity=qty,
                                           document_line_id=str(line.pk))
                                 for line, qty in chosen])
        for line, qty in chosen:
            line.issued += qty
        PartLine.objects.bulk_update({line.pk: line for line, _q in chosen}.values(),
                                     ["issued"])
        audit_record(actor=actor, action="ro.issue_parts", obj=ro,
                     after={"lines": [[line.pk, qty] for line, qty in chosen]})
    remember_lines(ro, None, every)
    return ro


@service_transaction
def repair_order_return_parts(*, actor, repair_order: RepairOrder,
                              lines: list[tuple[PartLine, Decimal]]) -> RepairOrder:
    """SV-12: unused parts go back into stock (退料), at most what the line received."""
    from siwei.parts.services import stock_return

    ro = locked(repair_order)
    if ro.status in CLOSED_FOR_WORK:
        raise invalid_state(ro)
    chosen, every = _part_lines_for_issue(ro, lines)
    for line, qty in chosen:
        stock_return(actor=actor, store=ro.store, part=line.part, quantity=qty,
                     document_type=DOCUMENT_TYPE, document_id=str(ro.pk),
                     document_line_id=str(line.pk), note=ro.number)
        line.issued = max(line.issued - qty, Decimal("0.000"))
    PartLine.objects.bulk_update({line.pk: line for line, _q in chosen}.values(),
                                 ["issued"])
    audit_record(actor=actor, action="ro.return_parts", obj=ro,
                 after={"lines": [[line.pk, qty] for line, qty in chosen]})
    remember_lines(ro, None, every)
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


