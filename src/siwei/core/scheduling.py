"""Periodic jobs (architecture.md: ``siwei scheduler``): each app lists its jobs in
``<app>/schedule.py`` as ``JOBS = [Job(...)]``; the scheduler enqueues a job's task when a
new slot of its schedule has come.

A job runs every N minutes (slots aligned to the hour: :00, :15, :30 …) or daily at a
local time (``Asia/Shanghai`` by default). ``ScheduledRun`` keeps the last slot enqueued
per job: a job is due when its latest slot at or before now is later than that, so a
scheduler that was down enqueues a missed job once (not once per missed slot), a restart
enqueues nothing twice, and the row lock makes two schedulers enqueue one slot once.
Time comes from ``siwei.core.clock`` so tests move it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import clock
from .registry import app_modules

logger = logging.getLogger("siwei.scheduler")


@dataclass(frozen=True)
class Job:
    """A periodic job: ``task`` is a django-tasks task or its dotted path (resolved when
    the job is due, so an app's task module is imported only by the scheduler). Give
    ``every_minutes`` or ``daily_at`` (local time), not both."""

    name: str
    task: Any
    every_minutes: int | None = None
    daily_at: dt.time | None = None
    description: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every_minutes is None) == (self.daily_at is None):
            raise ValueError(f"job {self.name!r}: give every_minutes or daily_at")
        if self.every_minutes is not None and not 0 < self.every_minutes <= 24 * 60:
            raise ValueError(f"job {self.name!r}: every_minutes must be 1 … 1440")

    @property
    def schedule_label(self) -> str:
        if self.every_minutes is not None:
            return f"every {self.every_minutes} min"
        return f"daily at {self.daily_at:%H:%M}"

    def latest_slot(self, now: dt.datetime) -> dt.datetime:
        """The latest slot of the schedule at or before ``now`` (timezone-aware)."""
        if self.every_minutes is not None:
            step = self.every_minutes * 60
            start = int(now.timestamp()) // step * step
            return dt.datetime.fromtimestamp(start, tz=dt.UTC)
        zone = timezone.get_default_timezone()
        local = now.astimezone(zone)
        slot = dt.datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if slot > now:
            slot = dt.datetime.combine(local.date() - dt.timedelta(days=1), self.daily_at,
                                       tzinfo=zone)
        return slot

    def resolve(self):
        """The task object (imports a dotted path)."""
        return import_string(self.task) if isinstance(self.task, str) else self.task


def all_jobs() -> tuple[Job, ...]:
    """Every app's ``schedule.JOBS``; a name used twice is an error."""
    return _collect()


@cache
def _collect() -> tuple[Job, ...]:
    jobs: dict[str, Job] = {}
    for module in app_modules("schedule"):
        for job in getattr(module, "JOBS", []):
            if job.name in jobs:
                raise ValueError(f"two scheduled jobs are named {job.name!r}")
            jobs[job.name] = job
    return tuple(jobs.values())


def _enqueue_on_commit(task, kwargs: dict[str, Any]) -> None:
    """Enqueue so that no worker can see the task before the slot is committed. The
    database backend writes the task row in this very transaction (both commit or
    neither); any other backend (the immediate one in tests, a broker) enqueues after
    the commit."""
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs), robust=True)


def run_due_jobs(now: dt.datetime | None = None, *, jobs=None) -> list[str]:
    """Enqueue every job whose latest slot has not been enqueued yet; returns their
    names. One job's failure (say, a task that cannot be imported) is logged and does not
    stop the others; its slot stays open for the next round."""
    from .models import ScheduledRun

    now = now or clock.now()
    jobs = all_jobs() if jobs is None else tuple(jobs)
    if not jobs:
        return []
    ScheduledRun.objects.bulk_create([ScheduledRun(name=job.name) for job in jobs],
                                     ignore_conflicts=True)
    enqueued = []
    for job in jobs:
        slot = job.latest_slot(now)
        try:
            task = job.resolve()
            with transaction.atomic():
                run = ScheduledRun.objects.select_for_update().get(name=job.name)
                if run.last_slot is not None and run.last_slot >= slot:
                    continue
                run.last_slot, run.enqueued_at = slot, now
                run.save(update_fields=["last_slot", "enqueued_at"])
                _enqueue_on_commit(task, dict(job.kwargs))
        except Exception:
            logger.exception("scheduled job %s could not be enqueued", job.name)
            continue
        logger.info("enqueued %s (slot %s)", job.name, timezone.localtime(slot).isoformat())
        enqueued.append(job.name)
    return enqueued


def job_states(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Each job with its schedule, last slot enqueued and whether it is due now."""
    from .models import ScheduledRun

    now = now or clock.now()
    last = dict(ScheduledRun.objects.values_list("name", "last_slot"))
    rows = []
    for job in all_jobs():
        slot = job.latest_slot(now)
        rows.append({"name": job.name, "schedule": job.schedule_label,
                     "last_slot": last.get(job.name),
                     "due": last.get(job.name) is None or last[job.name] < slot,
                     "description": job.description})
    return rows


def jsonable(value: Any) -> Any:
    """A task's return value made JSON-friendly (a list becomes its length)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return len(value)
    return str(value)
