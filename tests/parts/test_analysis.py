"""Analysis and replenishment (PT-13 … PT-17) against hand-computed examples. The clock
stands at 2026-11-22, so the last six complete months are May … October 2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from siwei.parts.models import AttributeClass, Part, PartStore
from siwei.parts.selectors.analysis import (
    abc_classes,
    aging,
    kpis,
    mad,
    reorder_quantity,
    replenishment_plan,
    safety_stock,
    stocking_rule,
)
from siwei.parts.services import (
    abc_classify,
    purchase_order_create,
    purchase_order_send,
    purchase_orders_from_suggestions,
    stock_issue,
    stock_reserve,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(clock, year, month, day=15):
    clock.set(dt.datetime(year, month, day, 10, 0, tzinfo=TZ))


def issue(store, part, qty, ro="1"):
    stock_issue(actor=None, store=store, part=part, quantity=qty,
                document_type="service.repairorder", document_id=ro)


def test_pt14_mad_weights_the_latest_month_six_times():
    assert mad([0, 0, 0, 0, 0, 21]) == 6
    assert mad([21, 0, 0, 0, 0, 0]) == 1
    # (1·1 + 2·2 + 3·3 + 4·4 + 5·5 + 6·6) / 21 = 91 / 21
    assert mad([1, 2, 3, 4, 5, 6]) == Decimal(91) / 21
    with pytest.raises(ValueError):
        mad([1, 2, 3])


def test_pt15_safety_stock_and_every_stocking_rule():
    assert safety_stock(Decimal(6), 10) == 10  # 6 × 10 / 6
    assert stocking_rule(replenishment_days=0, attribute_class="A",
                         demand_6m=Decimal(100)) == "no_stock"
    assert stocking_rule(replenishment_days=10, attribute_class="C",
                         demand_6m=Decimal(100)) == "not_stocked"
    assert stocking_rule(replenishment_days=10, attribute_class="B",
                         demand_6m=Decimal("11.999")) == "central"
    assert stocking_rule(replenishment_days=10, attribute_class="B",
                         demand_6m=Decimal(12)) == "stocked"


def test_pt16_reorder_quantity_rounds_up_to_the_pack():
    # SSQ 10 + 6 × 10 / 30 = 12; minus (5 − 1 + 2) = 6; pack of 5 → 10
    assert reorder_quantity(mad_value=Decimal(6), replenishment_days=10, on_hand=Decimal(5),
                            reserved=Decimal(1), on_order=Decimal(2),
                            pack_size=Decimal(5)) == Decimal("10.000")
    assert reorder_quantity(mad_value=Decimal(6), replenishment_days=10, on_hand=Decimal(20),
                            reserved=0, on_order=0, pack_size=Decimal(1)) == 0


@pytest.fixture
def history(clock, store_bj, group, supplier, shelf, stock_in):
    """Part ``oil`` issued 1, 2, 3, 4, 5, 6 in May … October; ``rare`` 11 in total; a
    class C assembly and a part supplied at once, both in demand."""
    def make(number, **extra):
        return Part.objects.create(group=group, number=number, name=number, cost=Decimal(1),
                                   default_supplier=supplier, **extra)

    parts = {
        "oil": make("OIL", order_cycle_days=7, lead_time_days=3, pack_size=Decimal(4)),
        "rare": make("RARE", order_cycle_days=7, lead_time_days=3),
        "engine": make("ENGINE", attribute_class=AttributeClass.C),
        "instant": make("INSTANT", order_cycle_days=0, lead_time_days=0),
    }
    at(clock, 2026, 4, 1)
    for p in parts.values():
        stock_in(store_bj, p, 40, "1.00", shelf)
    for month, qty in zip(range(5, 11), (1, 2, 3, 4, 5, 6), strict=True):
        at(clock, 2026, month)
        issue(store_bj, parts["oil"], qty)
        issue(store_bj, parts["engine"], qty)
        issue(store_bj, parts["instant"], qty)
    at(clock, 2026, 9)
    issue(store_bj, parts["rare"], 11)
    at(clock, 2026, 11, 22)
    return parts


def test_pt16_replenishment_plan_from_the_ledger(history, store_bj, supplier):
    oil = history["oil"]
    stock_reserve(actor=None, store=store_bj, part=oil, quantity=2,
                  document_type="service.repairorder", document_id="9")
    order = purchase_order_create(actor=None, store=store_bj, supplier=supplier,
                                  lines=[{"part": oil, "quantity": 1}])
    purchase_order_send(actor=None, order=order)
    plan = {row.part.number: row for row in replenishment_plan(store=store_bj)}
    row = plan["OIL"]
    assert row.months == [1, 2, 3, 4, 5, 6]
    assert row.mad == Decimal("4.333")  # 91 / 21
    assert row.ssq == Decimal("7.222")  # 91/21 × 10 / 6
    assert (row.on_hand, row.reserved, row.on_order) == (19, 2, 1)
    # 7.2222 + 1.4444 − (19 − 2 + 1) < 0 → nothing to order
    assert row.rule == "stocked" and row.suggested == 0
    assert plan["RARE"].rule == "central" and plan["RARE"].suggested == 0
    assert plan["ENGINE"].rule == "not_stocked" and plan["ENGINE"].ssq == 0
    assert plan["INSTANT"].rule == "no_stock"


def test_pt16_suggestions_become_one_po_per_supplier(history, store_bj, group, clock):
    oil = history["oil"]
    issue(store_bj, oil, 15, ro="2")  # 40 − 21 − 15 = 4 left, in November
    plan = {row.part.number: row for row in replenishment_plan(store=store_bj,
                                                               only_suggested=True)}
    # 7.2222 + 1.4444 − 4 = 4.667 → two packs of 4 = 8
    assert list(plan) == ["OIL"] and plan["OIL"].suggested == Decimal("8.000")
    orders = purchase_orders_from_suggestions(actor=None, store=store_bj,
                                              suggestions=[(r.part, r.suggested)
                                                           for r in plan.values()])
    assert len(orders) == 1
    line = orders[0].lines.get()
    assert (line.part, line.quantity) == (oil, Decimal("8.000"))


def test_pt13_abc_by_twelve_month_consumption_value(clock, store_bj, group, shelf, stock_in):
    parts = [Part.objects.create(group=group, number=f"P{i}", name=f"P{i}") for i in range(5)]
    at(clock, 2025, 10, 1)
    for p in parts:
        stock_in(store_bj, p, 600, "2.00", shelf)
    at(clock, 2025, 10, 20)
    issue(store_bj, parts[4], 100)  # October 2025: before the 12 months
    at(clock, 2026, 3)
    for p, qty in zip(parts, (250, 150, 50, 30, 20), strict=True):  # values 500 … 40
        issue(store_bj, p, qty)
    at(clock, 2026, 11, 22)
    issue(store_bj, parts[3], 200)  # this month: not complete, not counted
    rows = abc_classes(store=store_bj)
    assert [(r["part_id"], r["value"], r["abc"]) for r in rows] == [
        (parts[0].pk, Decimal("500.00"), "A"),  # starts at 0 %
        (parts[1].pk, Decimal("300.00"), "A"),  # starts at 50 %
        (parts[2].pk, Decimal("100.00"), "B"),  # starts at 80 %
        (parts[3].pk, Decimal("60.00"), "B"),  # starts at 90 %
        (parts[4].pk, Decimal("40.00"), "C"),  # starts at 96 %
    ]
    assert abc_classify(actor=None, store=store_bj) == {"A": 2, "B": 2, "C": 1}
    assert PartStore.objects.get(part=parts[2]).abc_class == "B"


def test_pt17_kpis_aging_and_dead_stock(clock, store_bj, group, shelf, stock_in):
    fresh, slow, dead = (Part.objects.create(group=group, number=n, name=n)
                         for n in ("FRESH", "SLOW", "DEAD"))
    at(clock, 2025, 9, 1)
    stock_in(store_bj, dead, 5, "10.00", shelf)  # never issued: 14 months old
    stock_in(store_bj, slow, 10, "20.00", shelf)
    stock_in(store_bj, fresh, 10, "30.00", shelf)
    at(clock, 2026, 3, 10)
    issue(store_bj, slow, 2)  # last issue 8 months ago
    at(clock, 2026, 10, 10)
    issue(store_bj, fresh, 4)
    at(clock, 2026, 11, 22)
    result = aging(store=store_bj)
    assert result["buckets"] == {"0-3": Decimal("180.00"), "3-7": 0,
                                 "slow": Decimal("160.00"), "obsolete": Decimal("50.00")}
    assert [(r["part_id"], r["status"]) for r in result["dead"]] == [
        (slow.pk, "slow"), (dead.pk, "obsolete")]
    figures = kpis(store=store_bj)
    assert figures["stock_value"] == Decimal("390.00")  # 50 + 160 + 180
    assert figures["issue_cost_12m"] == Decimal("160.00")  # 2 × 20 + 4 × 30
    # 390 / (160 / 365) days
    assert figures["days_of_stock"] == (Decimal("390.00") / (Decimal("160.00") / 365)).quantize(1)
    assert figures["turnover"] == (Decimal("160.00") / figures["average_stock_value"]).quantize(
        Decimal("0.01"))
    assert figures["fill_rate"] is None and figures["stocktake_accuracy"] is None
