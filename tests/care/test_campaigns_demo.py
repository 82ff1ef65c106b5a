"""CR-10 … CR-12 demo step: segments, a campaign sent three weeks ago with its messages
and results, and one scheduled for next week; deterministic and quick."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from siwei.care.demo_campaigns import build_campaigns
from siwei.care.models import Campaign, CampaignStatus, Message, MessageStatus, Segment
from siwei.care.selectors_campaigns import campaign_results
from siwei.core.clock import add_months
from siwei.demo.builder import DemoContext, build_organisation
from tests.care.test_campaigns_segments import make_customer, make_vehicle
from tests.sales_factories import make_model

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("small", [True, False])
def test_cr11_demo_builds_segments_and_campaigns(clock, small):
    ctx = DemoContext(rng=random.Random(7), small=small)
    build_organisation(ctx)
    model = make_model(ctx.group, "朗逸")[0]
    sent_day = clock.today() - dt.timedelta(days=21)
    due = add_months(clock.today().replace(day=1), 1) + dt.timedelta(days=9)
    for store in ctx.stores:
        for i in range(6):
            customer = make_customer(store, f"车主{i}", f"1391{store.pk % 100:02d}00{i:03d}",
                                     consent_sms=i != 5, category="owner_new")
            make_vehicle(customer, model=model, plate=f"京A5{store.pk % 10}{i:03d}",
                         next_maintenance_date=due, sale_date=sent_day - dt.timedelta(days=99))
    build_campaigns(ctx)
    first = ctx.stores[0]
    assert Segment.objects.for_store(first).count() == (2 if small else 4)
    sent = Campaign.objects.for_store(first).get(status=CampaignStatus.SENT)
    assert sent.sent_at.date() == sent_day
    assert Message.objects.filter(campaign=sent, status=MessageStatus.SENT).count() == 5
    assert campaign_results(sent)["skipped_by_reason"] == {"no_consent": 1}
    upcoming = Campaign.objects.for_store(first).get(status=CampaignStatus.SCHEDULED)
    assert upcoming.send_at.date() == clock.today() + dt.timedelta(days=7)
    from siwei.care.selectors_campaigns import segment_customers

    assert segment_customers(store=first, filters=upcoming.segment.filters).count() == 6
    assert Campaign.objects.for_store(first).filter(status=CampaignStatus.DRAFT).count() == (
        0 if small else 1)
    stores_with_campaigns = Campaign.objects.values("store").distinct().count()
    assert stores_with_campaigns == (1 if small else 2)
