"""Business actions of customers, vehicles and leads."""

from .customers import (
    customer_categories_recompute,
    customer_category_refresh,
    customer_create,
    customer_merge,
    customer_set_consent,
    customer_set_vip,
    customer_update,
)
from .erasure import customer_erase, customer_erasure_blockers
from .leads import (
    lead_approve_loss,
    lead_create,
    lead_log_activity,
    lead_mark_won,
    lead_reject_loss,
    lead_request_loss,
    lead_set_grade,
    showroom_visit_checkout,
    showroom_visit_log,
)
from .vehicles import odometer_record, vehicle_change_owner, vehicle_create, vehicle_update

__all__ = [
    "customer_categories_recompute",
    "customer_category_refresh",
    "customer_create",
    "customer_erase",
    "customer_erasure_blockers",
    "customer_merge",
    "customer_set_consent",
    "customer_set_vip",
    "customer_update",
    "lead_approve_loss",
    "lead_create",
    "lead_log_activity",
    "lead_mark_won",
    "lead_reject_loss",
    "lead_request_loss",
    "lead_set_grade",
    "odometer_record",
    "showroom_visit_checkout",
    "showroom_visit_log",
    "vehicle_change_owner",
    "vehicle_create",
    "vehicle_update",
]
