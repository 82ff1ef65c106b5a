"""Two years of service history for the demo (service.md "Service KPIs", SV-4 … SV-17):
a lighter weekly volume of appointments and repair orders in every category (first and
regular maintenance, level-2 maintenance, minor repairs and overhauls, accidents paid by
the insurer, warranty with its claim to the OEM, comebacks linked to their original order,
internal work, accessory installation) in their usual end states — closed after the
follow-up, released the last weeks, a few cancelled — with the three-level inspections,
clocked jobs, payments, and the appointments they came from (and some cancelled or missed).

The weeks before the other service steps' history (appointments: 60 days, workshop: 20
days) are written in bulk, as the services would have left them, so that two years stay
within a few seconds; the recent weeks and today's board still go through the services.
Deterministic with ``ctx.rng``; numbers use the day's counter from 9001 so they never meet
those the services give."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from siwei.core import clock
from siwei.core.numbering import number_format
from siwei.crm.models import Vehicle
from siwei.demo.builder import DemoContext

from .demo_orders import role_user
from .models import (
    Appointment,
    AppointmentChannel,
    AppointmentStatus,
    ClaimStatus,
    Concern,
    Inspection,
    Job,
    JobClock,
    JobStatus,
    LabourOperation,
    Payer,
    RepairOrder,
    ROCategory,
    ROStatus,
    WarrantyClaim,
)

C = ROCategory
WEEKS = 104
RECENT_DAYS = 61  # the appointments demo covers the last 60 days
PER_WEEK = (5, 9)
# category, weight, payer of the labour, jobs, hours each, days in the workshop
CATEGORIES = [
    (C.MAINTENANCE, 34, Payer.CUSTOMER, (1, 2), (0.5, 1.0), 0),
    (C.FIRST_MAINTENANCE, 8, Payer.WARRANTY, (1, 1), (0.5, 0.8), 0),
    (C.LEVEL2_MAINTENANCE, 8, Payer.CUSTOMER, (2, 3), (0.8, 1.5), 0),
    (C.MINOR_REPAIR, 16, Payer.CUSTOMER, (1, 2), (0.6, 2.0), 0),
    (C.OVERHAUL, 3, Payer.CUSTOMER, (2, 3), (3.0, 8.0), 3),
    (C.ACCIDENT, 9, Payer.INSURANCE, (2, 3), (1.5, 4.0), 2),
    (C.WARRANTY, 9, Payer.WARRANTY, (1, 2), (1.0, 3.0), 1),
    (C.INTERNAL, 4, Payer.INTERNAL, (1, 2), (0.5, 1.5), 0),
    (C.ACCESSORY, 5, Payer.CUSTOMER, (1, 1), (0.5, 1.5), 0),
]
COMPLAINTS = {
    C.MAINTENANCE: ["常规保养", "保养，换机油机滤"], C.FIRST_MAINTENANCE: ["首保"],
    C.LEVEL2_MAINTENANCE: ["二保：火花塞、空滤、刹车油"],
    C.MINOR_REPAIR: ["右前轮异响", "空调不凉", "仪表胎压灯亮"],
    C.OVERHAUL: ["发动机烧机油，大修"], C.ACCIDENT: ["追尾，后保险杠及尾门钣喷"],
    C.WARRANTY: ["发动机故障灯亮", "车窗升降器异响"], C.INTERNAL: ["新车PDI检查"],
    C.ACCESSORY: ["加装行车记录仪"], C.COMEBACK: ["上次维修后问题依旧"],
}
FAILURES = ["刹车异响", "车内未清洁", "螺栓扭矩不足", "故障灯未熄灭"]
RATE = Decimal("280.00")
HUNDREDTH = Decimal("0.01")


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0))
                               + dt.timedelta(minutes=minutes))


class _Numbers:
    """Document numbers of a day from 9001 on (the services start at 0001)."""

    def __init__(self, store):
        self.code = store.code
        self.counters: dict[tuple[str, dt.date], int] = defaultdict(lambda: 9000)

    def next(self, doc_type: str, day: dt.date) -> str:
        self.counters[doc_type, day] += 1
        return number_format(doc_type=doc_type, store_code=self.code, day=day,
                             value=self.counters[doc_type, day])


class _Store:
    """One store's people, cars and the rows to write."""

    def __init__(self, ctx: DemoContext, store):
        self.ctx, self.store, self.rng = ctx, store, ctx.rng
        self.advisor = role_user(store, "service_advisor")
        self.foreman = role_user(store, "foreman") or self.advisor
        self.qc = role_user(store, "qc_inspector") or self.foreman
        self.cashier = role_user(store, "cashier") or self.advisor
        from siwei.core.models import StaffAssignment

        self.techs = [a.employee.user for a in StaffAssignment.objects.filter(
            store=store, role__code="technician", employee__is_active=True)
            .select_related("employee__user").order_by("id")] or [self.foreman]
        self.cars = list(Vehicle.objects.for_store(store).filter(
            owner__isnull=False, owner__store=store, sale_date__isnull=False)
            .select_related("owner").order_by("id"))
        self.ops = list(LabourOperation.objects.filter(group=store.group).order_by("code"))
        self.numbers = _Numbers(store)
        self.recent: list[RepairOrder] = []  # for comebacks

    def car_on(self, day: dt.date) -> tuple[Vehicle, int] | None:
        """A car sold before ``day`` and its odometer then (below today's reading)."""
        for _try in range(6):
            car = self.rng.choice(self.cars)
            if car.sale_date < day - dt.timedelta(days=30):
                total = max((clock.today() - car.sale_date).days, 1)
                share = (day - car.sale_date).days / total
                return car, max(300, int((car.last_km or 20000) * share * 0.95))
        return None


