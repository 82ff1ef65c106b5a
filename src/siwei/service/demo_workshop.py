"""Demo workshop (SV-10, SV-13, SV-14): technicians' shifts, a history of repair orders
worked, clocked and inspected (with some failures and rework, for the quality report and
the KPIs), and today's board — jobs running, paused, assigned and waiting, one order
late, orders waiting for the foreman check and for the final inspection.

Everything goes through the services at the historic times (``clock.frozen``), so every
record obeys the rules. Deterministic: the same seed gives the same data. The lead wires
``build_workshop`` into the demo after the crm/sales steps (it needs customers with
vehicles) and may run it after the orders and appointments steps (it reuses their
technicians, shifts and labour operations when they exist).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from siwei.core import clock
from siwei.core.services import employee_create
from siwei.crm.models import Vehicle
from siwei.demo.builder import DEMO_PASSWORD, DemoContext, demo_mobile, person_name

from .models import Job, JobStatus, LabourOperation, LabourRate, ROStatus, TechnicianShift
from .services.orders import (
    needs_contract,
    repair_order_add_job,
    repair_order_approve_contract,
    repair_order_open,
    repair_order_sign,
)
from .services.workshop import (
    inspection_record,
    job_assign,
    job_finish,
    job_pause,
    job_start,
)

SHIFT = (dt.time(8, 30), dt.time(17, 30))
OPERATIONS = [  # code, name, standard hours
    ("M001", "更换机油机滤", "0.50"),
    ("M002", "更换空气滤清器", "0.30"),
    ("M003", "更换空调滤芯", "0.30"),
    ("B010", "更换前刹车片", "1.20"),
    ("B020", "更换后刹车片", "1.00"),
    ("T001", "四轮定位", "0.80"),
    ("T002", "轮胎换位及动平衡", "0.60"),
    ("E010", "更换火花塞", "0.70"),
    ("E020", "节气门清洗", "0.50"),
    ("S010", "更换前减震器", "2.00"),
]
CHECKS = ("safety", "power", "economy", "reliability", "emissions", "cleanliness")
FAILURES = ["刹车异响", "机油液位过高", "轮胎气压不足", "车内未清洁", "螺栓扭矩不足",
            "故障灯未熄灭"]
TECHNICIANS_PER_STORE = 4


def _jobs(ro):
    return Job.objects.filter(repair_order=ro).order_by("id")


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _technicians(ctx: DemoContext, store) -> list:
    """The store's technician login plus a few more (reused when they exist)."""
    code = store.code.lower()
    techs = [u for u in [_user(f"{code}_technician")] if u is not None]
    for n in range(2, TECHNICIANS_PER_STORE + 1):
        username = f"{code}_technician{n}"
        user = _user(username)
        if user is None:
            employee = employee_create(actor=None, group=store.group, username=username,
                                       name=person_name(ctx.rng), password=DEMO_PASSWORD,
                                       store=store, roles=["technician"],
                                       mobile=demo_mobile(ctx.rng))
            user = employee.user
            ctx.logins.append((username, "technician", store.code))
        techs.append(user)
    return techs


def _shifts(store, techs: list, first: dt.date, last: dt.date) -> None:
    rows = []
    day = first
    while day <= last:
        for tech in techs:
            rows.append(TechnicianShift(store=store, technician=tech, day=day,
                                        start=SHIFT[0], end=SHIFT[1]))
        day += dt.timedelta(days=1)
    TechnicianShift.objects.bulk_create(rows, ignore_conflicts=True)


def _operations(group, store) -> list[LabourOperation]:
    ops = []
    for code, name, hours in OPERATIONS:
        op, _created = LabourOperation.objects.get_or_create(
            group=group, code=code, defaults={"name": name, "default_hours": Decimal(hours)})
        ops.append(op)
    LabourRate.objects.get_or_create(store=store, category="",
                                     defaults={"rate": Decimal("280.00")})
    return ops


