"""Appointments (预约, SV-1 … SV-4): reception slots with buffers, workshop capacity,
working days, states, reminders, no-shows, rescheduling and reserved parts.

Rules in short:

- **Reception slots (SV-2).** Each service advisor (SA) receives in slots of
  ``ServiceSettings.slot_minutes`` from the store's ``opens_at``; a slot must end by
  ``closes_at``. Counting from opening, every ``buffer_every``-th slot is a buffer that
  appointments cannot book (9:00, 9:15, 9:30 bookable, 9:45 buffer …). A slot is taken by
  an active appointment (booked, confirmed, arrived) of that SA.
- **Capacity (SV-3).** Per store and day: available hours = Σ shift hours of the
  technicians on shift × productivity; appointments may book ``appointment_share`` of it;
  booked hours = Σ estimated hours of the day's active appointments.
- **Concurrency.** Every booking (and rescheduling) locks a per-store-day counter row
  (``core.DocumentCounter`` with ``doc_type="APDAY"``, which counts the bookings made for
  that day) before it checks the slot and the capacity, so two bookings of one day are
  serialised and exactly one of two racing for a slot wins.
- **Parts (PT-9).** Parts are reserved for ``("service.appointment", appointment id)``,
  on the store's reserve shelf when it has one. Cancelling, a no-show or rescheduling
  releases them (rescheduling reserves them again for the new booking). On arrival the
  reservation is handed over to the repair order: released for the appointment and
  reserved again for ``("service.repairorder", ro id)`` with an empty line id — the
  orders department moves it to the RO's part lines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from siwei.core import clock
from siwei.core.audit import audit_record
from siwei.core.errors import DomainError
from siwei.core.models import DocumentCounter, Store
from siwei.core.numbering import number_next
from siwei.core.permissions import has_store_perm
from siwei.core.transactions import service_transaction

from ..models import (
    APPOINTMENT_FLOW,
    Appointment,
    AppointmentChannel,
    AppointmentStatus,
    LabourOperation,
    LabourTime,
    ROCategory,
    ServiceSettings,
    TechnicianShift,
)
from .calendar import is_working_day, working_days

A = AppointmentStatus
ACTIVE = (A.BOOKED, A.CONFIRMED, A.ARRIVED)
WAITING = (A.BOOKED, A.CONFIRMED)
DOCUMENT_TYPE = "service.appointment"
RO_DOCUMENT_TYPE = "service.repairorder"
LOCK_DOC_TYPE = "APDAY"
ADVISOR_ROLE = "service_advisor"
NEXT_DAYS = 3
NEXT_DAYS_HORIZON = 60
HOURS = Decimal("0.01")

# SV-1: estimated labour hours of a category when no labour operation is chosen.
CATEGORY_HOURS: dict[str, Decimal] = {
    ROCategory.FIRST_MAINTENANCE: Decimal("1.00"),
    ROCategory.MAINTENANCE: Decimal("1.00"),
    ROCategory.LEVEL2_MAINTENANCE: Decimal("3.00"),
    ROCategory.MINOR_REPAIR: Decimal("1.50"),
    ROCategory.OVERHAUL: Decimal("8.00"),
    ROCategory.ACCIDENT: Decimal("6.00"),
    ROCategory.WARRANTY: Decimal("2.00"),
    ROCategory.COMEBACK: Decimal("1.50"),
    ROCategory.INTERNAL: Decimal("1.00"),
    ROCategory.ACCESSORY: Decimal("1.50"),
}
DEFAULT_HOURS = CATEGORY_HOURS[ROCategory.MAINTENANCE]


# --- settings, time and people ---------------------------------------------------------


def service_settings(store: Store) -> ServiceSettings:
    """The store's service rules (the defaults when it has no row)."""
    return ServiceSettings.objects.filter(store=store).first() or ServiceSettings(store=store)


def _require(actor, store: Store, perm: str) -> None:
    """Services called with an actor check its permission; ``actor=None`` is the system."""
    if actor is not None and not has_store_perm(actor, store, perm):
        raise PermissionDenied(_("You may not do this in store %(store)s.")
                               % {"store": store.code})


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as [start, end) in aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1),
                                                          dt.time.min))


