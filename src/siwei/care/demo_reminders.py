"""Demo data of customer care: reminders (CR-5). Each sold vehicle gets its insurance
history (renewed through us, elsewhere, or lapsed) so that the renewal rate shows real
figures, then today's reminders are created as the daily job would."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from siwei.core import clock

INSURERS = ["中国人保", "平安保险", "太平洋保险", "中华联合保险", "大地保险"]
THROUGH_US, ELSEWHERE = 0.62, 0.20  # the rest lapse or were renewed without telling us


def _care_agent(store):
    from siwei.core.models import StaffAssignment

    row = (StaffAssignment.objects.filter(store=store, role__code="customer_service",
                                          employee__is_active=True)
           .select_related("employee__user").order_by("id").first())
    return row.employee.user if row else None


def _insurance_history(ctx, store, today: dt.date) -> None:
    from siwei.crm.models import Vehicle

    from .models import InsuranceRenewal

    rng, agent = ctx.rng, _care_agent(store)
    vehicles = list(Vehicle.objects.for_store(store)
                    .filter(sale_date__isnull=False, owner__isnull=False).order_by("id"))
    if ctx.small:
        vehicles = vehicles[:12]
    renewals, changed = [], []
    zone = timezone.get_default_timezone()
    for vehicle in vehicles:
        company = vehicle.insurance_company or rng.choice(INSURERS)
        expiry = vehicle.insurance_expiry or (
            clock.add_months(vehicle.sale_date, 12) - dt.timedelta(days=1))
        while expiry < today:
            draw = rng.random()
            if draw >= THROUGH_US + ELSEWHERE:
                break  # lapsed: the expiry stays in the past
            through_us = draw < THROUGH_US
            new_company = company if rng.random() < 0.8 else rng.choice(INSURERS)
            new_expiry = clock.add_months(expiry + dt.timedelta(days=1), 12) \
                - dt.timedelta(days=1)
            recorded_on = expiry - dt.timedelta(days=rng.randint(0, 25))
            recorded_at = dt.datetime.combine(min(recorded_on, today), dt.time(
                rng.randint(9, 17), rng.randint(0, 59)), tzinfo=zone)
            renewals.append(InsuranceRenewal(
                store=store, vehicle=vehicle, customer_id=vehicle.owner_id,
                previous_company=company, previous_expiry=expiry, company=new_company,
                new_expiry=new_expiry, through_us=through_us, recorded_at=recorded_at,
                recorded_by=agent if through_us else None))
            company, expiry = new_company, new_expiry
        vehicle.insurance_company, vehicle.insurance_expiry = company, expiry
        changed.append(vehicle)
    Vehicle.objects.bulk_update(changed, ["insurance_company", "insurance_expiry"],
                                batch_size=500)
    InsuranceRenewal.objects.bulk_create(renewals, batch_size=500)


def build_reminders(ctx) -> None:
    """Insurance histories of the sold vehicles, then today's reminders in each store."""
    from .services.reminders import reminders_create

    today = clock.today()
    for store in ctx.stores:
        with transaction.atomic():
            _insurance_history(ctx, store, today)
        reminders_create(store=store, today=today)
