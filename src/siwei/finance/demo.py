"""Demo data of finance, built after sales, service and care history."""

from .demo_cashier import build_cashier
from .demo_invoices import build_invoices
from .demo_profit import build_profit
from .demo_receivables import build_receivables

build_invoices.order = 50
build_receivables.order = 51
build_profit.order = 52
# Last: it closes the past days, after which no payment may be dated in them.
build_cashier.order = 53

DEMO_STEPS = [build_cashier, build_invoices, build_receivables, build_profit]