def advisors(store: Store):
    """The active service advisors of ``store`` (users), by name."""
    return get_user_model().objects.filter(
        employee__is_active=True, employee__assignments__store=store,
        employee__assignments__role__code=ADVISOR_ROLE,
    ).select_related("employee").distinct().order_by("employee__name", "pk")


def is_advisor(store: Store, user) -> bool:
    return user is not None and advisors(store).filter(pk=user.pk).exists()


def category_hours(category: str | None) -> Decimal:
    return CATEGORY_HOURS.get(category or "", DEFAULT_HOURS)


def estimate_hours(*, vehicle, operations: Iterable[LabourOperation], category: str) -> Decimal:
    """SV-1: the standard hours of the operations for the vehicle's model (the operation's
    default where the model has none), else the category's default."""
    operations = list(operations)
    if not operations:
        return category_hours(category)
    per_model = {}
    if vehicle is not None and vehicle.model_id:
        per_model = dict(LabourTime.objects.filter(
            model_id=vehicle.model_id, operation__in=operations).values_list(
                "operation_id", "hours"))
    return sum((per_model.get(op.pk, op.default_hours) for op in operations), Decimal(0))


# --- reception slots (SV-2) --------------------------------------------------------------


def _as_time(value) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def opening_hours(store: Store) -> tuple[dt.time, dt.time]:
    """The store's ``opens_at`` and ``closes_at`` as times (a new, unsaved store may still
    hold the field default as text)."""
    return _as_time(store.opens_at), _as_time(store.closes_at)


def reception_times(store: Store, day: dt.date,
                    settings: ServiceSettings | None = None) -> list[tuple[dt.datetime, bool]]:
    """Every reception slot of an SA on ``day`` as ``(start, is_buffer)``, whether or not
    the day is a working day."""
    settings = settings or service_settings(store)
    step = dt.timedelta(minutes=max(int(settings.slot_minutes or 15), 1))
    every = int(settings.buffer_every or 0)
    opens_at, closes_at = opening_hours(store)
    opens = timezone.make_aware(dt.datetime.combine(day, opens_at))
    closes = timezone.make_aware(dt.datetime.combine(day, closes_at))
    slots, at, index = [], opens, 0
    while at + step <= closes:
        slots.append((at, every > 1 and (index + 1) % every == 0))
        at += step
        index += 1
    return slots


def taken_slots(store: Store, day: dt.date, advisor=None,
                exclude: Appointment | None = None) -> set[tuple[int, dt.datetime]]:
    """(advisor id, start) of the day's active appointments."""
    start, end = day_bounds(day)
    rows = Appointment.objects.for_store(store).filter(
        start__gte=start, start__lt=end, status__in=ACTIVE)
    if advisor is not None:
        rows = rows.filter(advisor=advisor)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return set(rows.values_list("advisor_id", "start"))


# --- workshop capacity (SV-3) --------------------------------------------------------------


def _shift_hours(start: dt.time, end: dt.time) -> Decimal:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return Decimal(max(minutes, 0)) / 60


