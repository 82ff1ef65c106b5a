"""SV-18 maintenance due: first maintenance at 5,000 km or 6 months after the sale, then
every 10,000 km or 12 months, whichever comes first, projecting km from the average
daily distance. Dates below are computed by hand."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from siwei.crm.services import customer_create, odometer_record, vehicle_create
from siwei.service.models import MaintenancePlan, RepairOrder
from siwei.service.services.maintenance import (
    MaintenanceDue,
    maintenance_due_refresh,
    next_due,
    vehicles_due,
)
from tests.sales_factories import make_model, make_vin

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


def reading(clock, vehicle, day: str, km: int) -> None:
    saved = clock.now()
    clock.set(at(day))
    odometer_record(actor=None, store=vehicle.store, vehicle=vehicle, km=km, source="manual")
    clock.set(saved)


def repair_order(vehicle, advisor, *, category: str, status: str, day: str,
                 mileage: int) -> RepairOrder:
    return RepairOrder.objects.create(
        store=vehicle.store, number=f"RO-T-{next(_numbers):04d}", customer=vehicle.owner,
        vehicle=vehicle, advisor=advisor, category=category, status=status, mileage=mileage,
        promised_at=at(day, 17), received_at=at(day, 9),
        settled_at=at(day, 16) if status in ("settled", "paid", "released", "closed") else None,
        released_at=at(day, 17) if status in ("released", "closed") else None)


@pytest.fixture
def new_car(crew, store_bj, group):
    """A car sold on 2026-10-01."""
    model, _trim = make_model(group)
    owner = customer_create(actor=crew.advisor, store=store_bj, name="李娜",
                            mobile="13611112222")
    return vehicle_create(actor=crew.advisor, store=store_bj, vin=make_vin(3101), owner=owner,
                          model=model, sale_date=dt.date(2026, 10, 1), plate="京B12345")


def test_sv18_new_car_time_rule_wins_before_first_maintenance(new_car, clock):
    # 1,000 km in 50 days = 20 km/day: 3,990 km to go = 200 days → 2027-06-08,
    # but 6 months after the sale is 2027-04-01.
    reading(clock, new_car, "2026-10-01", 10)
    reading(clock, new_car, "2026-11-20", 1010)
    assert next_due(new_car) == MaintenanceDue(dt.date(2027, 4, 1), 5000, "first")


def test_sv18_new_car_km_rule_wins_with_high_daily_km(new_car, clock):
    # 4,000 km in 50 days = 80 km/day: 990 km to go = 12.4 → 13 days after 2026-11-20.
    reading(clock, new_car, "2026-10-01", 10)
    reading(clock, new_car, "2026-11-20", 4010)
    assert next_due(new_car) == MaintenanceDue(dt.date(2026, 12, 3), 5000, "first")


def test_sv18_km_already_passed_is_due_at_the_reading(new_car, clock):
    reading(clock, new_car, "2026-10-01", 10)
    reading(clock, new_car, "2026-11-20", 5300)
    assert next_due(new_car).date == dt.date(2026, 11, 20)


def test_sv18_after_first_maintenance_every_10000_km_or_12_months(car, crew, clock):
    _customer, vehicle = car
    repair_order(vehicle, crew.advisor, category="first_maintenance", status="released",
                 day="2026-05-20", mileage=5200)
    # 5,400 km in 180 days = 30 km/day; 15,200 − 10,600 = 4,600 km = 153.3 → 154 days
    # after 2026-11-16 = 2027-04-19, before 12 months after the visit (2027-05-20).
    reading(clock, vehicle, "2026-05-20", 5200)
    reading(clock, vehicle, "2026-11-16", 10600)
    assert next_due(vehicle) == MaintenanceDue(dt.date(2027, 4, 19), 15200, "regular")


def test_sv18_after_maintenance_time_rule_wins_for_a_car_rarely_driven(car, crew, clock):
    _customer, vehicle = car
    repair_order(vehicle, crew.advisor, category="maintenance", status="closed",
                 day="2026-05-20", mileage=5200)
    reading(clock, vehicle, "2026-05-20", 5200)
    reading(clock, vehicle, "2026-11-16", 6100)  # 5 km/day
    assert next_due(vehicle) == MaintenanceDue(dt.date(2027, 5, 20), 15200, "regular")


def test_sv18_car_with_no_readings_uses_the_date_rule(car):
    _customer, vehicle = car  # sold 2025-11-22, never maintained: overdue since 2026-05-22
    assert next_due(vehicle) == MaintenanceDue(dt.date(2026, 5, 22), 5000, "first")


def test_sv18_unfinished_or_other_visits_do_not_count(car, crew, clock):
    _customer, vehicle = car
    repair_order(vehicle, crew.advisor, category="maintenance", status="in_progress",
                 day="2026-11-20", mileage=9000)
    repair_order(vehicle, crew.advisor, category="minor_repair", status="released",
                 day="2026-10-20", mileage=8000)
    assert next_due(vehicle).kind == "first"


def test_sv18_the_settled_visit_counts_for_the_bill(car, crew, clock):
    _customer, vehicle = car
    repair_order(vehicle, crew.advisor, category="maintenance", status="settled",
                 day="2026-11-22", mileage=9000)
    assert next_due(vehicle) == MaintenanceDue(dt.date(2027, 11, 22), 19000, "regular")


def test_sv18_plan_is_configurable_per_model_with_group_default(new_car, group):
    MaintenancePlan.objects.create(group=group, model=None, first_km=3000, first_months=4,
                                   interval_km=7500, interval_months=6)
    assert next_due(new_car) == MaintenanceDue(dt.date(2027, 2, 1), 3000, "first")
    MaintenancePlan.objects.create(group=group, model=new_car.model, first_km=7500,
                                   first_months=3, interval_km=15000, interval_months=12)
    assert next_due(new_car) == MaintenanceDue(dt.date(2027, 1, 1), 7500, "first")


def test_sv18_first_km_defaults_to_the_models_setting(new_car):
    new_car.model.first_maintenance_km = 3000
    new_car.model.save()
    assert next_due(new_car).km == 3000


def test_sv18_refresh_stores_the_date_and_vehicles_due_finds_it(new_car, car, store_bj,
                                                              store_sh, clock):
    _customer, old_car = car
    maintenance_due_refresh(vehicle=new_car)
    maintenance_due_refresh(vehicle=old_car)
    new_car.refresh_from_db()
    assert new_car.next_maintenance_date == dt.date(2027, 4, 1)
    assert list(vehicles_due(store=store_bj, until=dt.date(2026, 12, 31))) == [old_car]
    assert set(vehicles_due(store=store_bj, until=dt.date(2027, 4, 1))) == {old_car, new_car}
    assert list(vehicles_due(store=store_bj, until=dt.date(2027, 4, 1),
                             since=dt.date(2027, 1, 1))) == [new_car]
    assert not vehicles_due(store=store_sh, until=dt.date(2030, 1, 1)).exists()


def test_sv18_refresh_is_cheap_on_the_settlement_path(car, crew, group, clock,
                                                      django_assert_max_num_queries):
    from siwei.crm.models import Vehicle

    _customer, vehicle = car
    MaintenancePlan.objects.create(group=group, model=None)
    reading(clock, vehicle, "2026-05-20", 5200)
    reading(clock, vehicle, "2026-11-16", 10600)
    repair_order(vehicle, crew.advisor, category="maintenance", status="settled",
                 day="2026-11-22", mileage=10700)
    vehicle = Vehicle.objects.get(pk=vehicle.pk)
    with django_assert_max_num_queries(4):
        due = maintenance_due_refresh(vehicle=vehicle)
    assert Vehicle.objects.get(pk=vehicle.pk).next_maintenance_date == due.date


def test_sv18_projection_uses_crms_average_km_per_day(new_car, clock):
    from siwei.crm.services.vehicles import average_km_per_day
    from siwei.service.services.maintenance import _readings

    reading(clock, new_car, "2026-10-01", 10)
    reading(clock, new_car, "2026-10-21", 700)
    reading(clock, new_car, "2026-11-20", 1010)
    assert _readings(new_car)[1] == average_km_per_day(new_car) == 20.0
