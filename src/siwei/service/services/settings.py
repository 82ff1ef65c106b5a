"""Setting up the workshop (SV-2, SV-3, SV-8, SV-9): the store's labour rates per
category, the group's labour operations with their standard hours per model, and the
store's service rules. Edited by the service manager (and the store manager)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core.audit import audit_record
from siwei.core.fields import money
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction
from siwei.crm.models import VehicleModel

from ..models import LabourOperation, LabourRate, LabourTime, ROCategory, ServiceSettings

RATE_PERM = "service.change_labourrate"
SETTINGS_PERM = "service.change_servicesettings"
ADD_OPERATION_PERM = "service.add_labouroperation"
CHANGE_OPERATION_PERM = "service.change_labouroperation"

MAX_RATE = Decimal("100000")
MAX_HOURS = Decimal("999")
# field: (kind, lowest, highest)
SETTINGS_RANGES: dict[str, tuple[str, Decimal, Decimal]] = {
    "slot_minutes": ("int", Decimal(5), Decimal(120)),
    "buffer_every": ("int", Decimal(0), Decimal(20)),
    "productivity": ("share", Decimal("0.10"), Decimal("1.50")),
    "appointment_share": ("share", Decimal("0.00"), Decimal("1.00")),
    "contract_threshold": ("money", Decimal(0), Decimal("10000000")),
    "advisor_discount_percent": ("percent", Decimal(0), Decimal(100)),
    "manager_discount_percent": ("percent", Decimal(0), Decimal(100)),
    "comeback_days": ("int", Decimal(1), Decimal(365)),
    "comeback_km": ("int", Decimal(1), Decimal(100000)),
    "no_show_minutes": ("int", Decimal(5), Decimal(480)),
    "follow_up_days": ("int", Decimal(1), Decimal(60)),
}
SETTINGS_FIELDS = tuple(SETTINGS_RANGES)


def _require(actor, store, perm: str) -> None:
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not change the service settings of store "
                                 "%(store)s.") % {"store": store.code})


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _category(value: str) -> str:
    value = value or ""
    if value and value not in ROCategory.values:
        raise ValidationError({"category": [_("Unknown category.")]})
    return value


def _positive(name: str, value: Any, highest: Decimal) -> Decimal:
    number = _decimal(value)
    if number is None or not 0 < number <= highest:
        raise ValidationError({name: [_("Enter a number greater than 0 and at most "
                                        "%(high)s.") % {"high": highest}]})
    return number


def service_settings_of(store) -> ServiceSettings:
    """The store's service rules (defaults, unsaved, when the store has no row)."""
    return ServiceSettings.objects.filter(store=store).first() or ServiceSettings(store=store)


# --------------------------------------------------------------------------- labour rates

@service_transaction
def labour_rate_set(*, actor, store, category: str, rate: Any) -> LabourRate:
    """SV-9: the store's hourly rate for ``category`` ("" = every category that has no
    rate of its own); creates or replaces it. 400 naming ``rate`` unless 0 < rate."""
    _require(actor, store, RATE_PERM)
    category = _category(category)
    amount = money(_positive("rate", rate, MAX_RATE))
    row = LabourRate.objects.select_for_update().filter(store=store, category=category).first()
    before = {"rate": row.rate} if row else None
    if row is None:
        row = LabourRate.objects.create(store=store, category=category, rate=amount)
    elif row.rate != amount:
        row.rate = amount
        row.save(update_fields=["rate"])
    else:
        return row
    audit_record(actor=actor, action="service.labour_rate_set", obj=row, store=store,
                 before=before, after={"category": category, "rate": amount})
    return row


@service_transaction
def labour_rate_remove(*, actor, store, rate: LabourRate) -> None:
    """Remove one of the store's rates (jobs then use the store-wide rate, if any)."""
    _require(actor, store, RATE_PERM)
    if rate.store_id != store.pk:
        raise PermissionDenied(_("This rate belongs to another store."))
    audit_record(actor=actor, action="service.labour_rate_remove", obj=rate, store=store,
                 before={"category": rate.category, "rate": rate.rate})
    rate.delete()


# --------------------------------------------------------------------------- store's rules

