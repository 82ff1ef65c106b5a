"""The group's parts catalog and the stock simulation of a store: receipts create lots,
issues take the oldest lot first (PT-6), balances are the sums of their moves."""

from __future__ import annotations

import bisect
import itertools
import random
from collections import deque
from dataclasses import dataclass, field

from .copyio import Batch, cents

# name, category, attribute class, unit, cost in yuan, usual quantity on a repair order
PART_KINDS = [
    ("机油滤清器", "滤清器", "A", "个", 40, 1), ("空气滤清器", "滤清器", "A", "个", 55, 1),
    ("空调滤芯", "滤清器", "A", "个", 48, 1), ("燃油滤清器", "滤清器", "A", "个", 90, 1),
    ("机油 5W-30", "油液", "A", "升", 45, 4), ("变速箱油", "油液", "A", "升", 80, 4),
    ("刹车油", "油液", "A", "升", 60, 1), ("防冻液", "油液", "A", "升", 35, 2),
    ("前刹车片", "制动", "A", "套", 260, 1), ("后刹车片", "制动", "A", "套", 220, 1),
    ("前刹车盘", "制动", "B", "个", 480, 2), ("火花塞", "点火", "A", "个", 65, 4),
    ("雨刮片", "车身", "A", "对", 120, 1), ("蓄电池", "电气", "B", "个", 680, 1),
    ("前减震器", "悬挂", "B", "个", 900, 2), ("轮胎 215/55R17", "轮胎", "B", "条", 650, 2),
    ("水泵", "发动机", "B", "个", 750, 1), ("正时皮带套件", "发动机", "B", "套", 1200, 1),
    ("大灯总成", "车身", "C", "个", 2600, 1), ("前保险杠", "车身", "C", "个", 1800, 1),
    ("变速箱总成", "传动", "C", "个", 18000, 1), ("行车记录仪", "精品", "B", "个", 450, 1),
]
MODEL_SUFFIXES = ["朗逸", "帕萨特", "途观L", "速腾", "迈腾", "ID.4", "探岳", "高尔夫", "通用"]


@dataclass
class PartInfo:
    pk: int
    cost: int  # cents
    price: int  # cents
    usual_qty: int
    supplier: int


