"""The KPIs a store manager follows against targets (FN-6), one per department figure
that already exists. Each names where its actual comes from; no figure is computed here
that a department does not already compute.

- *basis* ``period``: computed over the days of the period asked for;
- *basis* ``today``: a balance read at today's date over the last twelve months (the
  parts KPIs of PT-17: stock turnover, fill rate, days of stock), whatever the period.

Targets of several months add up for counts and money and are averaged for rates and
other ratios (``additive``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

KPI_DEPARTMENTS = {
    "sales": _("Sales"),
    "service": _("Service"),
    "parts": _("Spare parts"),
    "satisfaction": _("Satisfaction"),
}
KINDS = ("count", "money", "percent", "number")


@dataclass(frozen=True)
class Kpi:
    code: str
    label: Any
    department: str
    kind: str
    higher_is_better: bool
    source: Any
    basis: str = "period"
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None

    def __post_init__(self):
        if self.department not in KPI_DEPARTMENTS or self.kind not in KINDS:
            raise ValueError(f"bad KPI definition {self.code!r}")

    @property
    def additive(self) -> bool:
        """Counts and money add up over months; rates and ratios do not."""
        return self.kind in ("count", "money")

    @property
    def direction(self):
        return _("higher is better") if self.higher_is_better else _("lower is better")

    @property
    def department_label(self):
        return KPI_DEPARTMENTS[self.department]


HUNDRED = Decimal(100)

KPIS: tuple[Kpi, ...] = (
    # Sales: the 三表一卡 actuals of the store (sales.reports, CS-11/CS-12).
    Kpi("deliveries", _("Deliveries"), "sales", "count", True,
        _("Orders handed over in the period (CS-12)")),
    Kpi("orders", _("Orders"), "sales", "count", True,
        _("Orders confirmed in the period, cancelled ones left out (CS-12)")),
    Kpi("sales_gross_profit", _("Sales gross profit"), "sales", "money", True,
        _("Gross profit of the orders delivered in the period")),
    Kpi("insurance_penetration", _("Insurance penetration %"), "sales", "percent", True,
        _("Delivered orders with insurance through the store / deliveries"),
        maximum=HUNDRED),
    Kpi("finance_penetration", _("Finance penetration %"), "sales", "percent", True,
        _("Delivered orders with a loan through the store / deliveries"), maximum=HUNDRED),
    # Service: the service KPIs (service.selectors_kpis).
    Kpi("repair_orders", _("Repair orders"), "service", "count", True,
        _("Repair orders received in the period, cancelled ones left out")),
    Kpi("labour_revenue", _("Labour revenue"), "service", "money", True,
        _("Labour of the orders settled in the period, less discounts")),
    Kpi("on_time_rate", _("On-time delivery %"), "service", "percent", True,
        _("Cars released by the promised time / cars released"), maximum=HUNDRED),
    Kpi("same_day_rate", _("Same-day delivery %"), "service", "percent", True,
        _("Cars released on the day they came in / cars released"), maximum=HUNDRED),
    Kpi("comeback_rate", _("Comeback rate %"), "service", "percent", False,
        _("Comebacks / repair orders received in the period"), maximum=HUNDRED),
    # Parts: PT-17 key figures, read at today's date over the last twelve months.
    Kpi("fill_rate", _("Fill rate %"), "parts", "percent", True,
        _("Requests filled from stock at the first request, last 12 months, at today"),
        basis="today", maximum=HUNDRED),
    Kpi("stock_turnover", _("Stock turnover"), "parts", "number", True,
        _("Issue cost of the last 12 months / average stock value, at today"),
        basis="today"),
    Kpi("days_of_stock", _("Days of stock"), "parts", "number", False,
        _("Stock value / daily issue cost of the last 12 months, at today"),
        basis="today"),
    # Satisfaction: surveys (CR-5) and complaints (CR-7) of the period.
    Kpi("csi", _("CSI"), "satisfaction", "number", True,
        _("Average satisfaction score (0–100) of the surveys answered in the period"),
        maximum=HUNDRED),
    Kpi("nps", _("NPS"), "satisfaction", "number", True,
        _("Promoters − detractors (%) of the surveys answered in the period"),
        minimum=-HUNDRED, maximum=HUNDRED),
    Kpi("complaints_resolved_in_time", _("Complaints resolved in time %"), "satisfaction",
        "percent", True,
        _("Complaints of the period resolved by their deadline / those whose outcome is "
          "known"), maximum=HUNDRED),
)
KPI_BY_CODE = {kpi.code: kpi for kpi in KPIS}
KPI_CODES = tuple(KPI_BY_CODE)
# The department a manager's home card shows (store managers and group admins see all).
ROLE_DEPARTMENTS = {"sales_manager": "sales", "service_manager": "service",
                    "parts_manager": "parts"}


def kpis_of(departments=None) -> tuple[Kpi, ...]:
    if departments is None:
        return KPIS
    return tuple(k for k in KPIS if k.department in departments)
