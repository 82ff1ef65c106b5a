"""A store's repair orders over two years, each with jobs and part lines whose amounts
add up to the order's totals (SV-15), parts issued FIFO through the ledger, the final
inspection and the odometer reading; the statuses follow the age of the order (SV-16)."""

from __future__ import annotations

import bisect
import itertools

from .catalog import qty
from .copyio import Batch, cents
from .history import CATEGORY_WEIGHTS, COMPLAINTS, StoreHistory

RO_COLUMNS = (
    "id", "number", "category", "status", "mileage", "fuel_level", "damage_notes", "valuables",
    "items_handed_over", "covers_applied", "customer_waits", "return_old_parts", "diagnosis",
    "promised_at", "received_at", "signed_at", "signed_by_name", "signature", "phone_consent",
    "signed_estimate", "contract_approved_at", "estimate_total", "customer_total",
    "discount_percent", "paid", "completed_at", "inspected_at", "certificate_number",
    "settled_at", "released_at", "gate_pass_number", "closed_at", "cancel_reason",
    "advisor_id", "appointment_id", "comeback_of_id", "contract_approved_by_id", "customer_id",
    "discount_approved_by_id", "store_id", "vehicle_id")
LINE_APPROVAL = ("payer", "additional", "approved_at", "approved_by_name", "approval_channel",
                 "declined", "safety_related")
JOB_COLUMNS = ("id", *LINE_APPROVAL, "name", "hours", "rate", "amount", "status",
               "actual_hours", "self_checked", "technician_id", "operation_id",
               "repair_order_id")
PART_COLUMNS = ("id", *LINE_APPROVAL, "quantity", "unit_price", "amount", "issued", "part_id",
                "repair_order_id")
CONTRACT_FROM = 100000  # cents: SV-8 threshold of the default settings
CUM_CATEGORIES = list(itertools.accumulate(w for _c, w in CATEGORY_WEIGHTS))


