"""CR-5 reminders and care: the scheduler's daily job, run day by day with the fake clock
over six months, creates each reminder task on the right day, on the right queue, once;
SMS are queued only with consent."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from siwei.care.models import CareSettings, FollowUp, FollowUpChannel, FollowUpKind, Message
from siwei.care.services.reminders import reminders_create
from siwei.core.scheduling import run_due_jobs
from siwei.crm.models import Customer, Lead, LeadSource, LeadStatus, Vehicle
from siwei.crm.services import customer_create, vehicle_create
from tests.sales_factories import make_model, make_vin

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
K = FollowUpKind


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ten(text: str) -> dt.datetime:
    return dt.datetime.combine(d(text), dt.time(10, 0), tzinfo=TZ)


class World:
    pass


@pytest.fixture
def world(staff, store_bj, group, clock):
    """BJ01 on 2026-11-22 with owners, a churned owner and lost leads."""
    from siwei.service.models import RepairOrder

    w = World()
    w.store = store_bj
    w.manager = staff("store_manager", store=store_bj)
    w.consultant = staff("sales_consultant", store=store_bj)
    model, _trim = make_model(group)

    def customer(name, mobile, **data):
        return customer_create(actor=w.manager, store=store_bj, name=name, mobile=mobile,
                               **data)

    def vehicle(serial, owner, plate, **data):
        return vehicle_create(actor=w.manager, store=store_bj, vin=make_vin(serial),
                              owner=owner, plate=plate, model=model, **data)

    # 王芳 consented to SMS; her car was sold here on 2025-12-20.
    w.anna = customer("王芳", "13800000001", birthday=d("1990-12-05"), consent_sms=True,
                      responsible=w.consultant)
    w.v1 = vehicle(5001, w.anna, "京A10001", sale_date=d("2025-12-20"), selling_store=store_bj,
                   insurance_company="平安保险", insurance_expiry=d("2027-02-15"),
                   warranty_end=d("2027-01-31"), next_maintenance_date=d("2027-01-10"))
    # 李波 bought on 2026-07-01 and never came for the first maintenance.
    w.bo = customer("李波", "13800000002")
    w.v2 = vehicle(5002, w.bo, "京A10002", sale_date=d("2026-07-01"), selling_store=store_bj)
    # 陈静 bought on 2026-07-02 and came (a maintenance RO): no first-maintenance call.
    w.chen = customer("陈静", "13800000003")
    w.v3 = vehicle(5003, w.chen, "京A10003", sale_date=d("2026-07-02"), selling_store=store_bj)
    RepairOrder.objects.create(
        store=store_bj, number="RO-TEST-1", customer=w.chen, vehicle=w.v3,
        advisor=w.manager, category="first_maintenance", mileage=4800,
        promised_at=ten("2026-10-01"), received_at=ten("2026-10-01"))
    # 董强: an owner not seen for years (CS-4 churned).
    w.dong = customer("董强", "13800000004")
    vehicle(5004, w.dong, "京A10004", sale_date=d("2020-06-30"))
    Customer.objects.filter(pk=w.dong.pk).update(category="churned")
    # 刘洋 lost on 2026-09-10; 赵敏 lost on 2026-09-12 but is back with an open lead.
    w.liu = customer("刘洋", "13800000005")
    w.lost = Lead.objects.create(store=store_bj, customer=w.liu, source=LeadSource.WALK_IN,
                                 consultant=w.consultant, grade="B", status=LeadStatus.LOST,
                                 created_at=ten("2026-08-01"),
                                 closed_at=dt.datetime(2026, 9, 10, 15, 0, tzinfo=TZ))
    w.zhao = customer("赵敏", "13800000006")
    Lead.objects.create(store=store_bj, customer=w.zhao, source=LeadSource.PHONE,
                        consultant=w.consultant, grade="B", status=LeadStatus.LOST,
                        created_at=ten("2026-08-01"),
                        closed_at=dt.datetime(2026, 9, 12, 15, 0, tzinfo=TZ))
    Lead.objects.create(store=store_bj, customer=w.zhao, source=LeadSource.PHONE,
                        consultant=w.consultant, grade="A", created_at=ten("2026-11-01"))
    return w


def reminders_job():
    from siwei.care.schedule import JOBS

    return [job for job in JOBS if job.name == "care.create_reminders"]


def run_days(clock, capture, first: str, last: str, down: tuple[str, str] | None = None):
    """Every day at 07:05 the scheduler's round (the reminders job); returns what each
    day's round created: {day: [follow-ups]}."""
    seen = set(FollowUp.objects.values_list("id", flat=True))
    created: dict[dt.date, list[FollowUp]] = {}
    day = d(first)
    while day <= d(last):
        if down is None or not d(down[0]) <= day <= d(down[1]):
            clock.set(dt.datetime.combine(day, dt.time(7, 5), tzinfo=TZ))
            with capture(execute=True):
                run_due_jobs(jobs=reminders_job())
            new = list(FollowUp.objects.exclude(id__in=seen).order_by("id"))
            if new:
                created[day] = new
            seen.update(f.id for f in new)
        day += dt.timedelta(days=1)
    return created


