"""Demo sales history (CS-1 … CS-20): two years of showroom traffic, leads, orders and
deliveries for every store, built through the services at historic times so that every
record obeys the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from siwei.core import clock
from siwei.core.services import employee_create
from siwei.core.validators import vin_check_digit
from siwei.crm.models import (
    ActivityType,
    LossReason,
    ShowroomVisit,
    VehicleModel,
    VehicleTrim,
    VisitKind,
)
from siwei.crm.services import (
    customer_categories_recompute,
    customer_create,
    lead_approve_loss,
    lead_create,
    lead_log_activity,
    lead_request_loss,
)
from siwei.demo.builder import DEMO_PASSWORD, DemoContext, demo_mobile, person_name
from siwei.finance.services import payment_record

from .models import SalesTarget
from .services import (
    order_allocate,
    order_cancel,
    order_confirm,
    order_create,
    order_deliver,
    order_release_certificate,
    stock_vehicle_create,
    test_drive_book,
)
from .services.delivery import CHECKLIST

# model, code, new energy, warranty years, trims (name, MSRP)
MODELS = [
    ("朗逸", "LAVIDA", False, 3, [("1.5L 自动舒适版", "119900"), ("1.5L 自动豪华版", "135900")]),
    ("宝来", "BORA", False, 3, [("1.5L 自动精英型", "125900")]),
    ("速腾", "SAGITAR", False, 3, [("280TSI 舒适智联版", "159900"), ("300TSI 超越版", "179900")]),
    ("迈腾", "MAGOTAN", False, 3, [("330TSI 领先型", "219900"), ("380TSI 旗舰型", "259900")]),
    ("途观L", "TIGUAN L", False, 3,
     [("330TSI 两驱智享版", "229800"), ("380TSI 四驱R-Line", "289800")]),
    ("途岳", "THARU", False, 3, [("280TSI 两驱舒适版", "159800")]),
    ("ID.4 X", "ID4X", True, 3, [("纯净智享版", "199888"), ("长续航 PRO", "239888")]),
]
COLOURS = ["极地白", "曜岩黑", "星空灰", "沙漠金", "钢琴蓝", "宝石红"]
CONSULTANTS_PER_STORE = 3
WMI_BY_STORE = {0: "LSV", 1: "LSV"}
INSURERS = ["中国人保", "平安保险", "太平洋保险"]
BANKS = ["大众汽车金融", "工商银行", "招商银行"]
LOSS_DETAILS = {
    LossReason.OTHER_BRAND: ["丰田", "本田", "比亚迪", "特斯拉"],
    LossReason.OTHER: ["家人反对", "改买二手车"],
}
NOTES = ["客户关注油耗与空间", "想要现车，颜色要白色", "比较了竞品，对价格敏感",
         "约周末带家人来看车", "需要了解贷款方案", "已试驾，反馈良好", "旧车置换，等评估价"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _vin(store_index: int, serial: int) -> str:
    body = f"{WMI_BY_STORE.get(store_index, 'LSV')}ZZZ3C"
    rest = f"{'NPR'[serial % 3]}{store_index + 1}{serial:06d}"
    return body + vin_check_digit(body + "0" + rest) + rest


def build_catalogue(ctx: DemoContext) -> None:
    """Vehicle models, trims and colours of the group."""
    ctx.models = []
    for name, code, nev, years, trims in MODELS:
        model = VehicleModel.objects.create(group=ctx.group, brand="大众", name=name, code=code,
                                            is_new_energy=nev, warranty_years=years,
                                            warranty_km=100000)
        for trim_name, msrp in trims:
            VehicleTrim.objects.create(model=model, name=trim_name, msrp=Decimal(msrp))
        ctx.models.append(model)


build_catalogue.order = 10


class _Store:
    """The running state of one store while its history is built."""

    def __init__(self, ctx: DemoContext, store, index: int):
        self.ctx, self.store, self.index = ctx, store, index
        users = get_user_model().objects
        prefix = store.code.lower()
        self.manager = users.get(username=f"{prefix}_sales_manager")
        self.cashier = users.get(username=f"{prefix}_cashier")
        self.receptionist = users.get(username=f"{prefix}_receptionist")
        self.consultants = [users.get(username=f"{prefix}_sales_consultant")]
        for n in range(2, CONSULTANTS_PER_STORE + 1):
            employee = employee_create(actor=None, group=ctx.group,
                                       username=f"{prefix}_sales_consultant{n}",
                                       name=person_name(ctx.rng), password=DEMO_PASSWORD,
                                       store=store, roles=["sales_consultant"],
                                       mobile=demo_mobile(ctx.rng))
            self.consultants.append(employee.user)
        self.serial = 0
        self.today = clock.today()
        self.mobiles: set[str] = set()

    def mobile(self) -> str:
        while True:
            number = demo_mobile(self.ctx.rng)
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def stock(self, model, arrival: dt.date, *, demo: bool = False, status: str = "in_stock"):
        self.serial += 1
        trim = self.ctx.rng.choice(list(model.trims.all()))
        pledged = self.ctx.rng.random() < 0.4 and not demo
        with clock.frozen(_at(min(arrival, self.today), 9)):
            return stock_vehicle_create(
                actor=self.manager, store=self.store, vin=_vin(self.index, self.serial),
                model=model, trim=trim, colour=self.ctx.rng.choice(COLOURS),
                cost=(trim.msrp * Decimal("0.88")).quantize(Decimal("1")), msrp=trim.msrp,
                arrival_date=arrival, is_demo=demo, status=status,
                certificate_number=f"WDK{self.index}{self.serial:08d}",
                floor_plan_bank=BANKS[1] if pledged else "",
                pledge_date=arrival if pledged else None, location=f"A-{self.serial % 40:02d}")


def _months(ctx: DemoContext) -> int:
    return 3 if ctx.small else 24


def build_sales_history(ctx: DemoContext) -> None:
    """Showroom visits, leads, orders and deliveries for each store."""
    today = clock.today()
    for index, store in enumerate(ctx.stores):
        state = _Store(ctx, store, index)
        demo_cars = [state.stock(ctx.models[i], today - dt.timedelta(days=200), demo=True)
                     for i in (0, 6)]
        start = clock.add_months(today.replace(day=1), -_months(ctx) + 1)
        day = start
        leads_per_month = 4 if ctx.small else 12
        while day <= today:
            _build_day(ctx, state, day, today, leads_per_month, demo_cars)
            day += dt.timedelta(days=1)
        _open_stock(ctx, state, today)
        _targets(ctx, state, today)
        customer_categories_recompute(store=store)  # what the nightly job does


build_sales_history.order = 11


def _build_day(ctx, state: _Store, day: dt.date, today: dt.date, per_month: int,
               demo_cars) -> None:
    rng = ctx.rng
    visits = []
    for _ in range(rng.randint(0, 3 if ctx.small else 4)):
        first = rng.random() < 0.7
        info = rng.random() < (0.75 if first else 0.9)
        visits.append(ShowroomVisit(
            store=state.store, kind=VisitKind.WALK_IN, time_in=_at(day, rng.randint(9, 17)),
            party_size=rng.randint(1, 4), first_visit=first,
            consultant=rng.choice(state.consultants), visitor_name=person_name(rng),
            visitor_mobile=state.mobile() if info else "", test_drive=rng.random() < 0.3,
            logged_by=state.receptionist))
    if rng.random() < 0.6:
        visits.append(ShowroomVisit(store=state.store, kind=VisitKind.CALL,
                                    time_in=_at(day, rng.randint(9, 17)),
                                    logged_by=state.receptionist,
                                    visitor_mobile=state.mobile()))
    for visit in visits:
        visit.time_out = visit.time_in + dt.timedelta(minutes=rng.randint(20, 90))
    ShowroomVisit.objects.bulk_create(visits)
    if rng.random() < per_month / 30:
        _lead_story(ctx, state, day, today, demo_cars)


def _lead_story(ctx, state: _Store, day: dt.date, today: dt.date, demo_cars) -> None:
    """One customer's path: lead, contacts, then won, lost or still open."""
    rng = ctx.rng
    consultant = rng.choice(state.consultants)
    model = rng.choice(ctx.models)
    start = _at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
    with clock.frozen(start):
        customer = customer_create(
            actor=consultant, store=state.store, name=person_name(rng), mobile=state.mobile(),
            gender=rng.choice(["male", "female"]), district=rng.choice(
                ["朝阳区", "海淀区", "浦东新区", "闵行区", "丰台区", "徐汇区"]),
            birthday=dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28)),
            consent_sms=rng.random() < 0.8, consent_phone=rng.random() < 0.9,
            source=rng.choice(["来店", "来电", "汽车之家", "懂车帝", "朋友介绍"]))
        lead = lead_create(actor=consultant, store=state.store, customer=customer,
                           source=rng.choice(["walk_in", "walk_in", "phone", "online", "event"]),
                           grade=rng.choice("HABBC"), models=[model], note=rng.choice(NOTES))
    age = (today - day).days
    fate = rng.random()
    contacts = rng.randint(1, 4)
    at = start
    for _ in range(contacts):
        at += dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
        if at.date() > today:
            break
        with clock.frozen(at):
            grade = rng.choice("HHAAB") if fate < 0.4 else None
            lead_log_activity(actor=consultant, lead=lead, type=rng.choice(
                [ActivityType.CALL, ActivityType.CALL, ActivityType.WECHAT,
                 ActivityType.STORE_VISIT]), content=rng.choice(NOTES), grade=grade)
    if at.date() < today and rng.random() < 0.3:
        drive_start = at.replace(hour=rng.randint(10, 16), minute=0)
        car = rng.choice(demo_cars)
        from siwei.sales.models import TestDrive

        busy = TestDrive.objects.filter(vehicle=car, start__lt=drive_start + dt.timedelta(
            minutes=40), end__gt=drive_start).exists()
        if not busy:
            with clock.frozen(drive_start):
                test_drive_book(actor=consultant, store=state.store, vehicle=car,
                                customer=customer, lead=lead, start=drive_start,
                                end=drive_start + dt.timedelta(minutes=40),
                                licence_number=f"1101{rng.randint(10**9, 10**10 - 1)}",
                                route="店区—望京南—店区")
    if fate < 0.42 and age > 3:
        _sell(ctx, state, lead, model, at + dt.timedelta(days=rng.randint(1, 5)), today)
    elif (fate < 0.72 and age > 20) or age > 120:
        when = at + dt.timedelta(days=rng.randint(3, 15))
        if when.date() <= today:
            reason = rng.choice(LossReason.values) if fate < 0.72 else rng.choice(
                [LossReason.UNREACHABLE, LossReason.POSTPONED])
            with clock.frozen(when):
                lead_request_loss(actor=consultant, lead=lead, reason=reason,
                                  detail=rng.choice(LOSS_DETAILS.get(reason, [""])) or "")
                if (today - when.date()).days > 2:
                    lead_approve_loss(actor=state.manager, lead=lead)