def hours(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def write_orders(h: StoreHistory) -> list[Batch]:
    rng, c, store = h.rng, h.clock, h.store
    ros = Batch("service_repairorder", RO_COLUMNS)
    jobs = Batch("service_job", JOB_COLUMNS)
    lines = Batch("service_partline", PART_COLUMNS)
    concerns = Batch("service_concern", ("id", "text", "repair_order_id"))
    inspections = Batch("service_inspection", (
        "id", "level", "at", "passed", "findings", "checks", "wear", "road_test",
        "inspector_id", "job_id", "repair_order_id", "instrument_id"))
    odometer = Batch("crm_odometerreading", ("id", "at", "km", "source", "rollback_reason",
                                             "recorded_by_id", "store_id", "vehicle_id"))
    clocks = Batch("service_jobclock", ("id", "start", "end", "job_id", "technician_id"))
    by_category: dict[str, list] = {}
    for op in h.m.operations:
        by_category.setdefault(op[3], []).append(op)
    general = by_category[""]
    # The same number of orders every day on average (a store's steady workload), each for
    # a vehicle the store already knew on that day.
    known = sorted(h.vehicle_rows, key=lambda v: v["created"])
    created = [v["created"] for v in known]
    first_day = max(0, created[0] + 1)
    plan = []
    for _ in range(h.scale.ros_per_store):
        day = rng.randint(first_day, h.last_day)
        v = known[rng.randrange(bisect.bisect_left(created, day))]
        minute = rng.randint(510, 1050)
        if day == h.last_day and minute > h.now_minute - 5:
            # Today's orders (the workshop board) arrived before now, even at night.
            minute = rng.randint(0, max(0, h.now_minute - 5))
        plan.append((day, minute, v))
    plan.sort(key=lambda p: (p[0], p[1]))
    h.stock.opening(c.at(-1, 480), c.date(-1))
    # SV-10: a technician works on one job at a time; today at most half of them are busy,
    # so the benchmark's lifecycles find technicians free to start a job.
    busy: set[int] = set()
    for day, minute, v in plan:
        ro = h.ids.next("service_repairorder")
        number = h.number("RO", day)
        category = CATEGORY_WEIGHTS[bisect.bisect(CUM_CATEGORIES,
                                                  rng.random() * CUM_CATEGORIES[-1])][0]
        comeback_of = v["last_ro"] if category == "comeback" else None
        if category == "comeback" and comeback_of is None:
            category = "minor_repair"
        mileage = v["base_km"] + v["km_per_day"] * (day - v["created"])
        age = h.last_day - day
        if rng.random() < 0.01 and age > 0:
            status = "cancelled"
        elif age == 0:
            since = h.now_minute - minute
            status = "open" if since < 60 else "in_progress" if since < 180 else "completed"
        else:
            status = "released" if age < 7 else "closed"
        worked = status not in ("cancelled", "open")
        finished = status in ("completed", "released", "closed")
        payer = "warranty" if category == "warranty" else \
            "internal" if category == "internal" else "customer"
        advisor = h.advisors[rng.randrange(len(h.advisors))]
        gross = total = 0
        ops = rng.sample(by_category.get(category, []) + general, rng.choice((1, 2, 2, 3, 3, 4)))
        for op_pk, name, op_hours, _cat in ops:
            amount = (op_hours * store.rate_cents + 50) // 100
            total += amount
            gross += amount if payer == "customer" else 0
            tech = h.techs[rng.randrange(len(h.techs))]
            job_status = "finished" if finished else "pending" if status == "cancelled" else \
                "assigned" if status == "open" else rng.choice(("in_progress", "finished"))
            if job_status == "in_progress" and (tech in busy
                                                or len(busy) >= len(h.techs) // 2):
                job_status = "assigned"
            if job_status == "in_progress":
                busy.add(tech)
            job = h.ids.next("service_job")
            actual = op_hours * rng.randint(80, 120) // 100 if job_status == "finished" else 0
            jobs.add(job, payer, False, None, "", "", False, False, name, hours(op_hours),
                     cents(store.rate_cents), cents(amount), job_status, hours(actual),
                     job_status == "finished", None if job_status == "pending" else tech,
                     op_pk, ro)
            if job_status == "in_progress":
                clocks.add(h.ids.next("service_jobclock"), c.at(day, minute + 30), None,
                           job, tech)
        issue_at = c.at(day, minute + 40)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            item = h.stock.pick()
            part = item.part
            quantity = part.usual_qty
            amount = quantity * part.price
            total += amount
            gross += amount if payer == "customer" else 0
            line = h.ids.next("service_partline")
            lines.add(line, payer, False, None, "", "", False, False, qty(quantity),
                      cents(part.price), cents(amount), qty(quantity if worked else 0), part.pk,
                      ro)
            if worked:
                h.stock.issue(item, quantity, at=issue_at, day=c.date(day), ro_id=ro,
                              line_id=line, number=number)
        discount = 5 if payer == "customer" and rng.random() < 0.1 else 0
        customer_total = gross - (gross * discount + 50) // 100
        received = c.at(day, minute)
        signed = c.at(day, minute + 10) if status != "cancelled" else None
        contract = (total >= CONTRACT_FROM or category in ("level2_maintenance", "overhaul")) \
            and signed is not None
        dwell = rng.randint(90, 420)
        completed = inspected = settled = released = closed = None
        certificate = gate_pass = ""
        if status in ("completed", "released", "closed"):
            completed = c.at(day, minute + dwell - 40)
        if status in ("released", "closed"):
            inspected = c.at(day, minute + dwell - 20)
            certificate = h.number("QC", day + (minute + dwell - 20) // 1440)
            settled = c.at(day, minute + dwell - 10)
            released = c.at(day, minute + dwell)
            gate_pass = h.number("GP", day + (minute + dwell) // 1440)
            closed = c.at(day + 1, 600) if status == "closed" else None
            if rng.random() < 0.03:
                inspections.add(h.ids.next("service_inspection"), 2,
                                c.at(day, minute + dwell - 30), False, "需返工", "{}", "{}",
                                False, h.qc, None, ro, None)
            inspections.add(h.ids.next("service_inspection"), 3, inspected, True, "", "{}",
                            "{}", True, h.qc, None, ro, None)
        promised = c.at(day, minute + (dwell if rng.random() < 0.9 else dwell - 60))
        ros.add(ro, number, category, status, mileage, rng.randint(10, 100), "", "", "",
                True, rng.random() < 0.3, False, "", promised, received, signed,
                v["owner"][1] if signed else "", "", False, cents(gross),
                signed if contract else None, cents(total), cents(customer_total),
                f"{discount}.00", cents(customer_total) if released else "0.00",
                completed, inspected, certificate, settled, released, gate_pass, closed,
                "客户取消" if status == "cancelled" else "", advisor, None, comeback_of,
                h.manager if contract else None, v["owner"][0], None, store.pk, v["pk"])
        concerns.add(h.ids.next("service_concern"), rng.choice(COMPLAINTS), ro)
        odometer.add(h.ids.next("crm_odometerreading"), received, mileage, "service", "",
                     advisor, store.pk, v["pk"])
        v["last_ro"], v["last_km"], v["last_day"] = ro, mileage, day
    return [ros, jobs, lines, concerns, inspections, odometer, clocks]