def test_cr5_six_months_day_by_day_right_tasks_right_queues_right_days_none_twice(
        world, clock, django_capture_on_commit_callbacks):
    w = world
    created = run_days(clock, django_capture_on_commit_callbacks, "2026-11-22", "2027-05-25",
                       down=("2026-12-15", "2026-12-18"))
    got = {(day.isoformat(), f.kind, f.customer.name, timezone_day(f.due_at),
            f.assignee.username if f.assignee else f.assignee_role, f.channel)
           for day, tasks in created.items() for f in tasks}
    cs, sa = "customer_service", "service_advisor"
    sms, phone = FollowUpChannel.SMS, FollowUpChannel.PHONE
    assert got == {
        ("2026-11-22", K.CHURN_WINBACK, "董强", "2026-11-22", cs, phone),
        ("2026-12-05", K.BIRTHDAY, "王芳", "2026-12-05", cs, sms),
        ("2026-12-10", K.LOST_LEAD_REVISIT, "刘洋", "2026-12-10", w.consultant.username, phone),
        # the scheduler was down on 12-15 … 12-18: the 60-day insurance reminder of 12-17
        # comes late, once, with its own due day
        ("2026-12-19", K.INSURANCE_EXPIRY, "王芳", "2026-12-17", cs, sms),
        ("2026-12-20", K.PURCHASE_ANNIVERSARY, "王芳", "2026-12-20", w.consultant.username,
         sms),
        ("2026-12-27", K.MAINTENANCE_DUE, "王芳", "2026-12-27", sa, sms),
        ("2027-01-01", K.WARRANTY_ENDING, "王芳", "2027-01-01", cs, sms),
        ("2027-01-01", K.FIRST_MAINTENANCE, "李波", "2027-01-01", sa, phone),
        ("2027-01-16", K.INSURANCE_EXPIRY, "王芳", "2027-01-16", cs, sms),
        # six months after the first win-back call
        ("2027-05-22", K.CHURN_WINBACK, "董强", "2027-05-22", cs, phone),
    }
    assert sum(len(tasks) for tasks in created.values()) == len(got)  # none twice
    # The SMS tasks of the consenting customer each queued one message; none for others.
    sms_tasks = FollowUp.objects.filter(channel=sms)
    assert Message.objects.filter(follow_up__in=sms_tasks).count() == sms_tasks.count() == 6
    assert not Message.objects.exclude(customer=w.anna).exists()
    # Running the day again creates nothing.
    assert sum(reminders_create(store=w.store, today=d("2027-01-01")).values()) == 0


def timezone_day(at: dt.datetime) -> str:
    return at.astimezone(TZ).date().isoformat()


def test_cr5_due_time_is_10_local_and_vehicle_linked(world, clock):
    clock.set(dt.datetime(2026, 12, 27, 7, 0, tzinfo=TZ))
    counts = reminders_create(store=world.store)
    assert counts[K.MAINTENANCE_DUE] == 1
    task = FollowUp.objects.get(kind=K.MAINTENANCE_DUE)
    assert task.due_at == ten("2026-12-27")
    assert (task.vehicle, task.source_type, task.source_id) == (world.v1, "crm.vehicle",
                                                                world.v1.pk)
    assert task.store == world.store


def test_cr5_settings_move_the_reminder_days(world, clock):
    CareSettings.objects.update_or_create(store=world.store, defaults={
        "maintenance_days_before": 7, "insurance_days_before": [45],
        "warranty_days_before": 10, "lost_lead_revisit_months": 2})
    expected = {"2027-01-03": K.MAINTENANCE_DUE, "2027-01-01": K.INSURANCE_EXPIRY,
                "2027-01-21": K.WARRANTY_ENDING, "2026-11-10": K.LOST_LEAD_REVISIT}
    for day, kind in sorted(expected.items()):
        assert reminders_create(store=world.store, today=d(day))[kind] == 1, (day, kind)
    assert not FollowUp.objects.filter(kind=K.INSURANCE_EXPIRY,
                                       due_at=ten("2026-12-17")).exists()


def test_cr5_a_moved_maintenance_date_does_not_remind_twice(world, clock):
    reminders_create(store=world.store, today=d("2026-12-27"))
    Vehicle.objects.filter(pk=world.v1.pk).update(next_maintenance_date=d("2027-01-08"))
    assert reminders_create(store=world.store, today=d("2026-12-28"))[K.MAINTENANCE_DUE] == 0
    assert FollowUp.objects.filter(kind=K.MAINTENANCE_DUE).count() == 1


def test_cr5_birthday_on_29_february_is_greeted_on_28th_in_a_common_year(world):
    Customer.objects.filter(pk=world.bo.pk).update(birthday=d("1988-02-29"))
    assert reminders_create(store=world.store, today=d("2027-02-28"))[K.BIRTHDAY] == 1
    assert reminders_create(store=world.store, today=d("2027-03-01"))[K.BIRTHDAY] == 0


