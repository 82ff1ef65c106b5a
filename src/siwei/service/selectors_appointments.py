"""Reads of the appointment pages, API and cards: the day's bookings per SA, the slot
board, capacity, shifts, the store calendar and the appointment KPIs (SV-5)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from siwei.core import clock

from .models import (
    Appointment,
    AppointmentStatus,
    RepairOrder,
    ROStatus,
    StoreCalendarDay,
    TechnicianShift,
)
from .services.appointments import (
    ACTIVE,
    advisors,
    capacity_by_day,
    category_hours,
    day_bounds,
    reception_times,
    service_settings,
)
from .services.calendar import holiday_name, working_days

A = AppointmentStatus
ON_TIME_MINUTES = 15


def appointments_for(*, store) -> QuerySet[Appointment]:
    """The store's appointments with what lists show, the RO opened from each
    (``ro_id``) and the booking that replaced it (``next_id``)."""
    return (Appointment.objects.for_store(store)
            .select_related("customer", "vehicle", "vehicle__model", "advisor__employee")
            .prefetch_related("operations")
            .annotate(ro_id=F("repair_order__id"), next_id=F("rescheduled_to__id")))


def on_day(rows: QuerySet[Appointment], day: dt.date) -> QuerySet[Appointment]:
    start, end = day_bounds(day)
    return rows.filter(start__gte=start, start__lt=end)


def appointment_visible(*, store, pk: int) -> Appointment | None:
    return appointments_for(store=store).filter(pk=pk).first()


def day_list(*, store, day: dt.date, advisor=None, status: str = "") -> list[dict[str, Any]]:
    """The day's appointments grouped by SA (every SA of the store appears)."""
    rows = on_day(appointments_for(store=store), day).order_by("start", "id")
    if advisor is not None:
        rows = rows.filter(advisor=advisor)
    if status:
        rows = rows.filter(status=status)
    by_advisor: dict[int, list[Appointment]] = defaultdict(list)
    for row in rows:
        by_advisor[row.advisor_id].append(row)
    people = list(advisors(store)) if advisor is None else [advisor]
    known = {p.pk for p in people}
    groups = [{"advisor": p, "appointments": by_advisor.get(p.pk, [])} for p in people]
    for pk, items in by_advisor.items():  # an SA who has left still shows their bookings
        if pk not in known:
            groups.append({"advisor": items[0].advisor, "appointments": items})
    return groups


def slot_board(*, store, day: dt.date, hours: Decimal | None = None,
               advisor=None) -> dict[str, Any]:
    """The slot finder: for each SA the day's slots with their state — ``free``,
    ``taken``, ``buffer``, ``past`` or ``full`` (the day has no capacity left for the
    hours asked) — plus the day's capacity and whether the store works."""
    settings = service_settings(store)
    hours = hours if hours is not None else category_hours(None)
    working = working_days(store, [day])[day]
    capacity = {**capacity_by_day(store, [day], settings)[day], "working": working}
    full = capacity["left"] < hours
    start, end = day_bounds(day)
    taken = {(a, s): n for a, s, n in Appointment.objects.for_store(store).filter(
        start__gte=start, start__lt=end, status__in=ACTIVE).values_list(
            "advisor_id", "start", "number")}
    now = clock.now()
    times = reception_times(store, day, settings)
    people = [advisor] if advisor is not None else list(advisors(store))
    rows = []
    for person in people:
        slots = []
        for at, buffer in times:
            if buffer:
                state = "buffer"
            elif (person.pk, at) in taken:
                state = "taken"
            elif at < now:
                state = "past"
            elif full or not working:
                state = "full"
            else:
                state = "free"
            slots.append({"at": at, "state": state, "number": taken.get((person.pk, at), "")})
        rows.append({"advisor": person, "slots": slots,
                     "free": sum(1 for s in slots if s["state"] == "free")})
    return {"day": day, "working": working, "holiday": holiday_name(day),
            "capacity": capacity, "full": full, "hours": hours, "rows": rows}