def _sell(ctx, state: _Store, lead, model, when: dt.datetime, today: dt.date) -> None:
    """Quote → deposit → confirm → allocate → pay → certificate → delivery, stopping at a
    state that depends on how recent the sale is."""
    rng = ctx.rng
    if when.date() > today:
        return
    # Recent sales stop somewhere along the way, so that every state has orders.
    stages = ["quote", "confirmed", "allocated", "paid", "released", "delivered"]
    stop = rng.choice(stages) if (today - when.date()).days < 30 else "delivered"
    consultant = lead.consultant
    trim = rng.choice(list(model.trims.all()))
    discount = Decimal(rng.choice([0, 1000, 2000, 2500, 3000]))
    lines = [{"description": "全车贴膜", "quantity": 1, "unit_price": Decimal("2800"),
              "unit_cost": Decimal("900"), "install": "pre", "installed": True},
             {"description": "脚垫", "quantity": 1, "unit_price": Decimal("0"),
              "unit_cost": Decimal("180"), "is_gift": True}]
    insured = rng.random() < 0.7
    financed = rng.random() < 0.4
    with clock.frozen(when):
        order = order_create(
            actor=consultant, store=state.store, customer=lead.customer, lead=lead, model=model,
            trim=trim, colour=rng.choice(COLOURS), vehicle_price=trim.msrp - discount,
            lines=lines, registration_fee=Decimal("800"),
            insurance_company=rng.choice(INSURERS) if insured else "",
            insurance_premium=Decimal("5200") if insured else Decimal("0"),
            insurance_commission=Decimal("780") if insured else Decimal("0"),
            finance_bank=rng.choice(BANKS) if financed else "",
            loan_amount=(trim.msrp * Decimal("0.5")).quantize(Decimal("1")) if financed
            else Decimal("0"), loan_term_months=36 if financed else 0,
            finance_commission=Decimal("1500") if financed else Decimal("0"))
        if stop == "quote":
            return
        payment_record(actor=state.cashier, store=state.store, sales_order=order,
                       amount=Decimal("5000"), method=rng.choice(["wechat", "alipay", "card"]))
        order_confirm(actor=consultant, order=order)
    if rng.random() < 0.05:
        with clock.frozen(when + dt.timedelta(days=2)):
            order_cancel(actor=consultant, order=order, reason="客户改变主意",
                         forfeit_deposit=True)
        return
    if stop == "confirmed":
        return
    arrival = when.date() - dt.timedelta(days=rng.randint(5, 70))
    vehicle = state.stock(model, arrival)
    step = min(when + dt.timedelta(days=rng.randint(1, 4)), clock.now())
    with clock.frozen(step):
        if vehicle.certificate_status == "pledged":
            from .services import certificate_move

            certificate_move(actor=state.manager, vehicle=vehicle, to_status="in_safe",
                             reason="赎证")
        order_allocate(actor=consultant, order=order, stock_vehicle=vehicle)
    if stop == "allocated":
        return
    pay_day = min(step + dt.timedelta(days=rng.randint(1, 7)), clock.now())
    with clock.frozen(pay_day):
        order.refresh_from_db()
        payment_record(actor=state.cashier, store=state.store, sales_order=order,
                       amount=order.total - order.paid, method="transfer",
                       reference=f"BANK{rng.randint(10**7, 10**8 - 1)}")
        order.refresh_from_db()
        if stop == "paid":
            return
        order_release_certificate(actor=state.cashier, order=order)
    if stop == "released":
        return
    deliver_day = min(pay_day + dt.timedelta(days=rng.randint(1, 3), hours=2), clock.now())
    with clock.frozen(deliver_day):
        order_deliver(actor=consultant, order=order,
                      checklist={key: True for key, _label in CHECKLIST},
                      signature="data:image/png;base64,iVBORw0KGgo=", mileage=rng.randint(3, 30))


