"""API of finance: each area registers its resources."""

from . import (
    api_cashier,
    api_credit,
    api_invoices,
    api_payments,
    api_profit,
    api_receivables,
)


def register(router) -> None:
    for module in (api_payments, api_cashier, api_invoices, api_receivables, api_credit,
                   api_profit):
        module.register(router)
