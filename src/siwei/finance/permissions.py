"""Default permissions of the roles for payments."""

ROLE_DEFAULTS = {
    "cashier": ["finance.view_payment", "finance.add_payment"],
    "finance": ["finance.view_payment", "finance.approve_refund"],
    "sales_manager": ["finance.view_payment", "finance.approve_refund"],
    "service_manager": ["finance.view_payment", "finance.approve_refund"],
    "sales_consultant": ["finance.view_payment"],
    "service_advisor": ["finance.view_payment"],
}

# Cashier area (FN-1 refunds, FN-2 daily close).
ROLE_DEFAULTS["cashier"] += ["finance.add_dailyclose", "finance.add_refundrequest",
                             "finance.view_refundrequest"]
ROLE_DEFAULTS["finance"] += ["finance.view_dailyclose", "finance.close_any_day",
                             "finance.review_dailyclose", "finance.view_refundrequest"]
for _role in ("sales_manager", "service_manager"):
    ROLE_DEFAULTS[_role] += ["finance.view_dailyclose", "finance.view_refundrequest"]

# FN-3 invoices and FN-4 receivables.
_INVOICES = ["finance.view_invoice", "finance.add_invoice"]
_RECEIVABLES = ["finance.view_receivable", "finance.view_receivablereceipt",
                "finance.view_creditaccount"]
for _role, _perms in {
    "finance": [*_INVOICES, "finance.void_invoice", *_RECEIVABLES, "finance.add_receivable",
                "finance.add_receivablereceipt", "finance.change_creditaccount"],
    "cashier": [*_INVOICES, *_RECEIVABLES, "finance.add_receivable",
                "finance.add_receivablereceipt"],
    "sales_manager": ["finance.view_invoice", *_RECEIVABLES],
    "service_manager": ["finance.view_invoice", *_RECEIVABLES],
    "warranty_clerk": ["finance.view_receivable"],
}.items():
    ROLE_DEFAULTS.setdefault(_role, []).extend(_perms)

# FN-5 department profit: finance enters the monthly overhead; managers read the profit.
ROLE_DEFAULTS["finance"] += ["finance.view_monthlyoverhead", "finance.change_monthlyoverhead",
                             "finance.view_department_profit"]
for _role in ("sales_manager", "service_manager"):
    ROLE_DEFAULTS[_role] += ["finance.view_department_profit"]