def capacity_week(*, store, start: dt.date, days: int = 7) -> list[dict[str, Any]]:
    dates = [start + dt.timedelta(days=n) for n in range(days)]
    capacity = capacity_by_day(store, dates)
    open_days = working_days(store, dates)
    return [{**capacity[d], "working": open_days[d], "holiday": holiday_name(d)}
            for d in dates]


def shifts_week(*, store, start: dt.date, days: int = 7) -> dict[str, Any]:
    """The technicians' shifts of a week: one row per technician, one cell per day."""
    from django.contrib.auth import get_user_model

    dates = [start + dt.timedelta(days=n) for n in range(days)]
    shifts = TechnicianShift.objects.for_store(store).filter(
        day__gte=dates[0], day__lte=dates[-1]).select_related("technician__employee")
    cells: dict[tuple[int, dt.date], TechnicianShift] = {}
    for shift in shifts:
        cells[(shift.technician_id, shift.day)] = shift
    technicians = list(get_user_model().objects.filter(
        Q(employee__is_active=True, employee__assignments__store=store,
          employee__assignments__role__code="technician")
        | Q(pk__in={tech for tech, _day in cells})).select_related("employee").distinct()
        .order_by("employee__name", "pk"))
    rows = [{"technician": tech, "cells": [{"day": d, "shift": cells.get((tech.pk, d))}
                                           for d in dates]} for tech in technicians]
    capacity = capacity_by_day(store, dates)
    open_days = working_days(store, dates)
    return {"dates": [{"day": d, "working": open_days[d], "holiday": holiday_name(d),
                       "capacity": capacity[d]} for d in dates], "rows": rows}


def calendar_overrides(*, store, start: dt.date | None = None) -> QuerySet[StoreCalendarDay]:
    rows = StoreCalendarDay.objects.for_store(store).order_by("day")
    if start is not None:
        rows = rows.filter(day__gte=start)
    return rows


def upcoming(*, store, advisor=None, after: dt.datetime | None = None,
             limit: int = 10) -> list[Appointment]:
    """Booked and confirmed appointments from ``after`` (an hour ago) on — an SA's own
    with ``advisor``."""
    after = after or clock.now() - dt.timedelta(hours=1)
    rows = appointments_for(store=store).filter(
        status__in=[A.BOOKED, A.CONFIRMED], start__gte=after)
    if advisor is not None:
        rows = rows.filter(advisor=advisor)
    return list(rows.order_by("start", "id")[:limit])


