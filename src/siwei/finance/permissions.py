"""Default permissions of the roles for payments."""

ROLE_DEFAULTS = {
    "cashier": ["finance.view_payment", "finance.add_payment"],
    "finance": ["finance.view_payment", "finance.approve_refund"],
    "sales_manager": ["finance.view_payment", "finance.approve_refund"],
    "service_manager": ["finance.view_payment", "finance.approve_refund"],
    "sales_consultant": ["finance.view_payment"],
    "service_advisor": ["finance.view_payment"],
}
