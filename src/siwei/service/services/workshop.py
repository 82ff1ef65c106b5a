"""The workshop: dispatch, clocking and the three-level inspection (SV-10, SV-13).

Dispatch (派工): the foreman assigns a job to a technician on shift that day. Clocking:
the assigned technician (or the foreman for them) starts, pauses, resumes and finishes a
job; every stretch is a ``JobClock`` row and ``Job.actual_hours`` is their sum. A
technician works one job at a time. Finishing records the level-1 self-check; when every
job of the repair order is finished and self-checked the order is completed.

Inspection (三级检验): level 1 technician self-check per job, level 2 foreman check, level
3 final inspection by a QC inspector, each only after the previous level passed. A
failure at level 2 or 3 sends the order and the jobs concerned back to work (rework); a
level-3 pass marks the order inspected and issues the completion certificate
(竣工出厂合格证).

Locks are always taken in the same order — the technician's user row, then the repair
order, then its jobs — so parallel actions serialise instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_batch, audit_record
from siwei.core.errors import DomainError
from siwei.core.numbering import number_next
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import (
    JOB_FLOW,
    RO_FLOW,
    Inspection,
    Job,
    JobClock,
    JobStatus,
    RepairOrder,
    ROStatus,
    TechnicianShift,
)
from .order_rules import remember_lines

HUNDREDTH = Decimal("0.01")
SECONDS_PER_HOUR = Decimal(3600)

PERM_DISPATCH = "service.dispatch_jobs"
PERM_WORK = "service.work_jobs"
PERM_FOREMAN = "service.inspect_foreman"
PERM_FINAL = "service.inspect_final"

# SV-13: what the final inspection covers (each True = passed).
FINAL_CHECKS = ("safety", "power", "economy", "reliability", "emissions", "cleanliness")
# Usual wear parts whose remaining life is noted (others may be added by name).
WEAR_PARTS = ("tyres", "brake_pads", "brake_discs", "wiper_blades", "battery")

WORKING = (JobStatus.IN_PROGRESS,)
OPEN_WORK = (JobStatus.ASSIGNED, JobStatus.IN_PROGRESS, JobStatus.PAUSED)


# --- helpers ---------------------------------------------------------------------------


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Hours from ``start`` to ``end`` (never negative), unrounded."""
    seconds = max((end - start).total_seconds(), 0)
    return Decimal(str(seconds)) / SECONDS_PER_HOUR


def round_hours(value: Decimal) -> Decimal:
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _require(actor, store, perm: str) -> None:
    """``actor=None`` is the system (demo, scheduler) and is trusted, as in orders."""
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not do this in this store."))


def _may_clock(actor, job: Job, store) -> None:
    """The assigned technician (with the clocking permission) or a dispatcher (foreman)."""
    if actor is None or has_store_perm(actor, store, PERM_DISPATCH):
        return
    if job.technician_id == actor.pk and has_store_perm(actor, store, PERM_WORK):
        return
    raise PermissionDenied(_("Only the assigned technician or the foreman clocks on this job."))


def _lock_ro(repair_order: RepairOrder) -> RepairOrder:
    """The order's row (not its store's), locked for the rest of the transaction."""
    from .orders import locked

    return locked(repair_order)


def _lock_job(job: Job) -> Job:
    return Job.objects.select_for_update().get(pk=job.pk)


def _lock_jobs(ro: RepairOrder, job: Job) -> Job:
    """Lock every job of the locked order (one query, id order) and return ``job``'s
    row among them; the jobs are kept on the order for its rendering afterwards."""
    jobs = list(Job.objects.select_for_update().filter(repair_order=ro).order_by("id"))
    for each in jobs:
        each.repair_order = ro
    found = next((each for each in jobs if each.pk == job.pk), None)
    if found is None:
        raise ValidationError({"job": [_("This job belongs to another repair order.")]})
    remember_lines(ro, jobs, None)
    return found


