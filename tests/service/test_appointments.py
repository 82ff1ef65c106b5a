"""Appointments (SV-1 … SV-4): slots and buffers, capacity, booking refusals, reminders,
parts, states, no-shows and rescheduling."""

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from siwei.care.models import FollowUp, FollowUpKind, FollowUpStatus
from siwei.core.errors import DomainError
from siwei.parts.models import LocationKind, PartStore, Reservation, ReservationStatus
from siwei.service.models import (
    Appointment,
    AppointmentStatus,
    LabourTime,
    ServiceSettings,
    StoreCalendarDay,
)
from siwei.service.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_mark_no_shows,
    appointment_reschedule,
    appointment_slots,
    day_capacity,
    next_days_with_room,
    reception_times,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def nine(store_bj):
    """BJ01 opens at 9:00 like the spec's example."""
    store_bj.opens_at = dt.time(9, 0)
    store_bj.save(update_fields=["opens_at"])
    return store_bj


@pytest.fixture
def book(crew, car, store_bj):
    customer, vehicle = car

    def make(start, **kwargs):
        data = {"actor": crew.advisor, "store": store_bj, "customer": customer,
                "vehicle": vehicle, "advisor": crew.advisor, "start": start,
                "category": "maintenance"}
        data.update(kwargs)
        return appointment_book(**data)

    return make


def test_sv2_every_fourth_slot_from_opening_is_a_buffer(nine):
    slots = reception_times(nine, MONDAY)
    assert [(s.astimezone(TZ).strftime("%H:%M"), b) for s, b in slots[:8]] == [
        ("09:00", False), ("09:15", False), ("09:30", False), ("09:45", True),
        ("10:00", False), ("10:15", False), ("10:30", False), ("10:45", True)]
    assert slots[-1][0] == at(MONDAY, 17, 45)  # the last slot ends at closing time


def test_sv2_slot_settings_are_per_store(nine):
    ServiceSettings.objects.create(store=nine, slot_minutes=20, buffer_every=3)
    slots = reception_times(nine, MONDAY)
    assert [(s.astimezone(TZ).strftime("%H:%M"), b) for s, b in slots[:4]] == [
        ("09:00", False), ("09:20", False), ("09:40", True), ("10:00", False)]


def test_sv2_slot_finder_hides_buffers_taken_and_past_slots(nine, crew, shifts, book, clock,
                                                             staff):
    clock.set(at(MONDAY, 9, 10))
    book(at(MONDAY, 10, 0))
    free = appointment_slots(store=nine, day=MONDAY, advisor=crew.advisor)
    assert at(MONDAY, 9, 0) not in free  # past
    assert free[:4] == [at(MONDAY, 9, 15), at(MONDAY, 9, 30), at(MONDAY, 10, 15),
                        at(MONDAY, 10, 30)]
    assert at(MONDAY, 9, 45) not in free and at(MONDAY, 10, 0) not in free
    # Without an advisor a time is free while any SA is free there.
    assert at(MONDAY, 10, 0) not in appointment_slots(store=nine, day=MONDAY)
    second = staff("service_advisor", store=nine)
    assert at(MONDAY, 10, 0) in appointment_slots(store=nine, day=MONDAY)
    assert at(MONDAY, 10, 0) in appointment_slots(store=nine, day=MONDAY, advisor=second)


def test_sv2_booking_a_buffer_slot_is_slot_unavailable(nine, shifts, book):
    with pytest.raises(DomainError) as err:
        book(at(MONDAY, 9, 45))
    assert err.value.code == "slot_unavailable"


def test_sv2_booking_a_taken_slot_is_slot_unavailable(nine, shifts, book, staff, crew):
    book(at(MONDAY, 10, 0))
    with pytest.raises(DomainError) as err:
        book(at(MONDAY, 10, 0))
    assert err.value.code == "slot_unavailable"
    other = staff("service_advisor", store=nine)
    assert book(at(MONDAY, 10, 0), advisor=other).advisor == other


