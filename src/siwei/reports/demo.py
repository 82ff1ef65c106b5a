"""Demo data of reports and data: the managers' KPI targets (FN-6) of each store for the
last twelve months. The last three months' deliveries, orders and penetration rates come
from the store's sales targets, and the delivery rates, fill rate and turnover from the
departments' standards, so the targets page shows every source. Writes no money: it runs
after the sales, service and care history and before finance closes the days."""

from __future__ import annotations

from decimal import Decimal

from siwei.core import clock
from siwei.core.clock import add_months

MONTHS = 12
SALES_TARGET_MONTHS = 3  # the sales demo sets the store's sales targets of these months
# (KPI, full demo, small demo): the larger store aims a little higher.
TARGETS = [
    ("sales_gross_profit", Decimal("90000"), Decimal("30000")),
    ("repair_orders", Decimal("34"), Decimal("12")),
    ("labour_revenue", Decimal("13000"), Decimal("4500")),
    ("comeback_rate", Decimal("2"), Decimal("2")),
    ("days_of_stock", Decimal("60"), Decimal("60")),
    ("csi", Decimal("90"), Decimal("90")),
    ("nps", Decimal("40"), Decimal("40")),
    ("complaints_resolved_in_time", Decimal("90"), Decimal("90")),
]
SALES = [
    ("deliveries", Decimal("10"), Decimal("3")),
    ("orders", Decimal("11"), Decimal("4")),
    ("insurance_penetration", Decimal("70"), Decimal("70")),
    ("finance_penetration", Decimal("35"), Decimal("35")),
]
SCALE = [Decimal("1.0"), Decimal("0.8")]
COUNTS = {"repair_orders", "deliveries", "orders"}


def build_kpi_targets(ctx) -> None:
    """KPI targets of the last twelve months."""
    from .kpis.services import kpi_targets_set

    this_month = clock.today().replace(day=1)
    for index, store in enumerate(ctx.stores):
        scale = SCALE[index % len(SCALE)]
        for back in range(MONTHS - 1, -1, -1):
            month = add_months(this_month, -back)
            wanted = TARGETS if back < SALES_TARGET_MONTHS else [*SALES, *TARGETS]
            values = {}
            for code, full, small in wanted:
                base = small if ctx.small else full
                if code in COUNTS or code.endswith("profit") or code == "labour_revenue":
                    base = (base * scale).quantize(Decimal("1"))
                values[code] = base
            kpi_targets_set(actor=None, store=store, month=month, values=values)


build_kpi_targets.order = 45

DEMO_STEPS = [build_kpi_targets]