def test_cr5_a_birthday_already_planned_after_delivery_is_not_doubled(world):
    # CR-2's after-sale plan made a birthday task for that day (another source, time).
    FollowUp.objects.create(store=world.store, kind=K.BIRTHDAY, customer=world.anna,
                            source_type="sales.salesorder", source_id=1,
                            due_at=dt.datetime(2026, 12, 5, 15, 30, tzinfo=TZ))
    assert reminders_create(store=world.store, today=d("2026-12-05"))[K.BIRTHDAY] == 0


def test_cr5_reminders_are_per_store(world, store_sh):
    counts = reminders_create(store=store_sh, today=d("2026-12-05"))
    assert sum(counts.values()) == 0
    assert FollowUp.objects.filter(store=store_sh).count() == 0


def test_cr5_an_inactive_consultant_leaves_the_revisit_to_the_queue(world):
    world.consultant.is_active = False
    world.consultant.save(update_fields=["is_active"])
    reminders_create(store=world.store, today=d("2026-12-10"))
    task = FollowUp.objects.get(kind=K.LOST_LEAD_REVISIT)
    assert task.assignee is None and task.assignee_role == "sales_consultant"


def test_cr5_messaging_missing_is_skipped_not_an_error(world, monkeypatch):
    from siwei.care.services import reminders

    monkeypatch.setattr(reminders, "_messaging", lambda: None)
    assert reminders_create(store=world.store, today=d("2026-12-05"))[K.BIRTHDAY] == 1
    assert not Message.objects.exists()


def test_cr5_create_reminders_task_runs_every_active_store(world, store_sh, clock):
    from siwei.care.tasks import create_reminders

    clock.set(dt.datetime(2026, 12, 5, 7, 0, tzinfo=TZ))
    result = create_reminders.enqueue().return_value
    assert result["BJ01"][K.BIRTHDAY] == 1 and sum(result["SH01"].values()) == 0


# --- appointment confirmations (created when booking, SV-1) ------------------------------

from tests.service.conftest import car, crew, shifts  # noqa: E402, F401


def test_cr5_appointment_confirmations_day_and_hour_before_exist(crew, car, shifts,  # noqa: F811
                                                                 store_bj, clock):
    from siwei.service.services.appointments import appointment_book

    customer, vehicle = car
    start = dt.datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
    appt = appointment_book(actor=crew.advisor, store=store_bj, customer=customer,
                            vehicle=vehicle, advisor=crew.advisor, start=start,
                            category="maintenance")
    tasks = FollowUp.objects.filter(source_type="service.appointment", source_id=appt.pk)
    assert {(t.kind, t.due_at, t.assignee) for t in tasks} == {
        (K.APPOINTMENT_DAY_BEFORE, start - dt.timedelta(days=1), crew.advisor),
        (K.APPOINTMENT_HOUR_BEFORE, start - dt.timedelta(hours=1), crew.advisor)}


def _birthday_customers(world, count: int) -> None:
    for n in range(count):
        customer_create(actor=world.manager, store=world.store, name=f"寿星{n}",
                        mobile=f"1390000{n:04d}", birthday=d("1980-11-30"))


@pytest.mark.parametrize("count", [2, 6])
def test_cr5_a_rules_tasks_are_created_at_once(world, count, django_assert_max_num_queries):
    """quality.md (Speed, the nightly run): a rule's tasks are looked up and inserted
    together, so more reminders of a day cost no more queries."""
    _birthday_customers(world, count)
    with django_assert_max_num_queries(26):
        counts = reminders_create(store=world.store, today=d("2026-11-30"))
    assert counts[K.BIRTHDAY] == count
    assert FollowUp.objects.filter(kind=K.BIRTHDAY, due_at=ten("2026-11-30")).count() == count
    assert reminders_create(store=world.store, today=d("2026-11-30"))[K.BIRTHDAY] == 0


def test_cr5_a_task_a_parallel_run_inserted_first_is_not_doubled(world, monkeypatch):
    """Between the look-up and the insert another run scheduled one of the tasks: the
    insert falls back to one by one, and only the others are new."""
    from siwei.care.services import reminders

    _birthday_customers(world, 3)
    first = Customer.objects.get(name="寿星0")
    FollowUp.objects.create(store=world.store, kind=K.BIRTHDAY, customer=first,
                            source_type="crm.customer", source_id=first.pk,
                            due_at=ten("2026-11-30"))
    # The look-up ran before the other run's insert: it found nothing.
    monkeypatch.setattr(reminders, "_scheduled_keys", lambda tasks: set())
    monkeypatch.setattr(reminders, "_on_the_day", lambda run, kind, pairs: set())
    counts = reminders_create(store=world.store, today=d("2026-11-30"))
    assert counts[K.BIRTHDAY] == 2
    assert FollowUp.objects.filter(kind=K.BIRTHDAY, due_at=ten("2026-11-30")).count() == 3
