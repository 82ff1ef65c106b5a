"""Generate a dealer group at scale S or L into an empty PostgreSQL database.

    python -m bench.generate --scale S --database-url postgres://postgres@127.0.0.1:5432/siwei_bench_s

Migrates the database, writes the master data and staff with the ORM, then two years of
history per store with ``COPY`` and checks the result with SQL (quality.md "Speed").
Deterministic for a seed: the same seed gives the same data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/siwei_bench_s"
HISTORY_DAYS = 730


BULK_TABLES = ("crm_customer", "crm_vehicle", "service_repairorder", "service_job",
               "service_partline", "service_concern", "service_inspection",
               "crm_odometerreading", "service_jobclock", "parts_lot", "parts_stockmove",
               "parts_stockbalance", "parts_partstore", "crm_lead", "care_feedback",
               "service_technicianshift", "core_documentcounter", "parts_part")


@dataclass(frozen=True)
class Scale:
    stores: int
    customers: int  # per store
    vehicles: int
    ros_per_store: int
    leads_per_store: int
    feedback_per_store: int
    parts: int  # the group's catalog
    stocked_parts: int  # per store
    locations: int


# L: 20 stores, 200k customers, 250k vehicles, 1M repair orders (≈4M lines), 30k parts,
# ≈2M stock moves, 100k leads, 50k feedback. S is the same shape at 1/100.
SCALES = {
    "L": Scale(20, 10000, 12500, 50000, 5000, 2500, 30000, 3000, 200),
    "S": Scale(20, 100, 125, 500, 50, 25, 300, 30, 20),
}


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siwei.config.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def is_generated(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('crm_customer')").fetchone()[0]
        return bool(exists) and conn.execute(
            "SELECT EXISTS (SELECT 1 FROM core_store)").fetchone()[0]


def generate(*, scale_name: str, url: str, seed: int, out=sys.stdout) -> dict:
    import psycopg
    from django.core.management import call_command

    from .catalog import write_catalog
    from .checks import check_vins, row_counts, run_checks
    from .copyio import Loader
    from .history import Clock, Ids, StoreHistory
    from .master import build_master
    from .orders import write_orders

    scale = SCALES[scale_name]
    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    now = dt.datetime.now(ZoneInfo("Asia/Shanghai"))
    first_day = now.date() - dt.timedelta(days=HISTORY_DAYS)
    m = build_master(stores=scale.stores, locations_per_store=scale.locations, rng=rng,
                     start=first_day)
    print(f"master data and staff: {time.perf_counter() - migrated:.1f} s", file=out)
    ids = Ids()
    clock = Clock(first_day, HISTORY_DAYS)
    loader = Loader(url)
    loader.connection.execute("SET session_replication_role = replica")  # FKs checked below
    # Secondary indexes are built once after loading (faster than row by row); the
    # primary keys and unique constraints stay and are enforced during the load.
    indexes = loader.connection.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [list(BULK_TABLES)]).fetchall()
    for name, _definition in indexes:
        loader.connection.execute(f'DROP INDEX "{name}"')
    catalog, parts = write_catalog(count=scale.parts, group_id=m.group_id,
                                   suppliers=m.suppliers, first_id=1, rng=rng)
    ids.last["parts_part"] = scale.parts
    loader.send([catalog])
    now_minute = now.hour * 60 + now.minute
    for n, store in enumerate(m.stores):
        h = StoreHistory(store=store, m=m, scale=scale, parts=parts, ids=ids, rng=rng,
                         clock=clock, last_day=HISTORY_DAYS, now_minute=now_minute,
                         vehicle_serial=n * scale.vehicles, mobile_serial=n * scale.customers)
        customers = h.customers()
        h.vehicles()
        orders = write_orders(h)
        loader.send([customers, h.vehicle_batch(), *orders, h.stock.lots, h.stock.moves,
                     *h.stock.balances(), h.leads(), h.feedback(), h.shifts(),
                     h.counter_batch()])
        print(f"  {store.code}: generated ({time.perf_counter() - started:.0f} s)", file=out,
              flush=True)
    loader.finish(tuple(definition for _name, definition in indexes))
    loaded = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        for table, last in ids.last.items():
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                           [last])
        recategorised = _categories_by_the_rule()
        cursor.execute("VACUUM ANALYZE")
        analysed = time.perf_counter()
        checks = run_checks(cursor)
        checks.append(("VIN check digits (sample of 2000, project validator)",
                       check_vins(cursor)))
        counts = row_counts(cursor)
    total = time.perf_counter() - started
    print(f"customer categories set by the CS-4 rule: {recategorised:,} customers", file=out)
    print(f"loaded in {loaded - migrated:.1f} s (COPY busy {loader.seconds:.1f} s), "
          f"categories and VACUUM ANALYZE in {analysed - loaded:.1f} s; "
          f"total with migrate {total:.1f} s", file=out)
    for table, count in counts.items():
        print(f"  {table:<28} {count:>10,}", file=out)
    print("consistency checks (rows breaking the rule):", file=out)
    for name, bad in checks:
        print(f"  {'ok ' if bad == 0 else 'BAD'} {bad:>6}  {name}", file=out)
    return {"scale": scale_name, "seed": seed, "seconds": round(total, 1),
            "migrate_seconds": round(migrated - started, 1), "counts": counts,
            "checks": dict(checks), "ok": all(bad == 0 for _n, bad in checks)}


def _categories_by_the_rule() -> int:
    """The customers' categories as the project's CS-4 rule computes them (the history
    only knows owners and prospects), so that the data is as a running system's and the
    nightly recomputation changes only what changed that day."""
    from siwei.core.models import Store
    from siwei.crm.services import customer_categories_recompute

    return sum(customer_categories_recompute(store=store)
               for store in Store.objects.order_by("id"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--database-url",
                        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    if is_generated(args.database_url):
        print("The database already holds data; drop it to generate again.")
        return 0
    setup_django(args.database_url)
    result = generate(scale_name=args.scale, url=args.database_url, seed=args.seed)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
