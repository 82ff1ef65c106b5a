"""Demo documents made through the services: purchase orders in every state, a
nonconformance, transfers, a stocktake, open requests and reservations."""

from __future__ import annotations

from decimal import Decimal

from .models import Location, LocationKind, PartStore, StockBalance
from .services import (
    ReceiptLine,
    abc_classify,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_create,
    purchase_order_receive,
    purchase_order_send,
    stock_request_create,
    stock_reserve,
    stocktake_approve,
    stocktake_count,
    stocktake_create,
    stocktake_submit,
    transfer_approve,
    transfer_request,
    transfer_ship,
)


def _stocked(store, limit: int) -> list:
    rows = (PartStore.objects.filter(store=store, on_hand__gt=5).select_related("part")
            .order_by("-on_hand", "part_id")[:limit])
    return [row.part for row in rows]


def build(ctx, parts, suppliers) -> None:
    rng = ctx.rng
    for store in ctx.stores:
        abc_classify(actor=None, store=store)
        shelf = Location.objects.filter(store=store, kind=LocationKind.NORMAL).order_by(
            "code").first()
        stocked = _stocked(store, 30)
        # Purchase orders: draft, sent, partly received (one rejected), received, closed,
        # cancelled.
        orders = []
        for i in range(6):
            lines = [{"part": p, "quantity": Decimal(2 + rng.randrange(8))}
                     for p in rng.sample(parts[:400], 3)]
            orders.append(purchase_order_create(actor=None, store=store,
                                                supplier=suppliers[i % 2], lines=lines))
        for order in orders[1:5]:
            purchase_order_send(actor=None, order=order)
        partly = orders[2]
        first = partly.lines.order_by("id").first()
        purchase_order_receive(actor=None, order=partly, lines=[ReceiptLine(
            line=first, accepted=first.quantity - 1, rejected=Decimal(1), location=shelf,
            batch="NC-DEMO" if first.part.is_key_part else "", reason="外包装破损，配件划伤")])
        for order in orders[3:5]:
            purchase_order_receive(actor=None, order=order, lines=[
                ReceiptLine(line=line, accepted=line.quantity, location=shelf,
                            batch="DEMO-B1" if line.part.is_key_part else "")
                for line in order.lines.all()])
        purchase_order_close(actor=None, order=orders[4])
        purchase_order_cancel(actor=None, order=orders[5], reason="供应商缺货")
        # An urgent order for a repair order.
        purchase_order_create(actor=None, store=store, supplier=suppliers[0], kind="urgent",
                              document_type="service.repairorder",
                              document_id=f"RO-{store.code}-URGENT-1",
                              lines=[{"part": parts[-1], "quantity": 1}])
        # Requests waiting in the issue queue, and a reservation for an appointment.
        for i, part in enumerate(stocked[:6]):
            stock_request_create(actor=None, store=store, part=part, quantity=1 + i % 2,
                                 document_type="service.repairorder",
                                 document_id=f"RO-{store.code}-TODAY-{i + 1}",
                                 document_line_id=str(i + 1))
        if stocked:
            stock_reserve(actor=None, store=store, part=stocked[-1], quantity=1,
                          document_type="service.appointment", document_id="DEMO-APPT-1",
                          to_reserve_shelf=True)
        # A counted and approved stocktake of one shelf, with a small variance.
        balance = StockBalance.objects.filter(store=store, quantity__gt=2,
                                              location__kind=LocationKind.NORMAL).order_by(
            "-quantity", "id").first()
        if balance is not None:
            stocktake = stocktake_create(actor=None, store=store, locations=[balance.location],
                                         note="月度循环盘点")
            counts = {line.pk: line.system_quantity - (1 if i == 0 else 0)
                      for i, line in enumerate(stocktake.lines.all())}
            stocktake_count(actor=None, stocktake=stocktake, counts=counts)
            stocktake_submit(actor=None, stocktake=stocktake)
            stocktake_approve(actor=None, stocktake=stocktake)
    bj, sh = ctx.stores[0], ctx.stores[1]
    for i, part in enumerate(_stocked(bj, 3)[1:3]):
        transfer = transfer_request(actor=None, store=sh, from_store=bj,
                                    lines=[{"part": part, "quantity": 1}], note="客户急修调拨")
        transfer_approve(actor=None, transfer=transfer)
        if i == 0:
            transfer_ship(actor=None, transfer=transfer)
