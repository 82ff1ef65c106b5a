"""Demo repair orders (SV-15, SV-16): helpers that take an inspected order through
settlement, payment and the gate pass at a historic time, and ``build_orders`` which does
that for the inspected orders of the workshop demo (everything before today), leaves
today's for the cashier, and opens a fresh order at reception in each store.

Everything goes through the services under ``clock.frozen`` so every record obeys the
rules. Deterministic with ``ctx.rng``. The lead wires ``build_orders`` after the workshop
step (it needs inspected orders and customers with vehicles)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from siwei.core import clock

from .models import LabourOperation, Payer, RepairOrder, ROStatus


def role_user(store, role_code: str):
    """The first active employee of the store with the role (None if there is none)."""
    from siwei.core.models import StaffAssignment

    row = (StaffAssignment.objects.filter(store=store, role__code=role_code,
                                          employee__is_active=True)
           .select_related("employee__user").order_by("id").first())
    return row.employee.user if row else None


def settle_pay_release(*, ro: RepairOrder, advisor, cashier, at: dt.datetime,
                       discount_percent: Decimal = Decimal(0), method: str = "wechat",
                       release: bool = True) -> RepairOrder:
    """Settle an inspected order at ``at``, record the customer's payment 10 minutes later
    and issue the gate pass 20 minutes after that."""
    from siwei.finance.services import payment_record

    from .services.settlement import repair_order_release, repair_order_settle

    with clock.frozen(at):
        ro = repair_order_settle(actor=advisor, repair_order=ro,
                                 discount_percent=discount_percent)
    if ro.customer_total > 0:
        with clock.frozen(at + dt.timedelta(minutes=10)):
            payment_record(actor=cashier, store=ro.store, amount=ro.customer_total,
                           method=method, repair_order=ro)
    if release:
        with clock.frozen(at + dt.timedelta(minutes=30)):
            ro = repair_order_release(actor=advisor, repair_order=RepairOrder.objects.get(
                pk=ro.pk))
    return RepairOrder.objects.get(pk=ro.pk)


def open_walk_in(*, store, advisor, vehicle, at: dt.datetime, complaints: list[str],
                 operations: list[LabourOperation], category: str = "maintenance",
                 sign: bool = False) -> RepairOrder:
    """A walk-in received at ``at`` with jobs from the operations, optionally signed."""
    from .services.orders import repair_order_add_job, repair_order_open, repair_order_sign

    with clock.frozen(at):
        km = (vehicle.last_km or 0) + 800
        ro = repair_order_open(actor=advisor, store=store, customer=vehicle.owner,
                               vehicle=vehicle, category=category, mileage=km,
                               promised_at=at + dt.timedelta(hours=3), complaints=complaints,
                               fuel_level=50, covers_applied=True)
        for operation in operations:
            repair_order_add_job(actor=advisor, repair_order=ro, payer=Payer.CUSTOMER,
                                 operation=operation)
        if sign:
            repair_order_sign(actor=advisor, repair_order=ro, signed_by_name=vehicle.owner.name,
                              phone_consent=True)
    return RepairOrder.objects.get(pk=ro.pk)


def build_orders(ctx) -> None:
    """Settle, pay and release the workshop demo's inspected orders of past days; open
    one walk-in at reception today in each store."""
    from siwei.crm.models import Vehicle

    today = clock.today()
    for store in ctx.stores:
        advisor = role_user(store, "service_advisor")
        cashier = role_user(store, "cashier") or advisor
        if advisor is None:
            continue
        inspected = (RepairOrder.objects.for_store(store)
                     .filter(status=ROStatus.INSPECTED).order_by("inspected_at", "id"))
        for ro in inspected:
            if timezone.localtime(ro.inspected_at).date() >= today:
                continue  # today's stay for the advisor and the cashier
            discount = Decimal(5) if ctx.rng.random() < 0.2 else Decimal(0)
            settle_pay_release(ro=ro, advisor=ro.advisor, cashier=cashier,
                               at=ro.inspected_at + dt.timedelta(hours=1),
                               discount_percent=discount,
                               method=ctx.rng.choice(["wechat", "alipay", "card", "cash"]))
        vehicle = (Vehicle.objects.for_store(store).filter(owner__isnull=False)
                   .exclude(repair_orders__status__in=[
                       ROStatus.DRAFT, ROStatus.OPEN, ROStatus.IN_PROGRESS, ROStatus.COMPLETED,
                       ROStatus.INSPECTED, ROStatus.SETTLED, ROStatus.PAID])
                   .order_by("id").first())
        operations = list(LabourOperation.objects.filter(group=store.group).order_by("code")[:1])
        if vehicle is None or not operations:
            continue
        at = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 20)))
        if at > clock.now():
            at = clock.now() - dt.timedelta(minutes=5)
        open_walk_in(store=store, advisor=advisor, vehicle=vehicle, at=at,
                     complaints=["常规保养", "空调异味"], operations=operations)