def test_sv2_a_time_between_slots_or_outside_hours_is_400(nine, shifts, book):
    for start in (at(MONDAY, 10, 5), at(MONDAY, 8, 45), at(MONDAY, 18, 0)):
        with pytest.raises(ValidationError) as err:
            book(start)
        assert "start" in err.value.message_dict


def test_sv2_past_time_and_foreign_advisor_are_400(nine, shifts, book, crew, clock):
    with pytest.raises(ValidationError) as err:
        book(at(dt.date(2026, 11, 21), 10, 0))
    assert "start" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        book(at(MONDAY, 10, 0), advisor=crew.tech1)
    assert "advisor" in err.value.message_dict


def test_sv2_closed_day_is_slot_unavailable_with_next_days(nine, shifts, book):
    StoreCalendarDay.objects.create(store=nine, day=MONDAY, is_working=False, note="盘点")
    assert appointment_slots(store=nine, day=MONDAY) == []
    with pytest.raises(DomainError) as err:
        book(at(MONDAY, 10, 0))
    assert err.value.code == "slot_unavailable"
    assert err.value.extra["next_days"] == ["2026-11-24", "2026-11-25", "2026-11-26"]


def test_sv3_capacity_is_shift_hours_times_productivity_times_share(store_bj, shifts):
    capacity = day_capacity(store_bj, MONDAY)
    assert capacity["available"] == Decimal("15.30")  # 2 × 9 h × 0.85
    assert capacity["bookable"] == Decimal("10.71")  # × 0.70
    assert capacity["booked"] == 0 and capacity["technicians"] == 2


def test_sv3_over_capacity_is_capacity_full_with_next_days(nine, shifts, book, operations):
    book(at(MONDAY, 9, 0), category="overhaul", estimated_hours=Decimal("8"))
    assert day_capacity(nine, MONDAY)["left"] == Decimal("2.71")
    assert appointment_slots(store=nine, day=MONDAY, hours=3) == []
    assert appointment_slots(store=nine, day=MONDAY, hours=2)
    with pytest.raises(DomainError) as err:
        book(at(MONDAY, 10, 0), category="level2_maintenance")  # 3 h by default
    assert err.value.code == "capacity_full"
    assert err.value.extra["next_days"] == ["2026-11-24", "2026-11-25", "2026-11-26"]
    book(at(MONDAY, 10, 0), estimated_hours=Decimal("2.71"))  # exactly what is left


def test_sv3_next_days_skip_full_and_closed_days(nine, shifts, book, crew):
    book(at(dt.date(2026, 11, 24), 9, 0), estimated_hours=Decimal("10"))
    StoreCalendarDay.objects.create(store=nine, day=dt.date(2026, 11, 25), is_working=False)
    days = next_days_with_room(store=nine, after=MONDAY, hours=Decimal("2"),
                               advisor=crew.advisor)
    assert [d.isoformat() for d in days] == ["2026-11-26", "2026-11-27", "2026-11-28"]


def test_sv3_no_shift_no_capacity(store_bj, book):
    with pytest.raises(DomainError) as err:
        book(at(MONDAY, 10, 0))
    assert err.value.code == "capacity_full" and err.value.extra["next_days"] == []


def test_sv3_cancelled_bookings_free_their_hours(store_bj, shifts, book, crew):
    first = book(at(MONDAY, 9, 0), estimated_hours=Decimal("10"))
    appointment_cancel(actor=crew.advisor, appointment=first, reason="客户出差")
    assert day_capacity(store_bj, MONDAY)["booked"] == 0
    book(at(MONDAY, 9, 0), estimated_hours=Decimal("10"))


