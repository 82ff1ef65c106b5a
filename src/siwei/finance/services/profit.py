"""Department profit (FN-5): entering a month's store overhead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.fields import money
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import MonthlyOverhead

PERMISSION = "finance.change_monthlyoverhead"


@service_transaction
def overhead_set(*, actor, store, month: dt.date, amount: Decimal, note: str = "") -> \
        MonthlyOverhead:
    """Enter (or correct) the overhead of ``month`` (any day of it) for ``store``. Not for
    a month that has not begun."""
    if actor is not None and not has_store_perm(actor, store, PERMISSION):
        raise DomainError("forbidden", _("You may not enter the store's overhead."))
    if amount is None or Decimal(amount) < 0:
        raise ValidationError({"amount": _("Enter an amount of zero or more.")})
    first = month.replace(day=1)
    if first > clock.today().replace(day=1):
        raise ValidationError({"month": _("The month has not begun yet.")})
    row = (MonthlyOverhead.objects.select_for_update().for_store(store)
           .filter(month=first).first())
    before = {"amount": row.amount, "note": row.note} if row else None
    if row is None:
        row = MonthlyOverhead(store=store, month=first)
    row.amount, row.note = money(amount), note.strip()[:200]
    row.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    row.entered_at = clock.now()
    row.save()
    audit_record(actor=actor, action="overhead.set", obj=row, before=before,
                 after={"month": first, "amount": row.amount, "note": row.note})
    return row