def _jobs_of(ro: RepairOrder) -> list[Job]:
    """The order's jobs as a service of this transaction left them (``_lock_jobs``)."""
    cached = getattr(ro, "_prefetched_objects_cache", {}).get("jobs")
    return list(cached) if cached is not None else list(ro.jobs.order_by("id"))


def _lock_user(job: Job) -> None:
    """Serialise every clock-on of one technician (two tablets, two parallel starts):
    lock the user row of the job's technician (one query)."""
    list(get_user_model().objects.select_for_update().filter(
        pk__in=Job.objects.filter(pk=job.pk, technician__isnull=False)
        .values("technician_id")).values_list("pk", flat=True))


def _work_allowed(repair_order: RepairOrder, job: Job) -> None:
    """The order engineer's rule (SV-7, SV-8, SV-11): signed, contract, approval."""
    from . import orders

    orders.work_allowed(repair_order, job)


def _close_clocks(job: Job, now: dt.datetime) -> None:
    JobClock.objects.filter(job=job, end__isnull=True).update(end=now)


def _recount_hours(job: Job) -> None:
    """``actual_hours`` = the clocked time of every closed stretch, 2 decimals."""
    total = sum((hours_between(start, end) for start, end in JobClock.objects.filter(
        job=job, end__isnull=False).values_list("start", "end")), Decimal(0))
    job.actual_hours = round_hours(total)


def _technician_busy(technician_id: int, *, except_job: Job) -> Job | None:
    return (Job.objects.filter(technician_id=technician_id, status=JobStatus.IN_PROGRESS)
            .exclude(pk=except_job.pk).select_related("repair_order").first())


def _refuse_if_busy(job: Job) -> None:
    other = _technician_busy(job.technician_id, except_job=job)
    if other is not None:
        raise DomainError(
            "invalid_transition",
            _("The technician is already working on %(job)s of %(ro)s; pause or finish it "
              "first.") % {"job": other.name, "ro": other.repair_order.number},
            status=job.status, busy_job=other.pk)


def _open_clock(job: Job, now: dt.datetime) -> None:
    JobClock.objects.create(job=job, technician_id=job.technician_id, start=now)


def _live_jobs(repair_order: RepairOrder):
    """The jobs that must be done: not declined by the customer."""
    return repair_order.jobs.exclude(status=JobStatus.DECLINED).exclude(declined=True)


def _live(jobs: list[Job]) -> list[Job]:
    """``_live_jobs`` among jobs already loaded."""
    return [job for job in jobs if job.status != JobStatus.DECLINED and not job.declined]


def _complete_if_done(*, actor, ro: RepairOrder, now: dt.datetime) -> None:
    """SV-16: completed when every job to do is finished and self-checked."""
    if ro.status != ROStatus.IN_PROGRESS:
        return
    jobs = [(job.status, job.self_checked) for job in _live(_jobs_of(ro))]
    if not jobs or any(s != JobStatus.FINISHED or not checked for s, checked in jobs):
        return
    before = ro.status
    ro.status = RO_FLOW.target(ro.status, "complete")
    ro.completed_at = now
    ro.save(update_fields=["status", "completed_at"])
    audit_record(actor=actor, action="ro.complete", obj=ro, before={"status": before},
                 after={"status": ro.status})


def _start_ro(*, actor, ro: RepairOrder) -> None:
    """The first clock-on moves the order to in progress (SV-16)."""
    target = RO_FLOW.target(ro.status, "start")
    if ro.status != target:
        before = ro.status
        ro.status = target
        ro.save(update_fields=["status"])
        audit_record(actor=actor, action="ro.start", obj=ro, before={"status": before},
                     after={"status": target})


def technician_on_shift(*, store, technician, day: dt.date) -> TechnicianShift | None:
    return TechnicianShift.objects.filter(store=store, technician=technician, day=day).first()


# --- dispatch (SV-10) ------------------------------------------------------------------


