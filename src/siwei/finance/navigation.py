"""Menu entries of finance, one list per area."""

from . import navigation_cashier, navigation_invoices, navigation_profit, navigation_receivables

NAV = [item for module in (navigation_cashier, navigation_invoices, navigation_receivables,
                           navigation_profit) for item in module.NAV]
