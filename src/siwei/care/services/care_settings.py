"""The store's care settings (CR-3, CR-5, CR-7, CR-11): edited by the store manager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core.audit import audit_record
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import CareSettings, care_settings

FIELDS = ("complaint_csi_below", "maintenance_days_before", "insurance_days_before",
          "warranty_days_before", "lost_lead_revisit_months", "acknowledge_hours",
          "resolve_hours", "business_hours_only", "business_start", "business_end",
          "marketing_cap")
# field: (lowest, highest)
_RANGES = {
    "maintenance_days_before": (1, 180),
    "warranty_days_before": (1, 365),
    "lost_lead_revisit_months": (1, 36),
    "acknowledge_hours": (1, 720),
    "resolve_hours": (1, 720),
    "marketing_cap": (0, 30),
}


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number.is_finite() and number == int(number) else None


def parse_days_list(value: Any) -> list[int] | None:
    """``"60, 30"`` or ``[60, 30]`` → ``[60, 30]`` (distinct, longest first); None if
    unreadable."""
    items = value.replace("，", ",").split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        return None
    days = [_integer(item) for item in items if str(item).strip()]
    if not days or any(d is None for d in days):
        return None
    return sorted(set(days), reverse=True)


def _time(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _clean(data: dict[str, Any], current: CareSettings) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, (low, high) in _RANGES.items():
        if name not in data:
            continue
        number = _integer(data[name])
        if number is None or not low <= number <= high:
            errors[name] = [_("Enter a whole number from %(low)s to %(high)s.")
                            % {"low": low, "high": high}]
        else:
            cleaned[name] = number
    if "complaint_csi_below" in data:
        try:
            csi = Decimal(str(data["complaint_csi_below"]).strip())
        except (InvalidOperation, ValueError):
            csi = None
        if csi is None or not csi.is_finite() or not 0 <= csi <= 100:
            errors["complaint_csi_below"] = [_("Enter a score from 0 to 100.")]
        else:
            cleaned["complaint_csi_below"] = csi.quantize(Decimal("0.01"))
    if "insurance_days_before" in data:
        days = parse_days_list(data["insurance_days_before"])
        if days is None or len(days) > 5 or not all(1 <= d <= 180 for d in days):
            errors["insurance_days_before"] = [
                _("Enter one to five numbers of days from 1 to 180, separated by commas.")]
        else:
            cleaned["insurance_days_before"] = days
    for name in ("business_start", "business_end"):
        if name in data:
            value = _time(data[name])
            if value is None:
                errors[name] = [_("Enter a time such as 08:30.")]
            else:
                cleaned[name] = value
    if "business_hours_only" in data:
        value = data["business_hours_only"]
        if not isinstance(value, bool):
            errors["business_hours_only"] = [_("Enter true or false.")]
        else:
            cleaned["business_hours_only"] = value
    if not errors:
        merged = {name: cleaned.get(name, getattr(current, name)) for name in FIELDS}
        if merged["resolve_hours"] <= merged["acknowledge_hours"]:
            errors["resolve_hours"] = [
                _("The resolution time must be longer than the acknowledgement time.")]
        if merged["business_end"] <= merged["business_start"]:
            errors["business_end"] = [_("The business day must end after it starts.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _snapshot(row: CareSettings) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS}


@service_transaction
def care_settings_update(*, actor, store, **data: Any) -> CareSettings:
    """Change some of the store's care settings; a value out of range is refused naming
    its field (ValidationError), unknown fields are a TypeError."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown care settings: {sorted(unknown)}")
    if not has_store_perm(actor, store, "care.change_caresettings"):
        raise PermissionDenied(_("You may not change the care settings."))
    current = care_settings(store)
    current = CareSettings.objects.select_for_update().get(pk=current.pk)
    cleaned = _clean(data, current)
    before = _snapshot(current)
    for name, value in cleaned.items():
        setattr(current, name, value)
    current.save()
    after = _snapshot(current)
    changed = [name for name in FIELDS if before[name] != after[name]]
    if changed:
        audit_record(actor=actor, action="care_settings.update", obj=current, store=store,
                     before={n: before[n] for n in changed}, after={n: after[n] for n in changed})
    return current
