"""Type and category suggestion from the text of feedback (CR-8).

The text is cut into words with jieba (Chinese has no spaces). Every label of both fields
(``kind``: complaint, suggestion, praise, inquiry; ``category``: sales … product quality)
has weighted keywords: seed keywords written here, so that a new dealer group gets useful
suggestions from the first day, plus keywords learned from the group's feedback records,
whose final type and category are the staff's choice (``ClassifierTerm`` rows, written by
``siwei.care.services.classification.classifier_train``). A label's score is the sum of
the weights of the keywords found in the text; the best label of each field is
suggested, or nothing when no keyword matches. Everything here is deterministic.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .models import FeedbackCategory, FeedbackKind

FIELDS = ("kind", "category")
LABELS = {"kind": tuple(FeedbackKind.values), "category": tuple(FeedbackCategory.values)}
# The version row of a group's learned keywords (``field`` is at most 10 characters).
VERSION_FIELD = "_version"

# Learning: Laplace smoothing, the least documents a keyword must occur in, the least
# weight kept, and the most keywords kept per label.
ALPHA = 0.5
MIN_DOCS = 2
MIN_WEIGHT = 0.2
MAX_TERMS_PER_LABEL = 400
# A label's prior (how much rarer it is than the most frequent label) is kept as a row
# with this term, which no word of a text can be.
PRIOR_TERM = "*prior*"
# Seed keywords count this many times their weight, next to the learned ones.
SEED_FACTOR = 1.5


@dataclass(frozen=True)
class Suggestion:
    kind: str = ""
    category: str = ""
    # How clearly the best label leads the next one (0 … 1); 0 when nothing matched.
    kind_confidence: float = 0.0
    category_confidence: float = 0.0


# --- seed keywords (a sensible default for a group without history) -------------------------
# Matched as substrings of the text, so that they do not depend on how jieba cuts it.

SEEDS: dict[str, dict[str, dict[str, float]]] = {
    "kind": {
        "complaint": {
            "投诉": 3.0, "太差": 2.0, "不满": 2.0, "不合理": 2.0, "欺骗": 2.0, "忽悠": 2.0,
            "坑": 1.5, "离谱": 2.0, "给个说法": 2.5, "给我个说法": 2.5, "凭什么": 2.0,
            "太慢": 1.5, "太贵": 1.5, "没人管": 2.0, "没人理": 2.0, "一直没": 1.5,
            "还没": 1.0, "不负责": 2.0, "怎么回事": 1.5, "耽误": 1.5, "白跑": 2.0,
            "要求退": 2.0, "退款": 1.5, "赔偿": 2.0, "补偿": 2.0, "生气": 2.0, "气死": 2.0,
            "质量问题": 1.5, "毛病": 1.0, "故障": 1.0, "又坏": 1.5, "返工": 1.5,
            "太烦": 1.5, "差劲": 2.0, "无语": 2.0, "失望": 2.0, "态度太差": 2.0,
            "不安全": 1.5, "太危险": 1.5, "没有解决": 2.0, "没修好": 2.0, "漏水": 1.0,
            "异响": 1.0, "乱收费": 2.5, "多收": 2.0, "推迟": 1.5, "一拖再拖": 2.0,
            "等了": 1.0, "到现在": 1.5, "根本": 1.0, "还要排队": 1.5, "白白": 1.5,
            "太脏": 2.0, "太吵": 2.0, "太久": 1.5, "受不了": 2.0, "什么态度": 2.5,
        },
        "suggestion": {
            "建议": 3.0, "希望": 2.0, "能不能": 1.5, "可不可以": 1.5, "最好能": 2.0,
            "可以考虑": 2.5, "改进": 2.0, "改善": 1.5, "增加": 1.0, "增设": 2.0,
            "提个意见": 2.5, "意见反馈给": 2.0, "应该": 1.0, "如果能": 2.0, "不如": 1.0,
        },
        "praise": {
            "感谢": 3.0, "谢谢": 2.5, "表扬": 2.5, "点赞": 3.0, "点个赞": 3.0, "满意": 2.0,
            "很好": 1.5, "非常好": 2.0, "专业": 1.0, "贴心": 2.5, "热情": 2.0, "耐心": 1.5,
            "省心": 2.0, "放心": 1.5, "给力": 2.0, "靠谱": 2.0, "实在": 1.5, "感动": 2.5,
            "辛苦了": 2.5, "不错": 1.5, "棒": 1.5, "推荐": 1.0, "很舒服": 1.5, "暖心": 2.5,
            "良心": 2.0, "效率很高": 2.0, "很方便": 1.5,
        },
        "inquiry": {
            "请问": 3.0, "想问": 2.5, "问一下": 2.0, "咨询": 2.5, "了解一下": 2.0,
            "多少钱": 1.5, "多久": 1.0, "几天": 1.0, "有没有": 1.0, "怎么办理": 2.0,
            "需要带": 1.5, "可以吗": 1.5, "是否": 1.0, "有货吗": 2.0, "能不能帮": 1.0,
            "怎么操作": 2.0, "正常吗": 2.0, "什么时候能": 1.0,
        },
    },
    "category": {
        "sales": {
            "购车": 2.0, "买车": 2.0, "订车": 2.5, "提车": 2.0, "交车": 2.0, "新车": 1.0,
            "试驾": 2.5, "销售": 2.0, "销售顾问": 2.5, "订金": 2.5, "定金": 2.5,
            "合同": 2.0, "贷款": 2.0, "首付": 2.5, "上牌": 2.0, "合格证": 2.5,
            "置换": 2.5, "现车": 2.5, "精品": 1.5, "加装": 1.5, "开票": 1.5, "发票": 1.5,
            "落地价": 2.0, "金融": 1.5, "交付": 1.5, "赠品": 2.0, "库存车": 2.5,
        },
        "service_quality": {
            "维修": 1.5, "修好": 2.0, "没修好": 2.5, "返修": 2.5, "保养": 1.0,
            "技师": 1.5, "师傅": 1.5, "故障": 1.5, "故障灯": 2.0, "检查": 1.0, "检测": 1.0,
            "钣喷": 1.5, "钣金": 1.5, "喷漆": 1.5, "色差": 2.5, "四轮定位": 2.0,
            "异响": 1.0, "修了": 2.0, "漏油": 1.5, "没做": 1.5, "质检": 1.5, "返工": 2.5,
            "车间": 1.5, "技术": 1.5,
        },
        "parts": {
            "配件": 3.0, "零件": 3.0, "原厂件": 3.0, "副厂": 3.0, "原厂": 1.5, "缺货": 2.5,
            "调货": 3.0, "订货": 2.5, "到货": 2.5, "旧件": 2.5, "防伪": 2.5, "刹车片": 1.5,
            "滤芯": 1.5, "机滤": 1.5, "轮胎": 1.5, "电瓶": 1.5, "蓄电池": 1.5,
            "保险杠": 1.0, "雨刮": 1.5, "有货": 2.5, "型号": 1.5, "假货": 2.5,
        },
        "price": {
            "价格": 2.0, "太贵": 3.0, "贵了": 2.5, "多少钱": 2.5, "收费": 2.5, "费用": 2.0,
            "报价": 2.0, "结算": 1.5, "工时费": 3.0, "折扣": 2.5, "优惠": 1.5, "打折": 2.5,
            "便宜": 2.0, "差价": 3.0, "乱收费": 3.0, "多收": 3.0, "收了": 1.5, "块钱": 1.5,
            "服务费": 2.0, "套餐": 2.0, "代金券": 2.5, "优惠券": 2.5, "退钱": 2.0,
            "省了": 1.5, "划算": 1.5, "公道": 2.5, "自费": 2.0, "元": 0.5,
        },
        "staff_attitude": {
            "态度": 3.0, "服务态度": 3.0, "爱答不理": 3.0, "不耐烦": 3.0, "没礼貌": 3.0,
            "礼貌": 2.0, "粗鲁": 3.0, "素质": 2.5, "脸色": 2.5, "挂电话": 2.5,
            "挂了": 1.5, "推脱": 2.5, "推卸": 2.5, "嚷嚷": 2.5, "顶嘴": 3.0, "热情": 2.5,
            "耐心": 2.0, "道歉": 2.0, "不理": 2.0, "傲慢": 3.0, "员工": 1.5,
            "服务顾问": 1.0, "前台": 1.5, "客服": 1.5, "贴心": 1.5, "暖心": 1.5, "表扬": 1.5,
        },
        "waiting_time": {
            "等了": 2.5, "排队": 3.0, "等待": 2.0, "小时": 1.5, "多久": 2.0, "多长时间": 2.5,
            "太慢": 2.5, "效率": 2.0, "预约": 1.5, "拖": 1.5, "几天": 1.0, "取车": 1.5,
            "半天": 1.5, "耽误": 2.0, "快速": 1.5, "进度": 1.5, "排上": 2.5, "分钟": 1.5,
            "按时": 2.0, "准时": 2.0, "提前": 1.0, "一上午": 2.0,
        },
        "facilities": {
            "休息室": 3.0, "休息区": 3.0, "卫生间": 3.0, "洗手间": 3.0, "厕所": 3.0,
            "停车": 2.5, "车位": 2.5, "停车场": 3.0, "wifi": 3.0, "空调坏": 2.0,
            "饮水机": 3.0, "咖啡": 2.5, "充电桩": 3.0, "儿童": 2.0, "游乐区": 3.0,
            "装修": 2.0, "环境": 2.0, "沙发": 2.5, "座位": 2.0, "设施": 3.0, "电视": 2.0,
            "午餐": 2.5, "无障碍": 3.0, "入口": 2.0, "雨棚": 3.0, "插座": 2.5, "展厅": 1.0,
        },
        "product_quality": {
            "质量": 2.0, "质量问题": 3.0, "顿挫": 3.0, "续航": 3.0, "车机": 2.5, "死机": 2.5,
            "漏水": 2.5, "生锈": 3.0, "异味": 2.0, "油耗": 3.0, "烧机油": 3.0, "召回": 3.0,
            "设计": 2.0, "缺陷": 3.0, "变速箱": 1.5, "发动机": 1.5, "天窗": 2.0,
            "风噪": 3.0, "熄火": 2.5, "抖": 1.0, "厂家": 1.0, "省油": 3.0, "底盘": 1.0,
            "开裂": 2.5, "起雾": 2.5, "电池": 1.5, "车漆": 2.0, "启停": 2.5, "ota": 2.5,
        },
    },
}

# Words jieba should keep whole: models, roles and dealership terms.
USER_WORDS = (
    "途观l", "帕萨特", "朗逸", "id.4", "id.6", "迈腾", "速腾", "宝来", "探岳", "探歌", "凌渡",
    "服务顾问", "销售顾问", "服务经理", "销售经理", "客服经理", "技术经理", "质检员",
    "四轮定位", "动平衡", "钣喷", "钣金", "首保", "工时费", "套餐卡", "充电桩", "休息室",
    "休息区", "车机", "顿挫", "续航", "异响", "原厂件", "副厂件", "刹车片", "合格证",
    "上牌", "试驾", "交车", "提车", "定损", "延保", "旧件", "防伪码", "变速箱", "故障灯",
    "烧机油", "风噪", "爱答不理", "不耐烦", "排队", "预约", "取送车", "代金券", "优惠券",
    "游乐区", "饮水机", "天窗", "召回", "亏电", "蓄电池", "机滤", "空滤", "空调滤芯",
    "行车记录仪", "倒车影像", "自动启停", "置换补贴", "金融服务费", "精品加装",
)
# Single characters that carry meaning on their own (most single characters do not).
SINGLE_CHARS = frozenset("贵慢脏差吵臭热冷漏响抖坑凶久乱等谢赞修换退")
STOP_WORDS = frozenset({
    "的", "了", "我", "你", "他", "她", "们", "你们", "我们", "他们", "是", "在", "也", "都",
    "就", "还", "又", "和", "跟", "与", "这", "那", "这个", "那个", "一个", "一下", "一点",
    "什么", "时候", "的话", "现在", "已经", "因为", "所以", "但是", "而且", "然后", "还是",
    "没有", "不是", "就是", "可以", "自己", "这样", "那么", "这么", "怎么", "一直", "说",
    "让", "给", "把", "被", "对", "从", "到", "去", "来", "过", "着", "吧", "呢", "啊",
    "呀", "吗", "嘛", "哦", "很", "太", "最", "再", "才", "只", "店里", "车", "店",
})
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"^[\u3400-\u9fff][\u3400-\u9fffa-z0-9.]*$|^[a-z][a-z0-9.]*[\u3400-\u9fff]+$")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"^[a-z][a-z0-9.\-]*$")
_PUNCT_TOKENS = {"?": "?", "!": "!"}

_jieba_lock = threading.Lock()
_tokenizer = None


def _jieba():
    """The process's jieba tokenizer, built once, quietly, with the user words."""
    global _tokenizer
    if _tokenizer is None:
        with _jieba_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in USER_WORDS:
                    tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width forms folded (NFKC), lower case, runs of spaces made one."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).strip()


