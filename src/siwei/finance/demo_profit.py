"""Demo data of finance: profit (FN-5). Each store's overhead of every month of the demo
history (wages, rent, utilities), a little higher in the larger store and in December
(year-end bonuses), so the service absorption shows a real trend."""

from __future__ import annotations

from decimal import Decimal

from siwei.core import clock
from siwei.core.clock import add_months

MONTHS = 24
BASE = [Decimal("620000"), Decimal("480000")]


def build_profit(ctx) -> None:
    from .services.profit import overhead_set

    this_month = clock.today().replace(day=1)
    for index, store in enumerate(ctx.stores):
        base = BASE[index % len(BASE)]
        for back in range(MONTHS - 1, -1, -1):
            month = add_months(this_month, -back)
            amount = base * Decimal(ctx.rng.randint(94, 106)) / 100
            if month.month == 12:
                amount += base * Decimal("0.25")
            overhead_set(actor=None, store=store, month=month,
                         amount=amount.quantize(Decimal("1000")),
                         note="工资、租金、水电" if month.month != 12 else "含年终奖")