@service_transaction
def job_assign(*, actor, job: Job, technician) -> Job:
    """The foreman gives a job to a technician of the store who is on shift today."""
    ro = _lock_ro(job.repair_order)
    _require(actor, ro.store, PERM_DISPATCH)
    job = _lock_jobs(ro, job)
    status = JOB_FLOW.target(job.status, "assign")
    _work_allowed(ro, job)
    RO_FLOW.target(ro.status, "start")  # only orders that may be worked on
    if technician is None or not getattr(technician, "is_active", False):
        raise ValidationError({"technician": [_("Choose a technician.")]})
    if not has_store_perm(technician, ro.store, PERM_WORK):
        raise ValidationError({"technician": [
            _("%(name)s is not a technician of this store.") % {"name": _name(technician)}]})
    if technician_on_shift(store=ro.store, technician=technician, day=clock.today()) is None:
        raise ValidationError({"technician": [
            _("%(name)s has no shift today.") % {"name": _name(technician)}]})
    before = {"technician": job.technician_id, "status": job.status}
    job.technician, job.status = technician, status
    job.save(update_fields=["technician", "status"])
    audit_record(actor=actor, action="job.assign", obj=ro, before=before,
                 after={"job": job.pk, "technician": technician.pk, "status": status})
    return job


def _name(user) -> str:
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else user.get_username()


# --- clocking (SV-10) ------------------------------------------------------------------


@service_transaction
@audit_batch()
def job_start(*, actor, job: Job) -> Job:
    """Clock on an assigned job; the first start moves the order to in progress."""
    _lock_user(job)
    ro = _lock_ro(job.repair_order)
    job = _lock_jobs(ro, job)
    _may_clock(actor, job, ro.store)
    status = JOB_FLOW.target(job.status, "start")
    if job.technician_id is None:  # pragma: no cover - assigned jobs have one
        raise DomainError("invalid_transition", _("Assign the job to a technician first."))
    _work_allowed(ro, job)
    _refuse_if_busy(job)
    now = clock.now()
    _start_ro(actor=actor, ro=ro)
    _open_clock(job, now)
    job.status = status
    job.save(update_fields=["status"])
    audit_record(actor=actor, action="job.start", obj=ro,
                 after={"job": job.pk, "technician": job.technician_id})
    return job


@service_transaction
def job_pause(*, actor, job: Job) -> Job:
    """Clock off for a while (break, waiting for parts)."""
    ro = _lock_ro(job.repair_order)
    job = _lock_jobs(ro, job)
    _may_clock(actor, job, ro.store)
    job.status = JOB_FLOW.target(job.status, "pause")
    _close_clocks(job, clock.now())
    _recount_hours(job)
    job.save(update_fields=["status", "actual_hours"])
    audit_record(actor=actor, action="job.pause", obj=ro,
                 after={"job": job.pk, "actual_hours": job.actual_hours})
    return job


@service_transaction
@audit_batch()
def job_resume(*, actor, job: Job) -> Job:
    """Clock on again after a pause (not while working on another job)."""
    _lock_user(job)
    ro = _lock_ro(job.repair_order)
    job = _lock_jobs(ro, job)
    _may_clock(actor, job, ro.store)
    status = JOB_FLOW.target(job.status, "resume")
    _work_allowed(ro, job)
    _refuse_if_busy(job)
    _start_ro(actor=actor, ro=ro)
    _open_clock(job, clock.now())
    job.status = status
    job.save(update_fields=["status"])
    audit_record(actor=actor, action="job.resume", obj=ro, after={"job": job.pk})
    return job


