"""The periodic-job scheduler (architecture.md: ``siwei scheduler`` enqueues the periodic
tasks, cron-like, testable with a fake clock) and the ``siwei worker`` command."""

from __future__ import annotations

import datetime as dt
import io
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks import task

from siwei.core import clock as clock_module
from siwei.core.models import ScheduledRun
from siwei.core.scheduling import Job, all_jobs, run_due_jobs

TZ = ZoneInfo("Asia/Shanghai")
CALLS: list[tuple[str, dt.datetime]] = []
_lock = threading.Lock()


@task()
def every_quarter_hour() -> int:
    with _lock:
        CALLS.append(("quarter", clock_module.now()))
    return len(CALLS)


@task()
def nightly() -> int:
    with _lock:
        CALLS.append(("nightly", clock_module.now()))
    return len(CALLS)


QUARTER = Job("test.quarter", every_quarter_hour, every_minutes=15)
NIGHTLY = Job("test.nightly", "tests.core.test_scheduler.nightly", daily_at=dt.time(2, 0))
BROKEN = Job("test.broken", "tests.core.test_scheduler.does_not_exist", every_minutes=5)


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def run(django_capture_on_commit_callbacks, clock):
    """Run the scheduler's round at the clock's time, tasks executed (immediate backend)."""

    def go(jobs=(QUARTER, NIGHTLY)) -> list[str]:
        with django_capture_on_commit_callbacks(execute=True):
            return run_due_jobs(jobs=jobs)

    return go


def kinds() -> list[str]:
    return [name for name, _at in CALLS]


# --- slots -------------------------------------------------------------------------------


def test_every_15_minutes_slots_are_the_quarter_hours():
    assert QUARTER.latest_slot(at("2026-11-22", 9, 7)) == at("2026-11-22", 9, 0)
    assert QUARTER.latest_slot(at("2026-11-22", 9, 15)) == at("2026-11-22", 9, 15)
    assert QUARTER.latest_slot(at("2026-11-23", 0, 5)) == at("2026-11-23", 0, 0)
    assert QUARTER.latest_slot(at("2026-11-22", 23, 59)) == at("2026-11-22", 23, 45)


def test_daily_slot_is_local_time_and_crosses_midnight():
    assert NIGHTLY.latest_slot(at("2026-11-22", 9, 0)) == at("2026-11-22", 2, 0)
    assert NIGHTLY.latest_slot(at("2026-11-22", 1, 59)) == at("2026-11-21", 2, 0)
    assert NIGHTLY.latest_slot(at("2026-11-23", 0, 30)) == at("2026-11-22", 2, 0)
    assert NIGHTLY.latest_slot(at("2026-11-23", 2, 0)) == at("2026-11-23", 2, 0)
    # 2026-12-31 → 2027-01-01
    assert NIGHTLY.latest_slot(at("2027-01-01", 1, 0)) == at("2026-12-31", 2, 0)


def test_a_job_needs_exactly_one_schedule():
    with pytest.raises(ValueError):
        Job("x", nightly)
    with pytest.raises(ValueError):
        Job("x", nightly, every_minutes=5, daily_at=dt.time(1, 0))


# --- enqueuing ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_twice_enqueues_nothing_twice(run, clock):
    assert run() == ["test.quarter", "test.nightly"]
    assert kinds() == ["quarter", "nightly"]
    assert run() == []
    clock.advance(minutes=5)  # 09:05, still the 09:00 slot
    assert run() == []
    assert kinds() == ["quarter", "nightly"]
    assert ScheduledRun.objects.get(name="test.quarter").last_slot == at("2026-11-22", 9, 0)


@pytest.mark.django_db
def test_every_15_min_and_daily_jobs_over_midnight_with_the_fake_clock(run, clock):
    clock.set(at("2026-11-22", 23, 50))
    run()
    CALLS.clear()
    per_slot = []
    for _step in range(16):  # 23:55 … 01:10, every 5 minutes
        clock.advance(minutes=5)
        per_slot.append((clock_module.localnow().strftime("%H:%M"), run()))
    ran = [slot for slot, names in per_slot if "test.quarter" in names]
    assert ran == ["00:00", "00:15", "00:30", "00:45", "01:00"]
    assert not any("test.nightly" in names for _slot, names in per_slot)
    clock.set(at("2026-11-23", 2, 0))
    assert run() == ["test.quarter", "test.nightly"]
    clock.set(at("2026-11-23", 2, 10))
    assert run() == []