def test_sv1_hours_from_the_operations_for_the_model_else_category(store_bj, shifts, book,
                                                                   operations, car):
    _customer, vehicle = car
    LabourTime.objects.create(operation=operations["brakes"], model=vehicle.model,
                              hours=Decimal("1.50"))
    appt = book(at(MONDAY, 9, 0), category="minor_repair",
                operations=[operations["oil"], operations["brakes"]])
    assert appt.estimated_hours == Decimal("2.00")  # 0.5 default + 1.5 for this model
    assert set(appt.operations.all()) == {operations["oil"], operations["brakes"]}
    assert book(at(MONDAY, 10, 0), category="level2_maintenance").estimated_hours == 3
    assert book(at(MONDAY, 10, 30), estimated_hours="1.25").estimated_hours == Decimal("1.25")


def test_sv1_booking_has_a_number_an_audit_and_reminders_for_the_sa(store_bj, shifts, book,
                                                                   crew):
    appt = book(at(MONDAY, 10, 0), description="异响\n刹车软")
    assert appt.number.startswith("AP-BJ01-20261122-")
    assert appt.status == AppointmentStatus.BOOKED and appt.created_at is not None
    reminders = FollowUp.objects.filter(source_type="service.appointment", source_id=appt.pk)
    assert {(f.kind, f.due_at, f.assignee) for f in reminders} == {
        (FollowUpKind.APPOINTMENT_DAY_BEFORE, at(dt.date(2026, 11, 22), 10, 0), crew.advisor),
        (FollowUpKind.APPOINTMENT_HOUR_BEFORE, at(MONDAY, 9, 0), crew.advisor)}
    from siwei.core.models import AuditEvent
    from siwei.service.services.appointments import _reminders

    _reminders(appt)  # idempotent
    assert reminders.count() == 2
    assert AuditEvent.objects.filter(action="appointment.book", object_id=str(appt.pk)).exists()


def test_sv1_short_notice_booking_gets_no_reminder_in_the_past(store_bj, shifts, book, clock):
    appt = book(at(dt.date(2026, 11, 22), 9, 30))
    kinds = set(FollowUp.objects.filter(source_id=appt.pk,
                                        source_type="service.appointment")
                .values_list("kind", flat=True))
    assert kinds == set()
    later = book(at(dt.date(2026, 11, 22), 16, 0))
    assert set(FollowUp.objects.filter(source_id=later.pk, source_type="service.appointment")
               .values_list("kind", flat=True)) == {FollowUpKind.APPOINTMENT_HOUR_BEFORE}


def test_sv1_parts_are_reserved_on_the_reserve_shelf(store_bj, shifts, book, stocked_part):
    from tests.parts.conftest import make_location

    shelf = make_location(store_bj, "R-01-1", kind=LocationKind.RESERVE)
    appt = book(at(MONDAY, 10, 0), parts=[(stocked_part, 2)])
    reservation = Reservation.objects.get(document_type="service.appointment",
                                          document_id=str(appt.pk))
    assert reservation.quantity == 2 and reservation.location == shelf
    assert PartStore.objects.get(store=store_bj, part=stocked_part).reserved == 2


def test_sv1_parts_short_refuses_the_whole_booking(store_bj, shifts, book, stocked_part):
    with pytest.raises(DomainError) as err:
        book(at(MONDAY, 10, 0), parts=[(stocked_part, 11)])
    assert err.value.code == "insufficient_stock"
    assert not Appointment.objects.exists()


def test_sv1_only_staff_who_may_book_can_book(store_bj, shifts, book, crew):
    with pytest.raises(PermissionDenied):
        book(at(MONDAY, 10, 0), actor=crew.tech1)