def _pick(rng, weights):
    total = sum(w for _c, w, *_r in weights)
    roll = rng.uniform(0, total)
    for row in weights:
        roll -= row[1]
        if roll <= 0:
            return row
    return weights[-1]


def _lines(shop: _Store, category, payer, jobs_range, hours_range) -> list[dict]:
    rng, jobs = shop.rng, []
    for _n in range(rng.randint(*jobs_range)):
        op = rng.choice(shop.ops) if shop.ops else None
        hours = Decimal(str(round(rng.uniform(*hours_range), 1)))
        line_payer = Payer.CUSTOMER if (payer == Payer.WARRANTY and jobs
                                        and category != C.FIRST_MAINTENANCE) else payer
        rate = Decimal(0) if line_payer in (Payer.GOODWILL, Payer.INTERNAL) else RATE
        jobs.append({"operation": op, "name": op.name if op else str(C(category).label),
                     "hours": hours, "rate": rate, "amount": (hours * rate).quantize(HUNDREDTH),
                     "payer": line_payer, "technician": rng.choice(shop.techs)})
    return jobs


def _finish(shop: _Store, ro: RepairOrder, jobs: list[dict], days_in: int) -> None:
    """Totals, signature, inspection, settlement, payment, gate pass and closing of an
    order received at ``ro.received_at`` (most by the promised time, some late)."""
    rng = shop.rng
    estimate = sum((j["amount"] for j in jobs), Decimal(0))
    share = sum((j["amount"] for j in jobs if j["payer"] == Payer.CUSTOMER), Decimal(0))
    discount = Decimal(5) if share and rng.random() < 0.15 else Decimal(0)
    work_hours = sum((j["hours"] for j in jobs), Decimal(0))
    ro.estimate_total = ro.signed_estimate = estimate
    ro.discount_percent = discount
    ro.customer_total = share - (share * discount / 100).quantize(HUNDREDTH)
    ro.promised_at = ro.received_at + dt.timedelta(days=days_in,
                                                   hours=float(work_hours) + 1.5)
    late = dt.timedelta(minutes=rng.choice([0] * 16 + [30, 90, 24 * 60]))
    released = ro.promised_at - dt.timedelta(minutes=rng.randint(5, 40)) + late
    closes = released + dt.timedelta(days=rng.randint(2, 7))
    ro.signed_at = ro.received_at + dt.timedelta(minutes=15)
    ro.signed_by_name, ro.phone_consent = ro.customer.name[:50], False
    ro.inspected_at = released - dt.timedelta(minutes=50)
    ro.completed_at = ro.inspected_at - dt.timedelta(minutes=40)
    ro.certificate_number = shop.numbers.next("QC", timezone.localtime(ro.inspected_at).date())
    ro.settled_at = ro.inspected_at + dt.timedelta(minutes=20)
    ro.paid = ro.customer_total
    ro.released_at = released
    ro.gate_pass_number = shop.numbers.next("GP", timezone.localtime(released).date())
    ro.status = ROStatus.RELEASED if closes > clock.now() else ROStatus.CLOSED
    ro.closed_at = closes if ro.status == ROStatus.CLOSED else None


