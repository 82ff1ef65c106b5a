"""Parts analysis and replenishment (PT-13 … PT-17).

Set-based: each figure is one grouped query over the ledger (conditional sums per
month with ``Case``/``When``, grouped ``Sum``/``Max``/``Count``); Python only does the
arithmetic over the rows those few queries return, so a store with 30,000 parts
answers in a handful of queries. Dates come from the injectable clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Case, Count, ExpressionWrapper, F, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from siwei.core import clock
from siwei.core.fields import money, quantity

from ..conf import parts_setting
from ..models import (
    AttributeClass,
    MoveKind,
    Part,
    PartStore,
    POStatus,
    PurchaseOrderLine,
    RequestStatus,
    StockBalance,
    StockMove,
    StocktakeLine,
    StocktakeStatus,
)
from ..models.ledger import ISSUE_KINDS
from . import MONEY, QTY

Q0 = Decimal("0.000")
M0 = Decimal("0.00")
WEIGHTS = (1, 2, 3, 4, 5, 6)  # PT-14: oldest month weighted 1, the latest 6
WEIGHT_SUM = Decimal(sum(WEIGHTS))  # 21


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_bounds(months: int, today: dt.date | None = None) -> list[dt.datetime]:
    """``months + 1`` boundaries of the last ``months`` complete calendar months, oldest
    first; the last boundary is the start of the current month."""
    today = today or clock.today()
    return [_aware(month_start(today, back)) for back in range(months, -1, -1)]


def _issue_moves(store, since: dt.datetime, until: dt.datetime | None = None):
    moves = StockMove.objects.filter(store=store, kind__in=ISSUE_KINDS, created_at__gte=since)
    return moves.filter(created_at__lt=until) if until else moves


def _month_sums(store, bounds: list[dt.datetime], expression) -> list[dict]:
    """One grouped query: per part, the sum of ``expression`` in each month."""
    columns = {
        f"m{i}": Coalesce(Sum(Case(When(created_at__gte=bounds[i], created_at__lt=bounds[i + 1],
                                        then=expression), output_field=expression.output_field)),
                          Value(Decimal(0)), output_field=expression.output_field)
        for i in range(len(bounds) - 1)
    }
    return list(_issue_moves(store, bounds[0], bounds[-1]).values("part_id").annotate(**columns))


# ---- PT-14 / PT-15 / PT-16: demand, safety stock, reorder -------------------------------

def mad(quantities: list[Decimal]) -> Decimal:
    """PT-14: weighted average of 6 monthly issued quantities, oldest first."""
    if len(quantities) != len(WEIGHTS):
        raise ValueError("MAD needs six monthly quantities, oldest first")
    return sum((w * Decimal(q) for w, q in zip(WEIGHTS, quantities, strict=True)),
               Decimal(0)) / WEIGHT_SUM


def stocking_rule(*, replenishment_days: int, attribute_class: str,
                  demand_6m: Decimal) -> str:
    """PT-15 stocking rules, in order: supplied at once → no stock; attribute C → not at
    the store; demand below the threshold over 6 months → central warehouse."""
    if replenishment_days <= 0:
        return "no_stock"
    if attribute_class == AttributeClass.C:
        return "not_stocked"
    if demand_6m < parts_setting("MIN_DEMAND_6M"):
        return "central"
    return "stocked"


def safety_stock(mad_value: Decimal, replenishment_days: int) -> Decimal:
    """PT-15: SSQ = MAD × (O/C + L/T) / divisor (default 6)."""
    return Decimal(mad_value) * replenishment_days / parts_setting("SSQ_DIVISOR")


def round_up_to_pack(value: Decimal, pack_size: Decimal) -> Decimal:
    if value <= 0:
        return Q0
    pack = Decimal(pack_size) if pack_size and pack_size > 0 else Decimal(1)
    return quantity((value / pack).to_integral_value(rounding=ROUND_CEILING) * pack)


def reorder_quantity(*, mad_value: Decimal, replenishment_days: int, on_hand: Decimal,
                     reserved: Decimal, on_order: Decimal, pack_size: Decimal) -> Decimal:
    """PT-16: max(0, SSQ + MAD × (O/C + L/T) / 30 − (on hand − reserved + on order)),
    rounded up to the pack size."""
    ssq = safety_stock(mad_value, replenishment_days)
    need = ssq + Decimal(mad_value) * replenishment_days / 30 - (on_hand - reserved + on_order)
    return round_up_to_pack(need, pack_size)


@dataclass
class PlanRow:
    part: Part
    months: list[Decimal]
    mad: Decimal
    ssq: Decimal
    rule: str
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    suggested: Decimal

    @property
    def quantity(self) -> Decimal:
        return self.suggested

    @property
    def demand_6m(self) -> Decimal:
        return sum(self.months, Q0)


def on_order(store) -> dict[int, Decimal]:
    """Outstanding quantity of sent or partly received POs per part."""
    rows = (PurchaseOrderLine.objects.filter(
        store=store, order__status__in=[POStatus.SENT, POStatus.PARTLY_RECEIVED])
        .values("part_id")
        .annotate(open=Sum(F("quantity") - F("accepted") - F("rejected"), output_field=QTY)))
    return {r["part_id"]: r["open"] or Q0 for r in rows}


def replenishment_plan(*, store, only_suggested: bool = False) -> list[PlanRow]:
    """MAD, SSQ, stocking rule and reorder suggestion for every part the store moved in
    the last 6 months, holds, or has on order: four grouped queries in all."""
    bounds = month_bounds(6)
    demand = {r["part_id"]: [quantity(-r[f"m{i}"]) for i in range(6)]
              for r in _month_sums(store, bounds, _quantity_expression())}
    held = {r["part_id"]: r for r in PartStore.objects.filter(store=store)
            .filter(Q(on_hand__gt=0) | Q(reserved__gt=0))
            .values("part_id", "on_hand", "reserved")}
    ordered = on_order(store)
    part_ids = set(demand) | set(held) | set(ordered)
    parts = Part.objects.filter(pk__in=part_ids).select_related("default_supplier").in_bulk()
    plan = []
    for part_id in sorted(part_ids, key=lambda i: parts[i].number):
        part = parts[part_id]
        months = demand.get(part_id, [Q0] * 6)
        mad_value = mad(months)
        days = part.replenishment_days
        rule = stocking_rule(replenishment_days=days, attribute_class=part.attribute_class,
                             demand_6m=sum(months, Q0))
        ssq = safety_stock(mad_value, days) if rule == "stocked" else Q0
        row = held.get(part_id, {})
        on_hand, reserved = row.get("on_hand", Q0), row.get("reserved", Q0)
        suggested = Q0
        if rule == "stocked":
            suggested = reorder_quantity(mad_value=mad_value, replenishment_days=days,
                                         on_hand=on_hand, reserved=reserved,
                                         on_order=ordered.get(part_id, Q0),
                                         pack_size=part.pack_size)
        if only_suggested and suggested <= 0:
            continue
        plan.append(PlanRow(part=part, months=months, mad=quantity(mad_value),
                            ssq=quantity(ssq), rule=rule, on_hand=on_hand, reserved=reserved,
                            on_order=ordered.get(part_id, Q0), suggested=suggested))
    return plan


def _quantity_expression():
    return ExpressionWrapper(F("quantity"), output_field=QTY)


def _value_expression():
    return ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=MONEY)


# ---- PT-13: ABC by consumption value ----------------------------------------------------

def abc_classes(*, store, today: dt.date | None = None) -> list[dict]:
    """Parts with consumption in the last 12 months, by value descending, each with its
    cumulative share and class: a part is in the class where its value starts (A while
    the value before it is under 80 %, B under 95 %, else C)."""
    today = today or clock.today()
    since = _aware(month_start(today, 12))
    until = _aware(month_start(today, 0))
    rows = list(_issue_moves(store, since, until).values("part_id")
                .annotate(value=Sum(_value_expression()) * -1)
                .filter(value__gt=0).order_by("-value", "part_id"))
    total = sum((Decimal(r["value"]) for r in rows), M0)
    a_limit = total * parts_setting("ABC_A") / 100
    b_limit = total * (parts_setting("ABC_A") + parts_setting("ABC_B")) / 100
    before = M0
    for row in rows:
        row["value"] = money(row["value"])
        row["abc"] = "A" if before < a_limit else "B" if before < b_limit else "C"
        before += row["value"]
        row["cumulative_share"] = (before / total * 100).quantize(Decimal("0.1"))
    return rows


def abc_summary(rows: list[dict]) -> dict[str, dict]:
    summary = {c: {"parts": 0, "value": M0} for c in "ABC"}
    for row in rows:
        summary[row["abc"]]["parts"] += 1
        summary[row["abc"]]["value"] += row["value"]
    return summary


# ---- PT-17: KPIs ------------------------------------------------------------------------

def stock_value(store) -> Decimal:
    value = StockBalance.objects.filter(store=store).aggregate(
        v=Sum(F("quantity") * F("lot__unit_cost"), output_field=MONEY))["v"]
    return money(value or 0)


def aging(*, store) -> dict:
    """Stock value by time since the part's last issue (or, never issued, since its
    oldest lot in stock came in): slow after 7 months, obsolete after 12 (呆滞)."""
    today = clock.today()
    last_issue = dict(StockMove.objects.filter(store=store, kind=MoveKind.ISSUE)
                      .values("part_id").annotate(last=Max("created_at"))
                      .values_list("part_id", "last"))
    held = (StockBalance.objects.filter(store=store, quantity__gt=0)
            .values("part_id")
            .annotate(value=Sum(F("quantity") * F("lot__unit_cost"), output_field=MONEY),
                      qty=Sum("quantity"), oldest=Min("lot__inbound_date")))
    slow, obsolete = parts_setting("SLOW_MONTHS"), parts_setting("OBSOLETE_MONTHS")
    buckets = {"0-3": M0, "3-7": M0, "slow": M0, "obsolete": M0}
    dead = []
    for row in held:
        last = last_issue.get(row["part_id"])
        since = timezone.localtime(last).date() if last else row["oldest"]
        months = (today.year - since.year) * 12 + today.month - since.month - (
            1 if today.day < since.day else 0)
        key = ("obsolete" if months >= obsolete else "slow" if months >= slow
               else "3-7" if months >= 3 else "0-3")
        buckets[key] += money(row["value"] or 0)
        if key in ("slow", "obsolete"):
            dead.append({"part_id": row["part_id"], "months": months, "status": key,
                         "quantity": row["qty"], "value": money(row["value"] or 0),
                         "last_issue": last})
    dead.sort(key=lambda r: -r["value"])
    return {"buckets": buckets, "dead": dead}


def monthly_issue_value(*, store, months: int = 12) -> list[tuple[dt.date, Decimal]]:
    bounds = month_bounds(months)
    columns = {f"m{i}": Sum(Case(When(created_at__gte=bounds[i], created_at__lt=bounds[i + 1],
                                      then=_value_expression()), output_field=MONEY))
               for i in range(months)}
    sums = _issue_moves(store, bounds[0], bounds[-1]).aggregate(**columns)
    return [(timezone.localtime(bounds[i]).date(), money(-(sums[f"m{i}"] or 0)))
            for i in range(months)]


def average_stock_value(*, store, months: int = 12) -> Decimal:
    """Average of the stock value at each month start of the last 12 months and now."""
    bounds = month_bounds(months)[1:]
    columns = {f"v{i}": Sum(Case(When(created_at__lt=b, then=_value_expression()),
                                 output_field=MONEY)) for i, b in enumerate(bounds)}
    sums = StockMove.objects.filter(store=store).aggregate(**columns)
    points = [Decimal(sums[f"v{i}"] or 0) for i in range(len(bounds))] + [stock_value(store)]
    return money(sum(points, M0) / len(points))


def fill_rate(*, store, since: dt.datetime | None = None) -> Decimal | None:
    """PT-10/17: percent of requests (12 months) fully issued from stock at first
    request."""
    since = since or _aware(month_start(clock.today(), 12))
    agg = _requests(store, since).aggregate(
        total=Count("id"), first=Count("id", filter=Q(first_fill=True)))
    if not agg["total"]:
        return None
    return (Decimal(agg["first"]) * 100 / agg["total"]).quantize(Decimal("0.1"))


def _requests(store, since):
    from ..models import StockRequest

    # A request cancelled while stock was short counts as not filled; one cancelled
    # while stock was there (a mistake) does not count.
    return StockRequest.objects.filter(store=store, requested_at__gte=since).exclude(
        Q(status=RequestStatus.CANCELLED) & ~Q(first_fill=False))


def stocktake_accuracy(*, store) -> Decimal | None:
    """Percent of counted lines of approved stocktakes (12 months) without variance. A
    found part entered by mistake and counted zero is no line of the book."""
    since = _aware(month_start(clock.today(), 12))
    agg = StocktakeLine.objects.filter(
        store=store, stocktake__status=StocktakeStatus.APPROVED,
        stocktake__approved_at__gte=since).exclude(is_found=True, counted_quantity=0).aggregate(
        total=Count("id"), exact=Count("id", filter=Q(counted_quantity=F("system_quantity"))))
    if not agg["total"]:
        return None
    return (Decimal(agg["exact"]) * 100 / agg["total"]).quantize(Decimal("0.1"))


def kpis(*, store) -> dict:
    """PT-17 key figures of a store."""
    value = stock_value(store)
    bounds = month_bounds(12)
    issued = _issue_moves(store, bounds[0], bounds[-1]).aggregate(
        v=Sum(_value_expression()))["v"]
    issue_cost = money(-(issued or 0))
    average = average_stock_value(store=store)
    turnover = (issue_cost / average).quantize(Decimal("0.01")) if average > 0 else None
    days = (value / (issue_cost / 365)).quantize(Decimal("1")) if issue_cost > 0 else None
    return {"stock_value": value, "issue_cost_12m": issue_cost, "average_stock_value": average,
            "turnover": turnover, "turnover_target": parts_setting("TURNOVER_TARGET"),
            "days_of_stock": days, "fill_rate": fill_rate(store=store),
            "fill_rate_target": parts_setting("FILL_RATE_TARGET"),
            "stocktake_accuracy": stocktake_accuracy(store=store)}
