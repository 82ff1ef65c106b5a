"""Demo data of the parts department: catalog, suppliers, locations, two years of
receipts and issues (bulk inserted; balances are the sums of the moves), purchase
orders in every state, transfers, a stocktake and a queue of requests."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from siwei.core import clock
from siwei.core.fields import money
from siwei.core.pinyin import full_pinyin, initials

from .demo_catalog import SUPPLIERS, catalog
from .models import (
    Location,
    LocationKind,
    Lot,
    MoveKind,
    Part,
    PartStore,
    RequestStatus,
    StockBalance,
    StockMove,
    StockRequest,
    Supplier,
)
from .models.catalog import ISSUABLE_KINDS


def _poisson(rng, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _locations(store) -> list[Location]:
    rows = [Location(store=store, code=f"{zone}-{shelf:02d}-{level}", zone=zone, shelf=shelf,
                     level=level) for zone in "ABCDEF" for shelf in range(1, 21)
            for level in range(1, 5)]
    rows += [Location(store=store, code=code, zone=code[0], shelf=1, level=1, kind=kind)
             for code, kind in (("Q-01-1", LocationKind.INSPECTION),
                                ("N-01-1", LocationKind.NONCONFORMING),
                                ("R-01-1", LocationKind.RESERVE))]
    Location.objects.bulk_create(rows)
    return list(Location.objects.filter(store=store, kind=LocationKind.NORMAL)
                .order_by("zone", "shelf", "level"))


def _at(day: dt.date, rng) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(
        day, dt.time(rng.randrange(8, 17), rng.randrange(60))))


def _plan(rng, store, parts, demo_parts, months: int, today: dt.date):
    """Receipts (part, quantity, day) and issues (part, quantity, day, repair order)."""
    start = today - dt.timedelta(days=int(months * 30.4))
    receipts, issues = [], []
    factor = 1.0 if store.code == "BJ01" else 0.8
    for i, (part, spec) in enumerate(zip(parts, demo_parts, strict=True)):
        mean = spec.demand * factor
        if mean <= 0:
            if rng.random() < 0.08:  # an old purchase that never moved: dead stock
                receipts.append((part, 2 + rng.randrange(4),
                                 start + dt.timedelta(days=rng.randrange(120))))
            continue
        pack = int(part.pack_size)
        # Slow movers and class C assemblies are ordered per repair order, not stocked.
        on_demand = part.attribute_class == "C" or mean < 0.5
        day, level = start, 0
        while day < today:
            # Order up to 1.4 months of demand at the start of each month (in packs).
            want = 1.4 * mean - level
            if want > 0 and not on_demand:
                qty = max(pack, math.ceil(want / pack) * pack)
                receipts.append((part, qty, day + dt.timedelta(days=rng.randrange(3))))
                level += qty
            for _event in range(min(_poisson(rng, mean / (1 + mean // 15)), 40)):
                issue_day = day + dt.timedelta(days=rng.randrange(3, 30))
                qty = 1 + (rng.random() < 0.2) + int(mean // 15)
                if issue_day >= today:
                    continue
                if on_demand:
                    receipts.append((part, qty, issue_day - dt.timedelta(days=2)))
                    level += qty
                issues.append((part, qty, issue_day,
                               f"RO-{store.code}-{issue_day:%Y%m%d}-{i % 97 + 1:04d}"))
                level = max(0, level - qty)
            day += dt.timedelta(days=30)
    return receipts, issues


def _history(rng, store, parts, demo_parts, shelves, clerk, months, today):
    receipts, issues = _plan(rng, store, parts, demo_parts, months, today)
    receipts.sort(key=lambda row: row[2])
    lots = []
    for part, qty, day in receipts:
        lot = Lot(store=store, part=part, inbound_date=day, unit_cost=part.cost,
                  supplier_id=part.default_supplier_id, created_at=_at(day, rng),
                  batch=f"B{day:%y%m}{rng.randrange(100, 999)}" if part.is_key_part else "")
        lot.demo_quantity = Decimal(qty)
        lots.append(lot)
    Lot.objects.bulk_create(lots, batch_size=2000)
    home = {part.pk: shelves[i % len(shelves)] for i, part in enumerate(parts)}
    events = [(lot.created_at, 0, lot) for lot in lots]
    events += [(_at(day, rng), 1, (part, qty, ro)) for part, qty, day, ro in issues]
    events.sort(key=lambda e: (e[0], e[1]))
    recent = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=90), dt.time()))
    fifo: dict[int, list[list]] = defaultdict(list)  # part id -> [[lot, left], ...]
    moves, requests = [], []
    for at, kind, payload in events:
        if kind == 0:
            lot = payload
            fifo[lot.part_id].append([lot, lot.demo_quantity])
            moves.append((lot.part_id, home[lot.part_id].pk, lot.pk, lot.demo_quantity,
                          lot.unit_cost, MoveKind.RECEIPT, at, "parts.purchaseorder",
                          f"DEMO-{at:%Y%m}", ""))
            continue
        part, wanted, ro = payload
        wanted = left = Decimal(wanted)
        for entry in fifo[part.pk]:
            if left <= 0:
                break
            take = min(entry[1], left)
            if take <= 0:
                continue
            entry[1] -= take
            left -= take
            moves.append((part.pk, home[part.pk].pk, entry[0].pk, -take, entry[0].unit_cost,
                          MoveKind.ISSUE, at, "service.repairorder", ro,
                          str(rng.randrange(1, 6))))
        fifo[part.pk] = [entry for entry in fifo[part.pk] if entry[1] > 0]
        if at >= recent:  # requests of the last three months, for the fill rate
            # Past requests are closed: what stock could not cover was cancelled (and
            # ordered for the repair order), so it counts against the fill rate.
            status = RequestStatus.ISSUED if left <= 0 else RequestStatus.CANCELLED
            requests.append(StockRequest(
                store=store, number=f"PR-{store.code}-{at:%Y%m%d}-{len(requests) + 1:04d}",
                part=part, quantity=wanted, issued=wanted - left, status=status,
                first_fill=left <= 0, requested_by=clerk, requested_at=at,
                document_type="service.repairorder", document_id=ro))
    return moves, requests, home


def _insert_moves(store, user, moves) -> None:
    """Write the demo's moves with plain INSERTs (the ORM's per-row overhead would
    dominate the demo's build time); values adapted by the database backend."""
    ops = connection.ops
    table = StockMove._meta.db_table
    columns = ("store_id", "user_id", "part_id", "location_id", "lot_id", "quantity",
               "unit_cost", "kind", "created_at", "document_type", "document_id",
               "document_line_id", "note")
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - fixed identifiers
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    rows = [(store.pk, user.pk, part_id, location_id, lot_id,
             ops.adapt_decimalfield_value(qty, 14, 3), ops.adapt_decimalfield_value(cost, 14, 2),
             kind, ops.adapt_datetimefield_value(at), doc_type, doc_id, line_id, "")
            for part_id, location_id, lot_id, qty, cost, kind, at, doc_type, doc_id, line_id
            in moves]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])


