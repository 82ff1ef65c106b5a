"""The store's working days (SV-2): Chinese statutory holidays with the store's override.

A 4S workshop works weekends — Saturday and Sunday are its busiest reception days — so
the default is **"statutory holidays closed, weekends open"**:

1. the store's own ``StoreCalendarDay`` row for the day decides first (a service manager
   opens a holiday or closes any day);
2. otherwise, for the years the ``chinese_calendar`` package knows (2004–2026 in 1.11),
   a day is closed when it is a statutory holiday (法定节假日, including the days off
   given in lieu: ``get_holiday_detail(day)`` answers ``(True, "National Day")``) and
   open on every other day — ordinary weekends included, and the adjusted working
   weekends (调休) of course;
3. for a year the package does not know yet (it raises ``NotImplementedError``) the
   holidays are unknown, so the store falls back to **Monday–Saturday open, Sunday
   closed**, and closed on the fixed-date statutory holidays (New Year's Day 1 Jan,
   Labour Day 1–2 May, National Day 1–3 Oct). Spring Festival and the other lunar
   holidays cannot be known; the service manager closes them with overrides until the
   package is updated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import chinese_calendar

from siwei.core.audit import audit_record
from siwei.core.transactions import service_transaction

from ..models import StoreCalendarDay, TechnicianShift

# Fixed-date statutory holidays (全国年节及纪念日放假办法, 2025): used only for years the
# chinese_calendar package does not know.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
FALLBACK_CLOSED_WEEKDAYS = {6}  # Sunday


def official_working_day(day: dt.date) -> bool:
    """The default without the store's override (see the module docstring)."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return fallback_working_day(day)
    return not (holiday and name is not None)


def fallback_working_day(day: dt.date) -> bool:
    """Years without holiday data: Monday–Saturday, except fixed-date statutory holidays."""
    return day.weekday() not in FALLBACK_CLOSED_WEEKDAYS and (day.month, day.day) \
        not in FIXED_HOLIDAYS


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday's English name (``"National Day"``), or None."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if holiday else None


def is_working_day(store, day: dt.date) -> bool:
    """Whether ``store`` receives customers on ``day``: the store's override first, else
    the official calendar (statutory holidays closed, weekends open)."""
    override = StoreCalendarDay.objects.filter(store=store, day=day).values_list(
        "is_working", flat=True).first()
    if override is not None:
        return override
    return official_working_day(day)


def working_days(store, days: Iterable[dt.date]) -> dict[dt.date, bool]:
    """``is_working_day`` for many days with one query."""
    days = list(days)
    if not days:
        return {}
    overrides = dict(StoreCalendarDay.objects.filter(
        store=store, day__gte=min(days), day__lte=max(days)).values_list("day", "is_working"))
    return {day: overrides[day] if day in overrides else official_working_day(day)
            for day in days}


# --- the store's calendar and the technicians' shifts (written by managers) -------------


def _require(actor, store, perm: str) -> None:
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    from siwei.core.permissions import has_store_perm

    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not do this in store %(store)s.")
                               % {"store": store.code})


@service_transaction
def calendar_day_set(*, actor, store, day: dt.date, is_working: bool,
                     note: str = "") -> StoreCalendarDay:
    """The service manager opens or closes one day for the store (overrides the official
    calendar)."""
    _require(actor, store, "service.change_storecalendarday")
    row, created = StoreCalendarDay.objects.update_or_create(
        store=store, day=day, defaults={"is_working": bool(is_working),
                                        "note": (note or "").strip()[:100]})
    audit_record(actor=actor, action="service.calendar_set", obj=row, store=store,
                 after={"day": day, "is_working": row.is_working, "note": row.note,
                        "created": created})
    return row


@service_transaction
def calendar_day_remove(*, actor, store, day: dt.date) -> bool:
    """Back to the official calendar for ``day``."""
    _require(actor, store, "service.change_storecalendarday")
    row = StoreCalendarDay.objects.filter(store=store, day=day).first()
    if row is None:
        return False
    audit_record(actor=actor, action="service.calendar_remove", obj=row, store=store,
                 before={"day": day, "is_working": row.is_working, "note": row.note})
    row.delete()
    return True


def _is_technician(store, user) -> bool:
    from siwei.core.models import StaffAssignment

    return StaffAssignment.objects.filter(employee__user=user, employee__is_active=True,
                                          store=store, role__code="technician").exists()


@service_transaction
def shift_set(*, actor, store, technician, days: Iterable[dt.date], start: dt.time,
              end: dt.time) -> list[TechnicianShift]:
    """Set a technician's shift on each of ``days`` (creating or changing it) — SV-3
    capacity counts these hours."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    _require(actor, store, "service.add_technicianshift")
    _require(actor, store, "service.change_technicianshift")
    if technician is None or not _is_technician(store, technician):
        raise ValidationError({"technician": [_("Choose a technician of this store.")]})
    if start is None or end is None or end <= start:
        raise ValidationError({"end": [_("The shift must end after it starts.")]})
    rows = []
    for day in sorted(set(days)):
        shift, _created = TechnicianShift.objects.update_or_create(
            store=store, technician=technician, day=day, defaults={"start": start, "end": end})
        rows.append(shift)
    if rows:
        audit_record(actor=actor, action="service.shift_set", obj=rows[0], store=store,
                     after={"technician": technician.pk, "days": [r.day for r in rows],
                            "start": start, "end": end})
    return rows


@service_transaction
def shift_remove(*, actor, store, technician, day: dt.date) -> bool:
    """The technician is off that day."""
    _require(actor, store, "service.change_technicianshift")
    shift = TechnicianShift.objects.filter(store=store, technician=technician, day=day).first()
    if shift is None:
        return False
    audit_record(actor=actor, action="service.shift_remove", obj=shift, store=store,
                 before={"technician": technician.pk, "day": day, "start": shift.start,
                         "end": shift.end})
    shift.delete()
    return True
