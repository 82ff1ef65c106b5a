"""Demo data of customer care: feedback. Two years of complaints, praise, suggestions and
inquiries from every channel, taken through their states at historic times with the
services under ``clock.frozen`` (late acknowledgements escalated, some reopened, some
closed after three attempts), root causes and corrective actions, and a few complaints
open today with running, breached and escalated SLA clocks. Deterministic with
``ctx.rng``; texts come from ``fixtures/feedback_zh.json`` when present."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from siwei.core import clock
from siwei.core.clock import add_months

from .models import FeedbackKind, Severity
from .services import feedback as services

FIXTURE = Path(__file__).with_name("fixtures") / "feedback_zh.json"

FALLBACK_TEXTS = [{"subject": s, "content": c, "kind": k, "category": g} for s, c, k, g in [
    ("保养等待时间太长",
     "预约了上午九点保养，到下午一点才交车，中间没人告知进度。",
     "complaint", "waiting_time"),
    ("维修后异响依旧",
     "上周因为底盘异响进店维修，取车后第二天又响了，白跑一趟。",
     "complaint", "service_quality"),
    ("工时费比报价高",
     "接车时说工时费三百，结账变成了四百八，没有提前告知。",
     "complaint", "price"),
    ("配件等了两周还没到",
     "左后视镜片订货说三天到，现在两周了还没消息。",
     "complaint", "parts"),
    ("交车时赠品不全",
     "买车时承诺送脚垫和行车记录仪，交车只给了脚垫。",
     "complaint", "sales"),
    ("服务顾问态度冷淡",
     "问了几次进度，服务顾问都爱答不理，体验很差。",
     "complaint", "staff_attitude"),
    ("新车中控屏黑屏",
     "提车一个月，中控大屏已经黑屏重启三次了。",
     "complaint", "product_quality"),
    ("休息区太吵",
     "客户休息区挨着车间，噪音很大，也没有充电插座。",
     "complaint", "facilities"),
    ("表扬销售顾问",
     "销售顾问讲解专业耐心，交车仪式很用心，谢谢！",
     "praise", "sales"),
    ("建议增加充电桩",
     "停车场只有两个充电桩，经常被占，建议多装几个。",
     "suggestion", "facilities"),
    ("咨询首保时间",
     "新车开了四千公里，想问一下首保是多少公里做？",
     "inquiry", "service_quality"),
    ("表扬洗车干净",
     "保养后车洗得很干净，内饰也擦了，很贴心。",
     "praise", "service_quality"),
]]

CHANNELS = [("phone", 30), ("walk_in", 12), ("follow_up", 15), ("chat", 10), ("social", 8),
            ("survey", 8), ("sms", 5), ("email", 4), ("oem_hotline", 8)]
KINDS = [(FeedbackKind.COMPLAINT, 55), (FeedbackKind.SUGGESTION, 15),
         (FeedbackKind.PRAISE, 15), (FeedbackKind.INQUIRY, 15)]
ROOT_CAUSES = {
    "waiting_time": "派工环节未按预约时间排产，服务顾问未主动告知进度",
    "service_quality": "故障诊断不充分，终检路试未覆盖客户描述的工况",
    "price": "增项未经客户确认即施工，报价单与结算单不一致",
    "parts": "常用件安全库存设置偏低，订货后未跟踪到货",
    "sales": "销售承诺未写入合同，交车前检查单漏项",
    "staff_attitude": "服务礼仪培训不到位，高峰期接待人手不足",
    "product_quality": "厂家软件版本缺陷，已按技术通报升级",
    "facilities": "休息区设施老化，未纳入月度巡检",
}
ACTIONS = {
    "corrective": ["向客户致歉并回访确认", "对相关员工进行服务规范再培训",
                   "补齐承诺赠品并书面确认"],
    "preventive": ["增加派工超时自动提醒", "结算前增项必须客户签字确认", "调整常用件安全库存",
                   "每月检查休息区设施", "交车前检查单增加赠品核对项"],
}
SOLUTIONS = ["当面致歉并免费赠送一次保养", "退还多收费用并致歉", "重新免费维修并提供代步车",
             "加急调货并赠送洗车券", "补齐赠品并由销售经理致电道歉", "升级软件并延长该部件保修"]


def _texts() -> list[dict]:
    try:
        rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return FALLBACK_TEXTS
    rows = [r for r in rows if isinstance(r, dict) and r.get("subject") and r.get("content")
            and r.get("kind") in FeedbackKind.values and r.get("category")]
    return rows or FALLBACK_TEXTS


def _weighted(rng, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def _role_user(store, role_code: str):
    from siwei.core.models import StaffAssignment

    row = (StaffAssignment.objects.filter(store=store, role__code=role_code,
                                          employee__is_active=True)
           .select_related("employee__user").order_by("id").first())
    return row.employee.user if row else None


class _Store:
    """What one store's feedback is about: its customers, their orders, its people."""

    def __init__(self, ctx, store, texts) -> None:
        from siwei.crm.models import Customer, Vehicle
        from siwei.sales.models import SalesOrder
        from siwei.service.models import RepairOrder

        self.ctx, self.store, self.rng = ctx, store, ctx.rng
        self.by_kind: dict[str, list[dict]] = {}
        for row in texts:
            self.by_kind.setdefault(row["kind"], []).append(row)
        self.customers = list(Customer.objects.for_store(store)
                              .filter(merged_into__isnull=True).order_by("id")[:400])
        self.vehicles: dict[int, object] = {}
        for vehicle in Vehicle.objects.for_store(store).filter(
                owner__isnull=False).order_by("id"):
            self.vehicles.setdefault(vehicle.owner_id, vehicle)
        self.sales = {}
        for order in SalesOrder.objects.for_store(store).order_by("id"):
            self.sales.setdefault(order.customer_id, order)
        self.repairs = {}
        for ro in RepairOrder.objects.for_store(store).order_by("id"):
            self.repairs.setdefault(ro.customer_id, ro)
        self.cs = _role_user(store, "customer_service") or _role_user(store, "store_manager")
        self.managers = {role: _role_user(store, role) for role in (
            "sales_manager", "service_manager", "parts_manager", "store_manager")}

    def create(self, at: dt.datetime, *, kind: str | None = None,
               severity: str | None = None):
        rng = self.rng
        kind = kind or _weighted(rng, KINDS)
        text = rng.choice(self.by_kind.get(kind) or FALLBACK_TEXTS)
        fields: dict = {"severity": severity or _weighted(
            rng, [(Severity.LOW, 25), (Severity.MEDIUM, 60), (Severity.HIGH, 15)]),
            "owner": self.cs}
        customer = rng.choice(self.customers) if self.customers and rng.random() < 0.88 \
            else None
        if customer is None:
            from siwei.demo.builder import demo_mobile, person_name

            fields.update(contact_name=person_name(rng), contact_phone=demo_mobile(rng))
        else:
            vehicle = self.vehicles.get(customer.pk)
            if vehicle is not None:
                fields["vehicle"] = vehicle
            if text["category"] == "sales" and customer.pk in self.sales:
                fields["sales_order"] = self.sales[customer.pk]
                fields["staff"] = fields["sales_order"].consultant
            elif text["category"] != "sales" and customer.pk in self.repairs:
                fields["repair_order"] = self.repairs[customer.pk]
                fields["staff"] = fields["repair_order"].advisor
        with clock.frozen(at):
            return services.feedback_create(
                actor=self.cs, store=self.store, channel=_weighted(rng, CHANNELS),
                subject=text["subject"][:120], content=text["content"], kind=text["kind"],
                category=text["category"], customer=customer, received_at=at, **fields)

    def manager_of(self, feedback):
        return self.managers.get(services.escalation_role(feedback, 1)) or self.cs


