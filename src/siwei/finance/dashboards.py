"""Home-page cards of finance, one list per area."""

from . import dashboards_cashier, dashboards_invoices, dashboards_profit, dashboards_receivables

CARDS = [card for module in (dashboards_cashier, dashboards_invoices, dashboards_receivables,
                             dashboards_profit) for card in module.CARDS]