class _Cars:
    """Customers' vehicles of the store, taken in turn."""

    def __init__(self, store):
        self.vehicles = list(Vehicle.objects.for_store(store).filter(
            owner__isnull=False, owner__store=store).select_related("owner").order_by("id"))
        self.index = 0

    def next(self) -> Vehicle | None:
        if not self.vehicles:
            return None
        vehicle = self.vehicles[self.index % len(self.vehicles)]
        self.index += 1
        vehicle.refresh_from_db(fields=["last_km"])
        return vehicle


def _open(ctx, store, cars: _Cars, advisor, ops, *, promised: dt.datetime, jobs: int = 2):
    vehicle = cars.next()
    if vehicle is None:
        return None
    km = (vehicle.last_km or 0) + ctx.rng.randrange(800, 6000)
    ro = repair_order_open(actor=advisor, store=store, customer=vehicle.owner, vehicle=vehicle,
                           category="maintenance", mileage=km, promised_at=promised,
                           complaints=[ctx.rng.choice(["常规保养", "刹车有异响", "空调不凉",
                                                       "方向跑偏", "发动机故障灯亮"])])
    for op in ctx.rng.sample(ops, jobs):
        repair_order_add_job(actor=advisor, repair_order=ro, operation=op)
    signed = repair_order_sign(actor=advisor, repair_order=ro,
                               signed_by_name=vehicle.owner.name[:50], phone_consent=True)
    if needs_contract(signed):
        # SV-8: the service manager approves the repair contract before work starts.
        manager = _user(f"{store.code.lower()}_service_manager")
        signed = repair_order_approve_contract(actor=manager, repair_order=signed)
    return signed


def _inspect(ctx, ro, foreman, qc, at_clock, rng_fail: float) -> None:
    """Foreman check and final inspection, with an occasional failure and rework."""
    for _attempt in range(3):
        at_clock.advance(minutes=10)
        if ctx.rng.random() < rng_fail:
            inspection_record(actor=foreman, repair_order=ro, level=2, passed=False,
                              findings=ctx.rng.choice(FAILURES))
            _rework(ro, at_clock)
            continue
        inspection_record(actor=foreman, repair_order=ro, level=2, passed=True)
        at_clock.advance(minutes=15)
        if ctx.rng.random() < rng_fail:
            job = ctx.rng.choice(_jobs(ro))
            inspection_record(actor=qc, repair_order=ro, level=3, passed=False, job=job,
                              findings=ctx.rng.choice(FAILURES),
                              checks={c: c != "safety" for c in CHECKS}, road_test=True)
            _rework(ro, at_clock)
            continue
        inspection_record(actor=qc, repair_order=ro, level=3, passed=True,
                          checks={c: True for c in CHECKS}, road_test=ctx.rng.random() < 0.5,
                          wear={"tyres": ctx.rng.randrange(30, 95, 5),
                                "brake_pads": ctx.rng.randrange(20, 95, 5)},
                          findings="")
        return


def _rework(ro, at_clock) -> None:
    for job in _jobs(ro).filter(status=JobStatus.ASSIGNED):
        job_start(actor=job.technician, job=job)
        at_clock.advance(minutes=12)
        job_finish(actor=job.technician, job=job)