@service_transaction
@audit_batch()
def job_finish(*, actor, job: Job, self_check_passed: bool = True, findings: str = "") -> Job:
    """Finish a job with the technician's self-check (level 1). A failed self-check keeps
    the job in progress (rework); the last finished job completes the order."""
    ro = _lock_ro(job.repair_order)
    job = _lock_jobs(ro, job)
    _may_clock(actor, job, ro.store)
    status = JOB_FLOW.target(job.status, "finish")
    now = clock.now()
    findings = _clean_findings(findings)
    if not self_check_passed and not findings:
        raise ValidationError({"findings": [_("Say what the self-check found.")]})
    _record(actor=actor, ro=ro, level=Inspection.Level.SELF, passed=self_check_passed,
            findings=findings, job=job, now=now)
    if not self_check_passed:
        audit_record(actor=actor, action="job.self_check_failed", obj=ro,
                     after={"job": job.pk}, note=findings)
        return job
    _close_clocks(job, now)
    _recount_hours(job)
    job.status, job.self_checked = status, True
    job.save(update_fields=["status", "actual_hours", "self_checked"])
    audit_record(actor=actor, action="job.finish", obj=ro,
                 after={"job": job.pk, "actual_hours": job.actual_hours})
    _complete_if_done(actor=actor, ro=ro, now=now)
    return job


# --- inspection (SV-13) ----------------------------------------------------------------


def _clean_findings(findings: str | None) -> str:
    findings = (findings or "").strip()
    if len(findings) > 2000:
        raise ValidationError({"findings": [_("Keep the findings under 2000 characters.")]})
    return findings


def _clean_checks(checks: Any) -> dict[str, bool]:
    if checks in (None, ""):
        return {}
    if not isinstance(checks, dict):
        raise ValidationError({"checks": [_("Give the checks as a mapping of item to result.")]})
    unknown = sorted(set(map(str, checks)) - set(FINAL_CHECKS))
    if unknown:
        raise ValidationError({"checks": [_("Unknown checks: %(items)s.")
                                          % {"items": ", ".join(unknown)}]})
    if any(not isinstance(v, bool) for v in checks.values()):
        raise ValidationError({"checks": [_("Each check is passed (true) or failed (false).")]})
    return {k: checks[k] for k in FINAL_CHECKS if k in checks}


def _clean_wear(wear: Any) -> dict[str, int]:
    if wear in (None, ""):
        return {}
    if not isinstance(wear, dict):
        raise ValidationError({"wear": [_("Give the wear parts as a mapping of part to %.")]})
    cleaned = {}
    for name, value in wear.items():
        name = str(name).strip()
        if not name or len(name) > 30:
            raise ValidationError({"wear": [_("Name each wear part (at most 30 characters).")]})
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str | float):
            raise ValidationError({"wear": [_("The remaining life is a percentage.")]})
        try:
            percent = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError({"wear": [_("The remaining life is a percentage.")]}) from None
        if not percent.is_finite() or percent != percent.to_integral_value() \
                or not 0 <= percent <= 100:
            raise ValidationError({"wear": [
                _("The remaining life of %(part)s must be a whole number from 0 to 100.")
                % {"part": name}]})
        cleaned[name] = int(percent)
    return cleaned


def _record(*, actor, ro: RepairOrder, level: int, passed: bool, findings: str,
            job: Job | None, now: dt.datetime, checks: dict | None = None,
            wear: dict | None = None, road_test: bool = False,
            instrument=None) -> Inspection:
    inspector = actor if actor is not None else (job.technician if job is not None else None)
    inspection = Inspection.objects.create(
        repair_order=ro, job=job, level=level, inspector=inspector, at=now, passed=passed,
        findings=findings, checks=checks or {}, wear=wear or {}, road_test=road_test,
        instrument=instrument)
    after = {"inspection": inspection.pk, "job": job.pk if job else None, "passed": passed}
    if instrument is not None:
        after["instrument"] = instrument.pk
    audit_record(actor=actor, action=f"inspection.level{level}", obj=ro, after=after,
                 note=findings)
    return inspection


def last_inspection(repair_order: RepairOrder) -> Inspection | None:
    return repair_order.inspections.order_by("-id").first()