def _balances(store, home) -> None:
    """Balances and the store totals from the moves just written (账物一致)."""
    sums = (StockMove.objects.filter(store=store)
            .values("part_id", "location_id", "lot_id").annotate(total=Sum("quantity"))
            .filter(total__gt=0))
    StockBalance.objects.bulk_create(
        [StockBalance(store=store, part_id=r["part_id"], location_id=r["location_id"],
                      lot_id=r["lot_id"], quantity=r["total"]) for r in sums], batch_size=2000)
    on_hand = dict(StockBalance.objects.filter(store=store, location__kind__in=ISSUABLE_KINDS)
                   .values("part_id").annotate(t=Sum("quantity")).values_list("part_id", "t"))
    costs = dict(Part.objects.filter(pk__in=list(home)).values_list("pk", "cost"))
    PartStore.objects.bulk_create(
        [PartStore(store=store, part_id=pid, on_hand=on_hand.get(pid, 0),
                   average_cost=costs[pid], default_location=location)
         for pid, location in home.items()], batch_size=2000)


def build_parts(ctx) -> None:
    """Parts: catalog, suppliers, locations, two years of stock history, documents."""
    from . import demo_documents

    rng = ctx.rng
    suppliers = [Supplier.objects.create(group=ctx.group, name=name, kind=kind, contact=contact,
                                         phone=phone, payment_terms=terms, lead_time_days=lt)
                 for name, kind, contact, phone, terms, lt in SUPPLIERS]
    demo_parts = catalog(rng, 60 if ctx.small else 2500)
    parts = []
    for spec in demo_parts:
        kind = spec.kind
        part = Part(group=ctx.group, number=spec.number, name=spec.name, brand="大众",
                    category=kind.category, unit=kind.unit, compatible_models=spec.model,
                    cost=spec.cost, list_price=money(spec.cost * Decimal("1.45")),
                    warranty_price=money(spec.cost * Decimal("1.15")),
                    insurance_price=money(spec.cost * Decimal("1.35")),
                    attribute_class=kind.attribute, order_cycle_days=kind.order_cycle,
                    lead_time_days=kind.lead_time, is_key_part=kind.key,
                    is_accessory=kind.accessory, pack_size=Decimal(kind.pack),
                    default_supplier=suppliers[kind.supplier or rng.randrange(2)],
                    name_pinyin=full_pinyin(spec.name, name=False)[:300],
                    name_initials=initials(spec.name, name=False)[:100])
        parts.append(part)
    Part.objects.bulk_create(parts, batch_size=1000)
    parts = list(Part.objects.filter(group=ctx.group).order_by("id"))
    today = clock.today()
    months = 2 if ctx.small else 24
    users = get_user_model().objects
    for store in ctx.stores:
        shelves = _locations(store)
        clerk = users.get(username=f"{store.code.lower()}_parts_clerk")
        moves, requests, home = _history(rng, store, parts, demo_parts, shelves, clerk, months,
                                         today)
        _insert_moves(store, clerk, moves)
        StockRequest.objects.bulk_create(requests, batch_size=2000)
        _balances(store, home)
    demo_documents.build(ctx, parts, suppliers)


build_parts.order = 20
DEMO_STEPS = [build_parts]