def capacity_by_day(store: Store, days: Iterable[dt.date],
                    settings: ServiceSettings | None = None) -> dict[dt.date, dict[str, Any]]:
    """SV-3 per day: ``available`` (technician hours × productivity), ``bookable`` (the
    appointment share), ``booked`` (active appointments' estimated hours) and ``left``.
    Two queries for any number of days."""
    days = sorted(set(days))
    if not days:
        return {}
    settings = settings or service_settings(store)
    shift_hours: dict[dt.date, Decimal] = defaultdict(Decimal)
    technicians: dict[dt.date, int] = defaultdict(int)
    for day, start, end in TechnicianShift.objects.for_store(store).filter(
            day__gte=days[0], day__lte=days[-1]).values_list("day", "start", "end"):
        shift_hours[day] += _shift_hours(start, end)
        technicians[day] += 1
    first, _end = day_bounds(days[0])
    _start, last = day_bounds(days[-1])
    booked = dict(Appointment.objects.for_store(store).filter(
        start__gte=first, start__lt=last, status__in=ACTIVE,
    ).annotate(on=TruncDate("start", tzinfo=timezone.get_current_timezone())).values(
        "on").annotate(hours=Sum("estimated_hours")).values_list("on", "hours"))
    result = {}
    for day in days:
        available = (shift_hours[day] * settings.productivity).quantize(HOURS)
        bookable = (available * settings.appointment_share).quantize(HOURS)
        used = (booked.get(day) or Decimal(0)).quantize(HOURS)
        result[day] = {"day": day, "technicians": technicians[day],
                       "shift_hours": shift_hours[day].quantize(HOURS),
                       "available": available, "bookable": bookable, "booked": used,
                       "left": bookable - used,
                       "used_percent": (used * 100 / bookable).quantize(Decimal("1"))
                       if bookable else None}
    return result


def day_capacity(store: Store, day: dt.date,
                 settings: ServiceSettings | None = None) -> dict[str, Any]:
    return capacity_by_day(store, [day], settings)[day]


# --- the slot finder ---------------------------------------------------------------------


def appointment_slots(*, store: Store, day: dt.date, advisor=None, hours=None,
                      category: str | None = None) -> list[dt.datetime]:
    """SV-2/SV-3: the times that can be booked on ``day`` — a working day, an SA's slot
    that is free and not a buffer (with ``advisor``: that SA's; without: any SA's), not in
    the past, and the day's capacity left ≥ ``hours`` (default: the category's)."""
    hours = Decimal(hours) if hours not in (None, "") else category_hours(category)
    settings = service_settings(store)
    if not is_working_day(store, day):
        return []
    if day_capacity(store, day, settings)["left"] < hours:
        return []
    people = [advisor.pk] if advisor is not None else list(
        advisors(store).values_list("pk", flat=True))
    taken = taken_slots(store, day, advisor)
    now = clock.now()
    return [at for at, buffer in reception_times(store, day, settings)
            if not buffer and at >= now and any((pk, at) not in taken for pk in people)]


def next_days_with_room(*, store: Store, after: dt.date, hours: Decimal, advisor=None,
                        limit: int = NEXT_DAYS, horizon: int = NEXT_DAYS_HORIZON,
                        exclude: Appointment | None = None) -> list[dt.date]:
    """The next working days after ``after`` whose capacity left is ≥ ``hours`` and where
    the advisor (any SA without one) has a free bookable slot; at most ``limit``."""
    settings = service_settings(store)
    days = [after + dt.timedelta(days=n) for n in range(1, horizon + 1)]
    open_days = [d for d, working in working_days(store, days).items() if working]
    capacity = capacity_by_day(store, open_days, settings)
    candidates = [d for d in open_days if capacity[d]["left"] >= hours]
    if not candidates:
        return []
    people = [advisor.pk] if advisor is not None else list(
        advisors(store).values_list("pk", flat=True))
    first, _end = day_bounds(candidates[0])
    _start, last = day_bounds(candidates[-1])
    rows = Appointment.objects.for_store(store).filter(
        start__gte=first, start__lt=last, status__in=ACTIVE, advisor_id__in=people)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    taken = set(rows.values_list("advisor_id", "start"))
    now = clock.now()
    found = []
    for day in candidates:
        if any(not buffer and at >= now and (pk, at) not in taken
               for at, buffer in reception_times(store, day, settings) for pk in people):
            found.append(day)
            if len(found) >= limit:
                break
    return found


# --- booking -----------------------------------------------------------------------------


def _lock_days(store: Store, days: Iterable[dt.date]) -> None:
    """Serialise the bookings of these store days (see the module docstring). Days are
    locked in date order so that two reschedulings cannot deadlock."""
    for day in sorted(set(days)):
        DocumentCounter.objects.bulk_create(
            [DocumentCounter(store=store, doc_type=LOCK_DOC_TYPE, day=day, last_value=0)],
            ignore_conflicts=True)
        counter = DocumentCounter.objects.select_for_update().get(
            store=store, doc_type=LOCK_DOC_TYPE, day=day)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update(of=("self",)).select_related(
        "store", "customer", "vehicle", "advisor").get(pk=appointment.pk)