def terms(text: str) -> list[str]:
    """The distinct words of ``text`` that may carry a label, in order of appearance:
    Chinese words of two or more characters, a few meaningful single characters, Latin
    words such as model names (no bare numbers), and the question and exclamation marks."""
    return list(_terms(text))


@lru_cache(maxsize=512)
def _terms(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for token in _jieba().lcut(normalize(text)):
        token = token.strip()
        if not token or token in STOP_WORDS:
            continue
        if token in _PUNCT_TOKENS:
            seen[_PUNCT_TOKENS[token]] = None
        elif _CJK.match(token):
            if (len(token) >= 2 or token in SINGLE_CHARS) and len(token) <= 30:
                seen[token] = None
        elif _LATIN.match(token) and len(token) >= 2:
            seen[token[:30]] = None
    return tuple(seen)


def features(text: str, field: str) -> list[str]:
    """What the learned keywords of ``field`` are looked up by: the words of the text,
    and for the type also the pairs of adjacent Chinese characters, which catch the
    fragments of phrasing (“太差”, “请问”, “感谢”) that tell a complaint from a
    question or a thank-you whichever way jieba cut them."""
    words = dict.fromkeys(terms(text))
    if field == "kind":
        for run in _CJK_RUN.findall(normalize(text)):
            for i in range(len(run) - 1):
                pair = run[i:i + 2]
                if pair not in STOP_WORDS:
                    words.setdefault(pair, None)
    return list(words)


# --- learning --------------------------------------------------------------------------------

Weights = dict[str, dict[str, dict[str, float]]]


def learn_weights(documents: Iterable[tuple[str, str, str]]) -> Weights:
    """Keyword weights learned from ``(text, kind, category)`` of staff-confirmed
    records. For each field, label and keyword: the smoothed log-odds of the keyword
    appearing in a record of that label rather than in a record of another label
    (presence, not counts); only keywords found in at least ``MIN_DOCS`` records of the
    label and weighing at least ``MIN_WEIGHT`` are kept, the ``MAX_TERMS_PER_LABEL``
    strongest per label. Each label also gets a ``PRIOR_TERM`` row: how much rarer it is
    than the most frequent label (log ratio, at most 0), so that a text with weak clues
    goes to the label staff choose most often."""
    docs = list(documents)
    result: Weights = {}
    for field in FIELDS:
        index = 1 if field == "kind" else 2
        labelled = [(set(features(doc[0], field)), doc[index]) for doc in docs
                    if doc[index] in LABELS[field]]
        total = len(labelled)
        doc_count = Counter(label for _words, label in labelled)
        word_total: Counter[str] = Counter()
        word_label: dict[str, Counter[str]] = defaultdict(Counter)
        for words, label in labelled:
            word_total.update(words)
            word_label[label].update(words)
        result[field] = {}
        most = max(doc_count.values(), default=0)
        for label in LABELS[field]:
            inside, outside = doc_count[label], total - doc_count[label]
            if not inside or not outside:
                continue
            weights = {}
            for word, hits in word_label[label].items():
                if hits < MIN_DOCS:
                    continue
                others = word_total[word] - hits
                odds = math.log((hits + ALPHA) / (inside + 2 * ALPHA)) - math.log(
                    (others + ALPHA) / (outside + 2 * ALPHA))
                if odds >= MIN_WEIGHT:
                    weights[word] = round(odds, 4)
            strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
            result[field][label] = dict(strongest[:MAX_TERMS_PER_LABEL])
            result[field][label][PRIOR_TERM] = round(math.log(inside / most), 4)
    return result


# --- scoring ---------------------------------------------------------------------------------


def score(text: str, learned: Weights | None = None) -> dict[str, dict[str, float] | None]:
    """Each label's score per field: its seed keywords found in the text (times
    ``SEED_FACTOR``) plus its learned keywords among the text's words plus its prior.
    A field where no keyword of any label was found has no scores (``None``)."""
    plain = normalize(text)
    scores: dict[str, dict[str, float] | None] = {}
    for field in FIELDS:
        field_learned = (learned or {}).get(field) or {}
        words = features(text, field) if field_learned else []
        found = False
        field_scores = {}
        for label in LABELS[field]:
            seeds = [weight for keyword, weight in SEEDS[field].get(label, {}).items()
                     if keyword in plain]
            label_learned = field_learned.get(label) or {}
            hits = [label_learned[word] for word in words if word in label_learned]
            found = found or bool(seeds or hits)
            field_scores[label] = (SEED_FACTOR * sum(seeds) + sum(hits)
                                   + label_learned.get(PRIOR_TERM, 0.0))
        scores[field] = field_scores if found else None
    return scores


def best(scores: dict[str, float] | None) -> tuple[str, float]:
    """The best label (a tie goes to the label listed first) and a confidence from its
    lead over the next one (1 − e^−lead, so 0 … 1); ``("", 0.0)`` when nothing matched."""
    if not scores:
        return "", 0.0
    ranked = sorted(scores.items(), key=lambda item: -item[1])  # stable: label order
    lead = ranked[0][1] - ranked[1][1] if len(ranked) > 1 else ranked[0][1]
    return ranked[0][0], round(1 - math.exp(-max(lead, 0.0)), 3)


def classify(text: str, learned: Weights | None = None) -> Suggestion:
    """The suggestion for ``text`` from the seed keywords and ``learned`` weights."""
    if not (text or "").strip():
        return Suggestion()
    scores = score(text, learned)
    kind, kind_confidence = best(scores["kind"])
    category, category_confidence = best(scores["category"])
    return Suggestion(kind=kind, category=category, kind_confidence=kind_confidence,
                      category_confidence=category_confidence)


# --- the group's learned keywords, cached per process ----------------------------------------

_cache_lock = threading.Lock()
_cache: dict[int, tuple[float, Weights]] = {}


def invalidate(group_id: int | None = None) -> None:
    """Forget the cached keywords of a group (of every group when ``None``)."""
    with _cache_lock:
        if group_id is None:
            _cache.clear()
        else:
            _cache.pop(group_id, None)


def learned_weights(group_id: int) -> Weights:
    """The group's learned keywords: one query reads the version of the last training;
    only when it differs from the cached one are the keywords read again (a second
    query). Training in another process is therefore noticed at the next suggestion."""
    from .models import ClassifierTerm

    version = (ClassifierTerm.objects.filter(group_id=group_id, field=VERSION_FIELD)
               .values_list("weight", flat=True).first())
    if version is None:
        invalidate(group_id)
        return {}
    with _cache_lock:
        cached = _cache.get(group_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    learned: Weights = {field: {} for field in FIELDS}
    rows = (ClassifierTerm.objects.filter(group_id=group_id, field__in=FIELDS)
            .values_list("field", "label", "term", "weight"))
    for field, label, term, weight in rows:
        learned[field].setdefault(label, {})[term] = weight
    with _cache_lock:
        _cache[group_id] = (version, learned)
    return learned


def suggest(*, group_id: int, text: str) -> Suggestion:
    """The suggested type and category of ``text`` for the group's learned keywords
    (at most two queries; none when the text is empty)."""
    if not (text or "").strip():
        return Suggestion()
    learned = learned_weights(group_id) if group_id else {}
    return classify(text, learned)
