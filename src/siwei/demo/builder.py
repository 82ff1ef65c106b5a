"""The deterministic demo dealership. Every department adds its part with step functions
listed in ``<app>/demo.py`` as ``DEMO_STEPS``; the same seed always gives the same data."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from siwei.core.models import DealerGroup, Store
from siwei.core.roles import ROLES
from siwei.core.services import employee_assign_role, employee_create, store_create

DEMO_PASSWORD = "siwei-demo"  # noqa: S105 - the published password of the demo logins
SEED = 20261122


@dataclass
class DemoContext:
    """What the steps share. ``small`` asks for a few records of each kind (tests);
    the full demo has two years of history."""

    rng: random.Random
    small: bool = False
    group: DealerGroup | None = None
    stores: list[Store] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, store


STORES = [
    {"code": "BJ01", "name": "北京望京四位一体4S店", "brand": "大众",
     "address": "北京市朝阳区望京东路18号", "phone": "010-64708800"},
    {"code": "SH01", "name": "上海浦东四位一体4S店", "brand": "大众",
     "address": "上海市浦东新区张杨路1200号", "phone": "021-58301234"},
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉鹏飞玲斌宇浩凯俊帆晨欣怡子轩梓涵"


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def demo_mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "136", "150", "158", "186", "187", "177"]) + "".join(
        str(rng.randrange(10)) for _ in range(8)
    )


def build_organisation(ctx: DemoContext) -> None:
    """Dealer group, stores BJ01 and SH01, one login per role."""
    ctx.group = DealerGroup.objects.create(code="SIWEI", name="四位一体汽车集团")
    for spec in STORES:
        ctx.stores.append(store_create(actor=None, group=ctx.group, **spec))
    admin = employee_create(actor=None, group=ctx.group, username="group_admin",
                            name=person_name(ctx.rng), password=DEMO_PASSWORD, store=None,
                            roles=["group_admin"], mobile=demo_mobile(ctx.rng))
    admin.default_store = ctx.stores[0]
    admin.save(update_fields=["default_store"])
    ctx.logins.append(("group_admin", "group_admin", "*"))
    for store in ctx.stores:
        for role in ROLES:
            if role.scope != "store":
                continue
            username = f"{store.code.lower()}_{role.code}"
            employee_create(actor=None, group=ctx.group, username=username,
                            name=person_name(ctx.rng), password=DEMO_PASSWORD, store=store,
                            roles=[role.code], mobile=demo_mobile(ctx.rng))
            ctx.logins.append((username, role.code, store.code))
    # A store manager who covers both stores, to show the store switcher.
    area = employee_create(actor=None, group=ctx.group, username="area_manager",
                           name=person_name(ctx.rng), password=DEMO_PASSWORD,
                           store=ctx.stores[0], roles=["store_manager"],
                           mobile=demo_mobile(ctx.rng))
    employee_assign_role(actor=None, employee=area, store=ctx.stores[1], role_code="store_manager")
    ctx.logins.append(("area_manager", "store_manager", "BJ01+SH01"))


Step = Callable[[DemoContext], None]


def demo_steps() -> list[Step]:
    """The organisation first, then each app's ``demo.DEMO_STEPS`` (functions with an
    optional ``order`` attribute; lower runs first)."""
    from siwei.core.registry import app_modules

    steps = [step for module in app_modules("demo") for step in getattr(module, "DEMO_STEPS", [])]
    return [build_organisation, *sorted(steps, key=lambda step: getattr(step, "order", 100))]


def build_demo(
    *, seed: int = SEED, small: bool = False, progress: Callable[[str], None] | None = None
) -> DemoContext:
    """Build the whole demo into an empty database, one step per department."""
    if DealerGroup.objects.exists():
        raise RuntimeError("the database already has data; build the demo into an empty one")
    ctx = DemoContext(rng=random.Random(seed), small=small)
    for step in demo_steps():
        if progress:
            progress(step.__doc__.splitlines()[0] if step.__doc__ else step.__name__)
        with transaction.atomic():
            step(ctx)
    return ctx
