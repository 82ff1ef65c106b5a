"""Business actions of vehicle sales."""

from .delivery import order_deliver
from .orders import (
    ORDER_FLOW,
    order_allocate,
    order_approve_discount,
    order_cancel,
    order_confirm,
    order_create,
    order_payment_changed,
    order_release_certificate,
    order_update,
)
from .stock import (
    certificate_move,
    stock_vehicle_create,
    test_drive_book,
    test_drive_finish,
)

__all__ = [
    "ORDER_FLOW",
    "certificate_move",
    "order_allocate",
    "order_approve_discount",
    "order_cancel",
    "order_confirm",
    "order_create",
    "order_deliver",
    "order_payment_changed",
    "order_release_certificate",
    "order_update",
    "stock_vehicle_create",
    "test_drive_book",
    "test_drive_finish",
]
