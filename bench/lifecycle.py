"""The full repair-order lifecycle over the API, as in the service tests (quality.md:
create, 3 jobs, 4 parts, sign, approve, issue, assign/start/finish each job, foreman and
final inspection, settle, pay, release), and the orders of the concurrent-issue test."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from .client import Client
from .scenarios import Result, in_threads

TZ = ZoneInfo("Asia/Shanghai")
MAX_QUERIES = 15  # quality.md: each request of the lifecycle


def _fixtures(ctx) -> dict:
    cur, store = ctx.cursor, ctx.store["id"]
    cur.execute("""SELECT v.owner_id, v.id FROM crm_vehicle v WHERE v.store_id = %s
                   AND v.owner_id IS NOT NULL ORDER BY v.id LIMIT 50""", [store])
    cars = cur.fetchall()
    cur.execute("""SELECT code, id FROM service_labouroperation WHERE code IN ('M001', 'B010')""")
    ops = dict(cur.fetchall())
    cur.execute("""SELECT part_id FROM parts_partstore WHERE store_id = %s
                   ORDER BY on_hand DESC, part_id LIMIT 4""", [store])
    parts = [r[0] for r in cur.fetchall()]
    # Technicians on shift today and not working on a job (one job at a time, SV-10).
    cur.execute("""SELECT s.technician_id FROM service_technicianshift s WHERE s.store_id = %s
                   AND s.day = %s AND NOT EXISTS (SELECT 1 FROM service_job j
                       WHERE j.technician_id = s.technician_id AND j.status = 'in_progress')
                   ORDER BY s.technician_id""", [store, dt.datetime.now(TZ).date()])
    techs = [r[0] for r in cur.fetchall()]
    return {"cars": cars, "ops": ops, "parts": parts,
            "techs": [(tech, ctx.token_for(tech)) for tech in techs]}


def _expect(result: Result, reply, codes=(200, 201)):
    result.record(reply, expect=codes)
    if reply.status not in codes:
        raise RuntimeError(f"{reply.status}: {reply.body[:300]!r}")
    return reply.json()


def one_lifecycle(ctx, fx: dict, result: Result, index: int, client: int) -> None:
    code = ctx.store["code"]

    def api(role_or_token):
        token = ctx.tokens.get(role_or_token, role_or_token)
        return Client(ctx.port, token=token, store=code)

    technician, token = fx["techs"][client % len(fx["techs"])]
    advisor, foreman, tech = api("service_advisor"), api("foreman"), api(token)
    customer, vehicle = fx["cars"][index % len(fx["cars"])]
    promised = (dt.datetime.now(TZ) + dt.timedelta(hours=4)).isoformat()
    ro = _expect(result, advisor.post("/api/v1/repair-orders/", {
        "customer": customer, "vehicle": vehicle, "category": "minor_repair",
        "mileage": 900000, "complaints": ["刹车异响", "空调有异味"], "promised_at": promised}))
    base = f"/api/v1/repair-orders/{ro['id']}/"
    for op in ("M001", "B010"):
        _expect(result, advisor.post(base + "jobs/", {"operation": fx["ops"][op]}))
    _expect(result, advisor.post(base + "jobs/", {"name": "空调系统清洗", "hours": "0.30"}))
    for part in fx["parts"]:
        ro = _expect(result, advisor.post(base + "parts/", {"part": part, "quantity": "1"}))
    ro = _expect(result, advisor.post(base + "sign/", {"signed_by_name": "周杰",
                                                       "phone_consent": True}))
    _expect(result, api("service_manager").post(base + "approve-contract/"), (200, 409))
    ro = _expect(result, api("parts_clerk").post(base + "issue-parts/", {"lines": [
        {"line": line["id"], "quantity": line["quantity"]} for line in ro["part_lines"]]}))
    for job in ro["jobs"]:
        _expect(result, foreman.post(base + "assign/", {"job": job["id"],
                                                        "technician": technician}))
        _expect(result, tech.post(base + "start-job/", {"job": job["id"]}))
        ro = _expect(result, tech.post(base + "finish-job/", {"job": job["id"]}))
    _expect(result, foreman.post(base + "inspect/", {"level": 2, "passed": True}))
    _expect(result, api("qc_inspector").post(base + "inspect/", {
        "level": 3, "passed": True, "road_test": True, "wear": {"front_pads": 90}}))
    ro = _expect(result, advisor.post(base + "settle/", {"discount_percent": "0"}))
    _expect(result, api("cashier").post("/api/v1/payments/", {
        "repair_order": ro["id"], "method": "wechat", "amount": ro["customer_total"]}))
    _expect(result, advisor.post(base + "release/"))


def lifecycles(ctx, n: int) -> list[Result]:
    result = Result("RO lifecycle over the API (2 clients)", "≥ 10 lifecycles/s; ≤ 15 SQL/request")
    fx = _fixtures(ctx)
    if not fx["techs"]:
        result.errors.append("no technician on shift today without a job in progress")
        return [result]
    counter = iter(range(n))
    lock = threading.Lock()
    done = []

    def worker(client: int):
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                one_lifecycle(ctx, fx, result, index, client)
                done.append(index)
            except RuntimeError as exc:  # the failing answer is already an error
                result.notes.append(f"lifecycle {index} stopped: {exc}")
            except Exception as exc:  # a broken client is an error of the run
                result.errors.append(f"lifecycle {index} stopped: {exc!r}")

    in_threads(result, 2, worker)
    result.units = len(done)
    over = {}
    for request, queries in result.by_request:
        if queries > MAX_QUERIES:
            over[request] = max(queries, over.get(request, 0))
    result.notes.extend(f"over {MAX_QUERIES} queries: {request} ({n})"
                        for request, n in sorted(over.items()))
    return [result]


def prepare_issue_orders(ctx, *, count: int):
    """Orders with one line each of a part with little stock, signed and approved; more
    orders than stock, so some issues must be refused."""
    cur, store = ctx.cursor, ctx.store["id"]
    cur.execute("""SELECT part_id, on_hand FROM parts_partstore WHERE store_id = %s
                   AND on_hand > 0 ORDER BY abs(on_hand - 12), part_id LIMIT 1""", [store])
    part, on_hand = cur.fetchone()
    stock = int(on_hand)
    fx = _fixtures(ctx)
    advisor = Client(ctx.port, token=ctx.tokens["service_advisor"], store=ctx.store["code"])
    manager = Client(ctx.port, token=ctx.tokens["service_manager"], store=ctx.store["code"])
    orders, problems = [], []
    promised = (dt.datetime.now(TZ) + dt.timedelta(hours=4)).isoformat()
    for i in range(max(count, stock + 8)):
        customer, vehicle = fx["cars"][i % len(fx["cars"])]
        created = advisor.post("/api/v1/repair-orders/", {
            "customer": customer, "vehicle": vehicle, "category": "minor_repair",
            "mileage": 900000, "complaints": ["更换配件"], "promised_at": promised})
        if created.status != 201:
            problems.append(f"create {created.status}: {created.body[:200]!r}")
            continue
        base = f"/api/v1/repair-orders/{created.json()['id']}/"
        ro = advisor.post(base + "parts/", {"part": part, "quantity": "1"})
        signed = advisor.post(base + "sign/", {"signed_by_name": "周杰", "phone_consent": True})
        if ro.status not in (200, 201) or signed.status != 200:
            problems.append(f"parts {ro.status} / sign {signed.status}: {signed.body[:200]!r}")
            continue
        manager.post(base + "approve-contract/")
        orders.append(signed.json())
    return orders, part, stock, problems
