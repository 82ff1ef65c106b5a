"""The managers' KPIs against targets (FN-6): the actual figures of a store and a period,
read from the departments' own selectors (each figure is computed in one place only), the
targets of the period's months, and the achievement of each KPI.

Targets: the store manager's ``KpiTarget`` of the month; where there is none, the store's
sales target of the month (CS-11, no consultant) for deliveries, orders and the
penetration rates, and the department's own standard for the service delivery rates
(on time ≥ 95 %, same day ≥ 80 %) and the parts fill rate and turnover (PT-17 settings).
Over several months a count or an amount needs every month's target and adds them up; a
rate or a ratio is the mean of the months that have one.

Achievement: actual / target (lower is better: target / actual), in per cent. Status: a
rate is on track when it is at or better than its target; a count or an amount when it is
at least the share of the target due by now (the days of the period up to today over the
days of its months), so the tenth of the month is not "behind" for having sold a third of
the month's cars.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from siwei.core import clock
from siwei.core.clock import add_months

from ..models import KpiTarget
from .definitions import KPI_BY_CODE, Kpi, kpis_of

TENTH = Decimal("0.1")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# KPI code → field of the store's SalesTarget used when no KPI target was entered.
SALES_TARGET_FIELDS = {"deliveries": "deliveries", "orders": "orders",
                       "insurance_penetration": "insurance_penetration",
                       "finance_penetration": "finance_penetration"}
SOURCES = {"entered": _("Entered"), "sales_target": _("Sales target"),
           "standard": _("Department standard")}
STATUSES = {"ok": _("On track"), "behind": _("Behind"), "": _("No target")}


# --- periods ---------------------------------------------------------------------------

def months_of(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months the period touches, oldest first."""
    months, first = [], start.replace(day=1)
    while first <= end:
        months.append(first)
        first = add_months(first, 1)
    return months


def due_share(start: dt.date, end: dt.date, today: dt.date | None = None) -> Decimal:
    """The share (%) of the months' targets due by now: the days of the period up to today
    over all the days of the months the period touches."""
    today = today or clock.today()
    months = months_of(start, end)
    total = sum(calendar.monthrange(m.year, m.month)[1] for m in months)
    elapsed = max(0, (min(end, today) - start).days + 1)
    if not total:
        return HUNDRED
    return (Decimal(elapsed) * HUNDRED / total).quantize(TENTH, ROUND_HALF_UP)


# --- actual figures --------------------------------------------------------------------

