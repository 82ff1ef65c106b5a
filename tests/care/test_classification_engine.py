"""CR-8: suggestion of type and category from the text — seed keywords, learning from
staff-confirmed records, the per-process cache and the nightly retraining."""

from __future__ import annotations

import pytest

from siwei.care import classification
from siwei.care.classification import Suggestion, classify, suggest, terms
from siwei.care.models import ClassifierTerm
from siwei.care.services.classification import classifier_train
from siwei.care.tasks_classification import retrain_classifiers
from siwei.core.models import DealerGroup
from tests.factories import StoreFactory

from .classification_support import dataset, make_feedback

OBVIOUS = [
    ("服务顾问态度太差，问什么都爱答不理，我要投诉", "complaint", "staff_attitude"),
    ("建议休息室多装几个插座，手机没地方充电", "suggestion", "facilities"),
    ("感谢王师傅，异响的问题一次就修好了，技术很专业", "praise", "service_quality"),
    ("请问帕萨特3万公里保养多少钱？", "inquiry", "price"),
    ("新买的途观L低速顿挫，这是质量问题吧", "complaint", "product_quality"),
    ("预约了还要排队，等了三个小时", "complaint", "waiting_time"),
    ("配件缺货，调货等了二十天还没到货", "complaint", "parts"),
    ("订车合同写的交车日期一直推迟，定金都交了", "complaint", "sales"),
]


@pytest.mark.parametrize(("text", "kind", "category"), OBVIOUS)
def test_cr8_seed_keywords_classify_obvious_texts(text, kind, category):
    suggestion = classify(text)
    assert (suggestion.kind, suggestion.category) == (kind, category)
    assert 0 < suggestion.category_confidence <= 1


def test_cr8_nothing_matches_gives_empty_suggestion():
    assert classify("") == Suggestion()
    assert classify("   ") == Suggestion()
    nothing = classify("你好")
    assert (nothing.kind, nothing.category) == ("", "")


def test_cr8_segmentation_keeps_dealership_terms():
    words = terms("服务顾问说途观L的四轮定位要等两小时？")
    assert "服务顾问" in words and "途观l" in words and "四轮定位" in words
    assert "?" in words and "的" not in words


def test_cr8_learning_is_deterministic():
    docs = [(f"{r['subject']}\n{r['content']}", r["kind"], r["category"])
            for r in dataset()[:120]]
    assert classification.learn_weights(docs) == classification.learn_weights(list(docs))
    first = classification.learn_weights(docs)
    assert classify("洗车排队等了很久", first) == classify("洗车排队等了很久", first)


@pytest.mark.django_db
def test_cr8_empty_text_asks_nothing(store_bj, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert suggest(group_id=store_bj.group_id, text="") == Suggestion()


@pytest.mark.django_db
def test_cr8_training_learns_a_term_from_staff_records(store_bj, staff):
    user = staff("customer_service", store=store_bj)
    text = "能不能提供代步车"
    before = suggest(group_id=store_bj.group_id, text=text)
    assert before.category != "facilities"
    courtesy = [{"subject": "代步车", "content": c, "kind": "suggestion",
                 "category": "facilities"} for c in (
        "车要修三天，希望店里能提供代步车。", "大修期间有没有代步车可以借用？",
        "别的品牌店都有代步车，你们也安排几台吧。")]
    others = dataset()[:40]
    make_feedback(store_bj, user, courtesy + others)
    stats = classifier_train(group=store_bj.group)
    assert stats["records"] == 43 and stats["version"] == 1
    assert ClassifierTerm.objects.filter(group=store_bj.group, field="category",
                                         label="facilities", term="代步车").exists()
    after = suggest(group_id=store_bj.group_id, text=text)
    assert after.category == "facilities"
    # Another group has not learned it.
    other = DealerGroup.objects.create(code="OTHER", name="另一个集团")
    assert suggest(group_id=other.pk, text=text).category != "facilities"


@pytest.mark.django_db
def test_cr8_staff_correction_changes_the_next_suggestion(store_bj, staff):
    """Records the staff put in another category teach the classifier so: here the staff
    treat a broken charging-port cover as a parts matter."""
    user = staff("customer_service", store=store_bj)
    text = "ID.4的充电口盖又打不开了"
    make_feedback(store_bj, user, [r for r in dataset()[::2] if "充电口" not in r["content"]])
    classifier_train(group=store_bj.group)
    assert suggest(group_id=store_bj.group_id, text=text).category != "parts"
    corrected = [{"subject": "充电口盖", "content": content, "kind": "complaint",
                  "category": "parts"} for content in (
        "充电口盖的卡扣断了，要换一个。", "充电口盖关不上，需要订一个新的。",
        "充电口盖掉了，什么时候能换？", "充电口盖弹簧坏了。")]
    make_feedback(store_bj, user, corrected)
    stats = classifier_train(group=store_bj.group)
    assert stats["version"] == 2
    assert suggest(group_id=store_bj.group_id, text=text).category == "parts"


@pytest.mark.django_db
def test_cr8_training_replaces_terms_and_suggest_uses_two_queries_at_most(
        store_bj, staff, django_assert_max_num_queries, django_assert_num_queries):
    user = staff("customer_service", store=store_bj)
    make_feedback(store_bj, user, dataset()[:100])
    classifier_train(group=store_bj.group)
    count = ClassifierTerm.objects.filter(group=store_bj.group).count()
    classifier_train(group=store_bj.group)
    assert ClassifierTerm.objects.filter(group=store_bj.group).count() == count
    assert ClassifierTerm.objects.filter(group=store_bj.group, field="_version").get().weight == 2
    classification.invalidate()
    with django_assert_max_num_queries(2):
        first = suggest(group_id=store_bj.group_id, text="休息室的空调坏了，热死了")
    with django_assert_num_queries(1):  # the cached keywords: only the version is read
        assert suggest(group_id=store_bj.group_id, text="休息室的空调坏了，热死了") == first
    assert first.category == "facilities"


@pytest.mark.django_db
def test_cr8_training_elsewhere_is_noticed_by_the_cache(store_bj, staff):
    """Another process's training changes the version row; the cache reloads."""
    user = staff("customer_service", store=store_bj)
    make_feedback(store_bj, user, dataset()[:80])
    classifier_train(group=store_bj.group)
    suggest(group_id=store_bj.group_id, text="配件缺货")  # fills the cache
    ClassifierTerm.objects.filter(group=store_bj.group, term="缺货").delete()
    ClassifierTerm.objects.create(group=store_bj.group, field="category", label="sales",
                                  term="缺货", weight=50.0)
    ClassifierTerm.objects.filter(group=store_bj.group, field="_version").update(weight=99)
    assert suggest(group_id=store_bj.group_id, text="配件缺货").category == "sales"


@pytest.mark.django_db
def test_cr8_nightly_retraining_trains_every_active_group(store_bj, staff):
    user = staff("customer_service", store=store_bj)
    make_feedback(store_bj, user, dataset()[:50])
    idle = DealerGroup.objects.create(code="IDLE", name="停业集团")
    StoreFactory(group=idle, code="ID01", is_active=False)
    result = retrain_classifiers.call()
    assert list(result) == [store_bj.group.code]
    assert result[store_bj.group.code]["records"] == 50
    assert ClassifierTerm.objects.filter(group=store_bj.group).exists()
    assert not ClassifierTerm.objects.filter(group=idle).exists()