def foreman_check_due(repair_order: RepairOrder) -> bool:
    return repair_order.status == ROStatus.COMPLETED


def final_inspection_due(repair_order: RepairOrder, last: Inspection | None = None) -> bool:
    """Level 3 may follow when the order is completed and its latest inspection is a
    passed foreman check (a new job finished or a failure since then needs a new one)."""
    last = last if last is not None else last_inspection(repair_order)
    return (repair_order.status == ROStatus.COMPLETED and last is not None
            and last.level == Inspection.Level.FOREMAN and last.passed)


def _rework(*, actor, ro: RepairOrder, job: Job | None) -> list[int]:
    """A failed foreman or final inspection: the order and the jobs concerned go back."""
    before = ro.status
    ro.status = RO_FLOW.target(ro.status, "rework")
    ro.save(update_fields=["status"])
    jobs = [job] if job is not None else list(
        _live_jobs(ro).select_for_update().filter(status=JobStatus.FINISHED))
    for each in jobs:
        each.status = JOB_FLOW.target(each.status, "rework")
        each.self_checked = False
        each.save(update_fields=["status", "self_checked"])
    audit_record(actor=actor, action="ro.rework", obj=ro, before={"status": before},
                 after={"status": ro.status, "jobs": [j.pk for j in jobs]})
    getattr(ro, "_prefetched_objects_cache", {}).pop("jobs", None)  # changed rows
    return [j.pk for j in jobs]


def _self_check(*, actor, ro: RepairOrder, job: Job | None, passed: bool, findings: str,
                now: dt.datetime) -> Inspection:
    if job is None:
        waiting = list(_live_jobs(ro).select_for_update().filter(
            status__in=[JobStatus.IN_PROGRESS, JobStatus.FINISHED], self_checked=False)[:2])
        if len(waiting) != 1:
            raise ValidationError({"job": [_("Choose the job of this self-check.")]})
        job = waiting[0]
        job.repair_order = ro
    else:
        job = _lock_jobs(ro, job)
    if job.status == JobStatus.IN_PROGRESS:
        job_finish(actor=actor, job=job, self_check_passed=passed, findings=findings)
        return Inspection.objects.filter(job=job, level=Inspection.Level.SELF).latest("id")
    _may_clock(actor, job, ro.store)
    if job.status != JobStatus.FINISHED or job.self_checked:
        raise DomainError("invalid_transition",
                          _("The self-check follows the work on the job."), status=job.status)
    if not passed and not findings:
        raise ValidationError({"findings": [_("Say what the self-check found.")]})
    inspection = _record(actor=actor, ro=ro, level=Inspection.Level.SELF, passed=passed,
                         findings=findings, job=job, now=now)
    if passed:
        job.self_checked = True
        job.save(update_fields=["self_checked"])
        _complete_if_done(actor=actor, ro=ro, now=now)
    else:
        job.status = JOB_FLOW.target(job.status, "rework")
        job.save(update_fields=["status"])
    return inspection