def _sales_actuals(store, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The store total of the 三表一卡 actuals (sales.reports, CS-12)."""
    from siwei.sales import reports as sales_reports

    period = sales_reports.Period(start, end)
    total = sales_reports._with_penetration(
        sales_reports._sum_actuals(sales_reports._actuals(store, period).values()))
    return {"deliveries": total["deliveries"], "orders": total["orders"],
            "sales_gross_profit": total["gross_profit"],
            "insurance_penetration": total["insurance_penetration"],
            "finance_penetration": total["finance_penetration"]}


def _service_actuals(store, start: dt.date, end: dt.date) -> dict[str, Any]:
    from siwei.service.selectors_kpis import service_kpis
    from siwei.service.selectors_workshop import Period

    figures = service_kpis(stores=[store], period=Period(start, end))["columns"][0]
    return {"repair_orders": figures["ros"], "labour_revenue": figures["labour_revenue"],
            "on_time_rate": figures["on_time_rate"], "same_day_rate": figures["same_day_rate"],
            "comeback_rate": figures["comeback_rate"]}


def _parts_actuals(store, start: dt.date, end: dt.date) -> dict[str, Any]:
    """PT-17 at today's date (balances over the last twelve months)."""
    from siwei.parts.selectors.analysis import kpis

    figures = kpis(store=store)
    return {"fill_rate": figures["fill_rate"], "stock_turnover": figures["turnover"],
            "days_of_stock": figures["days_of_stock"]}


def _satisfaction_actuals(store, start: dt.date, end: dt.date) -> dict[str, Any]:
    from siwei.care.selectors_feedback import feedback_summary
    from siwei.care.selectors_surveys import survey_results

    surveys = survey_results(store=store, stores=[store], start=start, end=end)["total"]
    complaints = feedback_summary(store=store, start=start, end=end)["sla"]
    return {"csi": surveys.csi, "nps": surveys.nps,
            "complaints_resolved_in_time": complaints["resolve_rate"]}


ACTUALS = {"sales": _sales_actuals, "service": _service_actuals, "parts": _parts_actuals,
           "satisfaction": _satisfaction_actuals}


def kpi_actuals(*, store, start: dt.date, end: dt.date, departments=None) -> dict[str, Any]:
    """The actual figure of every KPI of ``departments`` (all by default), by KPI code;
    None where there is nothing to measure (no deliveries for a penetration rate)."""
    wanted = {k.department for k in kpis_of(departments)}
    actuals: dict[str, Any] = {}
    for department, read in ACTUALS.items():
        if department in wanted:
            actuals.update(read(store, start, end))
    return actuals


# --- targets ---------------------------------------------------------------------------

def _standards() -> dict[str, Decimal]:
    """The departments' own standing targets."""
    from siwei.parts.conf import parts_setting
    from siwei.service.selectors_kpis import TARGET_ON_TIME, TARGET_SAME_DAY

    return {"on_time_rate": Decimal(TARGET_ON_TIME), "same_day_rate": Decimal(TARGET_SAME_DAY),
            "fill_rate": Decimal(parts_setting("FILL_RATE_TARGET")),
            "stock_turnover": Decimal(parts_setting("TURNOVER_TARGET"))}


def month_targets(*, store, months: list[dt.date]) -> dict[tuple[str, dt.date],
                                                             tuple[Decimal, str]]:
    """``{(kpi code, month): (target, source)}`` for the months given: entered, else the
    store's sales target, else the department's standard. Two queries."""
    from siwei.sales.models import SalesTarget

    found: dict[tuple[str, dt.date], tuple[Decimal, str]] = {}
    standards = _standards()
    for month in months:
        for code, value in standards.items():
            found[(code, month)] = (value, "standard")
    for target in SalesTarget.objects.for_store(store).filter(month__in=months,
                                                               consultant__isnull=True):
        for code, field in SALES_TARGET_FIELDS.items():
            found[(code, target.month)] = (Decimal(getattr(target, field)), "sales_target")
    for row in KpiTarget.objects.for_store(store).filter(month__in=months,
                                                         kpi__in=list(KPI_BY_CODE)):
        found[(row.kpi, row.month)] = (row.value, "entered")
    return found


def _combined(kpi: Kpi, values: list[tuple[Decimal, str] | None]) -> tuple[Any, str]:
    """The period's target from the months' targets, and where it came from."""
    present = [v for v in values if v is not None]
    if not present or (kpi.additive and len(present) < len(values)):
        return None, ""
    sources = {source for _value, source in present}
    source = " + ".join(str(SOURCES[s]) for s in SOURCES if s in sources)
    if kpi.additive:
        total = sum((value for value, _source in present), Decimal(0))
        return (int(total) if kpi.kind == "count" else total.quantize(CENT)), source
    mean = sum((value for value, _source in present), Decimal(0)) / len(present)
    return mean.quantize(CENT, ROUND_HALF_UP), source


# --- achievement -----------------------------------------------------------------------

def achievement(kpi: Kpi, actual, target) -> Decimal | None:
    """actual / target in per cent (lower is better: target / actual); None when it does
    not divide (no figure, a zero or negative base)."""
    if actual is None or target is None:
        return None
    actual, target = Decimal(actual), Decimal(target)
    numerator, denominator = (actual, target) if kpi.higher_is_better else (target, actual)
    if denominator <= 0 or numerator < 0:
        return None
    return (numerator * HUNDRED / denominator).quantize(TENTH, ROUND_HALF_UP)


def status(kpi: Kpi, actual, target, due: Decimal) -> str:
    """``ok`` (on track), ``behind``, or "" when there is no target or no figure."""
    if actual is None or target is None:
        return ""
    actual, target = Decimal(actual), Decimal(target)
    if not kpi.higher_is_better:
        return "ok" if actual <= target else "behind"
    if kpi.additive and kpi.basis == "period":
        return "ok" if actual * HUNDRED >= target * due else "behind"
    return "ok" if actual >= target else "behind"


def kpi_rows(*, store, start: dt.date, end: dt.date, departments=None,
             today: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per KPI of ``departments`` (all by default): the actual figure, the period's
    target, the share due by now, the achievement and the status."""
    kpis = kpis_of(departments)
    actuals = kpi_actuals(store=store, start=start, end=end, departments=departments)
    months = months_of(start, end)
    targets = month_targets(store=store, months=months)
    share = due_share(start, end, today)
    rows = []
    for kpi in kpis:
        target, source = _combined(kpi, [targets.get((kpi.code, m)) for m in months])
        actual = actuals.get(kpi.code)
        due = share if kpi.additive and kpi.basis == "period" else HUNDRED
        state = status(kpi, actual, target, due)
        rows.append({"kpi": kpi, "code": kpi.code, "label": kpi.label,
                     "department": kpi.department, "actual": actual, "target": target,
                     "source": source, "due": due if target is not None else None,
                     "achievement": achievement(kpi, actual, target), "status": state,
                     "status_label": STATUSES[state]})
    return rows
