"""Entering the managers' KPI targets (FN-6): one KPI of one month, or every KPI of a
month at once (the targets page). A target may be set for any month, ahead too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import KpiTarget
from .definitions import KPI_BY_CODE, Kpi

PERMISSION = "reports.change_kpitarget"
CENT = Decimal("0.01")


def _check_permission(actor, store) -> None:
    if actor is not None and not has_store_perm(actor, store, PERMISSION):
        raise DomainError("forbidden", _("You may not enter the store's KPI targets."))


def clean_target(kpi: Kpi, value) -> Decimal:
    """The target as stored, or a ValidationError saying what is wrong with it."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."))
    if kpi.kind == "count" and number != number.to_integral_value():
        raise ValidationError(_("Enter a whole number."))
    if number < kpi.minimum or (kpi.maximum is not None and number > kpi.maximum):
        if kpi.maximum is None:
            raise ValidationError(_("Enter %(minimum)s or more.") % {"minimum": kpi.minimum})
        raise ValidationError(_("Enter a number from %(minimum)s to %(maximum)s.")
                              % {"minimum": kpi.minimum, "maximum": kpi.maximum})
    if abs(number) >= Decimal("1e12"):
        raise ValidationError(_("Enter a smaller number."))
    return number.quantize(CENT)


def _kpi(code: str) -> Kpi:
    kpi = KPI_BY_CODE.get(code)
    if kpi is None:
        raise ValidationError({"kpi": _("Unknown KPI %(code)s.") % {"code": code}})
    return kpi


def _write(*, actor, store, month: dt.date, kpi: Kpi, value: Decimal | None) -> \
        KpiTarget | None:
    row = (KpiTarget.objects.select_for_update().for_store(store)
           .filter(month=month, kpi=kpi.code).first())
    before = {"value": row.value} if row else None
    if value is None:
        if row is not None:
            audit_record(actor=actor, action="kpi_target.clear", obj=row, before=before,
                         after=None)
            row.delete()
        return None
    if row is not None and row.value == value:
        return row
    if row is None:
        row = KpiTarget(store=store, month=month, kpi=kpi.code)
    row.value = value
    row.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    row.entered_at = clock.now()
    row.save()
    audit_record(actor=actor, action="kpi_target.set", obj=row, before=before,
                 after={"month": month, "kpi": kpi.code, "value": value})
    return row


@service_transaction
def kpi_target_set(*, actor, store, month: dt.date, kpi: str, value) -> KpiTarget | None:
    """Enter (or correct) the target of ``kpi`` for ``month`` (any day of it); a value of
    None removes the month's target of that KPI."""
    _check_permission(actor, store)
    definition = _kpi(kpi)
    cleaned = None
    if value is not None and value != "":
        try:
            cleaned = clean_target(definition, value)
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from None
    return _write(actor=actor, store=store, month=month.replace(day=1), kpi=definition,
                  value=cleaned)


@service_transaction
def kpi_targets_set(*, actor, store, month: dt.date, values: dict) -> list[KpiTarget]:
    """Every KPI of a month at once: ``values`` maps KPI codes to a target (None or "" to
    remove it). Nothing is written unless every value is good; the error names each bad
    KPI by its code."""
    _check_permission(actor, store)
    cleaned, errors = {}, {}
    for code, value in values.items():
        definition = KPI_BY_CODE.get(code)
        if definition is None:
            errors[code] = [_("Unknown KPI %(code)s.") % {"code": code}]
            continue
        try:
            cleaned[code] = (None if value is None or value == ""
                             else clean_target(definition, value))
        except ValidationError as exc:
            errors[code] = exc.messages
    if errors:
        raise ValidationError(errors)
    first = month.replace(day=1)
    rows = [_write(actor=actor, store=store, month=first, kpi=KPI_BY_CODE[code], value=value)
            for code, value in cleaned.items()]
    return [row for row in rows if row is not None]