def test_sv4_confirm_then_cancel_releases_parts_and_reminders(store_bj, shifts, book, crew,
                                                              stocked_part):
    appt = book(at(MONDAY, 10, 0), parts=[(stocked_part, 2)])
    appt = appointment_confirm(actor=crew.advisor, appointment=appt)
    assert appt.status == AppointmentStatus.CONFIRMED
    assert FollowUp.objects.get(source_id=appt.pk, source_type="service.appointment",
                                kind=FollowUpKind.APPOINTMENT_DAY_BEFORE).status == "done"
    with pytest.raises(DomainError) as err:
        appointment_confirm(actor=crew.advisor, appointment=appt)
    assert err.value.code == "invalid_transition"
    with pytest.raises(ValidationError):
        appointment_cancel(actor=crew.advisor, appointment=appt, reason=" ")
    appt = appointment_cancel(actor=crew.advisor, appointment=appt, reason="客户改期未定")
    assert appt.status == AppointmentStatus.CANCELLED and appt.cancel_reason == "客户改期未定"
    assert PartStore.objects.get(store=store_bj, part=stocked_part).reserved == 0
    assert Reservation.objects.get(document_id=str(appt.pk)).status == ReservationStatus.RELEASED
    assert not FollowUp.objects.filter(source_id=appt.pk, status=FollowUpStatus.PENDING).exists()
    with pytest.raises(DomainError) as err:
        appointment_cancel(actor=crew.advisor, appointment=appt, reason="again")
    assert err.value.code == "invalid_transition"


def test_sv4_no_show_30_minutes_after_the_slot_releases_parts(store_bj, shifts, book, clock,
                                                             stocked_part):
    appt = book(at(MONDAY, 10, 0), parts=[(stocked_part, 1)])
    other = book(at(MONDAY, 11, 0))
    clock.set(at(MONDAY, 10, 29))
    assert appointment_mark_no_shows(store=store_bj) == 0
    clock.set(at(MONDAY, 10, 30))
    assert appointment_mark_no_shows(store=store_bj) == 1
    assert appointment_mark_no_shows(store=store_bj) == 0  # idempotent
    appt.refresh_from_db()
    other.refresh_from_db()
    assert appt.status == AppointmentStatus.NO_SHOW
    assert other.status == AppointmentStatus.BOOKED
    assert PartStore.objects.get(store=store_bj, part=stocked_part).reserved == 0
    assert appointment_mark_no_shows(store=store_bj, now=at(MONDAY, 12, 0)) == 1


def test_sv4_no_show_task_runs_for_every_active_store(store_bj, store_sh, shifts, book, clock):
    from siwei.service.tasks import mark_appointment_no_shows

    book(at(MONDAY, 10, 0))
    clock.set(at(MONDAY, 11, 0))
    assert mark_appointment_no_shows.call() == {"BJ01": 1, "SH01": 0}
    assert mark_appointment_no_shows.call() == {"BJ01": 0, "SH01": 0}


def test_sv4_reschedule_links_the_new_booking_and_moves_the_parts(store_bj, shifts, book, crew,
                                                                 staff, stocked_part,
                                                                 operations):
    appt = book(at(MONDAY, 10, 0), parts=[(stocked_part, 2)], operations=[operations["oil"]],
                description="保养", estimated_hours=Decimal("10"))
    other = staff("service_advisor", store=store_bj)
    new = appointment_reschedule(actor=crew.advisor, appointment=appt,
                                 start=at(MONDAY, 11, 0), advisor=other)
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.RESCHEDULED
    assert new.rescheduled_from == appt and new.advisor == other
    assert new.estimated_hours == Decimal("10") and new.description == "保养"
    assert list(new.operations.all()) == [operations["oil"]]
    assert new.status == AppointmentStatus.BOOKED and new.number != appt.number
    assert Reservation.objects.get(document_id=str(new.pk), status="open").quantity == 2
    assert PartStore.objects.get(store=store_bj, part=stocked_part).reserved == 2
    assert FollowUp.objects.filter(source_id=new.pk, status="pending").count() == 2
    assert not FollowUp.objects.filter(source_id=appt.pk, status="pending").exists()
    with pytest.raises(DomainError) as err:
        appointment_reschedule(actor=crew.advisor, appointment=appt, start=at(MONDAY, 14, 0))
    assert err.value.code == "invalid_transition"


