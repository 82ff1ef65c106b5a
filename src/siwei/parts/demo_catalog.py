"""The demo's parts catalog: realistic parts for the VW models the demo stores sell."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

MODELS = {  # model: part-number prefix
    "朗逸": "18D", "速腾": "5GD", "迈腾": "3GD", "帕萨特": "3GG", "途观L": "5NG", "探岳": "5QF",
    "宝来": "17G", "高尔夫": "5G0", "途昂": "3CN", "凌渡": "3CD", "桑塔纳": "32D", "POLO": "6RD",
    "途岳": "2GM", "ID.4": "11A",
}

SUPPLIERS = [
    ("一汽-大众配件中心", "oem", "张经理", "010-58812300", "月结30天", 2),
    ("上汽大众配件中心", "oem", "李经理", "021-69551234", "月结30天", 3),
    ("博世汽车配件(北京)有限公司", "other", "王工", "010-84561122", "货到付款", 5),
    ("马牌轮胎华北经销商", "other", "赵经理", "010-67893344", "月结15天", 4),
    ("瓦尔塔蓄电池经销处", "other", "孙经理", "010-62345566", "现款", 3),
    ("精品附件供应商", "other", "周经理", "0512-66778899", "月结30天", 7),
]


@dataclass(frozen=True)
class Kind:
    category: str
    names: tuple[str, ...]
    unit: str
    cost: tuple[int, int]
    attribute: str
    demand: float  # mean monthly demand of one part at one store
    supplier: int = 0
    key: bool = False
    accessory: bool = False
    pack: int = 1
    order_cycle: int = 7
    lead_time: int = 3


KINDS = (
    Kind("机油", ("全合成机油0W-20 4L", "全合成机油5W-30 4L", "全合成机油5W-40 1L"), "桶",
         (180, 420), "A", 35, pack=4),
    Kind("机滤", ("机油滤清器",), "个", (25, 60), "A", 30, pack=10),
    Kind("空滤", ("空气滤清器",), "个", (40, 90), "A", 16, pack=5),
    Kind("空调滤", ("空调滤清器", "活性炭空调滤芯"), "个", (35, 120), "A", 14, pack=5),
    Kind("燃油滤", ("汽油滤清器",), "个", (60, 150), "A", 5),
    Kind("刹车片", ("前刹车片", "后刹车片"), "套", (180, 520), "A", 6, key=True),
    Kind("刹车盘", ("前刹车盘", "后刹车盘"), "个", (260, 780), "B", 2, key=True),
    Kind("轮胎", ("轮胎205/55R16", "轮胎225/45R17", "轮胎235/55R18"), "条", (450, 1300), "B",
         3, supplier=3, lead_time=4),
    Kind("灯泡", ("前大灯灯泡H7", "雾灯灯泡H8", "刹车灯泡P21W"), "个", (12, 80), "A", 6,
         pack=10),
    Kind("雨刮", ("前雨刮片", "后雨刮片"), "副", (60, 180), "A", 7),
    Kind("蓄电池", ("蓄电池60Ah", "蓄电池70Ah AGM"), "个", (520, 1300), "B", 2, supplier=4),
    Kind("火花塞", ("火花塞",), "个", (40, 110), "A", 12, pack=4),
    Kind("正时皮带", ("正时皮带套装", "正时链条套装"), "套", (600, 1900), "B", 0.6, key=True),
    Kind("减震器", ("前减震器", "后减震器"), "个", (450, 1400), "B", 0.8, key=True),
    Kind("点火线圈", ("点火线圈",), "个", (220, 480), "B", 1.2),
    Kind("水泵", ("电子水泵", "机械水泵"), "个", (480, 1600), "B", 0.5),
    Kind("传感器", ("氧传感器", "ABS轮速传感器", "曲轴位置传感器"), "个", (260, 900), "B", 0.7),
    Kind("车身件", ("前保险杠", "后保险杠", "左前翼子板", "右前翼子板", "发动机盖"), "个",
         (800, 3200), "B", 0.4, order_cycle=14, lead_time=5),
    Kind("灯具总成", ("左前大灯总成", "右前大灯总成", "左尾灯总成", "右尾灯总成"), "个",
         (1200, 5600), "C", 0.25, order_cycle=14, lead_time=7),
    Kind("总成", ("发动机总成", "变速箱总成", "转向机总成", "空调压缩机总成"), "个",
         (6800, 42000), "C", 0.05, key=True, order_cycle=30, lead_time=10),
    Kind("精品", ("全包围脚垫", "行车记录仪", "后备箱垫", "晴雨挡", "车衣", "座套"), "套",
         (120, 1600), "B", 1.5, supplier=5, accessory=True),
)


@dataclass
class DemoPart:
    number: str
    name: str
    kind: Kind
    model: str
    cost: Decimal
    demand: float


def catalog(rng: random.Random, size: int) -> list[DemoPart]:
    """``size`` parts spread over the kinds and models, with unique OEM-style numbers."""
    combos = [(kind, name, model) for kind in KINDS for name in kind.names for model in MODELS]
    rng.shuffle(combos)
    seen: set[str] = set()
    parts: list[DemoPart] = []
    variants = ("", " 1.4T", " 1.5L", " 2.0T", " 高配", " 低配")
    index = 0
    while len(parts) < size:
        kind, name, model = combos[index % len(combos)]
        variant = variants[(index // len(combos)) % len(variants)]
        index += 1
        while True:
            number = (f"{MODELS[model]}{rng.randrange(100, 999)}{rng.randrange(100, 999)}"
                      f"{rng.choice('ABCDEFGHJKL')}")
            if number not in seen:
                seen.add(number)
                break
        low, high = kind.cost
        cost = Decimal(rng.randrange(low * 100, high * 100)) / 100
        # Parts of popular models move more; many catalog parts never move at a store.
        demand = kind.demand * rng.choice((0, 0, 0.3, 0.6, 1, 1.5)) / (1 + index // 400)
        parts.append(DemoPart(number=number, name=f"{model}{variant} {name}".strip(),
                              kind=kind, model=model, cost=cost.quantize(Decimal("0.01")),
                              demand=demand))
    return parts