@pytest.mark.django_db
def test_a_restart_catches_missed_slots_up_once_not_once_per_slot(run, clock):
    run()
    CALLS.clear()
    # The scheduler is down from Sunday 09:00 to Tuesday 08:20: two nightly slots and
    # about 190 quarter-hours were missed.
    clock.set(at("2026-11-24", 8, 20))
    assert run() == ["test.quarter", "test.nightly"]
    assert kinds() == ["quarter", "nightly"]
    assert run() == []
    assert ScheduledRun.objects.get(name="test.nightly").last_slot == at("2026-11-24", 2, 0)


@pytest.mark.django_db
def test_a_job_that_cannot_be_imported_is_logged_and_retried_later(run, clock, caplog):
    assert run(jobs=(BROKEN, QUARTER)) == ["test.quarter"]
    assert "test.broken" in caplog.text
    assert ScheduledRun.objects.get(name="test.broken").last_slot is None


@pytest.mark.django_db
def test_the_apps_contribute_their_jobs():
    jobs = {job.name: job for job in all_jobs()}
    assert {
        "crm.recompute_customer_categories": dt.time(2, 0),
        "parts.recompute_abc_classes": dt.time(3, 0),
        "service.close_repair_orders": dt.time(1, 0),
        "care.create_reminders": dt.time(7, 0),
        "care.retrain_classifiers": dt.time(4, 0),
    }.items() <= {name: job.daily_at for name, job in jobs.items()}.items()
    assert {name: job.every_minutes for name, job in jobs.items() if job.every_minutes} == {
        "service.mark_appointment_no_shows": 15, "care.escalate_complaints": 15,
        "care.send_campaigns": 5}
    for name in ("crm.recompute_customer_categories", "parts.recompute_abc_classes",
                 "service.mark_appointment_no_shows", "service.close_repair_orders",
                 "care.create_reminders", "care.escalate_complaints", "care.send_campaigns"):
        assert hasattr(jobs[name].resolve(), "enqueue"), name


# --- the commands ------------------------------------------------------------------------


@pytest.mark.django_db
def test_scheduler_once_enqueues_the_due_jobs_and_exits(clock, django_capture_on_commit_callbacks,
                                                        store_bj):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("scheduler", "--once", stdout=out)
    assert "enqueued care.create_reminders" in out.getvalue()
    assert "enqueued service.mark_appointment_no_shows" in out.getvalue()
    again = io.StringIO()
    call_command("scheduler", "--once", stdout=again)
    assert "enqueued" not in again.getvalue()
    listing = io.StringIO()
    call_command("scheduler", "--list", stdout=listing)
    assert "care.create_reminders" in listing.getvalue()
    assert "daily at 07:00" in listing.getvalue()


def test_worker_help_names_its_options():
    from siwei.core.management.commands.worker import Command

    text = Command().create_parser("siwei", "worker").format_help()
    assert "--batch" in text and "--queue-name" in text and "scheduler" in text


def test_scheduler_refuses_a_non_positive_interval():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("scheduler", "--interval", "0")


# --- two schedulers ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_in_parallel_enqueue_one_slot_once(clock):
    from django.db import close_old_connections, connection

    schedulers = 4
    barrier = threading.Barrier(schedulers)
    results: list[list[str]] = []

    def scheduler():
        try:
            barrier.wait()
            results.append(run_due_jobs(jobs=(QUARTER, NIGHTLY)))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(kinds()) == ["nightly", "quarter"]
    assert sorted(name for names in results for name in names) == ["test.nightly",
                                                                   "test.quarter"]
    assert ScheduledRun.objects.filter(name__startswith="test.").count() == 2
