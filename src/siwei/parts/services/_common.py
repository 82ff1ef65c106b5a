"""Helpers shared by the parts services."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from siwei.core.fields import quantity as as_quantity
from siwei.core.permissions import has_store_perm


def require_perm(actor, store, perm: str) -> None:
    """Services called with an actor check the actor's permission in the store; the
    system (``actor=None``: demo, tasks, other departments' services) is trusted."""
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(
            _("You may not do this in store %(store)s.") % {"store": store.code})


def positive_quantity(value, field: str = "quantity") -> Decimal:
    try:
        qty = as_quantity(value)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if qty <= 0:
        raise ValidationError({field: [_("The quantity must be greater than zero.")]})
    return qty


def non_negative_quantity(value, field: str) -> Decimal:
    try:
        qty = as_quantity(value if value not in (None, "") else 0)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if qty < 0:
        raise ValidationError({field: [_("The quantity cannot be negative.")]})
    return qty


def same_store(obj, store, field: str) -> None:
    if obj is not None and obj.store_id != store.pk:
        raise ValidationError({field: [_("This belongs to another store.")]})
