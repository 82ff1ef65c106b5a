"""Vehicles, owners and odometer readings (CS-2, CS-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record, snapshot
from siwei.core.errors import DomainError
from siwei.core.models import Store
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.core.validators import decode_vin, validate_plate, validate_vin

from ..models import Customer, OdometerReading, OdometerSource, Vehicle, VehicleOwnership

VEHICLE_FIELDS = (
    "plate", "brand", "model", "trim", "colour", "engine_number", "model_year",
    "production_date", "registration_date", "sale_date", "selling_store", "warranty_start",
    "warranty_end", "warranty_km", "insurance_company", "insurance_expiry",
    "next_maintenance_date",
)
AUDITED = ("vin", "plate", "owner", "warranty_end", "selling_store")


def _clean_plate(data: dict[str, Any]) -> None:
    if data.get("plate"):
        try:
            data["plate"] = validate_plate(data["plate"])
        except ValidationError as exc:
            raise ValidationError({"plate": exc.messages}) from None


def warranty_dates(vehicle: Vehicle, start: dt.date) -> None:
    """Warranty from ``start`` for the model's years and km (default 2 years / 60,000 km)."""
    years = vehicle.model.warranty_years if vehicle.model else 2
    vehicle.warranty_start = start
    vehicle.warranty_end = clock.add_months(start, 12 * years) - dt.timedelta(days=1)
    vehicle.warranty_km = vehicle.model.warranty_km if vehicle.model else 60000


@service_transaction
def vehicle_create(*, actor, store: Store, vin: str, owner: Customer | None = None,
                   **data: Any) -> Vehicle:
    """Register a vehicle. The VIN is validated (check digit) and decoded: brand and model
    year are filled from it (CS-2)."""
    unknown = set(data) - set(VEHICLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown vehicle fields: {sorted(unknown)}")
    try:
        vin = validate_vin(vin)
    except ValidationError as exc:
        raise ValidationError({"vin": exc.messages}) from None
    existing = Vehicle.objects.filter(vin=vin).first()
    if existing is not None:
        raise DomainError("duplicate_vehicle", _("A vehicle with this VIN exists."),
                          existing_id=existing.pk)
    _clean_plate(data)
    info = decode_vin(vin, today=clock.today())
    vehicle = Vehicle(store=store, vin=vin, vin_last6=vin[-6:], owner=owner, **data)
    vehicle.brand = vehicle.brand or info.brand or info.manufacturer or ""
    vehicle.model_year = vehicle.model_year or info.model_year
    if vehicle.sale_date and not vehicle.warranty_end:
        warranty_dates(vehicle, vehicle.sale_date)
    vehicle.full_clean(exclude=["store", "vin_last6"])
    vehicle.save()
    if owner is not None:
        VehicleOwnership.objects.create(vehicle=vehicle, customer=owner,
                                        start=vehicle.sale_date or clock.today())
        from .customers import customer_category_refresh

        customer_category_refresh(customer=owner)
    audit_record(actor=actor, action="vehicle.create", obj=vehicle,
                 after=snapshot(vehicle, AUDITED))
    return vehicle


@service_transaction
def vehicle_update(*, actor, vehicle: Vehicle, **data: Any) -> Vehicle:
    unknown = set(data) - set(VEHICLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown vehicle fields: {sorted(unknown)}")
    _clean_plate(data)
    before = snapshot(vehicle, AUDITED)
    for field, value in data.items():
        setattr(vehicle, field, value)
    vehicle.full_clean(exclude=["store", "vin_last6"])
    vehicle.save()
    after = snapshot(vehicle, AUDITED)
    if after != before:
        audit_record(actor=actor, action="vehicle.update", obj=vehicle, before=before,
                     after=after)
    return vehicle


@service_transaction
def vehicle_change_owner(*, actor, vehicle: Vehicle, owner: Customer,
                         on: dt.date | None = None) -> Vehicle:
    """A new owner from ``on``: the previous ownership ends the day before."""
    on = on or clock.today()
    if vehicle.owner_id == owner.pk:
        return vehicle
    previous = vehicle.owner
    VehicleOwnership.objects.filter(vehicle=vehicle, end__isnull=True).update(
        end=on - dt.timedelta(days=1))
    VehicleOwnership.objects.create(vehicle=vehicle, customer=owner, start=on)
    vehicle.owner = owner
    vehicle.save(update_fields=["owner"])
    from .customers import customer_category_refresh

    for customer in filter(None, (previous, owner)):
        customer_category_refresh(customer=customer)
    audit_record(actor=actor, action="vehicle.owner", obj=vehicle,
                 before={"owner": previous.pk if previous else None}, after={"owner": owner.pk})
    return vehicle


@service_transaction
def odometer_record(*, actor, store: Store, vehicle: Vehicle, km: int, source: str,
                    rollback_reason: str = "") -> OdometerReading:
    """Record a reading. One lower than the last is refused (``odometer_rollback``) unless a
    manager gives the reason, e.g. the meter was replaced (CS-3)."""
    if km is None or int(km) < 0:
        raise ValidationError({"mileage": [_("Enter the mileage in km.")]})
    km = int(km)
    if source not in OdometerSource.values:
        raise ValidationError({"source": [_("Unknown source.")]})
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    last = vehicle.last_km
    if last is not None and km < last:
        if not rollback_reason.strip():
            raise DomainError(
                "odometer_rollback",
                _("%(km)s km is lower than the last reading of %(last)s km.")
                % {"km": km, "last": last}, last_km=last)
        if not has_store_perm(actor, store, "crm.override_odometer"):
            raise DomainError("approval_required",
                              _("Only a manager may record a lower reading."), last_km=last)
    reading = OdometerReading.objects.create(
        store=store, vehicle=vehicle, at=clock.now(), km=km, source=source,
        rollback_reason=rollback_reason.strip(), recorded_by=actor)
    vehicle.last_km = km
    vehicle.save(update_fields=["last_km"])
    if rollback_reason:
        audit_record(actor=actor, action="vehicle.odometer_rollback", obj=vehicle,
                     before={"km": last}, after={"km": km, "reason": rollback_reason})
    return reading


def average_km_per_day(vehicle: Vehicle) -> float | None:
    """Average daily distance from the first to the last reading (for due dates)."""
    readings = list(vehicle.odometer.order_by("at").values_list("at", "km"))
    if len(readings) < 2:
        return None
    (first_at, first_km), (last_at, last_km) = readings[0], readings[-1]
    days = (last_at - first_at).days
    return (last_km - first_km) / days if days > 0 else None
