"""The group's master data and staff, written with the ORM (a few thousand rows): stores,
roles (the project's role sync), staff with tokens, vehicle models, labour operations
and rates, suppliers, locations."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

STORE_CITIES = [("BJ", "北京", "京"), ("SH", "上海", "沪"), ("GZ", "广州", "粤"),
                ("SZ", "深圳", "粤"), ("HZ", "杭州", "浙"), ("NJ", "南京", "苏"),
                ("CD", "成都", "川"), ("WH", "武汉", "鄂"), ("TJ", "天津", "津"),
                ("XA", "西安", "陕")]
# Staff of one store per role; the first of each role is used by the benchmark.
STAFF_PER_STORE = {"store_manager": 1, "service_manager": 1, "service_advisor": 4,
                   "foreman": 1, "technician": 8, "qc_inspector": 1, "parts_clerk": 2,
                   "parts_manager": 1, "cashier": 1, "sales_manager": 1,
                   "sales_consultant": 4, "customer_service": 1}
MODELS = [("大众", "朗逸", 2, 60000), ("大众", "帕萨特", 3, 100000), ("大众", "途观L", 3, 100000),
          ("大众", "速腾", 2, 60000), ("大众", "迈腾", 3, 100000), ("大众", "ID.4", 3, 100000),
          ("大众", "探岳", 3, 100000), ("大众", "高尔夫", 2, 60000)]
OPERATIONS = [("M001", "更换机油机滤", "0.50", "maintenance"),
              ("M002", "二级保养", "2.00", "level2_maintenance"),
              ("M003", "首次保养", "0.80", "first_maintenance"),
              ("B010", "更换前刹车片", "1.20", ""), ("B011", "更换后刹车片", "1.00", ""),
              ("B020", "更换刹车盘", "1.50", ""), ("A001", "空调系统清洗", "0.30", ""),
              ("A002", "更换空调滤芯", "0.20", "maintenance"),
              ("E001", "发动机故障诊断", "1.00", "minor_repair"),
              ("E100", "发动机大修", "12.00", "overhaul"), ("S001", "四轮定位", "0.80", ""),
              ("S002", "更换减震器", "2.00", "minor_repair"), ("T001", "更换轮胎", "0.40", ""),
              ("T002", "轮胎动平衡", "0.40", ""), ("L001", "更换蓄电池", "0.30", ""),
              ("L002", "更换火花塞", "0.60", "maintenance"),
              ("C001", "钣金修复", "3.00", "accident"), ("C002", "喷漆", "4.00", "accident"),
              ("W001", "保修更换水泵", "1.50", "warranty"), ("X001", "加装行车记录仪", "1.00",
                                                          "accessory")]
SUPPLIERS = ["一汽-大众配件中心", "上汽大众配件中心", "博世汽车配件", "米其林轮胎", "瓦尔塔蓄电池",
             "曼牌滤清器", "壳牌润滑油", "法雷奥", "马勒", "舍弗勒"]
STAFF_PASSWORD = "bench-Siwei-2026"  # noqa: S105 - generated test staff only


@dataclass
class StoreInfo:
    pk: int
    code: str
    province: str
    staff: dict[str, list[int]] = field(default_factory=dict)
    locations: list[int] = field(default_factory=list)
    rate_cents: int = 30000


@dataclass
class Master:
    group_id: int
    stores: list[StoreInfo]
    models: list[tuple[int, str, str, int, int]]  # id, brand, name, years, km
    operations: list[tuple[int, str, int, str]]  # id, name, hundredths of hours, category
    suppliers: list[int]
    group_admin: int
    tokens: dict[int, str]


def store_codes(count: int) -> list[tuple[str, str, str]]:
    """``BJ01``, ``SH01`` … ``BJ02``: cities first, then a second store per city."""
    codes = []
    for n in range(count):
        prefix, city, province = STORE_CITIES[n % len(STORE_CITIES)]
        codes.append((f"{prefix}{n // len(STORE_CITIES) + 1:02d}", city, province))
    return codes


def build_master(*, stores: int, locations_per_store: int, rng: random.Random,
                 start: dt.date) -> Master:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from siwei.core.models import DealerGroup, Employee, Role, StaffAssignment, Store
    from siwei.core.roles import sync_roles
    from siwei.crm.models import VehicleModel
    from siwei.parts.models import Location, Supplier
    from siwei.service.models import LabourOperation, LabourRate

    sync_roles()
    roles = {role.code: role for role in Role.objects.all()}
    group = DealerGroup.objects.create(code="SIWEI", name="四维汽车集团")
    password = make_password(STAFF_PASSWORD)
    joined = dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
    infos = []
    users: list[tuple[User, str, StoreInfo | None]] = []
    for code, city, province in store_codes(stores):
        store = Store.objects.create(group=group, code=code, name=f"{city}四维大众{code[-2:]}店",
                                     brand="大众", address=f"{city}市汽车城{code[-2:]}号",
                                     phone="010-88886666")
        info = StoreInfo(pk=store.pk, code=code, province=province)
        infos.append(info)
        LabourRate.objects.create(store=store, category="", rate=Decimal("300.00"))
        for role, count in STAFF_PER_STORE.items():
            for n in range(count):
                users.append((User(username=f"{code.lower()}_{role}_{n + 1}",
                                   password=password, date_joined=joined), role, info))
        kinds = ["normal"] * (locations_per_store - 2) + ["inspection", "nonconforming"]
        Location.objects.bulk_create([
            Location(store=store, code=f"{'ABCDEFGH'[i // 40 % 8]}-{i % 40 + 1:02d}-{i // 320 + 1}",
                     zone="ABCDEFGH"[i // 40 % 8], shelf=i % 40 + 1, level=i // 320 + 1,
                     kind=kind) for i, kind in enumerate(kinds)])
        info.locations = list(Location.objects.filter(store=store, kind="normal")
                              .order_by("id").values_list("id", flat=True))
    users.append((User(username="group_admin", password=password, date_joined=joined),
                  "group_admin", None))
    User.objects.bulk_create([u for u, _r, _s in users])
    by_name = dict(User.objects.values_list("username", "id"))
    employees = []
    for user, role, info in users:
        user.pk = by_name[user.username]
        employees.append(Employee(user_id=user.pk, group=group, name=_person(rng),
                                  default_store_id=info.pk if info else None))
        if info is not None:
            info.staff.setdefault(role, []).append(user.pk)
    Employee.objects.bulk_create(employees)
    employee_ids = dict(Employee.objects.values_list("user_id", "id"))
    StaffAssignment.objects.bulk_create([
        StaffAssignment(employee_id=employee_ids[user.pk], role=roles[role],
                        store_id=info.pk if info else None) for user, role, info in users])
    tokens = {}
    for user, role, info in users:
        if role == "group_admin" or (info and user.pk == info.staff[role][0]):
            tokens[user.pk] = f"{rng.getrandbits(160):040x}"
    Token.objects.bulk_create([Token(key=key, user_id=pk) for pk, key in tokens.items()])
    models = []
    for brand, name, years, km in MODELS:
        m = VehicleModel.objects.create(group=group, brand=brand, name=name, warranty_years=years,
                                        warranty_km=km, is_new_energy=name.startswith("ID"))
        models.append((m.pk, brand, name, years, km))
    operations = []
    for code, name, hours, category in OPERATIONS:
        op = LabourOperation.objects.create(group=group, code=code, name=name,
                                            default_hours=Decimal(hours), category=category)
        operations.append((op.pk, name, int(Decimal(hours) * 100), category))
    suppliers = [Supplier.objects.create(group=group, name=name,
                                         lead_time_days=rng.randint(2, 7)).pk
                 for name in SUPPLIERS]
    return Master(group_id=group.pk, stores=infos, models=models, operations=operations,
                  suppliers=suppliers, group_admin=by_name["group_admin"], tokens=tokens)


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊凤洁梅"
    "琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛"
    "青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜"
    "纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
