"""PT-9 with SV-16: parts reserved for an appointment are handed over to its repair order
for the whole order; what is never moved to a line (or never issued) goes back to
available stock when the order is released (gate pass) or cancelled."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from siwei.finance.services import payment_record
from siwei.parts.models import PartStore, Reservation, ReservationStatus
from siwei.service.models import RepairOrder, ROStatus
from siwei.service.services.appointments import appointment_arrive, appointment_book
from siwei.service.services.orders import (
    repair_order_add_job,
    repair_order_add_part,
    repair_order_cancel,
    repair_order_sign,
)
from siwei.service.services.settlement import repair_order_release, repair_order_settle

from .test_orders_settlement import work

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


@pytest.fixture
def arrived(crew, car, store_bj, shifts, stocked_part, operations, clock):
    """Monday 10:00: the customer booked with 2 oil filters reserved and arrives; the
    order holds them for the whole order (no line yet) and has an oil change job."""
    customer, vehicle = car
    appointment = appointment_book(actor=crew.advisor, store=store_bj, customer=customer,
                                   vehicle=vehicle, advisor=crew.advisor, start=MONDAY,
                                   category="maintenance", parts=[(stocked_part, 2)])
    clock.set(MONDAY - dt.timedelta(minutes=5))
    ro = appointment_arrive(actor=crew.advisor, appointment=appointment, mileage=12000)
    repair_order_add_job(actor=crew.advisor, repair_order=ro, operation=operations["oil"])
    return ro


def reserved(store, part) -> Decimal:
    return PartStore.objects.get(store=store, part=part).reserved


def open_reservations(ro):
    return Reservation.objects.filter(document_type="service.repairorder",
                                      document_id=str(ro.pk), status=ReservationStatus.OPEN)


def release(crew, ro, clock):
    ro = work(crew, RepairOrder.objects.get(pk=ro.pk), clock)
    ro = repair_order_settle(actor=crew.advisor, repair_order=ro)
    if ro.customer_total > 0:
        payment_record(actor=crew.cashier, store=ro.store, amount=ro.customer_total,
                       method="cash", repair_order=ro)
    return repair_order_release(actor=crew.advisor, repair_order=RepairOrder.objects.get(
        pk=ro.pk))


def test_pt9_reservation_never_moved_to_a_line_is_released_with_the_gate_pass(
        crew, arrived, store_bj, stocked_part, clock):
    assert reserved(store_bj, stocked_part) == 2
    repair_order_sign(actor=crew.advisor, repair_order=arrived, signed_by_name="周杰",
                      phone_consent=True)
    ro = release(crew, arrived, clock)
    assert ro.status == ROStatus.RELEASED
    assert not open_reservations(ro).exists()
    assert reserved(store_bj, stocked_part) == 0
    held = Reservation.objects.get(document_type="service.repairorder",
                                   document_id=str(ro.pk), document_line_id="")
    assert held.status == ReservationStatus.RELEASED


def test_pt9_the_unused_rest_of_a_reservation_is_released_with_the_gate_pass(
        crew, arrived, store_bj, stocked_part, clock):
    line = repair_order_add_part(actor=crew.advisor, repair_order=arrived, part=stocked_part,
                                 quantity=1)
    assert open_reservations(arrived).get(document_line_id=str(line.pk)).remaining == 1
    assert open_reservations(arrived).get(document_line_id="").remaining == 1
    repair_order_sign(actor=crew.advisor, repair_order=arrived, signed_by_name="周杰",
                      phone_consent=True)
    ro = release(crew, arrived, clock)
    assert not open_reservations(ro).exists()
    assert reserved(store_bj, stocked_part) == 0
    assert PartStore.objects.get(store=store_bj, part=stocked_part).on_hand == 9  # 1 issued


def test_pt9_cancelling_the_order_releases_the_whole_order_reservation(
        crew, arrived, store_bj, stocked_part):
    repair_order_cancel(actor=crew.advisor, repair_order=arrived, reason="客户改天再来")
    assert not open_reservations(arrived).exists()
    assert reserved(store_bj, stocked_part) == 0