def _next_days_extra(store, day, hours, advisor, exclude=None) -> list[str]:
    return [d.isoformat() for d in next_days_with_room(
        store=store, after=day, hours=hours, advisor=advisor, exclude=exclude)]


def _check_slot(*, store: Store, advisor, start: dt.datetime, hours: Decimal,
                settings: ServiceSettings, exclude: Appointment | None = None) -> None:
    day = local_day(start)
    if not is_working_day(store, day):
        raise DomainError(
            "slot_unavailable",
            _("%(store)s does not receive customers on %(day)s.") % {"store": store.name,
                                                                      "day": day},
            next_days=_next_days_extra(store, day, hours, advisor, exclude))
    slots = dict(reception_times(store, day, settings))
    if start not in slots:
        raise ValidationError({"start": [_(
            "Pick a reception slot: every %(minutes)s minutes from %(opens)s to %(closes)s.")
            % {"minutes": settings.slot_minutes,
               "opens": opening_hours(store)[0].strftime("%H:%M"),
               "closes": opening_hours(store)[1].strftime("%H:%M")}]})
    if slots[start]:
        raise DomainError("slot_unavailable",
                          _("%(time)s is a buffer slot for walk-ins; pick another time.")
                          % {"time": timezone.localtime(start).strftime("%H:%M")})
    if (advisor.pk, start) in taken_slots(store, day, advisor, exclude):
        raise DomainError("slot_unavailable",
                          _("%(advisor)s already receives a customer at %(time)s.")
                          % {"advisor": _advisor_name(advisor),
                             "time": timezone.localtime(start).strftime("%H:%M")})
    capacity = day_capacity(store, day, settings)
    if capacity["booked"] + hours > capacity["bookable"]:
        raise DomainError(
            "capacity_full",
            _("The workshop's bookable hours on %(day)s are used up (%(booked)s of "
              "%(bookable)s h booked, %(hours)s h asked).")
            % {"day": day, "booked": capacity["booked"], "bookable": capacity["bookable"],
               "hours": hours},
            next_days=_next_days_extra(store, day, hours, advisor, exclude))


def _advisor_name(user) -> str:
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else user.get_username()


def _validate(*, store, customer, vehicle, advisor, start, category, channel, operations,
              parts) -> None:
    errors: dict[str, list[str]] = {}
    if customer is None or customer.store_id != store.pk:
        errors["customer"] = [_("Choose a customer of this store.")]
    if vehicle is None or vehicle.store_id != store.pk:
        errors["vehicle"] = [_("Choose a vehicle of this store.")]
    if not is_advisor(store, advisor):
        errors["advisor"] = [_("Choose a service advisor of this store.")]
    if category not in ROCategory.values:
        errors["category"] = [_("Choose a category.")]
    if channel not in AppointmentChannel.values:
        errors["channel"] = [_("Choose a channel.")]
    if not isinstance(start, dt.datetime) or timezone.is_naive(start):
        errors["start"] = [_("Enter the date and time with its time zone.")]
    elif start < clock.now():
        errors["start"] = [_("The time is in the past.")]
    if any(op.group_id != store.group_id for op in operations):
        errors["operations"] = [_("Choose labour operations of this dealer group.")]
    for part, quantity in parts:
        if part.group_id != store.group_id:
            errors["parts"] = [_("Choose parts of this dealer group.")]
        elif quantity is None or Decimal(quantity) <= 0:
            errors["parts"] = [_("The quantity must be greater than zero.")]
    if errors:
        raise ValidationError(errors)


def _reserve(*, actor, appointment: Appointment, parts: Sequence[tuple[Any, Any]]) -> None:
    if not parts:
        return
    from siwei.parts.services import stock_reserve
    from siwei.parts.services.ledger import reserve_location

    shelf = reserve_location(appointment.store) is not None
    for part, quantity in parts:
        stock_reserve(actor=actor, store=appointment.store, part=part, quantity=quantity,
                      document_type=DOCUMENT_TYPE, document_id=str(appointment.pk),
                      to_reserve_shelf=shelf)


