"""CR-11 campaigns: placeholders validated and rendered, consent and the frequency cap
enforced with skip reasons, sending due campaigns idempotent (one message per customer),
schedule/cancel states and permission, and the results counted by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siwei.care.models import (
    Campaign,
    CampaignStatus,
    Message,
    MessageStatus,
    SkipReason,
    care_settings,
)
from siwei.care.selectors_campaigns import campaign_results
from siwei.care.services.campaigns import (
    campaign_cancel,
    campaign_create,
    campaign_schedule,
    campaign_update,
    campaigns_send_due,
    segment_create,
    template_check,
)
from siwei.care.services.messaging import message_queue, messages_deliver_queued
from siwei.core.errors import DomainError
from tests.care.test_campaigns_segments import (
    make_customer,
    make_desk,
    make_ro,
    make_vehicle,
)
from tests.sales_factories import make_model

pytestmark = pytest.mark.django_db

TEMPLATE = ("尊敬的{name}，您的{model}（{plate}）保养将于{due_date}到期，"
            "预约请致电{store_phone}。退订回T")


@pytest.fixture
def desk(staff, store_bj):
    return make_desk(staff, store_bj)


class Recorder:
    name = "recorder"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message.pk)
        return f"r-{message.pk}"


@pytest.fixture
def owners(store_bj, group, clock):
    """Four owners of the club segment: consenting, without consent, without mobile, and
    one who already had two marketing messages this month."""
    store_bj.phone = "010-64708800"
    store_bj.save()
    model = make_model(group, "朗逸")[0]
    due = clock.today() + dt.timedelta(days=13)
    people = {
        "ok": make_customer(store_bj, "王芳", "13912345678", tags="车友会"),
        "no_consent": make_customer(store_bj, "李强", "13687654321", tags="车友会",
                                    consent_sms=False),
        "no_mobile": make_customer(store_bj, "赵敏", "", tags="车友会"),
        "capped": make_customer(store_bj, "孙丽", "13711112222", tags="车友会"),
    }
    make_vehicle(people["ok"], model=model, plate="京A12345", next_maintenance_date=due)
    for _ in range(2):
        message_queue(store=store_bj, customer=people["capped"], channel="sms", body="促销",
                      is_marketing=True)
    make_customer(store_bj, "不在群", "13500000000")
    return people


@pytest.fixture
def campaign(owners, desk, store_bj, clock):
    segment = segment_create(actor=desk.agent, store=store_bj, name="车友会",
                             filters={"tags": "车友会"})
    created = campaign_create(actor=desk.agent, store=store_bj, name="冬季保养", segment=segment,
                              template=TEMPLATE, send_at=clock.now() + dt.timedelta(hours=2))
    return campaign_schedule(actor=desk.agent, campaign=created)


def test_cr11_unknown_placeholders_are_a_400_naming_template():
    assert template_check(" {name}，{{不是占位符}} ") == "{name}，{{不是占位符}}"
    for bad in ("{name} {coupon}", "{0}", "{}", "{name!r}", "{name:>10}", "{name", "}"):
        with pytest.raises(ValidationError) as refused:
            template_check(bad)
        assert list(refused.value.message_dict) == ["template"], bad
    with pytest.raises(ValidationError) as refused:
        template_check("{coupon}")
    assert "{coupon}" in refused.value.message_dict["template"][0]


def test_cr11_send_due_renders_respects_consent_and_cap_and_is_idempotent(
        campaign, owners, store_bj, clock):
    assert campaigns_send_due(now=clock.now()) == 0  # not yet time
    clock.advance(hours=2)
    assert campaigns_send_due() == 1
    messages = {m.customer.name: m for m in Message.objects.filter(campaign=campaign)}
    assert set(messages) == {"王芳", "李强", "赵敏", "孙丽"}
    ok = messages["王芳"]
    assert ok.status == MessageStatus.QUEUED and ok.to == "13912345678" and ok.is_marketing
    due = clock.today() - dt.timedelta(hours=2) + dt.timedelta(days=13)
    assert ok.body == (f"尊敬的王芳，您的大众 朗逸（京A12345）保养将于{due.year}年{due.month}月"
                       f"{due.day}日到期，预约请致电010-64708800。退订回T")
    assert (messages["李强"].status, messages["李强"].skip_reason) == (
        MessageStatus.SKIPPED, SkipReason.NO_CONSENT)
    assert messages["赵敏"].skip_reason == SkipReason.NO_ADDRESS
    assert messages["孙丽"].skip_reason == SkipReason.FREQUENCY_CAP
    assert "{plate}" not in messages["赵敏"].body and "（）" in messages["赵敏"].body
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and campaign.sent_at == clock.now()
    # Running again, or re-opening the campaign by hand, adds nothing.
    assert campaigns_send_due() == 0
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SCHEDULED)
    assert campaigns_send_due() == 0
    assert Message.objects.filter(campaign=campaign).count() == 4
    assert message_queue(store=store_bj, customer=owners["ok"], channel="sms", body="again",
                         campaign=campaign, is_marketing=True).pk == ok.pk


def test_cr11_cap_counts_marketing_of_the_last_30_days_only(store_bj, clock):
    customer = make_customer(store_bj, "周杰", "13512345678")
    settings = care_settings(store_bj)
    settings.marketing_cap = 1
    settings.save()
    old = message_queue(store=store_bj, customer=customer, channel="sms", body="上月",
                        is_marketing=True)
    Message.objects.filter(pk=old.pk).update(created_at=clock.now() - dt.timedelta(days=31))
    message_queue(store=store_bj, customer=customer, channel="sms", body="保养提醒")  # service
    first = message_queue(store=store_bj, customer=customer, channel="sms", body="本月",
                          is_marketing=True)
    second = message_queue(store=store_bj, customer=customer, channel="sms", body="再来",
                           is_marketing=True)
    assert first.status == MessageStatus.QUEUED
    assert (second.status, second.skip_reason) == (MessageStatus.SKIPPED,
                                                   SkipReason.FREQUENCY_CAP)


def test_cr11_consent_is_per_channel_and_only_marketing_needs_it(store_bj, clock):
    customer = make_customer(store_bj, "吴军", "13612345678", consent_sms=False,
                             consent_wechat=True)
    reminder = message_queue(store=store_bj, customer=customer, channel="sms",
                             body="您的爱车保养到期")
    sms = message_queue(store=store_bj, customer=customer, channel="sms", body="促销",
                        is_marketing=True)
    wechat = message_queue(store=store_bj, customer=customer, channel="wechat", body="促销",
                           is_marketing=True)
    assert reminder.status == MessageStatus.QUEUED
    assert sms.skip_reason == SkipReason.NO_CONSENT
    assert wechat.status == MessageStatus.QUEUED
    with pytest.raises(ValidationError):
        message_queue(store=store_bj, customer=customer, channel="fax", body="x")


def test_cr11_states_and_the_send_permission(campaign, desk, staff, store_bj, clock):
    with pytest.raises(PermissionDenied):
        campaign_cancel(actor=staff("sales_manager", store=store_bj), campaign=campaign)
    with pytest.raises(DomainError) as again:
        campaign_schedule(actor=desk.agent, campaign=campaign)
    assert again.value.code == "invalid_transition"
    with pytest.raises(DomainError):
        campaign_update(actor=desk.agent, campaign=campaign, name="改名")
    clock.advance(hours=3)
    campaigns_send_due()
    with pytest.raises(DomainError) as sent:
        campaign_cancel(actor=desk.agent, campaign=Campaign.objects.get(pk=campaign.pk))
    assert sent.value.code == "invalid_transition"


def test_cr11_cancelled_campaign_is_not_sent(campaign, desk, clock):
    campaign_cancel(actor=desk.agent, campaign=campaign)
    clock.advance(days=1)
    assert campaigns_send_due() == 0
    assert not Message.objects.filter(campaign=campaign).exists()


def test_cr11_results_within_30_days_counted_by_hand(campaign, owners, desk, store_bj, group,
                                                    clock):
    from siwei.sales.models import SalesOrder
    from siwei.service.models import Appointment

    clock.advance(hours=2)
    campaigns_send_due()
    assert messages_deliver_queued(backend=Recorder()) == 3  # 王芳 + the two earlier ones
    sent_at = clock.now()
    reached, skipped = owners["ok"], owners["no_consent"]
    car = reached.vehicles.get()
    model = car.model
    skipped_car = make_vehicle(skipped, model=model)

    def appointment(customer, vehicle, created):
        return Appointment.objects.create(
            store=store_bj, number=f"AP-{created:%m%d%H%M}-{customer.pk}", customer=customer,
            vehicle=vehicle, advisor=desk.advisor, start=created + dt.timedelta(days=2),
            category="maintenance", estimated_hours=Decimal("1.0"), created_at=created)

    appointment(reached, car, sent_at + dt.timedelta(days=1))
    appointment(reached, car, sent_at + dt.timedelta(days=31))  # too late
    appointment(skipped, skipped_car, sent_at + dt.timedelta(days=1))  # not reached
    make_ro(car, desk.advisor, received=sent_at + dt.timedelta(days=3), customer_total="860.00",
            settled=sent_at + dt.timedelta(days=3, hours=5))
    make_ro(car, desk.advisor, received=sent_at + dt.timedelta(days=20), status="cancelled",
            customer_total="999.00", settled=sent_at + dt.timedelta(days=20))
    make_ro(car, desk.advisor, received=sent_at - dt.timedelta(days=3), customer_total="500.00",
            settled=sent_at - dt.timedelta(days=2))  # before the campaign
    make_ro(skipped_car, desk.advisor, received=sent_at + dt.timedelta(days=3),
            customer_total="700.00", settled=sent_at + dt.timedelta(days=3))
    common = {"store": store_bj, "customer": reached, "consultant": desk.manager,
              "model": model, "msrp": Decimal("150000"), "vehicle_price": Decimal("145000")}
    SalesOrder.objects.create(number="SO-C-1", total=Decimal("152000.00"), status="confirmed",
                              created_at=sent_at + dt.timedelta(days=10), **common)
    SalesOrder.objects.create(number="SO-C-2", total=Decimal("99000.00"), status="draft",
                              created_at=sent_at + dt.timedelta(days=10), **common)
    SalesOrder.objects.create(number="SO-C-3", total=Decimal("88000.00"), status="cancelled",
                              created_at=sent_at + dt.timedelta(days=11), **common)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        results = campaign_results(campaign)
    assert len(queries) == 2
    assert results["recipients"] == 4 and results["sent"] == 1 and results["skipped"] == 3
    assert results["skipped_by_reason"] == {"no_consent": 1, "no_address": 1,
                                            "frequency_cap": 1}
    assert (results["appointments"], results["visits"]) == (1, 1)
    assert results["service_revenue"] == Decimal("860.00")
    assert results["sales_revenue"] == Decimal("152000.00")
    assert results["revenue"] == Decimal("152860.00")
    assert results["window_end"] == sent_at + dt.timedelta(days=30)


def test_cr11_campaign_pages(client, campaign, desk, staff, store_bj, clock):
    from django.urls import reverse

    client.force_login(desk.agent)
    assert client.get(reverse("care:campaigns")).status_code == 200
    new = client.post(reverse("care:campaign-new"), {
        "name": "元旦", "segment": campaign.segment_id, "channel": "sms",
        "template": "{name}新年好 {coupon}", "send_at": "2026-12-31T10:00"})
    assert new.status_code == 200 and "{coupon}" in new.content.decode()
    new = client.post(reverse("care:campaign-new"), {
        "name": "元旦", "segment": campaign.segment_id, "channel": "sms",
        "template": "{name}新年好", "send_at": "2026-12-31T10:00"})
    draft = Campaign.objects.get(name="元旦")
    assert new.status_code == 302 and draft.status == CampaignStatus.DRAFT
    edit = client.get(reverse("care:campaign-edit", args=[draft.pk]))
    assert edit.status_code == 200 and "2026-12-31T10:00" in edit.content.decode()
    client.post(reverse("care:campaign-edit", args=[draft.pk]), {
        "name": "元旦问候", "segment": campaign.segment_id, "channel": "wechat",
        "template": "{name}新年好", "send_at": "2026-12-31T10:00"})
    assert Campaign.objects.get(pk=draft.pk).channel == "wechat"
    client.post(reverse("care:campaign-action", args=[draft.pk]), {"action": "schedule"})
    assert client.get(reverse("care:campaign-edit", args=[draft.pk])).status_code == 302
    assert Campaign.objects.get(pk=draft.pk).status == CampaignStatus.SCHEDULED
    clock.advance(hours=2)
    campaigns_send_due()
    detail = client.get(reverse("care:campaign", args=[campaign.pk]))
    assert detail.status_code == 200 and "王芳" in detail.content.decode()
    client.post(reverse("care:campaign-action", args=[campaign.pk]), {"action": "cancel"})
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT
    assert client.get(reverse("care:messages"), {"status": "skipped"}).status_code == 200
    client.force_login(staff("sales_manager", store=store_bj))
    assert client.get(reverse("care:campaign", args=[campaign.pk])).status_code == 200
    assert client.post(reverse("care:campaign-action", args=[draft.pk]),
                       {"action": "cancel"}).status_code == 403


@pytest.mark.parametrize("role", ["customer_service", "store_manager"])
def test_cr11_home_card_and_menu(client, campaign, staff, store_bj, clock, role):
    from django.urls import reverse

    clock.advance(hours=2)
    campaigns_send_due()
    client.force_login(staff(role, store=store_bj))
    home = client.get(reverse("home")).content.decode()
    assert reverse("care:campaigns-card") in home and reverse("care:segments") in home
    card = client.get(reverse("care:campaigns-card")).content.decode()
    assert "冬季保养" in card and "¥0.00" in card