def _open_stock(ctx, state: _Store, today: dt.date) -> None:
    """Unsold stock with every kind of aging, and cars on their way."""
    count = 4 if ctx.small else 24
    for _ in range(count):
        state.stock(ctx.rng.choice(ctx.models), today - dt.timedelta(days=ctx.rng.randint(2, 150)))
    for status in ("in_transit", "in_transit", "ordered"):
        state.stock(ctx.rng.choice(ctx.models), today + dt.timedelta(days=10), status=status)


def _targets(ctx, state: _Store, today: dt.date) -> None:
    """Monthly targets for the store and each consultant, last three months (CS-11)."""
    month = today.replace(day=1)
    rows = []
    for back in range(3):
        first = clock.add_months(month, -back)
        rows.append(SalesTarget(store=state.store, month=first, visits=90, new_leads=40,
                                test_drives=15, orders=14, deliveries=12,
                                accessory_revenue=Decimal("40000"),
                                insurance_penetration=Decimal("70"),
                                finance_penetration=Decimal("35")))
        for consultant in state.consultants:
            rows.append(SalesTarget(store=state.store, month=first, consultant=consultant,
                                    visits=30, new_leads=14, test_drives=5, orders=5,
                                    deliveries=4, accessory_revenue=Decimal("14000"),
                                    insurance_penetration=Decimal("70"),
                                    finance_penetration=Decimal("35")))
    SalesTarget.objects.bulk_create(rows)


DEMO_STEPS = [build_catalogue, build_sales_history]