def _step(at: dt.datetime, run) -> None:
    with clock.frozen(at):
        run()


def _history(state: _Store, fb, now: dt.datetime) -> None:
    """Take one past feedback through its life."""
    rng, cs = state.rng, state.cs
    t = fb.received_at
    if fb.kind != FeedbackKind.COMPLAINT:
        t += dt.timedelta(hours=rng.uniform(1, 30))
        if t < now:
            _step(t, lambda: services.feedback_close(actor=cs, feedback=fb, note=rng.choice(
                ["已致谢并转达相关同事", "已答复客户", "建议已转交店总评估"])))
        return
    manager = state.manager_of(fb)
    late_ack = rng.random() < 0.12
    ack_at = t + dt.timedelta(hours=rng.uniform(25, 40) if late_ack else rng.uniform(0.3, 20))
    if late_ack:
        _escalate(fb.acknowledge_due_at + dt.timedelta(minutes=15))
    _step(ack_at, lambda: services.feedback_acknowledge(actor=cs, feedback=fb,
                                                        note="已致电客户致歉并说明处理流程"))
    _step(ack_at + dt.timedelta(hours=rng.uniform(0.5, 4)),
          lambda: services.feedback_start(actor=manager, feedback=fb))
    late_resolve = rng.random() < 0.15
    resolve_at = max(ack_at + dt.timedelta(hours=5),
                     t + dt.timedelta(hours=rng.uniform(50, 90) if late_resolve
                                      else rng.uniform(6, 46)))
    if resolve_at > fb.resolve_due_at:
        _escalate(fb.resolve_due_at + dt.timedelta(minutes=15))
    compensation = rng.choice([Decimal(0)] * 4 + [Decimal(100), Decimal(200), Decimal(500)])
    _step(resolve_at, lambda: services.feedback_resolve(
        actor=manager, feedback=fb, solution=rng.choice(SOLUTIONS), compensation=compensation))
    if rng.random() < 0.45:
        _step(resolve_at + dt.timedelta(hours=1), lambda: services.feedback_update(
            actor=manager, feedback=fb, root_cause=ROOT_CAUSES.get(fb.category, "流程执行不到位")))
        if rng.random() < 0.6 and state.managers.get("store_manager"):
            boss = state.managers["store_manager"]
            kind = rng.choice(["corrective", "preventive"])
            due = timezone.localtime(resolve_at).date() + dt.timedelta(days=rng.randint(7, 30))

            def add():
                return services.feedback_action_add(
                    actor=boss, feedback=fb, kind=kind, description=rng.choice(ACTIONS[kind]),
                    owner=manager, due_date=due)

            with clock.frozen(resolve_at + dt.timedelta(hours=2)):
                action = add()
            done_at = timezone.make_aware(dt.datetime.combine(
                due - dt.timedelta(days=rng.randint(-3, 5)), dt.time(16, 0)))
            if done_at < now and rng.random() < 0.85:
                _step(done_at, lambda: services.feedback_action_done(actor=manager,
                                                                     action=action))
    confirm_at = resolve_at + dt.timedelta(hours=rng.uniform(20, 70))
    if confirm_at >= now:
        return
    roll = rng.random()
    if roll < 0.1:
        for n in range(3):
            _step(resolve_at + dt.timedelta(days=n + 1, hours=2),
                  lambda n=n: services.feedback_close_attempt(
                      actor=cs, feedback=fb, note=f"第{n + 1}次回访电话无人接听，已发短信"))
        return
    _step(confirm_at, lambda: services.feedback_close(actor=cs, feedback=fb,
                                                      note="客户确认满意"))
    if roll > 0.92:
        reopen_at = confirm_at + dt.timedelta(days=rng.randint(2, 6))
        if reopen_at + dt.timedelta(days=3) < now:
            _step(reopen_at, lambda: services.feedback_reopen(
                actor=cs, feedback=fb, reason="客户反映问题再次出现，对处理结果不满意"))
            _step(reopen_at + dt.timedelta(hours=20), lambda: services.feedback_resolve(
                actor=manager, feedback=fb, solution="由店总出面协调，重新处理并补偿",
                compensation=Decimal(300)))
            _step(reopen_at + dt.timedelta(days=2), lambda: services.feedback_close(
                actor=cs, feedback=fb, note="客户确认满意"))


