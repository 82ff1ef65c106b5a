"""Reads of the workshop: the dispatch board with each technician's load and each repair
order's promised time (SV-10), a technician's jobs, the inspection queues (SV-13), the
quality daily report (SV-14) and the workshop KPIs.

The board loads a fixed number of queries whatever the number of repair orders (orders,
jobs, running clocks, shifts); the reports aggregate in the database (``values()`` …
``annotate()`` grouped by day or technician).

Definitions (shown on the pages):

- *hours left in a shift* = shift end − max(now, shift start), never negative;
- *hours to do* of a job = sold hours − clocked hours (never negative); a technician's
  *free hours* = hours left in the shift − hours to do on their assigned jobs;
- *ready at* of a repair order: each technician works their jobs one after the other
  (the running one first, then by the promised time of the orders); work that does not
  fit in today's shift continues at the start of the next day's shift; unassigned work is
  counted from now (or from the first shift start today, if later). An order is *late*
  when it cannot be ready by its promised time or that time has passed;
- *first-time pass*: an order whose final inspection passed without any failed
  inspection of that order before it (at any level);
- *hours sold* of a technician: sold hours of the jobs they finished in the period (the
  end of the last clocked stretch); *hours clocked*: clocked stretches started in the
  period; *hours on shift*: their shifts in the period; *productivity* = clocked / on
  shift, *efficiency* = sold / clocked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from siwei.core import clock

from .models import (
    Inspection,
    Job,
    JobClock,
    JobStatus,
    RepairOrder,
    ROStatus,
    TechnicianShift,
)
from .services.workshop import OPEN_WORK, hours_between, round_hours

ONE_DAY = dt.timedelta(days=1)
ZERO_HOURS = Decimal("0.00")
TENTH = Decimal("0.1")
IN_WORKSHOP = (ROStatus.OPEN, ROStatus.IN_PROGRESS, ROStatus.COMPLETED)


def person_name(user) -> str:
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else user.get_username()


def rate(part, whole) -> Decimal | None:
    """``part / whole`` in percent, one decimal; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def ratio(part, whole) -> Decimal | None:
    """``part / whole`` with two decimals; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.01"),
                                                          rounding=ROUND_HALF_UP)


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


# --- shifts and load -------------------------------------------------------------------


@dataclass
class ShiftWindow:
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def of(cls, shift: TechnicianShift) -> ShiftWindow:
        start, end = _local(shift.day, shift.start), _local(shift.day, shift.end)
        if end <= start:  # a night shift ends the next morning
            end += ONE_DAY
        return cls(start, end)

    def hours_left(self, now: dt.datetime) -> Decimal:
        """Shift end − max(now, shift start), never negative."""
        return hours_between(max(now, self.start), self.end)

    @property
    def hours(self) -> Decimal:
        return hours_between(self.start, self.end)


def hours_to_do(job: Job, running_since: dt.datetime | None, now: dt.datetime) -> Decimal:
    """Sold hours − clocked hours (with the running stretch), never negative."""
    clocked = Decimal(job.actual_hours)
    if running_since is not None:
        clocked += hours_between(running_since, now)
    return max(Decimal(job.hours) - clocked, Decimal(0))


def advance(cursor: dt.datetime, hours: Decimal, window: ShiftWindow | None) -> dt.datetime:
    """The time ``hours`` of work started at ``cursor`` end; work beyond the shift's end
    goes on at the same hours the next day (an estimate for the board)."""
    if window is None:
        return cursor + dt.timedelta(seconds=float(hours * 3600))
    start, end = window.start, window.end
    cursor = max(cursor, start)
    remaining = dt.timedelta(seconds=float(hours * 3600))
    for _day in range(60):
        if cursor >= end:
            start, end = start + ONE_DAY, end + ONE_DAY
            cursor = start
        room = end - cursor
        if remaining <= room:
            return cursor + remaining
        remaining -= room
        cursor = end
    return cursor + remaining  # pragma: no cover - more than 60 days of work


@dataclass
class BoardJob:
    job: Job
    ro: RepairOrder
    to_do: Decimal
    clocked: Decimal
    running: bool
    ready_at: dt.datetime | None = None


@dataclass
class BoardTechnician:
    user: object
    name: str
    shift: TechnicianShift | None
    hours_left: Decimal
    jobs: list[BoardJob] = field(default_factory=list)

    @property
    def assigned_hours(self) -> Decimal:
        return round_hours(sum((j.to_do for j in self.jobs), Decimal(0)))

    @property
    def free_hours(self) -> Decimal:
        return round_hours(self.hours_left - self.assigned_hours)

    @property
    def overloaded(self) -> bool:
        return self.assigned_hours > self.hours_left

    @property
    def load_percent(self) -> int:
        if self.hours_left <= 0:
            return 100 if self.assigned_hours else 0
        return min(int(self.assigned_hours * 100 / self.hours_left), 100)

    @property
    def current(self) -> BoardJob | None:
        return next((j for j in self.jobs if j.running), None)


@dataclass
class BoardOrder:
    ro: RepairOrder
    jobs: list[BoardJob] = field(default_factory=list)
    ready_at: dt.datetime | None = None
    late: bool = False
    overdue: bool = False

    @property
    def unassigned(self) -> list[BoardJob]:
        return [j for j in self.jobs if j.job.status == JobStatus.PENDING]


@dataclass
class Board:
    now: dt.datetime
    technicians: list[BoardTechnician]
    orders: list[BoardOrder]

    @property
    def unassigned(self) -> list[BoardJob]:
        return [j for o in self.orders for j in o.unassigned]

    @property
    def late(self) -> list[BoardOrder]:
        return [o for o in self.orders if o.late]

    @property
    def hours_left(self) -> Decimal:
        return round_hours(sum((t.hours_left for t in self.technicians if t.shift),
                               Decimal(0)))

    @property
    def assigned_hours(self) -> Decimal:
        return round_hours(sum((t.assigned_hours for t in self.technicians), Decimal(0)))

    @property
    def unassigned_hours(self) -> Decimal:
        return round_hours(sum((j.to_do for j in self.unassigned), Decimal(0)))

    @property
    def on_shift(self) -> list[BoardTechnician]:
        return [t for t in self.technicians if t.shift is not None]


def _queue_key(item: BoardJob):
    order = {JobStatus.IN_PROGRESS: 0, JobStatus.PAUSED: 1}.get(item.job.status, 2)
    return (order, item.ro.promised_at, item.ro.pk, item.job.pk)


def workshop_board(*, store, now: dt.datetime | None = None) -> Board:
    """SV-10: the store's repair orders in the workshop (signed, in progress, completed
    and waiting for inspection) with their jobs, and the technicians on shift today with
    their load. Four queries, whatever the number of orders."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    orders = list(
        RepairOrder.objects.for_store(store).filter(status__in=IN_WORKSHOP)
        .select_related("vehicle", "customer", "advisor__employee")
        .order_by("promised_at", "id"))
    by_ro = {ro.pk: BoardOrder(ro=ro) for ro in orders}
    jobs = list(
        Job.objects.filter(repair_order__store=store, repair_order__status__in=IN_WORKSHOP)
        .exclude(status=JobStatus.DECLINED).exclude(declined=True)
        .select_related("technician__employee").order_by("id"))
    running = dict(
        JobClock.objects.filter(end__isnull=True, job__repair_order__store=store,
                                job__repair_order__status__in=IN_WORKSHOP)
        .values_list("job_id", "start"))
    shifts = list(TechnicianShift.objects.for_store(store).filter(day=today)
                  .select_related("technician__employee").order_by("start", "id"))
    technicians: dict[int, BoardTechnician] = {}
    for shift in shifts:
        window = ShiftWindow.of(shift)
        technicians[shift.technician_id] = BoardTechnician(
            user=shift.technician, name=person_name(shift.technician), shift=shift,
            hours_left=round_hours(window.hours_left(now)))
    for job in jobs:
        order = by_ro.get(job.repair_order_id)
        if order is None:
            continue
        since = running.get(job.pk)
        clocked = Decimal(job.actual_hours) + (hours_between(since, now) if since else 0)
        item = BoardJob(job=job, ro=order.ro, to_do=hours_to_do(job, since, now),
                        clocked=round_hours(clocked), running=since is not None)
        order.jobs.append(item)
        if job.technician_id and job.status in OPEN_WORK:
            tech = technicians.get(job.technician_id)
            if tech is None:
                tech = technicians[job.technician_id] = BoardTechnician(
                    user=job.technician, name=person_name(job.technician), shift=None,
                    hours_left=ZERO_HOURS)
            tech.jobs.append(item)
    for tech in technicians.values():
        tech.jobs.sort(key=_queue_key)
        window = ShiftWindow.of(tech.shift) if tech.shift else None
        cursor = now
        for item in tech.jobs:
            cursor = advance(cursor, item.to_do, window)
            item.ready_at = cursor
    # unassigned work is counted from now, or from the first shift start if later
    starts = [ShiftWindow.of(t.shift).start for t in technicians.values() if t.shift]
    unassigned_from = max(now, min(starts)) if starts else now
    for order in by_ro.values():
        ready = now
        for item in order.jobs:
            if item.job.status == JobStatus.FINISHED:
                continue
            if item.ready_at is None:  # unassigned
                item.ready_at = advance(unassigned_from, item.to_do, None)
            ready = max(ready, item.ready_at)
        order.ready_at = ready
        order.overdue = order.ro.promised_at < now
        order.late = order.overdue or ready > order.ro.promised_at
    rows = sorted(technicians.values(), key=lambda t: (t.shift is None, t.name, t.user.pk))
    return Board(now=now, technicians=rows, orders=list(by_ro.values()))


