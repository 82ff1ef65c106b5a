"""SV-10 dispatch and clocking, SV-13 three-level inspection, SV-16 states: the services."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from siwei.core.errors import DomainError
from siwei.core.models import AuditEvent
from siwei.service.models import (
    Inspection,
    JobClock,
    JobStatus,
    ROStatus,
    TechnicianShift,
)
from siwei.service.services.orders import (
    repair_order_add_job,
    repair_order_approve_additional,
    repair_order_decline_additional,
)
from siwei.service.services.workshop import (
    inspection_record,
    job_assign,
    job_finish,
    job_pause,
    job_resume,
    job_start,
)

from .test_workshop_helpers import jobs_of, open_ro

pytestmark = pytest.mark.django_db

FULL_CHECKS = {k: True for k in ("safety", "power", "economy", "reliability", "emissions",
                                 "cleanliness")}


@pytest.fixture
def ro(crew, store_bj, car, operations, shifts):
    return open_ro(crew, store_bj, car, operations)


def work_through(crew, ro, clock, tech=None):
    """Assign, start and finish every job of ``ro`` with a passed self-check."""
    tech = tech or crew.tech1
    for job in jobs_of(ro):
        job_assign(actor=crew.foreman, job=job, technician=tech)
        job_start(actor=tech, job=job)
        clock.advance(minutes=30)
        job_finish(actor=tech, job=job)
    ro.refresh_from_db()
    return ro


def final_pass(crew, ro, **extra):
    return inspection_record(actor=crew.qc, repair_order=ro, level=3, passed=True,
                             checks=FULL_CHECKS, wear={"tyres": 60, "brake_pads": 35},
                             road_test=True, **extra)


# --- SV-10 dispatch --------------------------------------------------------------------


def test_sv10_assign_gives_the_job_to_a_technician_on_shift(crew, ro):
    job = jobs_of(ro)[0]
    job = job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job.refresh_from_db()
    assert job.status == JobStatus.ASSIGNED and job.technician == crew.tech1
    assert AuditEvent.objects.filter(action="job.assign", object_id=str(ro.pk)).exists()
    # reassigning an assigned job is allowed
    job_assign(actor=crew.foreman, job=job, technician=crew.tech2)
    job.refresh_from_db()
    assert job.technician == crew.tech2


def test_sv10_assign_needs_the_dispatch_permission(crew, ro):
    with pytest.raises(PermissionDenied):
        job_assign(actor=crew.tech1, job=jobs_of(ro)[0], technician=crew.tech1)
    with pytest.raises(PermissionDenied):
        job_assign(actor=crew.advisor, job=jobs_of(ro)[0], technician=crew.tech1)


def test_sv7_assign_refused_before_the_customer_signed(crew, store_bj, car, operations, shifts):
    draft = open_ro(crew, store_bj, car, operations, sign=False)
    with pytest.raises(DomainError) as err:
        job_assign(actor=crew.foreman, job=jobs_of(draft)[0], technician=crew.tech1)
    assert err.value.code == "not_signed"
    assert jobs_of(draft)[0].status == JobStatus.PENDING


def test_sv8_assign_refused_without_the_repair_contract(crew, store_bj, car, operations,
                                                        shifts):
    big = open_ro(crew, store_bj, car, operations, jobs=("engine",), category="overhaul")
    with pytest.raises(DomainError) as err:
        job_assign(actor=crew.foreman, job=jobs_of(big)[0], technician=crew.tech1)
    assert err.value.code == "contract_required"
    big = open_ro(crew, store_bj, car, operations, jobs=("engine",), category="overhaul",
                  contract=True)
    assert job_assign(actor=crew.foreman, job=jobs_of(big)[0],
                      technician=crew.tech1).status == JobStatus.ASSIGNED


def test_sv11_assign_refused_for_additional_work_not_approved(crew, ro, operations):
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, name="更换雨刮",
                                 hours=Decimal("0.30"))
    assert extra.additional
    with pytest.raises(DomainError) as err:
        job_assign(actor=crew.foreman, job=extra, technician=crew.tech1)
    assert err.value.code == "approval_required"
    repair_order_approve_additional(actor=crew.advisor, repair_order=ro, lines=[extra],
                                    approved_by_name="周杰", channel="phone")
    extra.refresh_from_db()
    assert job_assign(actor=crew.foreman, job=extra,
                      technician=crew.tech1).status == JobStatus.ASSIGNED


def test_sv10_assign_refuses_a_technician_without_a_shift_today(crew, store_bj, ro, clock):
    TechnicianShift.objects.filter(technician=crew.tech2, day=clock.today()).delete()
    with pytest.raises(ValidationError) as err:
        job_assign(actor=crew.foreman, job=jobs_of(ro)[0], technician=crew.tech2)
    assert "technician" in err.value.message_dict


def test_sv10_assign_refuses_someone_who_is_not_a_technician_of_the_store(
        crew, staff, store_bj, store_sh, ro, clock):
    # the advisor has a shift but no clocking permission
    TechnicianShift.objects.create(store=store_bj, technician=crew.advisor, day=clock.today(),
                                   start=dt.time(8, 30), end=dt.time(17, 30))
    with pytest.raises(ValidationError) as err:
        job_assign(actor=crew.foreman, job=jobs_of(ro)[0], technician=crew.advisor)
    assert "technician" in err.value.message_dict
    other = staff("technician", store=store_sh)
    TechnicianShift.objects.create(store=store_sh, technician=other, day=clock.today(),
                                   start=dt.time(8, 30), end=dt.time(17, 30))
    with pytest.raises(ValidationError) as err:
        job_assign(actor=crew.foreman, job=jobs_of(ro)[0], technician=other)
    assert "technician" in err.value.message_dict


def test_sv10_declined_or_finished_jobs_cannot_be_assigned(crew, ro, clock):
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, name="更换雨刮",
                                 hours=Decimal("0.30"))
    repair_order_decline_additional(actor=crew.advisor, repair_order=ro, lines=[extra],
                                    declined_by_name="周杰")
    extra.refresh_from_db()
    with pytest.raises(DomainError) as err:
        job_assign(actor=crew.foreman, job=extra, technician=crew.tech1)
    assert err.value.code == "invalid_transition"
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job_start(actor=crew.tech1, job=job)
    with pytest.raises(DomainError) as err:
        job_assign(actor=crew.foreman, job=job, technician=crew.tech2)
    assert err.value.code == "invalid_transition"


# --- SV-10 clocking --------------------------------------------------------------------


def test_sv10_first_start_moves_the_order_in_progress(crew, ro, clock):
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    assert ro.status == ROStatus.OPEN
    job_start(actor=crew.tech1, job=job)
    ro.refresh_from_db()
    job.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS and job.status == JobStatus.IN_PROGRESS
    clock_row = JobClock.objects.get(job=job)
    assert clock_row.technician == crew.tech1 and clock_row.start == clock.now()
    assert clock_row.end is None


def test_sv10_start_refused_for_a_job_not_assigned(crew, ro):
    with pytest.raises(DomainError) as err:
        job_start(actor=crew.foreman, job=jobs_of(ro)[0])
    assert err.value.code == "invalid_transition"


def test_sv10_only_the_assigned_technician_or_the_foreman_clocks(crew, ro):
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    with pytest.raises(PermissionDenied):
        job_start(actor=crew.tech2, job=job)
    with pytest.raises(PermissionDenied):
        job_start(actor=crew.advisor, job=job)
    job_start(actor=crew.foreman, job=job)  # the foreman clocks on for the technician
    assert JobClock.objects.get(job=job).technician == crew.tech1
    with pytest.raises(PermissionDenied):
        job_pause(actor=crew.tech2, job=job)
    with pytest.raises(PermissionDenied):
        job_finish(actor=crew.tech2, job=job)


def test_sv10_a_technician_cannot_work_two_jobs_at_once(crew, ro, clock):
    first, second = jobs_of(ro)
    job_assign(actor=crew.foreman, job=first, technician=crew.tech1)
    job_assign(actor=crew.foreman, job=second, technician=crew.tech1)
    job_start(actor=crew.tech1, job=first)
    with pytest.raises(DomainError) as err:
        job_start(actor=crew.tech1, job=second)
    assert err.value.code == "invalid_transition"
    assert first.name in err.value.message and ro.number in err.value.message
    job_pause(actor=crew.tech1, job=first)
    job_start(actor=crew.tech1, job=second)
    with pytest.raises(DomainError) as err:
        job_resume(actor=crew.tech1, job=first)
    assert err.value.code == "invalid_transition"
    assert JobClock.objects.filter(technician=crew.tech1, end__isnull=True).count() == 1


def test_sv10_actual_hours_are_the_clocked_time(crew, ro, clock):
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job_start(actor=crew.tech1, job=job)
    clock.advance(minutes=30)
    job = job_pause(actor=crew.tech1, job=job)
    assert job.actual_hours == Decimal("0.50") and job.status == JobStatus.PAUSED
    clock.advance(minutes=45)  # a break: not clocked
    job_resume(actor=crew.tech1, job=job)
    clock.advance(minutes=20)
    job = job_finish(actor=crew.tech1, job=job)
    job.refresh_from_db()
    assert job.actual_hours == Decimal("0.83") and job.status == JobStatus.FINISHED
    assert job.self_checked
    assert list(JobClock.objects.filter(job=job).values_list("end", flat=True)).count(None) == 0
    assert JobClock.objects.filter(job=job).count() == 2


def test_sv10_pause_and_resume_follow_the_states(crew, ro):
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    with pytest.raises(DomainError) as err:
        job_pause(actor=crew.tech1, job=job)
    assert err.value.code == "invalid_transition"
    with pytest.raises(DomainError) as err:
        job_resume(actor=crew.tech1, job=job)
    assert err.value.code == "invalid_transition"
    with pytest.raises(DomainError) as err:
        job_finish(actor=crew.tech1, job=job)
    assert err.value.code == "invalid_transition"


# --- SV-13 level 1 and SV-16 completion ------------------------------------------------


def test_sv13_failed_self_check_keeps_the_job_in_progress(crew, ro, clock):
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job_start(actor=crew.tech1, job=job)
    with pytest.raises(ValidationError) as err:
        job_finish(actor=crew.tech1, job=job, self_check_passed=False)
    assert "findings" in err.value.message_dict
    clock.advance(minutes=15)
    job = job_finish(actor=crew.tech1, job=job, self_check_passed=False, findings="螺栓未拧紧")
    job.refresh_from_db()
    assert job.status == JobStatus.IN_PROGRESS and not job.self_checked
    assert JobClock.objects.get(job=job).end is None  # still working on it
    check = Inspection.objects.get(job=job)
    assert (check.level, check.passed, check.findings, check.inspector) == (
        1, False, "螺栓未拧紧", crew.tech1)
    clock.advance(minutes=15)
    job_finish(actor=crew.tech1, job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED and job.actual_hours == Decimal("0.50")
    assert list(Inspection.objects.filter(job=job).values_list("passed", flat=True)) == [
        False, True]


def test_sv16_order_completed_when_every_job_is_finished_and_self_checked(crew, ro, clock):
    first, second = jobs_of(ro)
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, name="更换雨刮",
                                 hours=Decimal("0.30"))
    repair_order_decline_additional(actor=crew.advisor, repair_order=ro, lines=[extra],
                                    declined_by_name="周杰")
    for job, tech in ((first, crew.tech1), (second, crew.tech2)):
        job_assign(actor=crew.foreman, job=job, technician=tech)
        job_start(actor=tech, job=job)
    clock.advance(minutes=40)
    job_finish(actor=crew.tech1, job=first)
    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS and ro.completed_at is None
    job_finish(actor=crew.tech2, job=second)
    ro.refresh_from_db()
    assert ro.status == ROStatus.COMPLETED and ro.completed_at == clock.now()


def test_sv13_level1_recorded_directly_for_a_job(crew, ro, clock):
    job = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    job_start(actor=crew.tech1, job=job)
    clock.advance(minutes=30)
    check = inspection_record(actor=crew.tech1, repair_order=ro, level=1, passed=True, job=job)
    job.refresh_from_db()
    assert check.level == 1 and check.passed and check.job == job
    assert job.status == JobStatus.FINISHED and job.self_checked
    with pytest.raises(DomainError) as err:  # already self-checked
        inspection_record(actor=crew.tech1, repair_order=ro, level=1, passed=True, job=job)
    assert err.value.code == "invalid_transition"
    second = jobs_of(ro)[1]
    job_assign(actor=crew.foreman, job=second, technician=crew.tech1)
    job_start(actor=crew.tech1, job=second)
    with pytest.raises(PermissionDenied):  # not tech2's job
        inspection_record(actor=crew.tech2, repair_order=ro, level=1, passed=True, job=second)


def test_sv13_level1_needs_the_job_when_several_wait(crew, ro, clock):
    first, second = jobs_of(ro)
    job_assign(actor=crew.foreman, job=first, technician=crew.tech1)
    job_assign(actor=crew.foreman, job=second, technician=crew.tech2)
    job_start(actor=crew.tech1, job=first)
    job_start(actor=crew.tech2, job=second)
    with pytest.raises(ValidationError) as err:
        inspection_record(actor=crew.foreman, repair_order=ro, level=1, passed=True)
    assert "job" in err.value.message_dict
    job_finish(actor=crew.tech1, job=first)
    # only one job waits now: the level-1 record finds it
    check = inspection_record(actor=crew.foreman, repair_order=ro, level=1, passed=True)
    assert check.job == second


# --- SV-13 levels 2 and 3 --------------------------------------------------------------


def test_sv13_foreman_check_only_after_every_self_check(crew, ro, clock):
    with pytest.raises(DomainError) as err:
        inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    assert err.value.code == "inspection_required"
    first = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=first, technician=crew.tech1)
    job_start(actor=crew.tech1, job=first)
    job_finish(actor=crew.tech1, job=first)
    with pytest.raises(DomainError) as err:
        inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    assert err.value.code == "inspection_required"


def test_sv13_final_inspection_only_after_the_foreman_check_passed(crew, ro, clock):
    work_through(crew, ro, clock)
    with pytest.raises(DomainError) as err:
        final_pass(crew, ro)
    assert err.value.code == "inspection_required"
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    inspection = final_pass(crew, ro)
    assert inspection.level == 3


def test_sv13_each_level_needs_its_permission(crew, ro, clock):
    work_through(crew, ro, clock)
    with pytest.raises(PermissionDenied):
        inspection_record(actor=crew.qc, repair_order=ro, level=2, passed=True)
    with pytest.raises(PermissionDenied):
        inspection_record(actor=crew.tech1, repair_order=ro, level=2, passed=True)
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    with pytest.raises(PermissionDenied):
        inspection_record(actor=crew.foreman, repair_order=ro, level=3, passed=True)
    with pytest.raises(PermissionDenied):
        inspection_record(actor=None, repair_order=ro, level=3, passed=True)


def test_sv13_foreman_failure_sends_the_order_back_to_work(crew, ro, clock):
    work_through(crew, ro, clock)
    with pytest.raises(ValidationError) as err:
        inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=False)
    assert "findings" in err.value.message_dict
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=False,
                      findings="机油液位过高")
    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS
    assert [(j.status, j.self_checked) for j in jobs_of(ro)] == [
        (JobStatus.ASSIGNED, False)] * 2
    # the jobs are done again, self-checked, and the foreman checks again
    for job in jobs_of(ro):
        job_start(actor=crew.tech1, job=job)
        clock.advance(minutes=10)
        job_finish(actor=crew.tech1, job=job)
    ro.refresh_from_db()
    assert ro.status == ROStatus.COMPLETED
    with pytest.raises(DomainError) as err:
        final_pass(crew, ro)
    assert err.value.code == "inspection_required"
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    final_pass(crew, ro)
    ro.refresh_from_db()
    assert ro.status == ROStatus.INSPECTED


def test_sv13_final_failure_reworks_the_job_concerned_and_needs_a_new_foreman_check(
        crew, ro, clock):
    work_through(crew, ro, clock)
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    oil, brakes = jobs_of(ro)
    inspection_record(actor=crew.qc, repair_order=ro, level=3, passed=False, job=brakes,
                      findings="刹车异响", checks={**FULL_CHECKS, "safety": False},
                      road_test=True)
    ro.refresh_from_db()
    oil.refresh_from_db()
    brakes.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS and ro.certificate_number == ""
    assert oil.status == JobStatus.FINISHED and oil.self_checked
    assert brakes.status == JobStatus.ASSIGNED and not brakes.self_checked
    job_start(actor=crew.tech1, job=brakes)
    job_finish(actor=crew.tech1, job=brakes)
    ro.refresh_from_db()
    assert ro.status == ROStatus.COMPLETED
    with pytest.raises(DomainError) as err:
        final_pass(crew, ro)
    assert err.value.code == "inspection_required"


def test_sv13_final_pass_marks_the_order_inspected_with_a_certificate(crew, ro, clock):
    work_through(crew, ro, clock)
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    clock.advance(minutes=20)
    inspection = final_pass(crew, ro, findings="车辆清洁")
    ro.refresh_from_db()
    assert ro.status == ROStatus.INSPECTED and ro.inspected_at == clock.now()
    assert ro.certificate_number == "QC-BJ01-20261122-0001"
    assert inspection.checks == FULL_CHECKS and inspection.road_test
    assert inspection.wear == {"tyres": 60, "brake_pads": 35}
    assert inspection.inspector == crew.qc
    with pytest.raises(DomainError) as err:  # inspected already
        final_pass(crew, ro)
    assert err.value.code == "invalid_transition"
    assert AuditEvent.objects.filter(action="ro.inspect", object_id=str(ro.pk)).exists()


def test_sv13_a_job_finished_after_the_foreman_check_needs_a_new_one(crew, ro, clock):
    work_through(crew, ro, clock)
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    extra = repair_order_add_job(actor=crew.advisor, repair_order=ro, name="更换雨刮",
                                 hours=Decimal("0.30"))
    with pytest.raises(DomainError) as err:  # new work waits on the order
        final_pass(crew, ro)
    assert err.value.code == "inspection_required"
    repair_order_approve_additional(actor=crew.advisor, repair_order=ro, lines=[extra],
                                    approved_by_name="周杰", channel="wechat")
    job_assign(actor=crew.foreman, job=extra, technician=crew.tech2)
    job_start(actor=crew.tech2, job=extra)
    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS
    job_finish(actor=crew.tech2, job=extra)
    ro.refresh_from_db()
    assert ro.status == ROStatus.COMPLETED
    with pytest.raises(DomainError) as err:
        final_pass(crew, ro)
    assert err.value.code == "inspection_required"


@pytest.mark.parametrize(("field", "kwargs"), [
    ("level", {"level": 4, "passed": True}),
    ("passed", {"level": 3, "passed": "yes"}),
    ("wear", {"level": 3, "passed": True, "wear": {"tyres": 120}}),
    ("wear", {"level": 3, "passed": True, "wear": {"tyres": "half"}}),
    ("wear", {"level": 3, "passed": True, "wear": ["tyres"]}),
    ("checks", {"level": 3, "passed": True, "checks": {"looks": True}}),
    ("checks", {"level": 3, "passed": True, "checks": {"safety": "ok"}}),
    ("checks", {"level": 3, "passed": True, "checks": {**FULL_CHECKS, "emissions": False}}),
    ("findings", {"level": 3, "passed": False}),
    ("checks", {"level": 2, "passed": True, "wear": {"tyres": 50}}),
])
def test_sv13_inspection_input_is_validated(crew, ro, clock, field, kwargs):
    work_through(crew, ro, clock)
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    actor = crew.foreman if kwargs.get("level") == 2 else crew.qc
    with pytest.raises(ValidationError) as err:
        inspection_record(actor=actor, repair_order=ro, **kwargs)
    assert field in err.value.message_dict
    ro.refresh_from_db()
    assert ro.status == ROStatus.COMPLETED


# --- PostgreSQL: real parallel connections ---------------------------------------------


def _race(actions):
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sv10_two_parallel_starts_of_one_technician_have_one_winner(crew, store_bj, car,
                                                                    operations, shifts):
    ro = open_ro(crew, store_bj, car, operations)
    other = open_ro(crew, store_bj, car, operations, jobs=("oil",))
    jobs = [*jobs_of(ro), *jobs_of(other)]
    for job in jobs:
        job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
    outcomes = _race([lambda j=j: job_start(actor=crew.tech1, job=j) for j in jobs])
    assert sorted(outcomes) == ["invalid_transition"] * 2 + ["won"]
    assert JobClock.objects.filter(technician=crew.tech1, end__isnull=True).count() == 1
    assert JobClock.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sv16_two_technicians_finishing_the_last_jobs_together_complete_the_order(
        crew, store_bj, car, operations, shifts):
    ro = open_ro(crew, store_bj, car, operations)
    first, second = jobs_of(ro)
    for job, tech in ((first, crew.tech1), (second, crew.tech2)):
        job_assign(actor=crew.foreman, job=job, technician=tech)
        job_start(actor=tech, job=job)
    outcomes = _race([lambda: job_finish(actor=crew.tech1, job=first),
                      lambda: job_finish(actor=crew.tech2, job=second)])
    assert outcomes == ["won", "won"]
    ro.refresh_from_db()
    assert ro.status == ROStatus.COMPLETED