def test_sv4_reschedule_into_a_taken_slot_changes_nothing(store_bj, shifts, book, crew):
    appt = book(at(MONDAY, 10, 0))
    book(at(MONDAY, 11, 0))
    with pytest.raises(DomainError) as err:
        appointment_reschedule(actor=crew.advisor, appointment=appt, start=at(MONDAY, 11, 0))
    assert err.value.code == "slot_unavailable"
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.BOOKED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sv2_two_bookings_racing_for_one_slot_have_one_winner(crew, car, store_bj, shifts,
                                                              clock):
    customer, vehicle = car
    start = at(MONDAY, 10, 0)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def race():
        try:
            barrier.wait()
            appointment_book(actor=crew.advisor, store=store_bj, customer=customer,
                             vehicle=vehicle, advisor=crew.advisor, start=start,
                             category="maintenance")
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["slot_unavailable"] * 3 + ["won"]
    assert Appointment.objects.filter(start=start).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sv3_parallel_bookings_never_pass_the_capacity(crew, car, store_bj, shifts, staff,
                                                       clock):
    """Four SAs book 4 h each at the same moment: 10.71 h bookable → two win."""
    customer, vehicle = car
    people = [crew.advisor] + [staff("service_advisor", store=store_bj) for _ in range(3)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def race(advisor):
        try:
            barrier.wait()
            appointment_book(actor=crew.advisor, store=store_bj, customer=customer,
                             vehicle=vehicle, advisor=advisor, start=at(MONDAY, 10, 0),
                             category="maintenance", estimated_hours=Decimal("4"))
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=race, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["capacity_full"] * 2 + ["won"] * 2


def test_sv4_arrival_opens_the_repair_order_and_hands_over_the_parts(store_bj, shifts, book,
                                                                    crew, stocked_part, car,
                                                                    clock):
    from siwei.service.models import RepairOrder
    from siwei.service.services.appointments import appointment_arrive

    appt = book(at(MONDAY, 10, 0), parts=[(stocked_part, 2)], description="机油灯亮\n异响",
                estimated_hours=Decimal("2"))
    clock.set(at(MONDAY, 9, 50))
    ro = appointment_arrive(actor=crew.advisor, appointment=appt, mileage=12000,
                            fuel_level=50, covers_applied=True)
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.ARRIVED
    assert isinstance(ro, RepairOrder) and ro.appointment == appt
    assert ro.promised_at == at(MONDAY, 13, 0)  # slot + 2 h + 1 h
    assert [c.text for c in ro.concerns.all()] == ["机油灯亮", "异响"]
    assert ro.mileage == 12000 and ro.fuel_level == 50 and ro.covers_applied
    assert ro.advisor == crew.advisor and ro.category == appt.category
    held = Reservation.objects.get(status="open", part=stocked_part)
    assert (held.document_type, held.document_id, held.document_line_id) == (
        "service.repairorder", str(ro.pk), "")
    assert held.quantity == 2
    assert PartStore.objects.get(store=store_bj, part=stocked_part).reserved == 2
    assert not FollowUp.objects.filter(source_id=appt.pk, status="pending").exists()
    with pytest.raises(DomainError) as err:
        appointment_arrive(actor=crew.advisor, appointment=appt, mileage=12000)
    assert err.value.code == "invalid_transition"


def test_sv4_late_arrival_promises_from_now_and_odometer_rule_holds(store_bj, shifts, book,
                                                                   crew, car, clock):
    from siwei.service.services.appointments import appointment_arrive

    _customer, vehicle = car
    appt = book(at(MONDAY, 10, 0))
    vehicle.last_km = 20000
    vehicle.save(update_fields=["last_km"])
    clock.set(at(MONDAY, 10, 20))
    with pytest.raises(DomainError) as err:
        appointment_arrive(actor=crew.advisor, appointment=appt, mileage=15000)
    assert err.value.code == "odometer_rollback"
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.BOOKED
    ro = appointment_arrive(actor=crew.advisor, appointment=appt, mileage=20100,
                            complaints=["客户自述：保养"])
    assert ro.promised_at == at(MONDAY, 12, 20)  # now + 1 h (maintenance) + 1 h
    assert [c.text for c in ro.concerns.all()] == ["客户自述：保养"]
