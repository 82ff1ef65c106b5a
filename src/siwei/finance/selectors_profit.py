"""Department profit (FN-5), month by month for one store, from the documents:

- *new vehicles*: the cars delivered in the month — price plus the registration service
  fee, less the car's purchase cost and the cost of the accessories given away (gifts);
- *accessories* (精品) sold on those orders — price less cost;
- *insurance* and *finance commissions* of those orders (no cost);
- *service labour*: the jobs of the repair orders settled in the month, declined work left
  out, less the customer's discount; technicians' wages are in the overhead, so labour has
  no direct cost here;
- *service parts*: the part lines of those orders less the customer's discount, at the
  cost the parts ledger booked for what was issued to the order (issues less returns).

The four sales lines add up to the orders' own gross profit. *Service absorption*
(售后吸收率) = after-sales gross profit (labour + parts) / the store's overhead of the month
(entered by finance), in per cent. Parts sold over the counter are not recorded as
documents in Siwei, so they have no line yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siwei.core.clock import add_months
from siwei.core.fields import ZERO, money
from siwei.core.periods import month_of

from .models import MonthlyOverhead

DEPARTMENTS = [
    ("new_vehicles", _("New vehicles")),
    ("accessories", _("Accessories")),
    ("insurance", _("Insurance commissions")),
    ("finance", _("Finance commissions")),
    ("labour", _("Service labour")),
    ("parts", _("Service parts")),
]
AFTER_SALES = ("labour", "parts")
RO_DOCUMENT = "service.repairorder"
_AMOUNT = DecimalField(max_digits=20, decimal_places=4)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return since, until


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _line(revenue=ZERO, cost=ZERO) -> dict:
    return {"revenue": money(revenue), "cost": money(cost),
            "gross": money(Decimal(revenue) - Decimal(cost))}


def _sales(store, since, until) -> dict[dt.date, dict]:
    from siwei.sales.models import OrderLine, SalesOrder

    tz = timezone.get_current_timezone()
    orders = (SalesOrder.objects.for_store(store)
              .filter(delivered_at__gte=since, delivered_at__lt=until)
              .annotate(month=TruncMonth("delivered_at", tzinfo=tz)).order_by()
              .values("month")
              .annotate(price=Sum("vehicle_price"), fee=Sum("registration_fee"),
                        cost=Sum(Case(When(stock_vehicle__isnull=False,
                                           then=F("stock_vehicle__cost")),
                                      default=F("vehicle_price"))),
                        insurance=Sum("insurance_commission"),
                        finance=Sum("finance_commission")))
    line_value = Cast(F("quantity") * F("unit_price"), _AMOUNT)
    line_cost = Cast(F("quantity") * F("unit_cost"), _AMOUNT)
    lines = (OrderLine.objects.filter(order__store_id=store.pk, order__delivered_at__gte=since,
                                      order__delivered_at__lt=until)
             .annotate(month=TruncMonth("order__delivered_at", tzinfo=tz)).order_by()
             .values("month")
             .annotate(sold=Sum(line_value, filter=Q(is_gift=False)),
                       sold_cost=Sum(line_cost, filter=Q(is_gift=False)),
                       gift_cost=Sum(line_cost, filter=Q(is_gift=True))))
    gifts: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    result: dict[dt.date, dict] = defaultdict(dict)
    for row in lines:
        month = month_of(row["month"])
        gifts[month] = Decimal(row["gift_cost"] or 0)
        result[month]["accessories"] = _line(row["sold"] or 0, row["sold_cost"] or 0)
    for row in orders:
        month = month_of(row["month"])
        result[month]["new_vehicles"] = _line(Decimal(row["price"] or 0) + (row["fee"] or 0),
                                              Decimal(row["cost"] or 0) + gifts[month])
        result[month]["insurance"] = _line(row["insurance"] or 0)
        result[month]["finance"] = _line(row["finance"] or 0)
    return result


def _service(store, since, until) -> dict[dt.date, dict]:
    from siwei.parts.models import MoveKind, StockMove
    from siwei.service.models import Job, JobStatus, PartLine, Payer, RepairOrder
    from siwei.service.selectors_kpis import SETTLED

    tz = timezone.get_current_timezone()
    settled = Q(repair_order__store_id=store.pk, repair_order__status__in=SETTLED,
                repair_order__settled_at__gte=since, repair_order__settled_at__lt=until)
    net = F("amount") - Case(
        When(payer=Payer.CUSTOMER, then=F("amount") * F("repair_order__discount_percent") / 100),
        default=0, output_field=_AMOUNT)
    result: dict[dt.date, dict] = defaultdict(dict)
    jobs = (Job.objects.filter(settled).exclude(status=JobStatus.DECLINED)
            .exclude(declined=True)
            .annotate(month=TruncMonth("repair_order__settled_at", tzinfo=tz)).order_by()
            .values("month").annotate(revenue=Sum(net, output_field=_AMOUNT)))
    for row in jobs:
        result[month_of(row["month"])]["labour"] = _line(row["revenue"] or 0)
    parts = (PartLine.objects.filter(settled).exclude(declined=True)
             .annotate(month=TruncMonth("repair_order__settled_at", tzinfo=tz)).order_by()
             .values("month").annotate(revenue=Sum(net, output_field=_AMOUNT)))
    revenue = {month_of(row["month"]): row["revenue"] or 0 for row in parts}
    ro_months = {str(pk): month_of(at) for pk, at in RepairOrder.objects.for_store(store)
                 .filter(status__in=SETTLED, settled_at__gte=since, settled_at__lt=until)
                 .values_list("pk", "settled_at")}
    cost: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for document_id, value in (StockMove.objects.for_store(store)
                               .filter(kind__in=(MoveKind.ISSUE, MoveKind.RETURN),
                                       document_type=RO_DOCUMENT,
                                       document_id__in=list(ro_months))
                               .order_by().values_list("document_id")
                               .annotate(value=Sum(Cast(F("quantity") * F("unit_cost"),
                                                        _AMOUNT)))):
        cost[ro_months[document_id]] -= Decimal(value or 0)
    for month in set(revenue) | set(cost):
        result[month]["parts"] = _line(revenue.get(month, 0), cost[month])
    return result


def _absorption(after_sales: Decimal, overhead: Decimal | None) -> Decimal | None:
    if not overhead:
        return None
    return (after_sales * 100 / overhead).quantize(Decimal("0.1"), ROUND_HALF_UP)


def department_profit(*, store, start: dt.date, end: dt.date) -> dict:
    """The profit of each department, month by month over the months of [start, end] (the
    first and last month cut to the period), with the overhead and service absorption."""
    since, until = _bounds(start, end)
    sales, service = _sales(store, since, until), _service(store, since, until)
    months = months_between(start, end)
    overheads = dict(MonthlyOverhead.objects.for_store(store)
                     .filter(month__gte=months[0], month__lte=months[-1])
                     .values_list("month", "amount"))
    rows = []
    for month in months:
        lines = {key: sales[month].get(key) or service[month].get(key) or _line()
                 for key, _label in DEPARTMENTS}
        after_sales = sum((lines[key]["gross"] for key in AFTER_SALES), ZERO)
        overhead = overheads.get(month)
        rows.append({"month": month, "lines": lines,
                     "gross": sum((line["gross"] for line in lines.values()), ZERO),
                     "after_sales_gross": after_sales, "overhead": overhead,
                     "absorption": _absorption(after_sales, overhead)})
    totals = {key: _line(sum((r["lines"][key]["revenue"] for r in rows), ZERO),
                         sum((r["lines"][key]["cost"] for r in rows), ZERO))
              for key, _label in DEPARTMENTS}
    after_sales = sum((totals[key]["gross"] for key in AFTER_SALES), ZERO)
    known = [r["overhead"] for r in rows if r["overhead"] is not None]
    overhead = sum(known, ZERO) if len(known) == len(rows) else None
    return {"months": rows, "totals": totals,
            "gross": sum((line["gross"] for line in totals.values()), ZERO),
            "after_sales_gross": after_sales, "overhead": overhead,
            "overhead_missing": [r["month"] for r in rows if r["overhead"] is None],
            "absorption": _absorption(after_sales, overhead)}


def recent_overheads(*, store, today: dt.date, months: int = 12) -> list[dict]:
    """The last ``months`` months (this one first) with their overhead, if entered."""
    firsts = [add_months(today.replace(day=1), -i) for i in range(months)]
    entered = {row.month: row for row in MonthlyOverhead.objects.for_store(store)
               .filter(month__gte=firsts[-1]).select_related("entered_by__employee")}
    return [{"month": month, "row": entered.get(month)} for month in firsts]
