"""Demo data of finance, built after sales, service and care history."""

from .demo_cashier import build_cashier
from .demo_invoices import build_invoices
from .demo_profit import build_profit
from .demo_receivables import build_receivables

build_cashier.order = 50
build_invoices.order = 51
build_receivables.order = 52
build_profit.order = 53

DEMO_STEPS = [build_cashier, build_invoices, build_receivables, build_profit]