def _order(shop: _Store, day: dt.date, rows: dict) -> None:
    """One repair order of ``day`` with its lines, inspections, payment and appointment."""
    rng = shop.rng
    found = shop.car_on(day)
    if found is None or shop.advisor is None:
        return
    vehicle, km = found
    category, _w, payer, jobs_range, hours_range, days_in = _pick(rng, CATEGORIES)
    comeback_of = None
    received = _at(day, rng.randint(8 * 60 + 30, 11 * 60 + 30))
    if rng.random() < 0.03 and shop.recent:
        earlier = shop.recent[-1]  # SV-6: back within 30 days of its gate pass
        if earlier.released_at < received <= earlier.released_at + dt.timedelta(days=30):
            category, payer, comeback_of = C.COMEBACK, Payer.GOODWILL, earlier
            vehicle, km = earlier.vehicle, earlier.mileage + rng.randint(100, 1500)
            jobs_range, hours_range, days_in = (1, 1), (0.5, 1.0), 0
    jobs = _lines(shop, category, payer, jobs_range, hours_range)
    ro = RepairOrder(
        store=shop.store, number=shop.numbers.next("RO", day), customer=vehicle.owner,
        vehicle=vehicle, advisor=shop.advisor, category=category, comeback_of=comeback_of,
        mileage=km, fuel_level=rng.choice([25, 50, 75]), covers_applied=True,
        customer_waits=days_in == 0 and rng.random() < 0.4, received_at=received)
    cancelled = rng.random() < 0.04
    if cancelled:
        ro.promised_at = received + dt.timedelta(hours=3)
        ro.status, ro.cancel_reason = ROStatus.CANCELLED, rng.choice(
            ["客户改期", "客户决定不修", "配件缺货，另约"])
        jobs = []
    else:
        _finish(shop, ro, jobs, days_in)
    rows["orders"].append((ro, jobs))
    if comeback_of is None and not cancelled:
        shop.recent = [*shop.recent, ro][-20:]
    if comeback_of is None and rng.random() < 0.55:
        rows["appointments"].append((ro, Appointment(
            store=shop.store, number=shop.numbers.next("AP", day), customer=vehicle.owner,
            vehicle=vehicle, advisor=shop.advisor,
            start=received - dt.timedelta(minutes=rng.choice([0, 5, 10, -5])),
            category=category,
            estimated_hours=sum((j["hours"] for j in jobs), Decimal(0)) or Decimal(1),
            description=rng.choice(COMPLAINTS.get(category, ["保养"])),
            channel=rng.choice([AppointmentChannel.PHONE] * 3 + [AppointmentChannel.ONLINE]),
            status=AppointmentStatus.CANCELLED if cancelled else AppointmentStatus.DONE,
            created_at=received - dt.timedelta(days=rng.randint(1, 5)))))


def _finish_drafts(shop: _Store) -> None:
    """The orders the appointments demo opened on arrival before today are still drafts:
    they are worked, inspected, paid and released as the history's orders are (today's
    stay at reception), and their appointments are done."""
    params = {row[0]: row for row in CATEGORIES}
    today_start = _at(clock.today(), 0)
    drafts = list(RepairOrder.objects.for_store(shop.store).filter(
        status=ROStatus.DRAFT, received_at__lt=today_start, jobs__isnull=True)
        .select_related("customer").order_by("received_at", "id"))
    rows: list = []
    for ro in drafts:
        _c, _w, payer, jobs_range, hours_range, days_in = params.get(
            ro.category, params[C.MAINTENANCE])
        jobs = _lines(shop, ro.category, payer, jobs_range, hours_range)
        _finish(shop, ro, jobs, days_in)
        if ro.released_at < clock.now() - dt.timedelta(hours=1):  # else still in the works
            rows.append((ro, jobs))
    RepairOrder.objects.bulk_update(
        [ro for ro, _j in rows],
        ["estimate_total", "signed_estimate", "discount_percent", "customer_total",
         "promised_at", "signed_at", "signed_by_name", "phone_consent", "inspected_at",
         "completed_at", "certificate_number", "settled_at", "paid", "released_at",
         "gate_pass_number", "status", "closed_at"], batch_size=200)
    _children(shop, rows, concerns=False)
    Appointment.objects.filter(repair_order__in=[ro for ro, _j in rows],
                               status=AppointmentStatus.ARRIVED).update(
        status=AppointmentStatus.DONE)