def _clean_settings(data: dict[str, Any], current: ServiceSettings) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        kind, low, high = SETTINGS_RANGES[name]
        number = _decimal(value)
        if kind == "int":
            ok = number is not None and number == int(number) and low <= number <= high
            message = _("Enter a whole number from %(low)s to %(high)s.")
            number = int(number) if ok else None
        else:
            places = Decimal("0.01")
            ok = number is not None and low <= number <= high \
                and number == number.quantize(places)
            message = _("Enter a number from %(low)s to %(high)s with at most two "
                        "decimals.")
        if not ok:
            errors[name] = [message % {"low": low, "high": high}]
        else:
            cleaned[name] = number if kind == "int" else number.quantize(Decimal("0.01"))
    if not errors:
        advisor = cleaned.get("advisor_discount_percent", current.advisor_discount_percent)
        manager = cleaned.get("manager_discount_percent", current.manager_discount_percent)
        if Decimal(advisor) > Decimal(manager):
            errors["advisor_discount_percent"] = [
                _("The advisor's discount limit cannot be above the service manager's.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@service_transaction
def service_settings_update(*, actor, store, **fields: Any) -> ServiceSettings:
    """Change some of the store's service rules (slot, buffer, productivity, appointment
    share, SV-8 contract threshold, discount limits, comeback window, no-show, follow-up);
    a value out of range is refused naming its field, an unknown field is a TypeError."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown service settings: {sorted(unknown)}")
    _require(actor, store, SETTINGS_PERM)
    current = ServiceSettings.objects.select_for_update().filter(store=store).first() \
        or ServiceSettings(store=store)
    cleaned = _clean_settings(fields, current)
    before = {name: getattr(current, name) for name in SETTINGS_FIELDS}
    for name, value in cleaned.items():
        setattr(current, name, value)
    changed = [name for name in SETTINGS_FIELDS
               if Decimal(before[name]) != Decimal(getattr(current, name))]
    if current.pk is None or changed:
        current.save()
    if changed:
        audit_record(actor=actor, action="service.settings_update", obj=current, store=store,
                     before={n: before[n] for n in changed},
                     after={n: getattr(current, n) for n in changed})
    return current


# --------------------------------------------------------------------------- operations

def _times(store, times: dict) -> dict[int, Decimal]:
    """``{model_id: hours}`` of the group's models; 400 naming ``times``."""
    if not isinstance(times, dict):
        raise ValidationError({"times": [_("Give the hours per vehicle model.")]})
    cleaned: dict[int, Decimal] = {}
    for key, value in times.items():
        try:
            model_id = int(key)
        except (TypeError, ValueError):
            model_id = None
        hours = _decimal(value)
        if model_id is None or hours is None or not 0 < hours <= MAX_HOURS \
                or hours != hours.quantize(Decimal("0.01")):
            raise ValidationError({"times": [
                _("Each model needs standard hours greater than 0 and at most %(high)s, "
                  "with at most two decimals.") % {"high": MAX_HOURS}]})
        cleaned[model_id] = hours
    known = set(VehicleModel.objects.filter(group_id=store.group_id, pk__in=cleaned)
                .values_list("pk", flat=True))
    if known != set(cleaned):
        raise ValidationError({"times": [_("Unknown vehicle model.")]})
    return cleaned


@service_transaction
def labour_operation_save(*, actor, store, code: str, name: str, default_hours: Any,
                          category: str = "", times: dict | None = None,
                          operation: LabourOperation | None = None) -> LabourOperation:
    """Add a labour operation to the group of ``store`` (``operation=None``) or change
    one: code unique in the group, standard hours > 0; ``times`` (``{model_id: hours}``)
    replaces the standard hours per model, ``None`` keeps them."""
    _require(actor, store, CHANGE_OPERATION_PERM if operation else ADD_OPERATION_PERM)
    group_id = store.group_id
    if operation is not None and operation.group_id != group_id:
        raise PermissionDenied(_("This labour operation belongs to another group."))
    code, name = (code or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not code or len(code) > 20:
        errors["code"] = [_("Enter a code of at most 20 characters.")]
    elif LabourOperation.objects.filter(group_id=group_id, code=code).exclude(
            pk=getattr(operation, "pk", None)).exists():
        errors["code"] = [_("Another labour operation has this code.")]
    if not name or len(name) > 100:
        errors["name"] = [_("Enter a name of at most 100 characters.")]
    if errors:
        raise ValidationError(errors)
    hours = _positive("default_hours", default_hours, MAX_HOURS)
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"default_hours": [_("At most two decimals.")]})
    category = _category(category)
    per_model = _times(store, times) if times is not None else None
    before = None
    if operation is None:
        operation = LabourOperation(group_id=group_id)
    else:
        operation = LabourOperation.objects.select_for_update().get(pk=operation.pk)
        before = {"code": operation.code, "name": operation.name,
                  "default_hours": operation.default_hours, "category": operation.category,
                  "times": _current_times(operation)}
    operation.code, operation.name = code, name
    operation.default_hours, operation.category = hours, category
    operation.save()
    if per_model is not None:
        LabourTime.objects.filter(operation=operation).exclude(model_id__in=per_model).delete()
        existing = {t.model_id: t for t in LabourTime.objects.filter(operation=operation)}
        for model_id, model_hours in per_model.items():
            row = existing.get(model_id)
            if row is None:
                LabourTime.objects.create(operation=operation, model_id=model_id,
                                          hours=model_hours)
            elif row.hours != model_hours:
                row.hours = model_hours
                row.save(update_fields=["hours"])
    after = {"code": code, "name": name, "default_hours": hours, "category": category,
             "times": _current_times(operation)}
    if before != after:
        audit_record(actor=actor, action="service.labour_operation_save", obj=operation,
                     store=store, before=before, after=after)
    return operation


def _current_times(operation: LabourOperation) -> dict[str, str]:
    return {str(model_id): str(hours) for model_id, hours in LabourTime.objects.filter(
        operation=operation).order_by("model_id").values_list("model_id", "hours")}