def _escalate(at: dt.datetime) -> None:
    with clock.frozen(at):
        services.feedback_escalate_due(now=at)


def _open_today(state: _Store, now: dt.datetime) -> None:
    """Complaints still open now: clocks running, breached and escalated, reopened."""
    cs = state.cs
    state.create(now - dt.timedelta(hours=2), kind=FeedbackKind.COMPLAINT)
    state.create(now - dt.timedelta(hours=21), kind=FeedbackKind.COMPLAINT)  # yellow
    working = state.create(now - dt.timedelta(hours=20), kind=FeedbackKind.COMPLAINT)
    _step(now - dt.timedelta(hours=18), lambda: services.feedback_acknowledge(
        actor=cs, feedback=working, note="已致电客户"))
    _step(now - dt.timedelta(hours=17), lambda: services.feedback_start(
        actor=state.manager_of(working), feedback=working))
    state.create(now - dt.timedelta(hours=30), kind=FeedbackKind.COMPLAINT,
                 severity=Severity.MEDIUM)  # acknowledge deadline missed: level 1
    state.create(now - dt.timedelta(hours=26), kind=FeedbackKind.COMPLAINT,
                 severity=Severity.HIGH)  # high severity: level 2
    twice = state.create(now - dt.timedelta(hours=52), kind=FeedbackKind.COMPLAINT,
                         severity=Severity.MEDIUM)
    _escalate(twice.acknowledge_due_at + dt.timedelta(minutes=10))
    _step(now - dt.timedelta(hours=26), lambda: services.feedback_acknowledge(
        actor=cs, feedback=twice, note="客户电话一直未接通，今日联系上"))
    reopened = state.create(now - dt.timedelta(days=4), kind=FeedbackKind.COMPLAINT)
    _step(now - dt.timedelta(days=4) + dt.timedelta(hours=3),
          lambda: services.feedback_acknowledge(actor=cs, feedback=reopened))
    _step(now - dt.timedelta(days=3), lambda: services.feedback_resolve(
        actor=state.manager_of(reopened), feedback=reopened, solution="重新检查并调整"))
    _step(now - dt.timedelta(hours=10), lambda: services.feedback_reopen(
        actor=cs, feedback=reopened, reason="客户反映问题仍未解决"))
    state.create(now - dt.timedelta(hours=5), kind=FeedbackKind.PRAISE)


def build_feedback(ctx) -> None:
    """Two years of complaints and feedback with SLA history, root causes and actions."""
    now = clock.now()
    texts = _texts()
    today = timezone.localtime(now).date()
    months = 2 if ctx.small else 24
    for store in ctx.stores:
        state = _Store(ctx, store, texts)
        if state.cs is None:
            continue
        first = add_months(today.replace(day=1), -months + 1)
        for index in range(months):
            month = add_months(first, index)
            count = ctx.rng.randint(2, 3) if ctx.small else ctx.rng.randint(6, 10)
            for _n in range(count):
                day = month + dt.timedelta(days=ctx.rng.randrange(28))
                at = timezone.make_aware(dt.datetime.combine(day, dt.time(
                    ctx.rng.randint(8, 19), ctx.rng.randrange(60))))
                if at > now - dt.timedelta(days=5):
                    continue  # the last days are built by ``_open_today``
                feedback = state.create(at)
                _history(state, feedback, now)
        _open_today(state, now)
    _escalate(now)
