"""Demo data of customer care: segments and campaigns (CR-10 … CR-12). Each store gets
four segments (new owners, maintenance due next month, insurance expiring, churned
owners), a campaign to the new owners sent three weeks ago with its messages (its results
come from the demo's service and sales history), one scheduled for next week and a draft."""

from __future__ import annotations

import datetime as dt

from siwei.core import clock
from siwei.core.clock import add_months

from .messaging.base import Backend

SEGMENTS = [
    ("new_owners", "一年内新车主"),
    ("maintenance", "下月保养到期车主"),
    ("insurance", "90天内保险到期车主"),
    ("churned", "流失车主召回"),
]
SENT_TEMPLATE = ("尊敬的{name}，感谢您选择{model}。本月到店保养工时费8.8折，另赠免费检测一次，"
                 "预约请致电{store_phone}。退订回T")
NEXT_TEMPLATE = ("尊敬的{name}，您的{model}（{plate}）将于{due_date}到保养时间，冬季保养套餐"
                 "限时优惠，预约请致电{store_phone}。退订回T")
CHURN_TEMPLATE = ("{name}您好，久未见您的{model}，回厂免费检测并赠送机油一桶，详询{store_phone}。"
                  "退订回T")


class DemoBackend(Backend):
    """Delivers the demo's messages without logging each one."""

    name = "demo"

    def send(self, message) -> str:
        return f"demo-{message.pk:06d}"


def _filters(kind: str, today: dt.date) -> dict:
    if kind == "new_owners":
        return {"category": ["owner_new"], "vehicle_age_max": 0}
    if kind == "maintenance":
        start = add_months(today.replace(day=1), 1)
        end = add_months(start, 1) - dt.timedelta(days=1)
        return {"maintenance_due_from": start.isoformat(), "maintenance_due_to": end.isoformat()}
    if kind == "insurance":
        return {"insurance_expiry_from": today.isoformat(),
                "insurance_expiry_to": (today + dt.timedelta(days=90)).isoformat()}
    return {"category": ["churned"]}


def _agent(store):
    from siwei.core.models import StaffAssignment

    row = (StaffAssignment.objects.filter(store=store, role__code="customer_service",
                                          employee__is_active=True)
           .select_related("employee__user").order_by("id").first())
    return row.employee.user if row else None


def _build_store(ctx, store) -> None:
    from .services.campaigns import (
        campaign_create,
        campaign_schedule,
        campaigns_send_due,
        segment_create,
    )
    from .services.messaging import messages_deliver_queued

    agent = _agent(store)
    if agent is None:
        return
    now = clock.localnow()

    def ten_o_clock(days: int) -> dt.datetime:
        return (now + dt.timedelta(days=days)).replace(hour=10, minute=0, second=0,
                                                        microsecond=0)

    sent_at = ten_o_clock(-21)
    kinds = SEGMENTS[:2] if ctx.small else SEGMENTS
    segments = {kind: segment_create(actor=agent, store=store, name=name,
                                     filters=_filters(kind, now.date()))
                for kind, name in kinds}
    # Three weeks ago: the new owners' campaign, sent and delivered (results since then).
    with clock.frozen(sent_at):
        past = campaign_create(actor=agent, store=store, name="新车首保关怀",
                               segment=segments["new_owners"], template=SENT_TEMPLATE,
                               send_at=sent_at)
        campaign_schedule(actor=agent, campaign=past)
        campaigns_send_due(now=sent_at)
        messages_deliver_queued(backend=DemoBackend(), campaign=past, limit=5000)
    upcoming = campaign_create(actor=agent, store=store, name="冬季保养提醒",
                               segment=segments["maintenance"], template=NEXT_TEMPLATE,
                               send_at=ten_o_clock(7))
    campaign_schedule(actor=agent, campaign=upcoming)
    if not ctx.small:
        campaign_create(actor=agent, store=store, name="流失车主回厂礼",
                        segment=segments["churned"], template=CHURN_TEMPLATE,
                        send_at=ten_o_clock(14))


def build_campaigns(ctx) -> None:
    """Segments, a sent campaign with results and a scheduled one (CR-10 … CR-12)."""
    for store in ctx.stores[:1] if ctx.small else ctx.stores:
        _build_store(ctx, store)
