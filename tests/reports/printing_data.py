"""Demo-like records for the FN-8 printing tests: a released repair order signed on the
tablet, its payment, a delivered sales order, a part on a shelf and a stocktake."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

from PIL import Image, ImageDraw

from siwei.finance.services import payment_record
from siwei.sales.services import (
    order_allocate,
    order_confirm,
    order_create,
    order_deliver,
    order_release_certificate,
)
from siwei.sales.services.delivery import CHECKLIST
from siwei.service.models import Payer, RepairOrder
from siwei.service.services.orders import (
    repair_order_add_job,
    repair_order_add_part,
    repair_order_open,
    repair_order_sign,
)
from siwei.service.services.settlement import repair_order_release, repair_order_settle
from tests.service.test_orders_settlement import work


def signature_png() -> str:
    """A signature pad image: a dark scribble on white, as a PNG data URL."""
    image = Image.new("RGB", (300, 100), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(10, 80), (60, 20), (110, 85), (170, 15), (240, 70), (290, 30)], fill="black",
              width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def released_repair_order(crew, store, car, clock, operations, part):
    """An oil service with a part, signed with a real signature, settled, paid, released.
    Returns the order and its payment."""
    customer, vehicle = car
    ro = repair_order_open(actor=crew.advisor, store=store, customer=customer, vehicle=vehicle,
                           category="maintenance", mileage=12000,
                           complaints=["保养", "刹车有异响，低速时明显"],
                           promised_at=clock.now() + dt.timedelta(hours=3))
    repair_order_add_job(actor=crew.advisor, repair_order=ro, payer=Payer.CUSTOMER,
                         operation=operations["oil"])
    repair_order_add_part(actor=crew.advisor, repair_order=ro, part=part, quantity=1,
                          payer=Payer.CUSTOMER)
    repair_order_sign(actor=crew.advisor, repair_order=ro, signed_by_name="周杰",
                      signature=signature_png())
    ro = work(crew, RepairOrder.objects.get(pk=ro.pk), clock)
    repair_order_settle(actor=crew.advisor, repair_order=ro)
    ro.refresh_from_db()
    payment = payment_record(actor=crew.cashier, store=store, amount=ro.customer_total,
                             method="wechat", repair_order=ro)
    ro = repair_order_release(actor=crew.advisor, repair_order=RepairOrder.objects.get(pk=ro.pk))
    return RepairOrder.objects.get(pk=ro.pk), payment


def delivered_sales_order(team, store, buyer, catalogue, stock):
    customer, lead = buyer
    order = order_create(actor=team.consultant, store=store, customer=customer, lead=lead,
                         model=catalogue["model"], trim=catalogue["trim"], colour="星空蓝",
                         vehicle_price=Decimal("118000.00"),
                         registration_fee=Decimal("800.00"), lines=[
                             {"description": "全车贴膜（前挡+侧窗，含施工）", "quantity": 1,
                              "unit_price": Decimal("2000"), "unit_cost": Decimal("800"),
                              "install": "pre"},
                             {"description": "脚垫", "quantity": 1, "unit_price": Decimal("0"),
                              "unit_cost": Decimal("120"), "is_gift": True}])
    payment_record(actor=team.cashier, store=store, sales_order=order, amount=order.total,
                   method="transfer")
    order_confirm(actor=team.consultant, order=order)
    order = order_allocate(actor=team.consultant, order=order, stock_vehicle=stock(701))
    order = order_release_certificate(actor=team.cashier, order=order)
    order.lines.update(installed=True)
    order_deliver(actor=team.consultant, order=order,
                  checklist={key: True for key, _label in CHECKLIST},
                  signature=signature_png(), mileage=12)
    order.refresh_from_db()
    return order