def _history_day(ctx, store, cars, people, ops, day: dt.date, orders: int) -> None:
    advisor, foreman, qc, techs = people
    with clock.frozen(_local(day, 8, 40)) as at:
        ros = [r for r in (_open(ctx, store, cars, advisor, ops,
                                 promised=_local(day, 17, 0), jobs=ctx.rng.choice((1, 2, 2, 3)))
                           for _i in range(orders)) if r is not None]
        free_at = {tech.pk: _local(day, 8, 45) for tech in techs}
        for ro in ros:
            for job in _jobs(ro):
                tech = min(techs, key=lambda t: (free_at[t.pk], t.pk))
                start = free_at[tech.pk]  # technicians work side by side
                at.set(start)
                job_assign(actor=foreman, job=job, technician=tech)
                job_start(actor=tech, job=job)
                # clocked time around the sold hours (efficiency 80 … 125 %)
                minutes = int(float(job.hours) * 60 * ctx.rng.uniform(0.8, 1.25))
                at.set(start + dt.timedelta(minutes=minutes))
                if ctx.rng.random() < 0.08:
                    job_finish(actor=tech, job=job, self_check_passed=False,
                               findings=ctx.rng.choice(FAILURES))
                    at.advance(minutes=10)
                job_finish(actor=tech, job=job)
                free_at[tech.pk] = at.now() + dt.timedelta(minutes=5)
            ro.refresh_from_db()
            if ro.status == ROStatus.COMPLETED:
                _inspect(ctx, ro, foreman, qc, at, 0.12)


def _today(ctx, store, cars, people, ops) -> None:
    """Today's board: work under way since the morning."""
    advisor, foreman, _qc, techs = people
    today = clock.today()
    with clock.frozen(_local(today, 8, 35)) as at:
        plans = [  # promised at (hour), jobs
            (11, 1), (12, 2), (10, 2), (16, 3), (17, 2), (17, 1), (18, 2), (15, 2)]
        ros = []
        for hour, jobs in plans[: 5 if ctx.small else len(plans)]:
            ro = _open(ctx, store, cars, advisor, ops, promised=_local(today, hour, 30),
                       jobs=jobs)
            if ro is not None:
                ros.append(ro)
        if not ros:
            return
        at.set(_local(today, 8, 45))
        # the first order is finished and waits for the foreman; the second also passed it
        for index, ro in enumerate(ros[:2]):
            for job in _jobs(ro):
                tech = techs[index % len(techs)]
                job_assign(actor=foreman, job=job, technician=tech)
                job_start(actor=tech, job=job)
                at.advance(minutes=int(float(job.hours) * 60))
                job_finish(actor=tech, job=job)
            if index == 1:
                inspection_record(actor=foreman, repair_order=ro, level=2, passed=True)
        at.set(_local(today, 9, 30))
        # running, paused and assigned work; the last order waits for the foreman
        rest = ros[2:]
        for index, ro in enumerate(rest):
            if index == len(rest) - 1 and len(rest) > 1:
                break
            for n, job in enumerate(_jobs(ro)):
                tech = techs[(index + n) % len(techs)]
                job_assign(actor=foreman, job=job, technician=tech)
                if n == 0 and not _busy(tech):
                    job_start(actor=tech, job=job)
                    if index == 1:
                        at.advance(minutes=20)
                        job_pause(actor=tech, job=job)


def _busy(tech) -> bool:
    return Job.objects.filter(technician=tech, status=JobStatus.IN_PROGRESS).exists()


def build_workshop(ctx: DemoContext) -> None:
    """Workshop: technicians' shifts, jobs clocked, three-level inspections."""
    today = clock.today()
    history_days = 3 if ctx.small else 20
    for store in ctx.stores:
        code = store.code.lower()
        advisor = _user(f"{code}_service_advisor")
        foreman = _user(f"{code}_foreman")
        qc = _user(f"{code}_qc_inspector")
        if not (advisor and foreman and qc):
            continue
        techs = _technicians(ctx, store)
        _shifts(store, techs, today - dt.timedelta(days=history_days + 1),
                today + dt.timedelta(days=14))
        ops = _operations(store.group, store)
        cars = _Cars(store)
        people = (advisor, foreman, qc, techs)
        for offset in range(history_days, 0, -1):
            day = today - dt.timedelta(days=offset)
            _history_day(ctx, store, cars, people, ops, day,
                         orders=ctx.rng.randint(2, 3) if ctx.small else ctx.rng.randint(4, 8))
        _today(ctx, store, cars, people, ops)