# --- SV-5 KPIs ----------------------------------------------------------------------------


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def appointment_kpis(*, store, start: dt.date, end: dt.date) -> dict[str, Any]:
    """SV-5 for ``store`` from ``start`` to ``end`` (inclusive), set-based:

    - appointment rate (预约率) = ROs from an appointment / all ROs received (cancelled ROs
      excluded);
    - show rate = arrived / (booked − cancelled), over the appointments whose slot is in
      the period and whose outcome is known: rescheduled bookings are left out (their new
      booking counts) and so are those still waiting (booked or confirmed, not yet arrived
      or marked a no-show); a no-show counts against the rate, a cancellation does not;
    - on-time reception = ROs from an appointment received no later than 15 minutes after
      the slot / ROs from an appointment.

    Per day (for the chart) and per SA, with totals."""
    tz = timezone.get_current_timezone()
    first, _e = day_bounds(start)
    _s, last = day_bounds(end)
    late = F("appointment__start") + dt.timedelta(minutes=ON_TIME_MINUTES)
    orders = RepairOrder.objects.for_store(store).filter(
        received_at__gte=first, received_at__lt=last).exclude(status=ROStatus.CANCELLED)
    ro_fields = {
        "ros": Count("id"),
        "from_appointment": Count("id", filter=Q(appointment__isnull=False)),
        "on_time": Count("id", filter=Q(appointment__isnull=False, received_at__lte=late)),
    }
    appointments = Appointment.objects.for_store(store).filter(
        start__gte=first, start__lt=last).exclude(
            status__in=[A.RESCHEDULED, A.BOOKED, A.CONFIRMED])
    appt_fields = {
        "booked": Count("id"),
        "cancelled": Count("id", filter=Q(status=A.CANCELLED)),
        "arrived": Count("id", filter=Q(status__in=[A.ARRIVED, A.DONE])),
        "no_show": Count("id", filter=Q(status=A.NO_SHOW)),
    }
    ro_days = {r["on"]: r for r in orders.annotate(on=TruncDate("received_at", tzinfo=tz))
               .values("on").annotate(**ro_fields)}
    appt_days = {r["on"]: r for r in appointments.annotate(on=TruncDate("start", tzinfo=tz))
                 .values("on").annotate(**appt_fields)}
    ro_sa = {r["advisor"]: r for r in orders.values("advisor").annotate(**ro_fields)}
    appt_sa = {r["advisor"]: r for r in appointments.values("advisor").annotate(**appt_fields)}

    def row(ro: dict | None, ap: dict | None) -> dict[str, Any]:
        ro, ap = ro or {}, ap or {}
        values = {key: ro.get(key, 0) for key in ro_fields}
        values.update({key: ap.get(key, 0) for key in appt_fields})
        values["appointment_rate"] = _rate(values["from_appointment"], values["ros"])
        values["show_rate"] = _rate(values["arrived"],
                                    values["booked"] - values["cancelled"])
        values["on_time_rate"] = _rate(values["on_time"], values["from_appointment"])
        return values

    days = []
    day = start
    while day <= end:
        days.append({"day": day, **row(ro_days.get(day), appt_days.get(day))})
        day += dt.timedelta(days=1)
    from django.contrib.auth import get_user_model

    people = {u.pk: u for u in get_user_model().objects.filter(
        pk__in=set(ro_sa) | set(appt_sa)).select_related("employee")}
    by_advisor = sorted(
        ({"advisor": people[pk], **row(ro_sa.get(pk), appt_sa.get(pk))} for pk in people),
        key=lambda r: getattr(getattr(r["advisor"], "employee", None), "name", "")
        or r["advisor"].get_username())
    total = row(orders.aggregate(**ro_fields), appointments.aggregate(**appt_fields))
    return {"start": start, "end": end, "days": days, "advisors": by_advisor, "total": total}


def kpi_chart(result: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """An ECharts option: ROs per day (bars, from an appointment or not) and the show rate
    and appointment rate (lines, %)."""
    days = result["days"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 40, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [d["day"].strftime("%m-%d") for d in days]},
        "yAxis": [{"type": "value", "minInterval": 1},
                  {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}],
        "series": [
            {"name": labels["from_appointment"], "type": "bar", "stack": "ro",
             "data": [d["from_appointment"] for d in days]},
            {"name": labels["walk_in"], "type": "bar", "stack": "ro",
             "data": [d["ros"] - d["from_appointment"] for d in days]},
            {"name": labels["appointment_rate"], "type": "line", "yAxisIndex": 1,
             "connectNulls": True,
             "data": [float(d["appointment_rate"]) if d["appointment_rate"] is not None
                      else None for d in days]},
            {"name": labels["show_rate"], "type": "line", "yAxisIndex": 1,
             "connectNulls": True,
             "data": [float(d["show_rate"]) if d["show_rate"] is not None else None
                      for d in days]},
        ],
    }


def today_capacity(*, store) -> dict[str, Any]:
    day = clock.today()
    result = capacity_by_day(store, [day])[day]
    result["working"] = working_days(store, [day])[day]
    start, end = day_bounds(day)
    result["counts"] = dict(Appointment.objects.for_store(store).filter(
        start__gte=start, start__lt=end).values_list("status").annotate(n=Count("id"))
        .values_list("status", "n"))
    return result