def technicians_on_shift(*, store, day: dt.date) -> list:
    """Users with a shift in the store on ``day`` (the assign choices)."""
    return [s.technician for s in TechnicianShift.objects.for_store(store).filter(day=day)
            .select_related("technician__employee").order_by("technician__employee__name",
                                                             "technician_id")]


# --- a technician's day ----------------------------------------------------------------


@dataclass
class TechJob:
    job: Job
    clocked: Decimal
    running_since: dt.datetime | None


def technician_jobs(*, store, technician, now: dt.datetime | None = None) -> list[TechJob]:
    """The technician's open jobs (any day) and the jobs they finished today."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    since, until = _local(today, dt.time.min), _local(today + ONE_DAY, dt.time.min)
    finished_today = JobClock.objects.filter(job=OuterRef("pk"), end__gte=since, end__lt=until)
    jobs = list(
        Job.objects.filter(repair_order__store=store, technician=technician)
        .filter(Q(status__in=OPEN_WORK) | Q(status=JobStatus.FINISHED) & Exists(finished_today))
        .select_related("repair_order__vehicle").order_by("repair_order__promised_at", "id"))
    running = dict(JobClock.objects.filter(job__in=[j.pk for j in jobs], end__isnull=True)
                   .values_list("job_id", "start"))
    result = []
    for job in jobs:
        start = running.get(job.pk)
        clocked = Decimal(job.actual_hours) + (hours_between(start, now) if start else 0)
        result.append(TechJob(job=job, clocked=round_hours(clocked), running_since=start))
    order = {JobStatus.IN_PROGRESS: 0, JobStatus.PAUSED: 1, JobStatus.ASSIGNED: 2}
    result.sort(key=lambda t: order.get(t.job.status, 3))
    return result


# --- inspections -----------------------------------------------------------------------


def _with_last_inspection(queryset):
    last = Inspection.objects.filter(repair_order=OuterRef("pk")).order_by("-id")
    return queryset.annotate(last_level=Subquery(last.values("level")[:1]),
                             last_passed=Subquery(last.values("passed")[:1]))


def inspection_queue(*, store, level: int):
    """Completed orders waiting for the foreman's check (level 2) or, after it passed,
    for the final inspection (level 3)."""
    orders = _with_last_inspection(
        RepairOrder.objects.for_store(store).filter(status=ROStatus.COMPLETED)
    ).select_related("vehicle", "customer", "advisor__employee").order_by("promised_at", "id")
    final_ready = Q(last_level=Inspection.Level.FOREMAN, last_passed=True)
    return orders.filter(final_ready) if level == Inspection.Level.FINAL else (
        orders.exclude(final_ready))


def ro_inspections(repair_order: RepairOrder):
    return (repair_order.inspections.select_related("inspector__employee", "job", "instrument")
            .order_by("id"))


# --- reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days ``start`` … ``end`` (both included) in the active time zone."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return _local(self.start, dt.time.min)

    @property
    def until(self) -> dt.datetime:
        return _local(self.end + ONE_DAY, dt.time.min)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days
                                                                   + 1)]

    def between(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.since, f"{name}__lt": self.until})


def _day(name: str) -> TruncDate:
    return TruncDate(name, tzinfo=timezone.get_current_timezone())


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


NO_FINDINGS = ""


def quality_daily(*, store, period: Period) -> dict:
    """SV-14 per day: orders inspected (final inspection passed), first-time passes and
    rate, failed inspections by cause (findings) and by technician, comebacks."""
    inspections = Inspection.objects.filter(repair_order__store=store)
    earlier_failure = Inspection.objects.filter(repair_order=OuterRef("repair_order"),
                                                passed=False, id__lt=OuterRef("id"))
    passes = (inspections.filter(period.between("at"), level=Inspection.Level.FINAL,
                                 passed=True)
              .annotate(reworked=Exists(earlier_failure)).annotate(day=_day("at"))
              .order_by().values("day")
              .annotate(inspected=Count("repair_order", distinct=True),
                        first_pass=Count("repair_order", distinct=True,
                                         filter=Q(reworked=False))))
    failures = inspections.filter(period.between("at"), passed=False)
    fail_days = (failures.annotate(day=_day("at")).order_by().values("day", "level")
                 .annotate(n=Count("id")))
    comebacks = (RepairOrder.objects.for_store(store).filter(
        period.between("received_at"), comeback_of__isnull=False)
        .annotate(day=_day("received_at")).order_by().values("day").annotate(n=Count("id")))
    rows = {day: {"day": day, "inspected": 0, "first_pass": 0, "failures": 0,
                  "failures_by_level": {2: 0, 3: 0, 1: 0}, "comebacks": 0}
            for day in period.days}
    for r in passes:
        row = rows.get(_as_date(r["day"]))
        if row:
            row["inspected"], row["first_pass"] = r["inspected"], r["first_pass"]
    for r in fail_days:
        row = rows.get(_as_date(r["day"]))
        if row:
            row["failures"] += r["n"]
            row["failures_by_level"][r["level"]] = r["n"]
    for r in comebacks:
        row = rows.get(_as_date(r["day"]))
        if row:
            row["comebacks"] = r["n"]
    for row in rows.values():
        row["ftp_rate"] = rate(row["first_pass"], row["inspected"])
    days = [rows[d] for d in period.days]
    total = {key: sum(r[key] for r in days)
             for key in ("inspected", "first_pass", "failures", "comebacks")}
    total["ftp_rate"] = rate(total["first_pass"], total["inspected"])
    by_cause = [
        {"findings": r["findings"] or NO_FINDINGS, "level": r["level"], "n": r["n"],
         "level_label": Inspection.Level(r["level"]).label}
        for r in failures.order_by().values("findings", "level").annotate(n=Count("id"))
        .order_by("-n", "level", "findings")]
    # A failure of one job counts for its technician; a failure of the whole order for
    # every technician who worked on it.
    per_tech: dict[int, int] = defaultdict(int)
    for r in (failures.filter(job__isnull=False).order_by().values("job__technician")
              .annotate(n=Count("id"))):
        if r["job__technician"] is not None:
            per_tech[r["job__technician"]] += r["n"]
    for r in (failures.filter(job__isnull=True, repair_order__jobs__technician__isnull=False)
              .order_by().values("repair_order__jobs__technician")
              .annotate(n=Count("id", distinct=True))):
        per_tech[r["repair_order__jobs__technician"]] += r["n"]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=per_tech)
             .select_related("employee")}
    by_technician = sorted(
        ({"technician": users.get(pk), "name": person_name(users.get(pk)), "n": n}
         for pk, n in per_tech.items()), key=lambda r: (-r["n"], r["name"]))
    comeback_list = list(
        RepairOrder.objects.for_store(store).filter(period.between("received_at"),
                                                    comeback_of__isnull=False)
        .select_related("vehicle", "comeback_of").order_by("received_at", "id")[:200])
    return {"period": period, "days": days, "total": total, "by_cause": by_cause,
            "by_technician": by_technician, "comebacks": comeback_list}


def _clocked_duration(now: dt.datetime):
    return Sum(ExpressionWrapper(Coalesce("end", Value(now)) - F("start"),
                                 output_field=DurationField()))


def _duration_hours(value) -> Decimal:
    if value is None:
        return ZERO_HOURS
    if isinstance(value, dt.timedelta):
        return round_hours(Decimal(str(value.total_seconds())) / 3600)
    return round_hours(Decimal(value) / Decimal(3_600_000_000))  # microseconds (SQLite)


def technician_hours(*, stores, period: Period, now: dt.datetime | None = None
                     ) -> dict[tuple[int, int], tuple[Decimal, Decimal, Decimal]]:
    """(store id, technician id) -> hours sold on the jobs finished in the period, hours
    clocked and hours on shift: three queries whatever the number of stores."""
    now = now or clock.now()
    store_ids = [s.pk for s in stores]
    last_end = JobClock.objects.filter(job=OuterRef("pk")).order_by("-end").values("end")[:1]
    # Only jobs with a clock ending in the period can have finished in it (an index range
    # instead of every finished job of the stores).
    ended = JobClock.objects.filter(period.between("end")).values("job_id")
    sold = {
        (store, tech): Decimal(hours or 0) for store, tech, hours in
        Job.objects.filter(repair_order__store_id__in=store_ids, status=JobStatus.FINISHED,
                           technician__isnull=False, pk__in=ended)
        .annotate(finished_at=Subquery(last_end)).filter(period.between("finished_at"))
        .order_by().values("repair_order__store", "technician").annotate(h=Sum("hours"))
        .values_list("repair_order__store", "technician", "h")}
    clocked = {
        (store, tech): _duration_hours(value) for store, tech, value in
        JobClock.objects.filter(job__repair_order__store_id__in=store_ids)
        .filter(period.between("start"))
        .order_by().values("job__repair_order__store", "technician")
        .annotate(d=_clocked_duration(now))
        .values_list("job__repair_order__store", "technician", "d")}
    on_shift: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for shift in TechnicianShift.objects.filter(
            store_id__in=store_ids, day__gte=period.start, day__lte=period.end).only(
            "store_id", "technician_id", "day", "start", "end"):
        on_shift[(shift.store_id, shift.technician_id)] += ShiftWindow.of(shift).hours
    return {key: (sold.get(key, Decimal(0)), clocked.get(key, ZERO_HOURS),
                  on_shift.get(key, Decimal(0)))
            for key in set(sold) | set(clocked) | set(on_shift)}


def workshop_totals(*, stores, period: Period, now: dt.datetime | None = None
                    ) -> dict[int, dict]:
    """Store id -> the workshop's total row (as ``workshop_kpis(...)["total"]``) for every
    store given, in three queries."""
    per_store: dict[int, list[dict]] = {s.pk: [] for s in stores}
    for (store, _tech), hours in technician_hours(stores=stores, period=period,
                                                  now=now).items():
        per_store[store].append(_kpi_row(None, "", *hours))
    return {store: _total_row(rows) for store, rows in per_store.items()}


def workshop_kpis(*, store, period: Period, now: dt.datetime | None = None) -> dict:
    """Per technician and in total: hours sold, hours clocked, hours on shift,
    productivity (clocked / on shift) and efficiency (sold / clocked)."""
    hours = {tech: figures for (_store, tech), figures in
             technician_hours(stores=[store], period=period, now=now).items()}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=hours)
             .select_related("employee")}
    rows = [_kpi_row(users.get(pk), person_name(users.get(pk)), *figures)
            for pk, figures in hours.items()]
    rows.sort(key=lambda r: (r["name"], r["technician"].pk if r["technician"] else 0))
    return {"period": period, "rows": rows, "total": _total_row(rows)}


def _total_row(rows: list[dict]) -> dict:
    return _kpi_row(None, "", sum((r["sold"] for r in rows), Decimal(0)),
                    sum((r["clocked"] for r in rows), Decimal(0)),
                    sum((r["on_shift"] for r in rows), Decimal(0)))


def _kpi_row(user, name: str, sold: Decimal, clocked: Decimal, on_shift: Decimal) -> dict:
    sold, clocked, on_shift = round_hours(sold), round_hours(clocked), round_hours(on_shift)
    return {"technician": user, "name": name, "sold": sold, "clocked": clocked,
            "on_shift": on_shift, "productivity": rate(clocked, on_shift),
            "efficiency": rate(sold, clocked)}