def write_catalog(*, count: int, group_id: int, suppliers: list[int], first_id: int,
                  rng: random.Random) -> tuple[Batch, list[PartInfo]]:
    from siwei.core.pinyin import full_pinyin, initials

    batch = Batch("parts_part", (
        "id", "number", "name", "brand", "category", "unit", "compatible_models", "list_price",
        "warranty_price", "insurance_price", "cost", "attribute_class", "order_cycle_days",
        "lead_time_days", "is_key_part", "is_accessory", "pack_size", "name_pinyin",
        "name_initials", "is_active", "group_id", "superseded_by_id", "default_supplier_id"))
    names: dict[str, tuple[str, str]] = {}
    parts = []
    for i in range(count):
        base, category, klass, unit, cost_yuan, qty = PART_KINDS[i % len(PART_KINDS)]
        suffix = MODEL_SUFFIXES[(i // len(PART_KINDS)) % len(MODEL_SUFFIXES)]
        name = f"{base}({suffix})"
        if name not in names:
            names[name] = (full_pinyin(name, name=False)[:300], initials(name, name=False)[:100])
        pinyin, short = names[name]
        cost = cost_yuan * 100 + rng.randint(-cost_yuan * 20, cost_yuan * 20)
        price = cost * 16 // 10
        supplier = suppliers[i % len(suppliers)]
        pk = first_id + i
        batch.add(pk, f"{'5Q0L06G1K'[i % 9]}{i:08d}", name, "大众", category, unit, suffix,
                  cents(price), cents(cost * 12 // 10), cents(price), cents(cost), klass,
                  7, 3, klass == "C", category == "精品", "1.000", pinyin, short, True,
                  group_id, None, supplier)
        parts.append(PartInfo(pk=pk, cost=cost, price=price, usual_qty=qty, supplier=supplier))
    return batch, parts


def qty(value: int) -> str:
    return f"{value}.000"


@dataclass
class StockedPart:
    part: PartInfo
    location: int
    lots: deque = field(default_factory=deque)  # [lot id, remaining]
    all_lots: list = field(default_factory=list)
    reorder: int = 4


class StoreStock:
    """The parts a store stocks, chosen by popularity (a long tail, so ABC and MAD have
    something to find), and the ledger rows they produce."""

    def __init__(self, *, store_id: int, parts: list[PartInfo], stocked: int,
                 locations: list[int], ids, rng: random.Random, clerk: int):
        self.store_id, self.ids, self.rng, self.clerk = store_id, ids, rng, clerk
        chosen = rng.sample(parts, min(stocked, len(parts)))
        self.items = [StockedPart(part=p, location=rng.choice(locations)) for p in chosen]
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.items))]
        self.cumulative = list(itertools.accumulate(weights))
        self.lots = Batch("parts_lot", ("id", "batch", "inbound_date", "unit_cost", "created_at",
                                        "store_id", "part_id", "supplier_id"))
        self.moves = Batch("parts_stockmove", (
            "id", "document_type", "document_id", "document_line_id", "quantity", "unit_cost",
            "kind", "created_at", "note", "location_id", "lot_id", "part_id", "store_id",
            "user_id"))

    def pick(self) -> StockedPart:
        return self.items[bisect.bisect(self.cumulative,
                                        self.rng.random() * self.cumulative[-1])]

    def receive(self, item: StockedPart, quantity: int, at: str, day: str, note: str) -> None:
        lot = self.ids.next("parts_lot")
        part = item.part
        self.lots.add(lot, "", day, cents(part.cost), at, self.store_id, part.pk, part.supplier)
        self.moves.add(self.ids.next("parts_stockmove"), "", "", "", qty(quantity),
                       cents(part.cost), "receipt", at, note, item.location, lot, part.pk,
                       self.store_id, self.clerk)
        entry = [lot, quantity]
        item.lots.append(entry)
        item.all_lots.append(entry)

    def opening(self, at: str, day: str) -> None:
        for rank, item in enumerate(self.items):
            item.reorder = max(2, 40 // (rank // 10 + 1)) * item.part.usual_qty
            self.receive(item, item.reorder, at, day, "期初库存")

    def issue(self, item: StockedPart, quantity: int, *, at: str, day: str, ro_id: int,
              line_id: int, number: str) -> None:
        """Issue FIFO; a shortage is first covered by a receipt (replenishment)."""
        on_hand = sum(entry[1] for entry in item.lots)
        if on_hand < quantity:
            self.receive(item, max(item.reorder, quantity - on_hand), at, day, "采购入库")
        remaining = quantity
        while remaining:
            entry = item.lots[0]
            take = min(entry[1], remaining)
            self.moves.add(self.ids.next("parts_stockmove"), "service.repairorder", ro_id,
                           line_id, qty(-take), cents(item.part.cost), "issue", at, number,
                           item.location, entry[0], item.part.pk, self.store_id, self.clerk)
            entry[1] -= take
            remaining -= take
            if entry[1] == 0:
                item.lots.popleft()

    def balances(self) -> list[Batch]:
        balances = Batch("parts_stockbalance", ("id", "quantity", "location_id", "lot_id",
                                                "part_id", "store_id"))
        rows = Batch("parts_partstore", ("id", "average_cost", "on_hand", "blocked", "reserved",
                                         "abc_class", "last_counted_on", "default_location_id",
                                         "part_id", "store_id"))
        for item in self.items:
            for lot, remaining in item.all_lots:
                balances.add(self.ids.next("parts_stockbalance"), qty(remaining), item.location,
                             lot, item.part.pk, self.store_id)
            rows.add(self.ids.next("parts_partstore"), cents(item.part.cost),
                     qty(sum(r for _l, r in item.all_lots)), "0.000", "0.000", "", None,
                     item.location, item.part.pk, self.store_id)
        return [balances, rows]