def reserved_parts(appointment: Appointment) -> list[tuple[Any, Decimal]]:
    """The parts still reserved for the appointment: [(part, quantity)]."""
    from siwei.parts.models import Reservation, ReservationStatus

    rows = Reservation.objects.filter(
        store_id=appointment.store_id, document_type=DOCUMENT_TYPE,
        document_id=str(appointment.pk), status=ReservationStatus.OPEN,
    ).select_related("part").order_by("id")
    return [(r.part, r.remaining) for r in rows if r.remaining > 0]


def _release(*, actor, appointment: Appointment, reason: str) -> list[tuple[Any, Decimal]]:
    """Release the appointment's reservations; returns what was reserved."""
    from siwei.parts.services import reservation_release

    held = reserved_parts(appointment)
    if held:
        reservation_release(actor=actor, store=appointment.store, document_type=DOCUMENT_TYPE,
                            document_id=str(appointment.pk), reason=reason)
    return held


def _reminders(appointment: Appointment) -> None:
    """CR-5: confirmation tasks one day and one hour before, for the SA. A reminder whose
    time has already passed (a booking made at short notice) is not created."""
    from siwei.care.models import FollowUpKind
    from siwei.care.services import followup_schedule

    now = clock.now()
    for kind, before in ((FollowUpKind.APPOINTMENT_DAY_BEFORE, dt.timedelta(days=1)),
                         (FollowUpKind.APPOINTMENT_HOUR_BEFORE, dt.timedelta(hours=1))):
        due = appointment.start - before
        if due <= now:
            continue
        followup_schedule(store=appointment.store, kind=kind, customer=appointment.customer,
                          due_at=due, source_type=DOCUMENT_TYPE, source_id=appointment.pk,
                          vehicle=appointment.vehicle, assignee=appointment.advisor)


def _close_reminders(appointment: Appointment, *, done_kinds: Iterable[str] = ()) -> None:
    """Cancel the appointment's pending reminders (``done_kinds`` are marked done)."""
    from siwei.care.models import FollowUp, FollowUpStatus

    pending = FollowUp.objects.filter(source_type=DOCUMENT_TYPE, source_id=appointment.pk,
                                      status=FollowUpStatus.PENDING)
    done_kinds = list(done_kinds)
    if done_kinds:
        pending.filter(kind__in=done_kinds).update(
            status=FollowUpStatus.DONE, completed_at=clock.now(),
            result=_("Confirmed in the appointment."))
    else:
        pending.update(status=FollowUpStatus.CANCELLED, completed_at=clock.now())


@service_transaction
def appointment_book(*, actor, store: Store, customer, vehicle, advisor, start: dt.datetime,
                     category: str, estimated_hours: Decimal | None = None,
                     operations: Iterable[LabourOperation] = (), description: str = "",
                     channel: str = AppointmentChannel.PHONE,
                     parts: Iterable[tuple[Any, Any]] = (),
                     rescheduled_from: Appointment | None = None) -> Appointment:
    """SV-1: book a customer's car with an SA at a reception slot. Refused with 409
    ``slot_unavailable`` (slot taken, a buffer, or a closed day — then with ``next_days``)
    or ``capacity_full`` (with ``next_days``: up to 3 days that have room)."""
    _require(actor, store, "service.add_appointment")
    operations, parts = list(operations), list(parts)
    _validate(store=store, customer=customer, vehicle=vehicle, advisor=advisor, start=start,
              category=category, channel=channel, operations=operations, parts=parts)
    if estimated_hours in (None, ""):
        hours = estimate_hours(vehicle=vehicle, operations=operations, category=category)
    else:
        try:
            hours = Decimal(estimated_hours)
        except (ArithmeticError, TypeError, ValueError):
            raise ValidationError({"estimated_hours": [_("Enter a number.")]}) from None
    if not hours.is_finite() or hours <= 0 or hours >= 10000:
        raise ValidationError({"estimated_hours": [_("Enter hours greater than zero.")]})
    hours = hours.quantize(HOURS)
    settings = service_settings(store)
    _lock_days(store, [local_day(start)])
    _check_slot(store=store, advisor=advisor, start=start, hours=hours, settings=settings)
    appointment = Appointment.objects.create(
        store=store, number=number_next(store=store, doc_type="AP"), customer=customer,
        vehicle=vehicle, advisor=advisor, start=start, category=category,
        estimated_hours=hours, description=(description or "").strip(), channel=channel,
        created_at=clock.now(), rescheduled_from=rescheduled_from)
    if operations:
        appointment.operations.set(operations)
    _reserve(actor=actor, appointment=appointment, parts=parts)
    _reminders(appointment)
    audit_record(actor=actor, action="appointment.book", obj=appointment,
                 after={"start": start, "advisor": advisor.pk, "hours": hours,
                        "category": category,
                        "parts": [[p.pk, str(q)] for p, q in parts]})
    return appointment


