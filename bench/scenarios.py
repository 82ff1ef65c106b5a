"""The scenarios of quality.md "Speed", each driven over HTTP with a fixed number of
requests; where a hand-written SQL query computes the same answer it is timed too."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import threading
import time
from dataclasses import dataclass, field

from .client import Client, Reply
from .sql import SQL_TWINS


@dataclass
class Result:
    name: str
    target: str
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    units: int = 0  # lifecycles, issues … for the throughput
    sql_times: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rss_mb: float = 0.0
    by_request: list[tuple[str, int]] = field(default_factory=list)

    def record(self, reply: Reply, expect=(200,)) -> Reply:
        self.times.append(reply.seconds)
        if reply.queries is not None:
            self.queries.append(reply.queries)
            self.by_request.append((reply.request, reply.queries))
        if reply.status not in expect:
            self.errors.append(f"{reply.status}: {reply.body[:200]!r}")
        return reply

    def summary(self) -> dict:
        times = sorted(self.times)
        median = statistics.median(times) if times else None
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else None
        sql = statistics.median(self.sql_times) if self.sql_times else None
        return {
            "scenario": self.name, "target": self.target, "n": len(times),
            "median_ms": round(median * 1000, 1) if median else None,
            "p95_ms": round(p95 * 1000, 1) if p95 else None,
            "throughput_per_s": round((self.units or len(times)) / self.wall, 2)
            if self.wall else None,
            "queries_median": statistics.median(self.queries) if self.queries else None,
            "queries_max": max(self.queries) if self.queries else None,
            "sql_ms": round(sql * 1000, 1) if sql else None,
            "app_sql_ratio": round(median / sql, 1) if sql and median else None,
            "peak_rss_mb": round(self.rss_mb, 1), "errors": self.errors[:5],
            "error_count": len(self.errors), "notes": self.notes}


def timed(result: Result, fn, n: int) -> None:
    started = time.perf_counter()
    for i in range(n):
        fn(i)
    result.wall += time.perf_counter() - started


def in_threads(result: Result, count: int, target) -> None:
    """Runs ``target(i)`` for i in 0 … count - 1 in as many threads at once, and records the
    wall time until the last one ends."""
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.wall = time.perf_counter() - started


def sql_twin(result: Result, cursor, key: str, params: dict, n: int) -> None:
    for _ in range(n):
        started = time.perf_counter()
        cursor.execute(SQL_TWINS[key], params)
        cursor.fetchall()
        result.sql_times.append(time.perf_counter() - started)


def warm_up(ctx, per_path: int = 4) -> None:
    """Untimed requests to each page and endpoint first, so that both workers have loaded
    their code and compiled their templates before anything is measured (a worker's first
    request imports the views, builds the URL resolver and reads the templates)."""
    ctx.cursor.execute("SELECT id FROM crm_customer WHERE store_id = %s ORDER BY id LIMIT 1",
                       [ctx.store["id"]])
    customer = ctx.cursor.fetchone()[0]
    paths = [(ctx.api("service_advisor"), "/api/v1/customers/?q=1234"),
             (ctx.page("service_advisor"), f"/crm/customers/{customer}/"),
             (ctx.page("foreman"), "/service/workshop/board/"),
             (ctx.page("service_manager"), f"/service/kpis/?store={ctx.store['code']}"),
             (ctx.page("parts_manager"), "/parts/analysis/")]
    for client, path in paths:
        for _ in range(per_path):
            client.get(path)


def search(ctx, n: int) -> list[Result]:
    """CS-5 search by mobile, last 4, plate, VIN, VIN last 6 and pinyin."""
    cursor, store = ctx.cursor, ctx.store
    cursor.execute("""SELECT c.mobile, v.plate, v.vin, c.name_pinyin FROM crm_vehicle v
                      JOIN crm_customer c ON c.id = v.owner_id WHERE v.store_id = %s
                      ORDER BY v.id LIMIT 500""", [store["id"]])
    rows = cursor.fetchall()
    rng = random.Random(1)
    kinds = {"mobile": lambda r: r[0], "last 4": lambda r: r[0][-4:],
             "plate": lambda r: r[1], "VIN": lambda r: r[2], "VIN last 6": lambda r: r[2][-6:],
             "pinyin": lambda r: r[3][:4]}
    results = []
    for kind, value in kinds.items():
        result = Result(f"search: {kind}", "p95 ≤ 50 ms")
        queries = [value(rng.choice(rows)) for _ in range(n)]
        api = ctx.api("service_advisor")
        timed(result, lambda i, q=queries, r=result, a=api: r.record(
            a.get("/api/v1/customers/?" + _q(q[i]))), n)
        for q in queries[:max(3, n // 5)]:
            sql_twin(result, cursor, "search", {"store": store["id"], "q": q,
                                                "kind": kind}, 1)
        results.append(result)
    return results


def _q(value: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": value})


def customer_card(ctx, n: int) -> list[Result]:
    ctx.cursor.execute("""SELECT owner_id FROM crm_vehicle WHERE store_id = %s
                          AND owner_id IS NOT NULL ORDER BY id LIMIT 200""", [ctx.store["id"]])
    ids = [r[0] for r in ctx.cursor.fetchall()]
    result = Result("customer card page (CS-5)", "p95 ≤ 150 ms")
    page = ctx.page("service_advisor")
    timed(result, lambda i: result.record(page.get(f"/crm/customers/{ids[i % len(ids)]}/")), n)
    return [result]


def board(ctx, n: int) -> list[Result]:
    result = Result("workshop board", "p95 ≤ 150 ms")
    page = ctx.page("foreman")
    timed(result, lambda i: result.record(page.get("/service/workshop/board/")), n)
    sql_twin(result, ctx.cursor, "board", {"store": ctx.store["id"]}, max(3, n))
    return [result]


def kpis(ctx, n: int) -> list[Result]:
    today = dt.date.today()
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    period = f"start={start}&end={end}"
    one = Result("service KPIs, one store, one month", "≤ 1 s, ≤ 2× SQL")
    page = ctx.page("service_manager")
    timed(one, lambda i: one.record(page.get(f"/service/kpis/?{period}&store={ctx.store['code']}")),
          n)
    params = {"stores": [ctx.store["id"]], "start": start, "end": end + dt.timedelta(days=1)}
    sql_twin(one, ctx.cursor, "kpis", params, max(3, n))
    every = Result("service KPIs, all stores, one month", "≤ 5 s, ≤ 2× SQL")
    admin = ctx.page("group_admin")
    timed(every, lambda i: every.record(admin.get(f"/service/kpis/?{period}&store=all")),
          max(2, n // 3))
    params = {**params, "stores": ctx.store_ids}
    sql_twin(every, ctx.cursor, "kpis", params, max(2, n // 3))
    return [one, every]


def parts_analysis(ctx, n: int) -> list[Result]:
    result = Result("parts analysis, one store", "≤ 3 s")
    page = ctx.page("parts_manager")
    timed(result, lambda i: result.record(page.get("/parts/analysis/")), max(2, n // 3))
    sql_twin(result, ctx.cursor, "abc", {"store": ctx.store["id"]}, max(2, n // 3))
    return [result]


def concurrent_issue(ctx, n: int) -> list[Result]:
    """20 clients issue the same part for their own repair orders at once (PT-5)."""
    from .lifecycle import prepare_issue_orders

    result = Result("20 clients issue the same part", "stock never negative, ledger = balance")
    orders, part, stock, problems = prepare_issue_orders(ctx, count=max(20, n))
    result.errors.extend(problems[:5])
    clerk_token = ctx.tokens["parts_clerk"]
    pending = list(orders)
    lock = threading.Lock()
    outcomes: dict[int, int] = {}

    def worker(_index: int):
        client = Client(ctx.port, token=clerk_token, store=ctx.store["code"])
        while True:
            with lock:
                if not pending:
                    return
                ro = pending.pop()
            reply = client.post(f"/api/v1/repair-orders/{ro['id']}/issue-parts/", {
                "lines": [{"line": ro["part_lines"][0]["id"], "quantity": "1"}]})
            with lock:
                result.record(reply, expect=(200, 409))
                outcomes[reply.status] = outcomes.get(reply.status, 0) + 1

    in_threads(result, 20, worker)
    result.units = outcomes.get(200, 0)
    ctx.cursor.execute(SQL_TWINS["ledger_of_part"], {"store": ctx.store["id"], "part": part})
    negative, mismatched, on_hand = ctx.cursor.fetchone()
    result.notes.append(f"stock before {stock}, issued {outcomes.get(200, 0)}, refused "
                        f"{outcomes.get(409, 0)} (409 insufficient stock), on hand after "
                        f"{on_hand}; negative balances {negative}, ledger ≠ balance {mismatched}")
    if negative or mismatched or outcomes.get(200, 0) > stock:
        result.errors.append("stock went wrong: " + result.notes[-1])
    return [result]
