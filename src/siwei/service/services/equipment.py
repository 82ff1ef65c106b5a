"""Workshop equipment, measuring instruments and special tools (设备/计量, SV-20).

The ledger holds every asset with its location and responsible person and a log of its
daily and monthly maintenance. A measuring instrument has a calibration cycle: green while
valid, yellow within 14 days of the next calibration, red once it has passed — a red
instrument may not be used in QC records (``instrument_check``). Special tools are lent
for the day and flagged when not back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record, snapshot
from siwei.core.errors import DomainError
from siwei.core.transactions import service_transaction

from ..models import (
    Calibration,
    CalibrationState,
    Equipment,
    EquipmentKind,
    EquipmentLog,
    EquipmentLogKind,
    ToolLoan,
)

EQUIPMENT_FIELDS = ("asset_number", "name", "kind", "specification", "location",
                    "responsible", "purchase_date", "calibration_cycle_days", "out_of_service",
                    "notes")
AUDITED = ("asset_number", "name", "kind", "location", "responsible", "out_of_service",
           "calibration_cycle_days", "last_calibrated", "next_calibration")
# Tools lent during the day come back by the end of the working day.
TOOL_DUE_TIME = dt.time(18, 0)


def _check_fields(store, data: dict[str, Any]) -> None:
    unknown = set(data) - set(EQUIPMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown equipment fields: {sorted(unknown)}")
    if data.get("kind") == EquipmentKind.INSTRUMENT and not data.get("calibration_cycle_days"):
        raise ValidationError({"calibration_cycle_days": [
            _("A measuring instrument needs its calibration cycle.")]})


@service_transaction
def equipment_create(*, actor, store, **data: Any) -> Equipment:
    _check_fields(store, data)
    if Equipment.objects.for_store(store).filter(
            asset_number=(data.get("asset_number") or "").strip()).exists():
        raise ValidationError({"asset_number": [_("This asset number is taken.")]})
    equipment = Equipment(store=store, **data)
    equipment.full_clean(exclude=["store"])
    equipment.save()
    audit_record(actor=actor, action="equipment.create", obj=equipment,
                 after=snapshot(equipment, AUDITED))
    return equipment


@service_transaction
def equipment_update(*, actor, equipment: Equipment, **data: Any) -> Equipment:
    merged = {f: getattr(equipment, f) for f in EQUIPMENT_FIELDS} | data
    _check_fields(equipment.store, merged)
    before = snapshot(equipment, AUDITED)
    for field, value in data.items():
        setattr(equipment, field, value)
    if Equipment.objects.for_store(equipment.store).filter(
            asset_number=equipment.asset_number).exclude(pk=equipment.pk).exists():
        raise ValidationError({"asset_number": [_("This asset number is taken.")]})
    if "calibration_cycle_days" in data and equipment.last_calibrated and \
            equipment.calibration_cycle_days:
        equipment.next_calibration = equipment.last_calibrated + dt.timedelta(
            days=equipment.calibration_cycle_days)
    equipment.full_clean(exclude=["store"])
    equipment.save()
    after = snapshot(equipment, AUDITED)
    if after != before:
        audit_record(actor=actor, action="equipment.update", obj=equipment, before=before,
                     after=after)
    return equipment


@service_transaction
def equipment_log(*, actor, equipment: Equipment, kind: str, day: dt.date | None = None,
                  in_order: bool = True, notes: str = "") -> EquipmentLog:
    """A line of the daily/monthly maintenance log."""
    if kind not in EquipmentLogKind.values:
        raise ValidationError({"kind": [_("Unknown kind.")]})
    day = day or clock.today()
    if day > clock.today():
        raise ValidationError({"day": [_("The day cannot be in the future.")]})
    if not in_order and not (notes or "").strip():
        raise ValidationError({"notes": [_("Describe what is wrong.")]})
    return EquipmentLog.objects.create(equipment=equipment, kind=kind, day=day,
                                       done_by=actor, in_order=in_order,
                                       notes=(notes or "").strip())


@service_transaction
def calibration_record(*, actor, instrument: Equipment, day: dt.date, passed: bool = True,
                       agency: str = "", certificate: str = "") -> Calibration:
    """A calibration of the instrument: a pass sets the last and next calibration dates
    (day + cycle); a fail stops the instrument until it passes one."""
    instrument = Equipment.objects.select_for_update().get(pk=instrument.pk)
    if instrument.kind != EquipmentKind.INSTRUMENT or not instrument.calibration_cycle_days:
        raise ValidationError({"instrument": [_("Only measuring instruments are calibrated.")]})
    if day > clock.today():
        raise ValidationError({"day": [_("The day cannot be in the future.")]})
    before = snapshot(instrument, AUDITED)
    next_due = day + dt.timedelta(days=instrument.calibration_cycle_days) if passed else None
    record = Calibration.objects.create(instrument=instrument, day=day, agency=agency.strip(),
                                        certificate=certificate.strip(), passed=passed,
                                        next_due=next_due, recorded_by=actor)
    if instrument.last_calibrated is None or day >= instrument.last_calibrated:
        instrument.last_calibrated = day
        instrument.next_calibration = next_due
        instrument.out_of_service = not passed
        instrument.save(update_fields=["last_calibrated", "next_calibration",
                                       "out_of_service"])
    audit_record(actor=actor, action="equipment.calibrate", obj=instrument, before=before,
                 after=snapshot(instrument, AUDITED))
    return record


def instrument_usable(instrument: Equipment, on: dt.date) -> bool:
    """May the instrument be used on ``on``? Green and yellow yes, red no."""
    return instrument.calibration_state(on) != CalibrationState.RED


def instrument_check(*, instrument: Equipment, on: dt.date) -> None:
    """Refuse (409 ``instrument_overdue``) a QC record made with an instrument whose
    calibration has passed, that was never calibrated, or that is out of service."""
    if instrument.kind != EquipmentKind.INSTRUMENT:
        return
    if not instrument_usable(instrument, on):
        if instrument.next_calibration is not None and not instrument.out_of_service:
            message = _("%(name)s was due for calibration on %(date)s.") % {
                "name": instrument, "date": instrument.next_calibration}
        else:
            message = _("%(name)s is stopped: no valid calibration.") % {"name": instrument}
        raise DomainError("instrument_overdue", message, instrument=instrument.pk,
                          next_calibration=instrument.next_calibration.isoformat()
                          if instrument.next_calibration else None)


def _end_of_day(at: dt.datetime) -> dt.datetime:
    local = timezone.localtime(at)
    due = timezone.make_aware(dt.datetime.combine(local.date(), TOOL_DUE_TIME))
    return due if due > at else timezone.make_aware(
        dt.datetime.combine(local.date(), dt.time(23, 59)))


@service_transaction
def tool_lend(*, actor, tool: Equipment, borrower, repair_order=None,
              notes: str = "") -> ToolLoan:
    """Lend a special tool for the day; one loan at a time (409 ``tool_unavailable``)."""
    tool = Equipment.objects.select_for_update().get(pk=tool.pk)
    if tool.kind != EquipmentKind.SPECIAL_TOOL:
        raise ValidationError({"tool": [_("Only special tools are lent.")]})
    if tool.out_of_service:
        raise DomainError("tool_unavailable", _("%s is out of service.") % tool)
    if repair_order is not None and repair_order.store_id != tool.store_id:
        raise ValidationError({"repair_order": [_("Unknown repair order.")]})
    open_loan = ToolLoan.objects.filter(tool=tool, returned_at__isnull=True).first()
    if open_loan is not None:
        raise DomainError("tool_unavailable", _("%s is lent out.") % tool,
                          loan=open_loan.pk)
    now = clock.now()
    try:
        with transaction.atomic():
            loan = ToolLoan.objects.create(store=tool.store, tool=tool, borrower=borrower,
                                           repair_order=repair_order, lent_at=now,
                                           due_at=_end_of_day(now), lent_by=actor,
                                           notes=(notes or "").strip())
    except IntegrityError:
        raise DomainError("tool_unavailable", _("%s is lent out.") % tool) from None
    audit_record(actor=actor, action="equipment.lend", obj=loan, after={
        "tool": tool.pk, "borrower": borrower.pk})
    return loan


@service_transaction
def tool_return(*, actor, loan: ToolLoan) -> ToolLoan:
    locked = ToolLoan.objects.select_for_update().get(pk=loan.pk)
    if locked.returned_at is not None:
        raise DomainError("invalid_transition", _("The tool is already back."),
                          status="returned")
    locked.returned_at = clock.now()
    locked.returned_to = actor
    locked.save(update_fields=["returned_at", "returned_to"])
    audit_record(actor=actor, action="equipment.return", obj=locked,
                 after={"late": locked.returned_at > locked.due_at})
    loan.returned_at, loan.returned_to = locked.returned_at, actor
    return loan
