"""Purchasing and receiving (PT-7, PT-8), transfers (PT-11) and stocktakes (PT-12)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.parts.models import (
    LocationKind,
    MoveKind,
    Nonconformance,
    PartStore,
    POStatus,
    StockBalance,
    StockMove,
    StocktakeStatus,
    TransferStatus,
)
from siwei.parts.models.documents import POKind
from siwei.parts.services import (
    ReceiptLine,
    cycle_count_due,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_create,
    purchase_order_receive,
    purchase_order_send,
    stock_issue,
    stocktake_approve,
    stocktake_cancel,
    stocktake_count,
    stocktake_create,
    stocktake_submit,
    transfer_approve,
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)

from .conftest import assert_ledger_matches, make_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(store_bj, supplier, part, key_part, clock):
    po = purchase_order_create(actor=None, store=store_bj, supplier=supplier, lines=[
        {"part": part, "quantity": 10, "price": "42.50"},
        {"part": key_part, "quantity": 4, "price": "300"}])
    return po


def test_pt7_order_is_numbered_and_follows_its_states(order, staff, store_bj):
    assert order.number == "PO-BJ01-20261122-0001"
    assert order.status == POStatus.DRAFT
    with pytest.raises(DomainError) as exc:
        purchase_order_close(actor=None, order=order)
    assert exc.value.code == "invalid_transition"
    clerk = staff("parts_clerk", store=store_bj)
    with pytest.raises(PermissionDenied):
        purchase_order_send(actor=clerk, order=order)
    manager = staff("parts_manager", store=store_bj)
    order = purchase_order_send(actor=manager, order=order)
    assert order.status == POStatus.SENT and order.sent_at is not None
    order = purchase_order_cancel(actor=manager, order=order, reason="supplier out of stock")
    assert order.status == POStatus.CANCELLED
    assert list(AuditEvent.objects.filter(object_id=str(order.pk), object_type=
                                          "parts.purchaseorder").values_list(
        "action", flat=True).order_by("id")) == ["parts.po_create", "parts.po_send",
                                                   "parts.po_cancel"]


def test_pt7_urgent_order_names_its_repair_order(store_bj, supplier, part, clock):
    with pytest.raises(ValidationError):
        purchase_order_create(actor=None, store=store_bj, supplier=supplier, kind=POKind.URGENT,
                              lines=[{"part": part, "quantity": 1}])
    po = purchase_order_create(actor=None, store=store_bj, supplier=supplier, kind=POKind.URGENT,
                               document_type="service.repairorder", document_id="77",
                               lines=[{"part": part, "quantity": 1}])
    assert po.reference == "service.repairorder:77"
    assert po.lines.get().price == part.cost  # price defaults to the part's cost


def test_pt8_receiving_accepts_and_rejects_with_a_nonconformance(order, store_bj, shelf,
                                                                 bad_shelf, part, key_part):
    purchase_order_send(actor=None, order=order)
    oil, pads = order.lines.order_by("id")
    order = purchase_order_receive(actor=None, order=order, lines=[
        ReceiptLine(line=oil, accepted=Decimal(8), rejected=Decimal(1), location=shelf,
                    reason="包装破损")])
    assert order.status == POStatus.PARTLY_RECEIVED
    assert PartStore.objects.get(part=part).on_hand == 8
    assert StockBalance.objects.get(location=bad_shelf).quantity == 1
    record = Nonconformance.objects.get()
    assert (record.reason, record.supplier, record.quantity) == ("包装破损", order.supplier, 1)
    assert AuditEvent.objects.filter(action="parts.nonconformance").exists()
    with pytest.raises(DomainError) as exc:  # 1 of the 10 oil filters is still outstanding
        purchase_order_receive(actor=None, order=order, lines=[
            ReceiptLine(line=oil, accepted=Decimal(2), location=shelf)])
    assert exc.value.code == "over_receipt"
    with pytest.raises(ValidationError):  # a key part needs its batch
        purchase_order_receive(actor=None, order=order, lines=[
            ReceiptLine(line=pads, accepted=Decimal(4), location=shelf)])
    order = purchase_order_receive(actor=None, order=order, lines=[
        ReceiptLine(line=oil, accepted=Decimal(1), location=shelf),
        ReceiptLine(line=pads, accepted=Decimal(4), location=shelf, batch="LOT-7")])
    assert order.status == POStatus.RECEIVED
    assert purchase_order_close(actor=None, order=order).status == POStatus.CLOSED
    assert_ledger_matches(store_bj)


def test_pt8_receiving_needs_a_sent_order_and_a_nonconforming_location(order, shelf):
    oil = order.lines.order_by("id").first()
    with pytest.raises(DomainError) as exc:
        purchase_order_receive(actor=None, order=order, lines=[
            ReceiptLine(line=oil, accepted=Decimal(1), location=shelf)])
    assert exc.value.code == "invalid_transition"
    purchase_order_send(actor=None, order=order)
    with pytest.raises(DomainError) as exc:
        purchase_order_receive(actor=None, order=order, lines=[
            ReceiptLine(line=oil, accepted=Decimal(0), rejected=Decimal(1))])
    assert exc.value.code == "no_nonconforming_location"


def test_pt11_transfer_goes_through_transit_into_the_other_store(
        staff, store_bj, store_sh, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 5, "40.00", shelf)
    sh_shelf = make_location(store_sh, "B-01-1")
    sh_clerk = staff("parts_clerk", store=store_sh)
    bj_manager = staff("parts_manager", store=store_bj)
    transfer = transfer_request(actor=sh_clerk, store=store_sh, from_store=store_bj,
                                lines=[{"part": part, "quantity": 3}])
    assert transfer.number.startswith("TR-BJ01-")
    with pytest.raises(DomainError):
        transfer_ship(actor=None, transfer=transfer)  # not approved yet
    with pytest.raises(PermissionDenied):
        transfer_approve(actor=sh_clerk, transfer=transfer)
    transfer_approve(actor=bj_manager, transfer=transfer)
    transfer = transfer_ship(actor=bj_manager, transfer=transfer)
    bj = PartStore.objects.get(store=store_bj, part=part)
    assert (transfer.status, bj.on_hand, bj.blocked) == (TransferStatus.SHIPPED, 2, 3)
    transfer = transfer_receive(actor=sh_clerk, transfer=transfer, location=sh_shelf)
    assert transfer.status == TransferStatus.RECEIVED
    bj.refresh_from_db()
    sh = PartStore.objects.get(store=store_sh, part=part)
    assert (bj.on_hand, bj.blocked, sh.on_hand, sh.average_cost) == (2, 0, 3, Decimal("40.00"))
    assert_ledger_matches(store_bj)
    assert_ledger_matches(store_sh)
    with pytest.raises(DomainError):
        transfer_cancel(actor=None, transfer=transfer)


def test_pt11_shipping_more_than_available_is_refused(store_bj, store_sh, part, shelf,
                                                      stock_in, clock):
    stock_in(store_bj, part, 2, "40.00", shelf)
    transfer = transfer_request(actor=None, store=store_sh, from_store=store_bj,
                                lines=[{"part": part, "quantity": 3}])
    transfer_approve(actor=None, transfer=transfer)
    with pytest.raises(DomainError) as exc:
        transfer_ship(actor=None, transfer=transfer)
    assert exc.value.code == "insufficient_stock"


def test_pt12_stocktake_freezes_counts_and_posts_adjustments(staff, store_bj, part, key_part,
                                                             shelf, shelf2, stock_in, clock):
    stock_in(store_bj, part, 10, "40.00", shelf)
    stock_in(store_bj, key_part, 2, "300.00", shelf2, batch="K1")
    clerk = staff("parts_clerk", store=store_bj)
    stocktake = stocktake_create(actor=clerk, store=store_bj, locations=[shelf])
    shelf.refresh_from_db()
    assert shelf.frozen_by == stocktake
    with pytest.raises(DomainError) as exc:  # frozen: no issue from the counted shelf
        stock_issue(actor=None, store=store_bj, part=part, quantity=1,
                    document_type="service.repairorder", document_id="1")
    assert exc.value.code == "location_frozen"
    stock_issue(actor=None, store=store_bj, part=key_part, quantity=1,
                document_type="service.repairorder", document_id="1")  # shelf2 is not frozen
    line = stocktake.lines.get()
    with pytest.raises(DomainError) as exc:
        stocktake_submit(actor=clerk, stocktake=stocktake)
    assert exc.value.code == "count_incomplete"
    stocktake_count(actor=clerk, stocktake=stocktake, counts={line.pk: "8"})
    stocktake_submit(actor=clerk, stocktake=stocktake)
    line.refresh_from_db()
    assert (line.variance, line.variance_value) == (Decimal("-2.000"), Decimal("-80.00000"))
    with pytest.raises(PermissionDenied):
        stocktake_approve(actor=clerk, stocktake=stocktake)
    stocktake = stocktake_approve(actor=staff("parts_manager", store=store_bj),
                                  stocktake=stocktake)
    assert stocktake.status == StocktakeStatus.APPROVED
    adjustment = StockMove.objects.get(kind=MoveKind.ADJUSTMENT)
    assert adjustment.quantity == Decimal("-2.000")
    assert PartStore.objects.get(part=part).on_hand == 8
    shelf.refresh_from_db()
    assert shelf.frozen_by is None
    assert_ledger_matches(store_bj)


def test_pt12_a_frozen_location_cannot_join_a_second_count_and_cancel_unfreezes(
        store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 3, "40.00", shelf)
    first = stocktake_create(actor=None, store=store_bj)
    with pytest.raises(DomainError) as exc:
        stocktake_create(actor=None, store=store_bj, locations=[shelf])
    assert exc.value.code == "location_frozen"
    stocktake_cancel(actor=None, stocktake=first)
    shelf.refresh_from_db()
    assert shelf.frozen_by is None


def test_pt12_cycle_counts_are_due_by_abc_class(store_bj, part, shelf, stock_in, clock):
    stock_in(store_bj, part, 3, "40.00", shelf)
    PartStore.objects.filter(part=part).update(abc_class="A")
    assert cycle_count_due(store=store_bj, abc_class="A")
    stocktake = stocktake_create(actor=None, store=store_bj, abc_class="A")
    stocktake_count(actor=None, stocktake=stocktake,
                    counts={line.pk: line.system_quantity for line in stocktake.lines.all()})
    stocktake_submit(actor=None, stocktake=stocktake)
    stocktake_approve(actor=None, stocktake=stocktake)
    assert not cycle_count_due(store=store_bj, abc_class="A")
    assert cycle_count_due(store=store_bj, abc_class="B")  # B was never counted
    clock.advance(days=40)  # A is counted monthly
    assert cycle_count_due(store=store_bj, abc_class="A")
    full = stocktake_create(actor=None, store=store_bj)  # a full count covers every class
    stocktake_count(actor=None, stocktake=full,
                    counts={line.pk: line.system_quantity for line in full.lines.all()})
    stocktake_submit(actor=None, stocktake=full)
    stocktake_approve(actor=None, stocktake=full)
    clock.advance(days=40)  # B is counted quarterly
    assert cycle_count_due(store=store_bj, abc_class="A")
    assert not cycle_count_due(store=store_bj, abc_class="B")


def test_pt3_location_kinds_decide_what_counts_as_on_hand(store_bj, part, stock_in, clock):
    inspection = make_location(store_bj, "Q-01-1", LocationKind.INSPECTION)
    stock_in(store_bj, part, 4, "40.00", inspection)
    row = PartStore.objects.get(part=part)
    assert (row.on_hand, row.blocked) == (0, 4)
    with pytest.raises(DomainError) as exc:
        stock_issue(actor=None, store=store_bj, part=part, quantity=1,
                    document_type="service.repairorder", document_id="1")
    assert exc.value.code == "insufficient_stock"
