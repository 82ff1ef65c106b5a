"""The demo's two years of service history: every category (comebacks linked to their
original), the usual end states, appointments kept and missed, claims, and figures the
Service KPIs page can show month by month; today's board is left to the workshop demo."""

import datetime as dt
import random

import pytest

from siwei.demo.builder import DemoContext
from siwei.service.demo_history import RECENT_DAYS, build_history
from siwei.service.models import (
    Appointment,
    Inspection,
    RepairOrder,
    ROCategory,
    ROStatus,
    WarrantyClaim,
)
from siwei.service.selectors_kpis import monthly_trend

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(crew, store_bj, group, car, clock):
    vehicle = car[1]
    vehicle.sale_date = clock.today() - dt.timedelta(days=900)
    vehicle.last_km = 60000
    vehicle.save(update_fields=["sale_date", "last_km"])
    ctx = DemoContext(rng=random.Random(11), small=False, group=group, stores=[store_bj])
    build_history(ctx)
    return RepairOrder.objects.for_store(store_bj)


def test_history_covers_two_years_in_every_category_and_end_state(history, clock):
    today = clock.today()
    first = history.order_by("received_at").first().received_at.date()
    last = history.order_by("-received_at").first().received_at.date()
    assert (today - first).days >= 700
    assert (today - last).days >= RECENT_DAYS  # the recent weeks go through the services
    assert set(history.values_list("category", flat=True)) == set(ROCategory.values)
    statuses = set(history.values_list("status", flat=True))
    assert statuses == {ROStatus.CLOSED, ROStatus.CANCELLED}
    for ro in history.filter(category=ROCategory.COMEBACK).select_related("comeback_of"):
        assert ro.comeback_of.vehicle_id == ro.vehicle_id
        assert ro.comeback_of.released_at < ro.received_at
        assert (ro.received_at - ro.comeback_of.released_at).days <= 30
    done = history.exclude(status=ROStatus.CANCELLED)
    assert not done.filter(released_at__isnull=True).exists()
    assert Inspection.objects.filter(repair_order__in=done, level=3, passed=True).count() == (
        done.count())
    assert not history.filter(status=ROStatus.CANCELLED, released_at__isnull=False).exists()


def test_history_appointments_and_claims(history, store_bj):
    appointments = set(Appointment.objects.for_store(store_bj).values_list("status", flat=True))
    assert {"done", "cancelled", "no_show"} <= appointments
    assert history.filter(appointment__isnull=False).count() > history.count() // 3
    claims = set(WarrantyClaim.objects.for_store(store_bj).values_list("status", flat=True))
    assert "paid" in claims


def test_history_feeds_the_kpi_trend(history, store_bj, clock):
    trend = monthly_trend(stores=[store_bj], months=24, end=clock.today())
    old = [m for m in trend[:-3] if m["ros"]]
    assert len(old) >= 18
    assert all(m["effective_labour_rate"] is not None for m in old if m["hours_sold"])
    assert any(m["on_time_rate"] is not None and m["on_time_rate"] > 50 for m in old)


def test_history_finishes_the_drafts_left_before_today(crew, store_bj, group, car, clock):
    from siwei.service.services.orders import repair_order_open

    customer, vehicle = car
    with clock_at(clock, clock.now() - dt.timedelta(days=2)):
        old = repair_order_open(actor=crew.advisor, store=store_bj, customer=customer,
                                vehicle=vehicle, category="maintenance", mileage=30000,
                                promised_at=clock.now() + dt.timedelta(hours=3),
                                complaints=["保养"])
    today = repair_order_open(actor=crew.advisor, store=store_bj, customer=customer,
                              vehicle=vehicle, category="maintenance", mileage=30100,
                              promised_at=clock.now() + dt.timedelta(hours=3),
                              complaints=["保养"])
    build_history(DemoContext(rng=random.Random(5), small=True, group=group,
                              stores=[store_bj]))
    old.refresh_from_db()
    today.refresh_from_db()
    assert old.status in (ROStatus.RELEASED, ROStatus.CLOSED) and old.gate_pass_number
    assert old.jobs.exists() and old.inspections.filter(level=3, passed=True).exists()
    assert today.status == ROStatus.DRAFT and not today.jobs.exists()


class clock_at:
    def __init__(self, clock, when):
        self.clock, self.when = clock, when

    def __enter__(self):
        self.back = self.clock.now()
        self.clock.set(self.when)

    def __exit__(self, *exc):
        self.clock.set(self.back)
