"""Master data services (PT-1 … PT-3)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from siwei.core.audit import audit_record, snapshot

from ..models import Location, LocationKind, Part, Supplier
from ._common import require_perm

PRICE_FIELDS = ("list_price", "warranty_price", "insurance_price", "cost")
LOCATION_RE = re.compile(r"^([A-Z]{1,3})-(\d{1,3})-(\d{1,2})$")


def _check_number_free(part: Part) -> None:
    taken = Part.objects.filter(group_id=part.group_id, number=part.number)
    if part.pk:
        taken = taken.exclude(pk=part.pk)
    if taken.exists():
        raise ValidationError({"number": [_("The group already has part %(number)s.")
                                          % {"number": part.number}]})


@transaction.atomic
def part_create(*, actor, store, group, **fields) -> Part:
    """A new part of the group catalog. ``store`` is where the actor acts (permission)."""
    require_perm(actor, store, "parts.add_part")
    part = Part(group=group, **fields)
    part.number = (part.number or "").strip().upper()
    _check_number_free(part)
    part.full_clean(validate_unique=True)
    part.save()
    audit_record(actor=actor, action="parts.part_create", obj=part, store=store,
                 after=snapshot(part, ("number", "name", *PRICE_FIELDS)))
    return part


@transaction.atomic
def part_update(*, actor, store, part: Part, **fields) -> Part:
    """Change a part; price changes are audited (before/after)."""
    require_perm(actor, store, "parts.change_part")
    part = Part.objects.select_for_update().get(pk=part.pk)
    before = snapshot(part, PRICE_FIELDS)
    for name, value in fields.items():
        setattr(part, name, value)
    part.number = (part.number or "").strip().upper()
    _check_number_free(part)
    part.full_clean(validate_unique=True)
    part.save()
    after = snapshot(part, PRICE_FIELDS)
    audit_record(actor=actor, action="parts.part_update", obj=part, store=store,
                 before=before if before != after else None,
                 after=after if before != after else {"fields": sorted(fields)})
    return part


@transaction.atomic
def supplier_create(*, actor, store, group, name: str, **fields) -> Supplier:
    require_perm(actor, store, "parts.manage_purchasing")
    supplier = Supplier(group=group, name=name, **fields)
    supplier.full_clean()
    supplier.save()
    audit_record(actor=actor, action="parts.supplier_create", obj=supplier, store=store,
                 after={"name": name})
    return supplier


@transaction.atomic
def location_create(*, actor, store, code: str, kind: str = LocationKind.NORMAL) -> Location:
    """A location coded zone-shelf-level, e.g. ``A-03-2`` (PT-3)."""
    require_perm(actor, store, "parts.add_location")
    code = (code or "").strip().upper()
    match = LOCATION_RE.match(code)
    if not match:
        raise ValidationError({"code": [_("Use zone-shelf-level, for example A-03-2.")]})
    if kind not in LocationKind.values:
        raise ValidationError({"kind": [_("Unknown location type.")]})
    if Location.objects.filter(store=store, code=code).exists():
        raise ValidationError({"code": [_("This location exists already.")]})
    zone, shelf, level = match.groups()
    location = Location.objects.create(store=store, code=code, zone=zone, shelf=int(shelf),
                                       level=int(level), kind=kind)
    audit_record(actor=actor, action="parts.location_create", obj=location,
                 after={"code": code, "kind": kind})
    return location
