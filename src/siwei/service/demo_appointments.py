"""Demo data of the appointments (SV-1 … SV-5): the workshop team of each store
(technicians 2–4 and a second service advisor), the technicians' shifts, service
customers with their cars, and bookings through the services at historic times — past
ones arrived (their repair orders opened), cancelled, rescheduled or no-shows; today's
and the next week's booked or confirmed, some with parts reserved.

Two steps for the demo builder (not wired here): ``build_shifts`` (order 30) then
``build_appointments`` (order 31). The repair orders opened on arrival are draft orders
left in ``ctx.appointment_ros`` for the orders demo to carry on."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from siwei.core import clock
from siwei.core.errors import DomainError
from siwei.core.services import employee_create
from siwei.core.validators import vin_check_digit
from siwei.demo.builder import DEMO_PASSWORD, DemoContext, demo_mobile, person_name

from .models import AppointmentChannel, AppointmentStatus, ROCategory, TechnicianShift
from .services.appointments import (
    advisors,
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_mark_no_shows,
    appointment_reschedule,
    appointment_slots,
)
from .services.calendar import working_days

EXTRA_TECHNICIANS = (2, 3, 4)
SHIFT = (dt.time(8, 30), dt.time(17, 30))
PROVINCE = {"BJ01": "京", "SH01": "沪"}
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
COMPLAINTS = {
    ROCategory.FIRST_MAINTENANCE: ["首保", "首次保养，顺便检查胎压"],
    ROCategory.MAINTENANCE: ["常规保养", "保养，换机油机滤", "保养，检查刹车片"],
    ROCategory.LEVEL2_MAINTENANCE: ["二保：更换火花塞、空滤、刹车油"],
    ROCategory.MINOR_REPAIR: ["右前轮异响", "空调不凉", "雨刮刮不干净\n后视镜电动调节失灵",
                              "仪表盘胎压灯亮"],
    ROCategory.WARRANTY: ["发动机故障灯亮", "车窗升降器异响"],
    ROCategory.ACCIDENT: ["左前翼子板刮擦，走保险"],
}
MIX = [ROCategory.MAINTENANCE] * 5 + [ROCategory.FIRST_MAINTENANCE, ROCategory.MINOR_REPAIR,
                                       ROCategory.MINOR_REPAIR, ROCategory.WARRANTY,
                                       ROCategory.LEVEL2_MAINTENANCE, ROCategory.ACCIDENT]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _ensure(ctx: DemoContext, store, username: str, role: str):
    user = _user(username)
    if user is None:
        user = employee_create(actor=None, group=ctx.group, username=username,
                               name=person_name(ctx.rng), password=DEMO_PASSWORD, store=store,
                               roles=[role], mobile=demo_mobile(ctx.rng)).user
        ctx.logins.append((username, role, store.code))
    return user


def _history_days(ctx: DemoContext) -> int:
    return 10 if ctx.small else 60


def build_shifts(ctx: DemoContext) -> None:
    """Technicians 2–4 and a second service advisor per store, and their shifts."""
    today = clock.today()
    first = today - dt.timedelta(days=_history_days(ctx) + 7)
    last = today + dt.timedelta(days=28)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    for store in ctx.stores:
        prefix = store.code.lower()
        _ensure(ctx, store, f"{prefix}_service_advisor2", "service_advisor")
        technicians = [_ensure(ctx, store, f"{prefix}_technician", "technician")]
        technicians += [_ensure(ctx, store, f"{prefix}_technician{n}", "technician")
                        for n in EXTRA_TECHNICIANS]
        open_days = working_days(store, days)
        taken = set(TechnicianShift.objects.for_store(store).filter(
            day__gte=first, day__lte=last).values_list("technician_id", "day"))
        rows = []
        for index, tech in enumerate(technicians):
            rest_day = (index * 2 + ctx.rng.randrange(2)) % 7  # one day off a week each
            for day in days:
                if not open_days[day] or day.weekday() == rest_day \
                        or (tech.pk, day) in taken:
                    continue
                late = index % 2 == 1 and ctx.rng.random() < 0.2
                start, end = (dt.time(9, 0), dt.time(18, 0)) if late else SHIFT
                rows.append(TechnicianShift(store=store, technician=tech, day=day,
                                            start=start, end=end))
        TechnicianShift.objects.bulk_create(rows)


build_shifts.order = 30


class _Workshop:
    """One store's running state while its appointments are built."""

    def __init__(self, ctx: DemoContext, store, index: int):
        from siwei.parts.models import PartStore

        self.ctx, self.store, self.index = ctx, store, index
        self.advisors = list(advisors(store))
        self.actor = self.advisors[0]
        self.cars = self._cars()
        self.km = {vehicle.pk: vehicle.last_km or 0 for _c, vehicle in self.cars}
        self.parts = [ps.part for ps in PartStore.objects.filter(
            store=store, on_hand__gte=8).select_related("part").order_by("part__number")[:8]]

    def _cars(self) -> list[tuple]:
        from siwei.crm.models import Vehicle, VehicleModel
        from siwei.crm.services import customer_create, vehicle_create

        rng, store = self.ctx.rng, self.store
        cars = [(v.owner, v) for v in Vehicle.objects.for_store(store).filter(
            owner__isnull=False).select_related("owner", "model").order_by("pk")]
        models = list(VehicleModel.objects.filter(group=store.group).order_by("pk"))
        if not models:
            return cars
        wanted = 14 if self.ctx.small else 70
        today = clock.today()
        plates: set[str] = set()
        for serial in range(wanted):
            model = models[serial % len(models)]
            sold = today - dt.timedelta(days=rng.randint(60, 5 * 365))
            with clock.frozen(_at(sold, dt.time(10, 0))):
                mobile = demo_mobile(rng)
                try:
                    customer = customer_create(actor=None, store=store, name=person_name(rng),
                                               mobile=mobile, consent_phone=True)
                except DomainError:  # a random mobile already in the demo
                    continue
                while True:
                    plate = PROVINCE.get(store.code, "京") + rng.choice(PLATE_LETTERS[:8]) + \
                        "".join(rng.choice("0123456789") for _ in range(5))
                    if plate not in plates:
                        plates.add(plate)
                        break
                body = "LFVBA2" + "4G"
                rest = f"P{self.index + 5}{serial:06d}"
                vin = body + vin_check_digit(body + "0" + rest) + rest
                vehicle = vehicle_create(
                    actor=None, store=store, vin=vin, owner=customer, model=model,
                    plate=plate, colour=rng.choice(["极地白", "曜岩黑", "星空灰"]),
                    sale_date=sold, warranty_start=sold,
                    warranty_end=clock.add_months(sold, 36), warranty_km=100000)
            vehicle.last_km = max(500, (today - sold).days * rng.randint(25, 60))
            vehicle.save(update_fields=["last_km"])
            cars.append((customer, vehicle))
        return cars

    def book(self, day: dt.date, booked_at: dt.datetime, *, parts: bool = False):
        rng = self.ctx.rng
        customer, vehicle = rng.choice(self.cars)
        category = rng.choice(MIX)
        with clock.frozen(booked_at):
            advisor = rng.choice(self.advisors)
            free = appointment_slots(store=self.store, day=day, advisor=advisor,
                                     category=category)
            if not free:
                return None
            start = rng.choice(free[: max(1, len(free) // 2)] if rng.random() < 0.6 else free)
            lines = [(rng.choice(self.parts), 1)] if parts and self.parts else []
            try:
                return appointment_book(
                    actor=self.actor, store=self.store, customer=customer, vehicle=vehicle,
                    advisor=advisor, start=start, category=category,
                    description=rng.choice(COMPLAINTS.get(category, ["保养"])),
                    channel=rng.choice([AppointmentChannel.PHONE] * 3
                                       + [AppointmentChannel.ONLINE,
                                          AppointmentChannel.CAMPAIGN]),
                    parts=lines)
            except (DomainError, ValidationError):  # no room or no stock that day: skip
                return None

    def arrive(self, appointment, minutes: int):
        rng = self.ctx.rng
        at = appointment.start + dt.timedelta(minutes=minutes)
        self.km[appointment.vehicle_id] = self.km.get(appointment.vehicle_id, 0) + rng.randint(
            800, 6000)
        with clock.frozen(at):
            return appointment_arrive(
                actor=appointment.advisor, appointment=appointment,
                mileage=self.km[appointment.vehicle_id], fuel_level=rng.choice([25, 50, 75]),
                covers_applied=True, customer_waits=rng.random() < 0.4)


def build_appointments(ctx: DemoContext) -> None:
    """Appointments of the past weeks (arrived, cancelled, rescheduled, no-shows) and of
    the coming week (booked, confirmed, some with parts reserved)."""
    now = clock.now()
    today = clock.today()
    ctx.appointment_ros = getattr(ctx, "appointment_ros", [])
    for index, store in enumerate(ctx.stores):
        shop = _Workshop(ctx, store, index)
        if not shop.cars or not shop.advisors:
            continue
        rng = ctx.rng
        history = [today - dt.timedelta(days=n) for n in range(_history_days(ctx), 0, -1)]
        future = [today + dt.timedelta(days=n) for n in range(0, 8)]
        open_days = working_days(store, history + future)
        per_day = (2, 4) if ctx.small else (4, 8)
        for day in history:
            if not open_days[day]:
                continue
            for _ in range(rng.randint(*per_day)):
                booked_at = _at(day - dt.timedelta(days=rng.randint(1, 5)),
                                dt.time(rng.randint(9, 17), rng.choice((0, 20, 40))))
                appt = shop.book(day, booked_at)
                if appt is None:
                    continue
                fate, rescheduled = rng.random(), False
                if fate < 0.08:
                    with clock.frozen(booked_at + dt.timedelta(hours=20)):
                        appointment_cancel(actor=shop.actor, appointment=appt,
                                           reason=rng.choice(["客户临时出差", "车辆已在外修理",
                                                              "时间冲突，另约"]))
                    continue
                if fate < 0.15:
                    target = day + dt.timedelta(days=1)
                    with clock.frozen(booked_at + dt.timedelta(hours=2)):
                        free = appointment_slots(store=store, day=target,
                                                 advisor=appt.advisor,
                                                 hours=appt.estimated_hours)
                        if free and target < today:
                            appt = appointment_reschedule(actor=shop.actor, appointment=appt,
                                                          start=rng.choice(free))
                            rescheduled = True
                if fate < 0.25 and not rescheduled:
                    continue  # a no-show: the scheduler marks it below
                with clock.frozen(appt.start - dt.timedelta(hours=20)):
                    if rng.random() < 0.6:
                        appointment_confirm(actor=shop.actor, appointment=appt)
                ctx.appointment_ros.append(shop.arrive(appt, rng.choice(
                    [-10, -5, 0, 5, 10, 12, 20, 35])))
        appointment_mark_no_shows(store=store, now=now)
        for day in future:
            if not open_days[day]:
                continue
            for _ in range(rng.randint(*per_day)):
                booked_at = now - dt.timedelta(days=rng.randint(0, 4), hours=rng.randint(0, 5))
                if booked_at.date() > day:
                    booked_at = now
                appt = shop.book(day, max(booked_at, now - dt.timedelta(days=6)),
                                 parts=rng.random() < 0.3)
                if appt is None:
                    continue
                if appt.start + dt.timedelta(minutes=10) < now:
                    if rng.random() < 0.85:
                        ctx.appointment_ros.append(shop.arrive(appt, rng.choice([-5, 0, 5])))
                elif appt.status == AppointmentStatus.BOOKED and rng.random() < 0.5 \
                        and appt.start - now < dt.timedelta(days=2):
                    appointment_confirm(actor=shop.actor, appointment=appt)


build_appointments.order = 31