@service_transaction
@audit_batch()
def inspection_record(*, actor, repair_order: RepairOrder, level: int, passed: bool,
                      findings: str = "", checks: dict | None = None,
                      wear: dict | None = None, road_test: bool = False,
                      job: Job | None = None, instrument=None) -> Inspection:
    """Record one level of the three-level inspection (SV-13). ``instrument``: the
    measuring instrument used by the foreman or the QC inspector (SV-20); one overdue for
    calibration, never calibrated or stopped is refused (409 ``instrument_overdue``)."""
    try:
        level = Inspection.Level(int(level))
    except (TypeError, ValueError):
        raise ValidationError({"level": [_("The level is 1, 2 or 3.")]}) from None
    if not isinstance(passed, bool):
        raise ValidationError({"passed": [_("Say whether the inspection passed.")]})
    ro = _lock_ro(repair_order)
    if job is not None and job.repair_order_id != ro.pk:
        raise ValidationError({"job": [_("This job belongs to another repair order.")]})
    findings = _clean_findings(findings)
    now = clock.now()
    if instrument is not None and level == Inspection.Level.SELF:
        raise ValidationError({"instrument": [_("The instrument is recorded with the "
                                                "foreman's check or the final inspection.")]})
    if level == Inspection.Level.SELF:
        return _self_check(actor=actor, ro=ro, job=job, passed=passed, findings=findings,
                           now=now)
    if actor is None:
        raise PermissionDenied(_("An inspection is recorded by the person who did it."))
    _require(actor, ro.store, PERM_FOREMAN if level == Inspection.Level.FOREMAN else PERM_FINAL)
    checks = _clean_checks(checks)
    wear = _clean_wear(wear)
    if level == Inspection.Level.FOREMAN and (checks or wear or road_test):
        raise ValidationError({"checks": [_("Checks, wear parts and the road test belong to "
                                            "the final inspection.")]})
    if passed and checks and not all(checks.values()):
        failed = ", ".join(k for k, v in checks.items() if not v)
        raise ValidationError({"checks": [_("A failed check (%(items)s) fails the inspection.")
                                          % {"items": failed}]})
    if not passed and not findings:
        raise ValidationError({"findings": [_("Say what failed.")]})
    if job is not None and (job.status == JobStatus.DECLINED or job.declined):
        raise ValidationError({"job": [_("This job was declined by the customer.")]})
    _inspection_allowed(ro, level)
    _instrument_allowed(ro, instrument)
    inspection = _record(actor=actor, ro=ro, level=level, passed=passed, findings=findings,
                         job=job, now=now, checks=checks, wear=wear, road_test=road_test,
                         instrument=instrument)
    if not passed:
        _rework(actor=actor, ro=ro, job=_lock_job(job) if job is not None else None)
    elif level == Inspection.Level.FINAL:
        before = ro.status
        ro.status = RO_FLOW.target(ro.status, "inspect")
        ro.inspected_at = now
        ro.certificate_number = number_next(store=ro.store, doc_type="QC")
        ro.save(update_fields=["status", "inspected_at", "certificate_number"])
        audit_record(actor=actor, action="ro.inspect", obj=ro, before={"status": before},
                     after={"status": ro.status, "certificate": ro.certificate_number})
    return inspection


def _instrument_allowed(ro: RepairOrder, instrument) -> None:
    """SV-20: a measuring instrument of the store, with a valid calibration."""
    if instrument is None:
        return
    from ..models import EquipmentKind
    from .equipment import instrument_check

    if instrument.store_id != ro.store_id or instrument.kind != EquipmentKind.INSTRUMENT:
        raise ValidationError({"instrument": [_("Choose a measuring instrument of this "
                                                "store.")]})
    instrument_check(instrument=instrument, on=clock.today())


def _inspection_allowed(ro: RepairOrder, level: int) -> None:
    if ro.status in (ROStatus.DRAFT, ROStatus.OPEN, ROStatus.IN_PROGRESS):
        raise DomainError("inspection_required",
                          _("Every job must be finished and self-checked first."),
                          status=ro.status)
    if ro.status != ROStatus.COMPLETED:
        raise DomainError("invalid_transition",
                          _("This repair order is not waiting for an inspection (%(state)s).")
                          % {"state": ro.get_status_display()}, status=ro.status)
    jobs = list(ro.jobs.order_by("id"))
    remember_lines(ro, jobs, None)
    if any(job.status != JobStatus.FINISHED or not job.self_checked for job in _live(jobs)):
        raise DomainError("inspection_required",
                          _("Every job must be finished and self-checked first."),
                          status=ro.status)
    if level == Inspection.Level.FINAL and not final_inspection_due(ro):
        raise DomainError("inspection_required",
                          _("The foreman's check must pass before the final inspection."),
                          status=ro.status)