def _missed(shop: _Store, day: dt.date, rows: dict) -> None:
    """A booking cancelled by the customer or not kept (no-show)."""
    found = shop.car_on(day)
    if found is None or shop.advisor is None:
        return
    vehicle, _km = found
    status = shop.rng.choice([AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW])
    start = _at(day, shop.rng.choice(range(9 * 60, 16 * 60, 15)))
    rows["appointments"].append((None, Appointment(
        store=shop.store, number=shop.numbers.next("AP", day), customer=vehicle.owner,
        vehicle=vehicle, advisor=shop.advisor, start=start, category=C.MAINTENANCE,
        estimated_hours=Decimal(1), description="常规保养", status=status,
        cancel_reason="客户临时有事" if status == AppointmentStatus.CANCELLED else "",
        created_at=start - dt.timedelta(days=2))))


def _write(shop: _Store, rows: dict) -> int:
    """Bulk-insert the store's rows in dependency order; returns the orders written."""
    appointments = [a for _ro, a in rows["appointments"]]
    Appointment.objects.bulk_create(appointments)
    by_ro = {id(ro): a for ro, a in rows["appointments"] if ro is not None}
    orders = [ro for ro, _jobs in rows["orders"]]
    for ro in orders:
        ro.appointment = by_ro.get(id(ro))
    # a comeback points at an order of the same batch: the originals are written first
    RepairOrder.objects.bulk_create([ro for ro in orders if ro.comeback_of is None])
    RepairOrder.objects.bulk_create([ro for ro in orders if ro.comeback_of is not None])
    _children(shop, rows["orders"], concerns=True)
    return len(orders)


def _children(shop: _Store, orders: list, *, concerns: bool) -> None:
    """Complaints, jobs with their clocked time, the three inspection levels, the payment
    and the warranty claim of written orders."""
    from siwei.finance.models import Payment, PaymentKind, PaymentMethod

    rng = shop.rng
    complaints, jobs, clocks, inspections, payments, claims = [], [], [], [], [], []
    for ro, lines in orders:
        if concerns:
            complaints.append(Concern(repair_order=ro, text=rng.choice(
                COMPLAINTS.get(ro.category, ["保养"]))))
        if ro.status == ROStatus.CANCELLED:
            continue
        start = ro.signed_at + dt.timedelta(minutes=20)
        for line in lines:
            actual = (line["hours"] * Decimal(str(round(rng.uniform(0.85, 1.2), 2)))
                      ).quantize(HUNDREDTH)
            job = Job(repair_order=ro, status=JobStatus.FINISHED, actual_hours=actual,
                      self_checked=True, **line)
            jobs.append(job)
            end = min(start + dt.timedelta(hours=float(actual)), ro.completed_at)
            clocks.append((job, JobClock(technician=line["technician"], start=start, end=end)))
            inspections.append(Inspection(repair_order=ro, level=1, inspector=line[
                "technician"], at=end, passed=True))
            start = end
        check = ro.completed_at + dt.timedelta(minutes=10)
        if rng.random() < 0.08:
            inspections.append(Inspection(repair_order=ro, level=2, inspector=shop.foreman,
                                          at=check - dt.timedelta(minutes=5), passed=False,
                                          findings=rng.choice(FAILURES)))
        inspections.append(Inspection(repair_order=ro, level=2, inspector=shop.foreman,
                                      at=check, passed=True))
        inspections.append(Inspection(
            repair_order=ro, level=3, inspector=shop.qc, at=ro.inspected_at, passed=True,
            checks={k: True for k in ("safety", "power", "economy", "reliability",
                                      "emissions", "cleanliness")},
            wear={"tyres": rng.randrange(30, 95, 5), "brake_pads": rng.randrange(20, 95, 5)},
            road_test=rng.random() < 0.4))
        if ro.paid > 0:
            paid_at = ro.settled_at + dt.timedelta(minutes=10)
            payments.append(Payment(
                store=shop.store, receipt_number=shop.numbers.next(
                    "RC", timezone.localtime(paid_at).date()),
                repair_order=ro, kind=PaymentKind.SETTLEMENT,
                method=rng.choice([PaymentMethod.WECHAT, PaymentMethod.ALIPAY,
                                   PaymentMethod.CARD, PaymentMethod.CASH]),
                amount=ro.paid, cashier=shop.cashier, at=paid_at))
        if ro.category == C.WARRANTY:
            claims.append(_claim(shop, ro, lines))
    Concern.objects.bulk_create(complaints)
    Job.objects.bulk_create(jobs)
    for job, stretch in clocks:
        stretch.job = job
    JobClock.objects.bulk_create([c for _j, c in clocks])
    Inspection.objects.bulk_create(inspections)
    Payment.objects.bulk_create(payments)
    WarrantyClaim.objects.bulk_create(claims)


