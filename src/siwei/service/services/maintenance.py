"""Maintenance due (SV-18): when and at what mileage a vehicle's next maintenance falls.

First maintenance (首保) at the plan's ``first_km`` (the model's ``first_maintenance_km``,
5,000 km) or ``first_months`` (6) after the sale, whichever comes first; then every
``interval_km`` (10,000) or ``interval_months`` (12) after the last maintenance. The km rule
becomes a date by projecting the vehicle's average km per day from its last reading.
Plans are configurable per group and model (``MaintenancePlan``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from siwei.core import clock
from siwei.core.models import Store
from siwei.crm.models import Vehicle

from ..models import MaintenancePlan, RepairOrder, ROCategory, ROStatus

MAINTENANCE_CATEGORIES = (ROCategory.FIRST_MAINTENANCE, ROCategory.MAINTENANCE,
                          ROCategory.LEVEL2_MAINTENANCE)
# A maintenance counts once the work is inspected and billed: at settlement the next due
# date printed on the bill already starts from this visit.
DONE_STATUSES = (ROStatus.SETTLED, ROStatus.PAID, ROStatus.RELEASED, ROStatus.CLOSED)


class DueKind:
    FIRST = "first"
    REGULAR = "regular"


@dataclass(frozen=True)
class MaintenanceDue:
    date: dt.date
    km: int
    kind: str  # "first" (首保) or "regular"


@dataclass(frozen=True)
class Plan:
    first_km: int
    first_months: int
    interval_km: int
    interval_months: int


def plan_for(vehicle: Vehicle) -> Plan:
    """The model's plan, else the group's default plan, else the built-in rule with the
    model's first-maintenance km. One query when the group has a plan."""
    group_id = Store.objects.filter(pk=vehicle.store_id).values("group_id")[:1]
    models = Q(model__isnull=True) | Q(model_id=vehicle.model_id) if vehicle.model_id \
        else Q(model__isnull=True)
    # The model's own row sorts before the group default (NULLs last).
    row = (MaintenancePlan.objects.filter(models, group_id=Subquery(group_id))
           .order_by(F("model_id").asc(nulls_last=True)).first())
    if row is not None:
        return Plan(row.first_km, row.first_months, row.interval_km, row.interval_months)
    first_km = vehicle.model.first_maintenance_km if vehicle.model_id else 5000
    return Plan(first_km or 5000, 6, 10000, 12)


def last_maintenance(vehicle: Vehicle) -> tuple[dt.date, int] | None:
    """Date and mileage of the vehicle's last maintenance visit."""
    row = (RepairOrder.objects.filter(vehicle=vehicle, category__in=MAINTENANCE_CATEGORIES,
                                      status__in=DONE_STATUSES)
           .annotate(done_at=Coalesce("released_at", "settled_at", "received_at"))
           .order_by(F("done_at").desc(nulls_last=True), "-id")
           .values_list("done_at", "mileage").first())
    if row is None:
        return None
    done_at, mileage = row
    return timezone.localtime(done_at).date(), mileage


def _readings(vehicle: Vehicle) -> tuple[tuple[dt.date, int] | None, float | None]:
    """The last reading (local date, km) and the average km per day, in one query. The
    average is the rule of ``siwei.crm.services.vehicles.average_km_per_day``: from the
    first to the last reading."""
    readings = list(vehicle.odometer.order_by("at", "id").values_list("at", "km"))
    if not readings:
        return None, None
    last_at, last_km = readings[-1]
    per_day = None
    if len(readings) >= 2:
        first_at, first_km = readings[0]
        days = (last_at - first_at).days
        per_day = (last_km - first_km) / days if days > 0 else None
    return (timezone.localtime(last_at).date(), last_km), per_day


def _start_date(vehicle: Vehicle, today: dt.date) -> dt.date:
    return (vehicle.sale_date or vehicle.warranty_start or vehicle.registration_date
            or (timezone.localtime(vehicle.created_at).date() if vehicle.created_at else today))


def next_due(vehicle: Vehicle, *, today: dt.date | None = None) -> MaintenanceDue:
    """The next maintenance of ``vehicle``: whichever of the date rule and the km rule
    comes first. Without a usable daily distance the date rule alone decides."""
    today = today or clock.today()
    plan = plan_for(vehicle)
    last = last_maintenance(vehicle)
    if last is None:
        kind = DueKind.FIRST
        base_date, base_km = _start_date(vehicle, today), 0
        due_km, months = plan.first_km, plan.first_months
    else:
        kind = DueKind.REGULAR
        base_date, base_km = last
        due_km, months = base_km + plan.interval_km, plan.interval_months
    by_time = clock.add_months(base_date, months)

    reading, per_day = _readings(vehicle)
    ref_date, ref_km = base_date, base_km
    if reading is not None and reading[0] >= base_date:
        ref_date, ref_km = reading
    if per_day is None and reading is not None and last is None:
        # One reading of a new car: the distance since the sale.
        days = (reading[0] - base_date).days
        per_day = reading[1] / days if days > 0 else None
    if ref_km >= due_km:
        by_km: dt.date | None = ref_date
    elif per_day and per_day > 0:
        by_km = ref_date + dt.timedelta(days=math.ceil((due_km - ref_km) / per_day))
    else:
        by_km = None
    due = min(by_time, by_km) if by_km is not None else by_time
    return MaintenanceDue(date=due, km=due_km, kind=kind)


def maintenance_due_refresh(*, vehicle: Vehicle) -> MaintenanceDue:
    """Store the next due date on the vehicle (``Vehicle.next_maintenance_date``). It is
    called on the settlement path, so it writes the one field with one UPDATE (the field
    is not audited by crm's ``vehicle_update``, whose full validation costs four more
    queries)."""
    due = next_due(vehicle)
    if vehicle.next_maintenance_date != due.date:
        Vehicle.objects.filter(pk=vehicle.pk).update(next_maintenance_date=due.date)
        vehicle.next_maintenance_date = due.date
    return due


def vehicles_due(*, store, until: dt.date, since: dt.date | None = None) -> QuerySet[Vehicle]:
    """Vehicles of ``store`` whose stored next maintenance falls on or before ``until``
    (and on or after ``since``): one query, for the reminders (care.md CR-5)."""
    vehicles = Vehicle.objects.for_store(store).filter(next_maintenance_date__isnull=False,
                                                       next_maintenance_date__lte=until)
    if since is not None:
        vehicles = vehicles.filter(next_maintenance_date__gte=since)
    return vehicles.select_related("owner", "model").order_by("next_maintenance_date", "id")
