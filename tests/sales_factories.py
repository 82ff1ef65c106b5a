"""Builders for the sales and customer tests."""

from __future__ import annotations

from decimal import Decimal

from siwei.core.validators import vin_check_digit
from siwei.crm.models import VehicleModel, VehicleTrim


def make_vin(serial: int, wmi: str = "LSV", vds: str = "AB2180") -> str:
    """A valid VIN (check digit computed) for a serial number."""
    body = f"{wmi}{vds[:5]}"  # positions 1-8; then the check digit, year P (2023), plant 2
    rest = f"P2{serial:06d}"
    partial = body + "0" + rest
    return body + vin_check_digit(partial) + rest


def make_model(group, name: str = "朗逸", msrp: str = "120000.00", new_energy: bool = False):
    model, _created = VehicleModel.objects.get_or_create(
        group=group, brand="大众", name=name, defaults={"is_new_energy": new_energy})
    trim, _created = VehicleTrim.objects.get_or_create(
        model=model, name="舒适版", defaults={"msrp": Decimal(msrp)})
    return model, trim