@service_transaction
def appointment_confirm(*, actor, appointment: Appointment) -> Appointment:
    """The customer confirmed (the day-before call): booked → confirmed."""
    _require(actor, appointment.store, "service.change_appointment")
    appointment = _locked(appointment)
    before = appointment.status
    appointment.status = APPOINTMENT_FLOW.target(appointment.status, "confirm")
    appointment.save(update_fields=["status"])
    from siwei.care.models import FollowUpKind

    _close_reminders(appointment, done_kinds=[FollowUpKind.APPOINTMENT_DAY_BEFORE])
    audit_record(actor=actor, action="appointment.confirm", obj=appointment,
                 before={"status": before}, after={"status": appointment.status})
    return appointment


@service_transaction
def appointment_cancel(*, actor, appointment: Appointment, reason: str) -> Appointment:
    """The customer or the store cancels: the reservation is released, reminders dropped."""
    _require(actor, appointment.store, "service.change_appointment")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    appointment = _locked(appointment)
    before = appointment.status
    appointment.status = APPOINTMENT_FLOW.target(appointment.status, "cancel")
    appointment.cancel_reason = reason[:200]
    appointment.save(update_fields=["status", "cancel_reason"])
    released = _release(actor=actor, appointment=appointment, reason=reason)
    _close_reminders(appointment)
    audit_record(actor=actor, action="appointment.cancel", obj=appointment,
                 before={"status": before},
                 after={"status": appointment.status, "reason": reason,
                        "released": [[p.pk, str(q)] for p, q in released]})
    return appointment


@service_transaction
def appointment_reschedule(*, actor, appointment: Appointment, start: dt.datetime,
                           advisor=None) -> Appointment:
    """SV-4: a new booking at ``start`` (with ``advisor``, default the same SA) linked to
    the old one by ``rescheduled_from``; the old one becomes rescheduled and its parts
    reservation moves to the new booking. The old booking's hours and slot no longer
    count against the new one."""
    _require(actor, appointment.store, "service.change_appointment")
    if not isinstance(start, dt.datetime) or timezone.is_naive(start):
        raise ValidationError({"start": [_("Enter the date and time with its time zone.")]})
    appointment = _locked(appointment)
    store = appointment.store
    APPOINTMENT_FLOW.target(appointment.status, "reschedule")
    _lock_days(store, [local_day(appointment.start), local_day(start)])
    before = {"status": appointment.status, "start": appointment.start,
              "advisor": appointment.advisor_id}
    held = _release(actor=actor, appointment=appointment, reason=_("Rescheduled"))
    appointment.status = A.RESCHEDULED
    appointment.save(update_fields=["status"])
    _close_reminders(appointment)
    new = appointment_book(
        actor=actor, store=store, customer=appointment.customer, vehicle=appointment.vehicle,
        advisor=advisor or appointment.advisor, start=start, category=appointment.category,
        estimated_hours=appointment.estimated_hours,
        operations=list(appointment.operations.all()), description=appointment.description,
        channel=appointment.channel, parts=held, rescheduled_from=appointment)
    audit_record(actor=actor, action="appointment.reschedule", obj=appointment,
                 before=before, after={"status": appointment.status, "new": new.number,
                                       "start": new.start, "advisor": new.advisor_id})
    return new


