"""Delivery (交车, CS-18): the car, its papers and the customer's signature."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import Delivery, OrderLine, OrderStatus, SalesOrder, StockStatus, StockVehicle
from .orders import ORDER_FLOW, _locked, fully_paid

# What the delivery checklist must confirm (CS-18).
CHECKLIST = (
    ("pdi_passed", gettext_noop("PDI passed")),
    ("walk_around", gettext_noop("Walk-around done with the customer")),
    ("functions_explained", gettext_noop("Functions explained")),
    ("invoice_handed", gettext_noop("Invoice handed over")),
    ("certificate_handed", gettext_noop("Certificate handed over")),
    ("warranty_book_handed", gettext_noop("Warranty book handed over")),
)


@service_transaction
def order_deliver(*, actor, order: SalesOrder, checklist: dict[str, bool], signature: str,
                  keys_count: int = 2, mileage: int = 0, photo=None) -> Delivery:
    """Hand the car over. Needs full payment, a passed PDI, pre-install accessories
    installed, the certificate released, the checklist and the customer's signature. The
    customer becomes an owner and the post-delivery follow-ups are scheduled."""
    order = _locked(order)
    if order.status in (OrderStatus.DRAFT, OrderStatus.CONFIRMED, OrderStatus.ALLOCATED):
        raise DomainError("payment_incomplete", _("The order is not paid in full."))
    if order.status == OrderStatus.PAID:
        raise DomainError("invalid_transition", _("Release the certificate first."),
                          status=order.status)
    status = ORDER_FLOW.target(order.status, "deliver")
    if not has_store_perm(actor, order.store, "sales.deliver_vehicle"):
        raise PermissionDenied(_("You may not deliver vehicles."))
    if not fully_paid(order):
        raise DomainError("payment_incomplete", _("The order is not paid in full."))
    missing = [key for key, _label in CHECKLIST if not checklist.get(key)]
    if missing:
        raise ValidationError({"checklist": [_("Not confirmed: %s") % ", ".join(missing)]})
    if not (signature or "").strip():
        raise ValidationError({"signature": [_("The customer must sign.")]})
    pending = OrderLine.objects.filter(order=order, install=OrderLine.Install.PRE,
                                       installed=False).values_list("description", flat=True)
    if pending:
        raise DomainError("invalid_transition",
                          _("Install these accessories before delivery: %s")
                          % ", ".join(pending), status=order.status)
    if photo:
        from siwei.core.uploads import checked_photo

        photo = checked_photo(photo)
    now = clock.now()
    delivery = Delivery.objects.create(
        store=order.store, order=order, delivered_at=now, checklist=checklist,
        keys_count=keys_count, mileage=mileage, signature=signature, by=actor,
        **({"photo": photo} if photo else {}))
    vehicle = StockVehicle.objects.select_for_update().get(pk=order.stock_vehicle_id)
    vehicle.status, vehicle.sold_at, vehicle.delivered_at = StockStatus.DELIVERED, now, now
    vehicle.save(update_fields=["status", "sold_at", "delivered_at"])
    order.status, order.delivered_at = status, now
    order.save(update_fields=["status", "delivered_at"])
    owned = _register_vehicle(actor=actor, order=order, stock=vehicle, mileage=mileage)
    if order.lead is not None:
        from siwei.crm.services import lead_mark_won

        lead_mark_won(actor=actor, lead=order.lead)
    from siwei.care.services import followups_after_delivery

    followups_after_delivery(order=order, vehicle=owned, delivered_at=now)
    audit_record(actor=actor, action="sales_order.deliver", obj=order,
                 after={"status": status, "vin": vehicle.vin})
    return delivery


def _register_vehicle(*, actor, order: SalesOrder, stock: StockVehicle, mileage: int):
    """The sold car becomes the customer's vehicle (自销), with warranty from today."""
    from siwei.crm.models import OdometerSource, Vehicle
    from siwei.crm.services import odometer_record, vehicle_change_owner, vehicle_create

    today = clock.today()
    existing = Vehicle.objects.filter(vin=stock.vin).first()
    if existing is None:
        vehicle = vehicle_create(
            actor=actor, store=order.store, vin=stock.vin, owner=order.customer,
            brand=stock.model.brand, model=stock.model,
            trim=stock.trim.name if stock.trim else "", colour=stock.colour, sale_date=today,
            selling_store=order.store)
    else:
        vehicle = vehicle_change_owner(actor=actor, vehicle=existing, owner=order.customer,
                                       on=today)
    odometer_record(actor=actor, store=order.store, vehicle=vehicle, km=mileage,
                    source=OdometerSource.DELIVERY)
    return vehicle
