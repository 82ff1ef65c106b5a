"""Master data services (PT-1 … PT-3): the group's parts and suppliers, the store's
locations. Each checks the actor's permission in the store it acts in, refuses bad input
with a ``ValidationError`` naming the field, and writes the audit (prices before/after)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from siwei.core.audit import audit_record, snapshot
from siwei.core.errors import DomainError
from siwei.core.fields import money
from siwei.core.transactions import service_transaction

from ..models import Location, LocationKind, Part, StockBalance, Supplier
from ._common import require_perm

PRICE_FIELDS = ("list_price", "warranty_price", "insurance_price", "cost")
PART_FIELDS = ("number", "name", "brand", "category", "unit", "compatible_models",
               *PRICE_FIELDS, "attribute_class", "order_cycle_days", "lead_time_days",
               "is_key_part", "is_accessory", "superseded_by", "pack_size", "default_supplier")
SUPPLIER_FIELDS = ("name", "kind", "contact", "phone", "payment_terms", "lead_time_days",
                   "is_active")
LOCATION_RE = re.compile(r"^([A-Z]{1,3})-(\d{1,3})-(\d{1,2})$")
# Kinds a user may give a location; the in-transit location is kept by the system.
USER_LOCATION_KINDS = (LocationKind.NORMAL, LocationKind.INSPECTION,
                       LocationKind.NONCONFORMING, LocationKind.RESERVE)


def _known(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(unknown)}")


def _check_number_free(part: Part) -> None:
    taken = Part.objects.filter(group_id=part.group_id, number=part.number)
    if part.pk:
        taken = taken.exclude(pk=part.pk)
    if taken.exists():
        raise ValidationError({"number": [_("The group already has part %(number)s.")
                                          % {"number": part.number}]})


def _clean_prices(part: Part) -> None:
    errors = {}
    for name in PRICE_FIELDS:
        try:
            value = money(getattr(part, name) if getattr(part, name) not in (None, "") else 0)
        except (ArithmeticError, InvalidOperation, TypeError, ValueError):
            errors[name] = [_("Enter an amount.")]
            continue
        if value < 0:
            errors[name] = [_("The price cannot be negative.")]
        setattr(part, name, value)
    if errors:
        raise ValidationError(errors)


def _check_part_references(part: Part) -> None:
    """Superseded-by and default supplier belong to the part's group; a part is not
    superseded by itself nor, through a chain, by a part it supersedes."""
    supplier = part.default_supplier
    if supplier is not None and supplier.group_id != part.group_id:
        raise ValidationError({"default_supplier": [_("This belongs to another dealer group.")]})
    successor = part.superseded_by
    if successor is None:
        return
    if successor.group_id != part.group_id:
        raise ValidationError({"superseded_by": [_("This belongs to another dealer group.")]})
    seen, current = set(), successor
    while current is not None and current.pk not in seen:
        if part.pk and current.pk == part.pk:
            raise ValidationError({"superseded_by": [
                _("%(number)s is itself superseded by this part.")
                % {"number": successor.number}]})
        seen.add(current.pk)
        current = current.superseded_by


def _save_part(part: Part) -> None:
    part.number = (part.number or "").strip().upper()
    _clean_prices(part)
    _check_number_free(part)
    _check_part_references(part)
    part.full_clean(validate_unique=False)
    part.save()


@service_transaction
def part_create(*, actor, store, group, **fields) -> Part:
    """A new part of the group catalog (PT-1). ``store`` is where the actor acts
    (permission ``parts.add_part``)."""
    require_perm(actor, store, "parts.add_part")
    _known(fields, PART_FIELDS)
    part = Part(group=group, **fields)
    _save_part(part)
    audit_record(actor=actor, action="parts.part_create", obj=part, store=store,
                 after=snapshot(part, ("number", "name", *PRICE_FIELDS)))
    return part


@service_transaction
def part_update(*, actor, store, part: Part, **fields) -> Part:
    """Change a part (PT-1, permission ``parts.change_part``). The audit keeps every
    changed field before and after, prices included."""
    require_perm(actor, store, "parts.change_part")
    _known(fields, PART_FIELDS)
    part = Part.objects.select_for_update().get(pk=part.pk)
    before = snapshot(part, PART_FIELDS)
    for name, value in fields.items():
        setattr(part, name, value)
    _save_part(part)
    after = snapshot(part, PART_FIELDS)
    changed = [name for name in PART_FIELDS if before[name] != after[name]]
    if changed:
        audit_record(actor=actor, action="parts.part_update", obj=part, store=store,
                     before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    return part


def _check_supplier(supplier: Supplier) -> None:
    supplier.name = (supplier.name or "").strip()
    taken = Supplier.objects.filter(group_id=supplier.group_id, name=supplier.name)
    if supplier.pk:
        taken = taken.exclude(pk=supplier.pk)
    if supplier.name and taken.exists():
        raise ValidationError({"name": [_("The group already has supplier %(name)s.")
                                        % {"name": supplier.name}]})
    supplier.full_clean(validate_unique=False)


@service_transaction
def supplier_create(*, actor, store, group, name: str, **fields) -> Supplier:
    """A supplier of the group (PT-2, permission ``parts.add_supplier``)."""
    require_perm(actor, store, "parts.add_supplier")
    _known(fields, SUPPLIER_FIELDS)
    supplier = Supplier(group=group, name=name, **fields)
    _check_supplier(supplier)
    supplier.save()
    audit_record(actor=actor, action="parts.supplier_create", obj=supplier, store=store,
                 after=snapshot(supplier, SUPPLIER_FIELDS))
    return supplier


@service_transaction
def supplier_update(*, actor, store, supplier: Supplier, **fields) -> Supplier:
    """Change a supplier (PT-2, permission ``parts.change_supplier``); an inactive one is
    no longer offered for new orders."""
    require_perm(actor, store, "parts.change_supplier")
    _known(fields, SUPPLIER_FIELDS)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    before = snapshot(supplier, SUPPLIER_FIELDS)
    for name, value in fields.items():
        setattr(supplier, name, value)
    _check_supplier(supplier)
    supplier.save()
    after = snapshot(supplier, SUPPLIER_FIELDS)
    changed = [name for name in SUPPLIER_FIELDS if before[name] != after[name]]
    if changed:
        audit_record(actor=actor, action="parts.supplier_update", obj=supplier, store=store,
                     before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    return supplier


@service_transaction
def supplier_delete(*, actor, store, supplier: Supplier) -> None:
    """Delete a supplier nothing refers to yet (a typing mistake). One with parts,
    orders or lots is refused (``supplier_in_use``): deactivate it instead."""
    require_perm(actor, store, "parts.delete_supplier")
    name, pk = supplier.name, supplier.pk
    try:
        with transaction.atomic():
            supplier.delete()
    except ProtectedError:
        raise DomainError("supplier_in_use",
                          _("%(name)s is used by parts, orders or stock; deactivate it "
                            "instead.") % {"name": name}) from None
    audit_record(actor=actor, action="parts.supplier_delete", store=store,
                 object_type="parts.supplier", object_id=str(pk), before={"name": name})


def _parse_code(code: str) -> tuple[str, str, int, int]:
    code = (code or "").strip().upper()
    match = LOCATION_RE.match(code)
    if not match:
        raise ValidationError({"code": [_("Use zone-shelf-level, for example A-03-2.")]})
    zone, shelf, level = match.groups()
    return code, zone, int(shelf), int(level)


def _check_kind(kind: str) -> None:
    if kind not in USER_LOCATION_KINDS:
        raise ValidationError({"kind": [_("Choose normal, inspection pending, nonconforming "
                                          "or appointment reserve shelf.")]})


@service_transaction
def location_create(*, actor, store, code: str, kind: str = LocationKind.NORMAL,
                    is_active: bool = True) -> Location:
    """A location coded zone-shelf-level, e.g. ``A-03-2`` (PT-3)."""
    require_perm(actor, store, "parts.add_location")
    code, zone, shelf, level = _parse_code(code)
    _check_kind(kind)
    if Location.objects.filter(store=store, code=code).exists():
        raise ValidationError({"code": [_("This location exists already.")]})
    location = Location.objects.create(store=store, code=code, zone=zone, shelf=shelf,
                                       level=level, kind=kind, is_active=bool(is_active))
    audit_record(actor=actor, action="parts.location_create", obj=location,
                 after={"code": code, "kind": kind, "is_active": location.is_active})
    return location


def _holds_stock(location: Location) -> bool:
    return StockBalance.objects.filter(location=location, quantity__gt=0).exists()


@service_transaction
def location_update(*, actor, location: Location, code: str | None = None,
                    kind: str | None = None, is_active: bool | None = None) -> Location:
    """Rename, retype, deactivate or reactivate a location (PT-3, permission
    ``parts.change_location``). The type decides whether its stock counts as on hand,
    so a location holding stock keeps its type and stays active until it is emptied
    (``location_not_empty``); a location being counted is not changed
    (``location_frozen``)."""
    store = location.store
    require_perm(actor, store, "parts.change_location")
    location = Location.objects.select_for_update().get(pk=location.pk)
    if location.kind == LocationKind.TRANSIT:
        raise ValidationError({"kind": [_("The in-transit location is kept by the system.")]})
    before = snapshot(location, ("code", "kind", "is_active"))
    if code is not None:
        code, zone, shelf, level = _parse_code(code)
        if Location.objects.filter(store=store, code=code).exclude(pk=location.pk).exists():
            raise ValidationError({"code": [_("This location exists already.")]})
        location.code, location.zone, location.shelf, location.level = code, zone, shelf, level
    if kind is not None:
        _check_kind(kind)
    retyped = kind is not None and kind != location.kind
    closing = is_active is False and location.is_active
    if (retyped or closing or (code is not None and code != before["code"])) \
            and location.frozen_by_id:
        raise DomainError("location_frozen",
                          _("Location %(code)s is frozen for a stocktake.")
                          % {"code": before["code"]}, location=location.pk)
    if (retyped or closing) and _holds_stock(location):
        raise DomainError("location_not_empty",
                          _("Location %(code)s holds stock; move it elsewhere first.")
                          % {"code": before["code"]}, location=location.pk)
    if kind is not None:
        location.kind = kind
    if is_active is not None:
        location.is_active = is_active
    location.save(update_fields=["code", "zone", "shelf", "level", "kind", "is_active"])
    after = snapshot(location, ("code", "kind", "is_active"))
    changed = [name for name in after if before[name] != after[name]]
    if changed:
        audit_record(actor=actor, action="parts.location_update", obj=location,
                     before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    return location


def part_unit_cost(store, part: Part) -> Decimal:
    """The store's moving-average cost of a part, or its purchase cost if it never had
    stock here."""
    from ..models import PartStore

    average = (PartStore.objects.filter(store=store, part=part)
               .values_list("average_cost", flat=True).first())
    return average if average else part.cost
