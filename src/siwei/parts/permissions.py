"""Default permissions of the roles for the parts department (stores may adjust them)."""

STOCK_VIEW = ["parts.view_stock", "parts.view_part", "parts.view_location"]
CLERK = [
    *STOCK_VIEW,
    "parts.request_parts", "parts.reserve_stock", "parts.issue_stock", "parts.receive_stock",
    "parts.transfer_stock", "parts.count_stock", "parts.view_stockmove",
    "parts.view_reservation", "parts.view_stockrequest", "parts.view_purchaseorder",
    "parts.view_supplier", "parts.view_transfer", "parts.view_stocktake",
    "parts.view_nonconformance",
]
MANAGER = [
    *CLERK,
    "parts.manage_purchasing", "parts.approve_transfer", "parts.approve_stocktake",
    "parts.view_parts_analysis", "parts.add_part", "parts.change_part",
    "parts.add_supplier", "parts.change_supplier", "parts.delete_supplier",
    "parts.add_location",
    "parts.change_location", "parts.add_purchaseorder", "parts.change_purchaseorder",
]

ROLE_DEFAULTS = {
    "parts_clerk": CLERK,
    "parts_manager": MANAGER,
    "technician": [*STOCK_VIEW, "parts.request_parts", "parts.view_stockrequest"],
    "service_advisor": [*STOCK_VIEW, "parts.reserve_stock", "parts.view_reservation"],
    "foreman": [*STOCK_VIEW, "parts.request_parts", "parts.view_stockrequest"],
    "service_manager": [*STOCK_VIEW, "parts.view_parts_analysis"],
    "warranty_clerk": STOCK_VIEW,
    "finance": [*STOCK_VIEW, "parts.view_parts_analysis", "parts.view_stockmove"],
}