@service_transaction
def appointment_mark_no_shows(*, store: Store, now: dt.datetime | None = None) -> int:
    """SV-4 (scheduler): booked or confirmed appointments not arrived ``no_show_minutes``
    after their slot become no-shows; their parts are released. Returns how many;
    running it again changes nothing."""
    now = now or clock.now()
    settings = service_settings(store)
    limit = now - dt.timedelta(minutes=settings.no_show_minutes)
    due = list(Appointment.objects.for_store(store).select_for_update(of=("self",)).filter(
        status__in=WAITING, start__lte=limit).select_related("store").order_by("start", "pk"))
    for appointment in due:
        appointment.status = APPOINTMENT_FLOW.target(appointment.status, "no_show")
        appointment.save(update_fields=["status"])
        _release(actor=None, appointment=appointment, reason=_("No-show"))
        _close_reminders(appointment)
        audit_record(actor=None, action="appointment.no_show", obj=appointment,
                     after={"status": appointment.status})
    return len(due)


def _complaints(description: str) -> list[str]:
    return [line.strip()[:300] for line in (description or "").splitlines() if line.strip()]


@service_transaction
def appointment_arrive(*, actor, appointment: Appointment, mileage: int,
                       promised_at: dt.datetime | None = None,
                       complaints: list[str] | None = None, **reception: Any):
    """SV-4/SV-7: the customer arrived — the SA opens the repair order from the
    appointment (``service.services.orders.repair_order_open``) and the appointment
    becomes arrived. ``promised_at`` defaults to the slot (or now, if the customer is
    late) + estimated hours + 1 h; ``complaints`` to the description's lines. The parts
    reservation is handed over to the RO (see the module docstring)."""
    from .orders import repair_order_open

    _require(actor, appointment.store, "service.change_appointment")
    appointment = _locked(appointment)
    APPOINTMENT_FLOW.target(appointment.status, "arrive")
    before = appointment.status
    if promised_at is None:
        base = max(appointment.start, clock.now())
        promised_at = base + dt.timedelta(hours=float(appointment.estimated_hours) + 1)
    if complaints is None:
        complaints = _complaints(appointment.description)
    held = reserved_parts(appointment)
    ro = repair_order_open(
        actor=actor, store=appointment.store, customer=appointment.customer,
        vehicle=appointment.vehicle, category=appointment.category, mileage=mileage,
        promised_at=promised_at, complaints=list(complaints), appointment=appointment,
        **reception)
    appointment.refresh_from_db(fields=["status"])
    if appointment.status != A.ARRIVED:
        appointment.status = APPOINTMENT_FLOW.target(appointment.status, "arrive")
        appointment.save(update_fields=["status"])
    if held:
        from siwei.parts.services import stock_reserve

        _release(actor=actor, appointment=appointment, reason=_("Handed over to %s") % ro)
        for part, quantity in held:
            stock_reserve(actor=actor, store=appointment.store, part=part, quantity=quantity,
                          document_type=RO_DOCUMENT_TYPE, document_id=str(ro.pk))
    _close_reminders(appointment)
    audit_record(actor=actor, action="appointment.arrive", obj=appointment,
                 before={"status": before},
                 after={"status": appointment.status, "repair_order": ro.pk,
                        "parts": [[p.pk, str(q)] for p, q in held]})
    return ro


@service_transaction
def appointment_finish(*, actor, appointment: Appointment) -> Appointment:
    """arrived → done; for the orders department when the visit's RO is released."""
    appointment = _locked(appointment)
    if appointment.status == A.DONE:
        return appointment
    appointment.status = APPOINTMENT_FLOW.target(appointment.status, "finish")
    appointment.save(update_fields=["status"])
    audit_record(actor=actor, action="appointment.finish", obj=appointment,
                 after={"status": appointment.status})
    return appointment

