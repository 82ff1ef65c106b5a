"""Monthly sales targets per store and per consultant (CS-11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siwei.core.audit import ACTION_LABELS, audit_record, snapshot
from siwei.core.fields import money
from siwei.core.models import StaffAssignment, Store
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import SalesTarget

ACTION_LABELS.setdefault("sales_target.set", gettext_lazy("Sales target set"))

COUNT_FIELDS = ("visits", "new_leads", "test_drives", "orders", "deliveries")
MONEY_FIELDS = ("accessory_revenue",)
PERCENT_FIELDS = ("insurance_penetration", "finance_penetration")
FIELDS = (*COUNT_FIELDS, *MONEY_FIELDS, *PERCENT_FIELDS)
MAX_COUNT = 100_000
MAX_MONEY = Decimal("999999999999.99")


def _works_in(user, store: Store) -> bool:
    return StaffAssignment.objects.filter(
        employee__user=user, employee__is_active=True).filter(
        Q(store=store) | Q(store__isnull=True, employee__group_id=store.group_id)).exists()


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in values.items():
        value = 0 if value is None or value == "" else value
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            errors[field] = [_("Enter a number.")]
            continue
        if not number.is_finite() or number < 0:
            errors[field] = [_("Enter a number of zero or more.")]
        elif field in COUNT_FIELDS:
            if number != number.to_integral_value() or number > MAX_COUNT:
                errors[field] = [_("Enter a whole number up to %(max)s.") % {"max": MAX_COUNT}]
            else:
                cleaned[field] = int(number)
        elif field in MONEY_FIELDS:
            if number > MAX_MONEY:
                errors[field] = [_("The amount is too large.")]
            else:
                cleaned[field] = money(number)
        elif number > 100:
            errors[field] = [_("A penetration is a percentage from 0 to 100.")]
        else:
            cleaned[field] = number.quantize(Decimal("0.1"))
    if errors:
        raise ValidationError(errors)
    return cleaned


@service_transaction
def target_set(*, actor, store: Store, month: dt.date, consultant=None,
               **values: Any) -> SalesTarget:
    """Set the month's targets of the store (no consultant) or of one consultant; fields
    not given keep their value (0 for a new target). Needs ``sales.change_salestarget``."""
    if not has_store_perm(actor, store, "sales.change_salestarget"):
        raise PermissionDenied(_("You may not set sales targets."))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    cleaned = _clean(values)
    if consultant is not None and not _works_in(consultant, store):
        raise ValidationError({"consultant": [_("This person does not work in the store.")]})
    month = month.replace(day=1)
    # Serialise per store: a store target (no consultant) is not protected by the unique
    # constraint, NULLs being distinct.
    Store.objects.select_for_update().filter(pk=store.pk).values_list("pk").first()
    target = SalesTarget.objects.filter(store=store, month=month, consultant=consultant).first()
    before = snapshot(target, FIELDS) if target is not None else None
    if target is None:
        target = SalesTarget(store=store, month=month, consultant=consultant)
    for field, value in cleaned.items():
        setattr(target, field, value)
    after = snapshot(target, FIELDS)
    if before == after and target.pk:
        return target
    target.save()
    audit_record(actor=actor, action="sales_target.set", obj=target, before=before,
                 after={"month": month, "consultant": getattr(consultant, "pk", None), **after})
    return target
