"""Run the benchmark: ``python -m bench.run --scale S`` (``make bench SCALE=S``).

Uses (or creates and generates) the database ``BENCH_DATABASE_URL`` (default
``siwei_bench_<scale>`` on the local PostgreSQL), serves the app with gunicorn on loopback
(2 workers, DEBUG off, a fresh SECRET_KEY, ``SIWEI_BENCH=1`` for the query-count header),
drives the scenarios of quality.md "Speed" and prints one table; the JSON goes to
``bench/results/``. ``BENCH_REQUESTS`` sets the requests per scenario. Exits non-zero on
errors only, never on timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import psycopg

from . import lifecycle, scenarios
from .client import Client
from .master import STAFF_PASSWORD
from .scenarios import Result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BIN = Path(sys.executable).parent


def default_url(scale: str) -> str:
    return os.environ.get("BENCH_DATABASE_URL",
                          f"postgres://postgres@127.0.0.1:5432/siwei_bench_{scale.lower()}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
            "SIWEI_BENCH": "1", "SIWEI_VAR_DIR": str(RESULTS / "var"),
            "TOKEN_THROTTLE_RATE": "100000/min", "LOG_LEVEL": "WARNING"}


class Workers:
    """Peak RSS of the gunicorn workers (children of the master), sampled from /proc."""

    def __init__(self, master: int):
        self.master, self.peak, self.stop = master, 0.0, False
        threading.Thread(target=self._sample, daemon=True).start()

    def _children(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.master:
                    pids.append(int(entry.name))
        return pids

    def _sample(self) -> None:
        while not self.stop:
            for pid in self._children():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak = max(self.peak, int(line.split()[1]) / 1024)
                except OSError:
                    pass
            time.sleep(0.2)

    def take_peak(self) -> float:
        peak, self.peak = self.peak, 0.0
        return peak


class Context:
    def __init__(self, url: str, port: int):
        self.port = port
        self.connection = psycopg.connect(url, autocommit=True)
        self.cursor = self.connection.cursor()
        self.cursor.execute("SELECT id, code FROM core_store ORDER BY id")
        stores = self.cursor.fetchall()
        self.store = {"id": stores[0][0], "code": stores[0][1]}
        self.store_ids = [s[0] for s in stores]
        self.cursor.execute("""
            SELECT DISTINCT ON (r.code) r.code, u.id, u.username FROM core_staffassignment a
            JOIN core_role r ON r.id = a.role_id JOIN core_employee e ON e.id = a.employee_id
            JOIN auth_user u ON u.id = e.user_id
            WHERE a.store_id = %s OR (a.store_id IS NULL AND r.code = 'group_admin')
            ORDER BY r.code, u.id""", [self.store["id"]])
        self.users = {code: (pk, name) for code, pk, name in self.cursor.fetchall()}
        self.tokens = {code: self.token_for(pk) for code, (pk, _n) in self.users.items()}
        self.pages: dict[str, Client] = {}

    def token_for(self, user_id: int) -> str:
        self.cursor.execute("SELECT key FROM authtoken_token WHERE user_id = %s", [user_id])
        row = self.cursor.fetchone()
        if row:
            return row[0]
        key = secrets.token_hex(20)
        self.cursor.execute("INSERT INTO authtoken_token (key, created, user_id) "
                            "VALUES (%s, now(), %s)", [key, user_id])
        return key

    def api(self, role: str) -> Client:
        return Client(self.port, token=self.tokens[role], store=self.store["code"])

    def page(self, role: str) -> Client:
        if role not in self.pages:
            client = Client(self.port)
            client.login(self.users[role][1], STAFF_PASSWORD)
            self.pages[role] = client
        return self.pages[role]


def nightly(url: str, env: dict) -> list[Result]:
    """The nightly scheduler run: every job due (as after midnight), then the worker runs
    what was enqueued."""
    result = Result("nightly scheduler run (enqueue + worker)", "≤ 60 s")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM core_scheduledrun")
    started = time.perf_counter()
    for argv in (["scheduler", "--once"], ["worker", "--batch", "--queue-name", "*"]):
        done = subprocess.run([str(BIN / "siwei"), *argv], env=env, capture_output=True,  # noqa: S603
                              text=True, check=False)
        if done.returncode:
            result.errors.append(f"siwei {' '.join(argv)}: {done.stderr[-500:]}")
    result.wall = time.perf_counter() - started
    result.times.append(result.wall)
    result.units = 1
    return result and [result]


SCENARIOS = [("search", scenarios.search), ("card", scenarios.customer_card),
             ("board", scenarios.board), ("lifecycle", lifecycle.lifecycles),
             ("kpis", scenarios.kpis), ("parts", scenarios.parts_analysis),
             ("issue", scenarios.concurrent_issue)]


def print_table(rows: list[dict], out=sys.stdout) -> None:
    head = (f"{'scenario':<42} {'n':>4} {'median ms':>10} {'p95 ms':>9} {'per s':>7} "
            f"{'SQL q':>6} {'q max':>5} {'SQL ms':>8} {'app/SQL':>7} {'RSS MB':>7} "
            f"{'errors':>6}  target")
    print(head, file=out)
    print("-" * len(head), file=out)

    def show(value, width):
        return f"{'-' if value is None else value:>{width}}"

    for r in rows:
        print(f"{r['scenario']:<42} {r['n']:>4} {show(r['median_ms'], 10)} "
              f"{show(r['p95_ms'], 9)} {show(r['throughput_per_s'], 7)} "
              f"{show(r['queries_median'], 6)} {show(r['queries_max'], 5)} "
              f"{show(r['sql_ms'], 8)} {show(r['app_sql_ratio'], 7)} "
              f"{show(r['peak_rss_mb'], 7)} {r['error_count']:>6}  {r['target']}", file=out)
        for note in r["notes"]:
            print(f"    {note}", file=out)
        for error in r["errors"]:
            print(f"    error: {error}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("S", "L"), default="S")
    parser.add_argument("--only", help="comma-separated scenario keys")
    args = parser.parse_args(argv)
    url = default_url(args.scale)
    n = int(os.environ.get("BENCH_REQUESTS", "30"))
    from .generate import ensure_database, is_generated

    ensure_database(url)
    if not is_generated(url):
        subprocess.run([sys.executable, "-m", "bench.generate", "--scale", args.scale,  # noqa: S603
                        "--database-url", url], cwd=ROOT, check=True)
    env = app_env(url)
    RESULTS.mkdir(exist_ok=True)
    # A database generated before the latest migrations gets them (no-op when up to date).
    subprocess.run([str(BIN / "siwei"), "migrate", "--noinput", "-v0"], env=env,  # noqa: S603
                   check=True)
    if not (RESULTS / "var" / "static" / "staticfiles.json").exists():
        subprocess.run([str(BIN / "siwei"), "collectstatic", "--noinput", "-v0"], env=env,  # noqa: S603
                       check=True)
    port = free_port()
    log = open(RESULTS / "gunicorn.log", "w")  # noqa: SIM115 - closed after the run
    server = subprocess.Popen([str(BIN / "siwei"), "serve", "--bind", f"127.0.0.1:{port}",  # noqa: S603
                               "--workers", "2"], env=env, stdout=log, stderr=log)
    rows: list[dict] = []
    try:
        for _ in range(120):
            try:
                if Client(port).get("/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        workers = Workers(server.pid)
        ctx = Context(url, port)
        only = set(args.only.split(",")) if args.only else None
        scenarios.warm_up(ctx)
        for key, scenario in SCENARIOS:
            if only and key not in only:
                continue
            workers.take_peak()
            try:
                results = scenario(ctx, n)
            except Exception:  # a broken scenario is an error of the run, not a crash
                results = [Result(key, "")]
                results[0].errors.append(traceback.format_exc(limit=3))
            peak = workers.take_peak()
            for result in results:
                result.rss_mb = peak
                rows.append(result.summary())
        if not only or "nightly" in only:
            rows.extend(r.summary() for r in nightly(url, env))
        workers.stop = True
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print_table(rows)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    machine = {"nproc": os.cpu_count(), "requests_per_scenario": n}
    (RESULTS / f"bench-{args.scale}-{stamp}.json").write_text(json.dumps(
        {"scale": args.scale, "at": stamp, "machine": machine, "scenarios": rows},
        ensure_ascii=False, indent=2))
    return 1 if any(r["error_count"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