def _claim(shop: _Store, ro: RepairOrder, lines: list[dict]) -> WarrantyClaim:
    """The OEM claim of a warranty order: paid after two to six weeks, a few rejected."""
    rng = shop.rng
    labour = sum((j["amount"] for j in lines if j["payer"] == Payer.WARRANTY), Decimal(0))
    hours = sum((j["hours"] for j in lines if j["payer"] == Payer.WARRANTY), Decimal(0))
    submitted = ro.released_at + dt.timedelta(days=rng.randint(1, 4))
    decided = submitted + dt.timedelta(days=rng.randint(5, 15))
    rejected = rng.random() < 0.1
    paid = decided + dt.timedelta(days=rng.randint(10, 30))
    claim = WarrantyClaim(
        store=shop.store, number=shop.numbers.next("WC", timezone.localtime(ro.released_at)
                                                   .date()),
        repair_order=ro, vehicle=ro.vehicle, vin=ro.vehicle.vin, mileage=ro.mileage,
        repair_date=timezone.localtime(ro.received_at).date(),
        complaint=COMPLAINTS[C.WARRANTY][0], cause="传感器失效", correction="更换并匹配",
        failure_code="P0" + str(rng.randint(100, 999)), labour_hours=hours,
        labour_amount=labour, amount=labour, submissions=1, created_at=ro.released_at,
        first_submitted_at=submitted, submitted_at=submitted, decided_at=decided)
    if rejected:
        claim.status, claim.rejection_reason = ClaimStatus.REJECTED, "超出索赔期限"
    elif paid <= clock.now():
        claim.status, claim.approved_amount, claim.paid_at = ClaimStatus.PAID, labour, paid
    else:
        claim.status, claim.approved_amount = ClaimStatus.APPROVED, labour
    return claim


def build_history(ctx: DemoContext) -> None:
    """Two years of appointments and repair orders in every category, before the recent
    weeks the other service steps build through the services."""
    today = clock.today()
    last = today - dt.timedelta(days=(11 if ctx.small else RECENT_DAYS))
    weeks = 3 if ctx.small else WEEKS
    first = last - dt.timedelta(weeks=weeks)
    for store in ctx.stores:
        shop = _Store(ctx, store)
        if not shop.cars or shop.advisor is None:
            continue
        rows: dict = {"orders": [], "appointments": []}
        week = first
        while week < last:
            days = sorted(week + dt.timedelta(days=ctx.rng.randrange(7))
                          for _n in range(ctx.rng.randint(*PER_WEEK)))
            for day in days:
                if day < last:
                    _order(shop, day, rows)
            if ctx.rng.random() < 0.6:
                day = week + dt.timedelta(days=ctx.rng.randrange(7))
                if day < last:
                    _missed(shop, day, rows)
            week += dt.timedelta(weeks=1)
        rows["orders"].sort(key=lambda item: item[0].received_at)
        _write(shop, rows)
        _finish_drafts(shop)


build_history.order = 35
