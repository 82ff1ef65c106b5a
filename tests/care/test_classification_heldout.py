"""CR-8: accuracy of the classifier on held-out labelled feedback after training on the
rest of the dataset as one group's staff-confirmed records."""

from __future__ import annotations

from collections import Counter

import pytest

from siwei.care import classification
from siwei.care.models import ClassifierTerm, FeedbackCategory, FeedbackKind
from siwei.care.services.classification import classifier_train

from .classification_support import dataset, make_feedback, split, text

# Measured: kind 0.943, category 0.814 on the 70 held-out items (seed keywords alone:
# 0.700 and 0.800; mean over the four folds i % 4 == k: kind 0.922, category 0.836).
# The floors sit just below.
KIND_FLOOR = 0.92
CATEGORY_FLOOR = 0.80


def test_cr8_dataset_is_labelled_and_covers_every_label():
    items = dataset()
    assert len(items) >= 240
    kinds = Counter(r["kind"] for r in items)
    categories = Counter(r["category"] for r in items)
    assert set(kinds) == set(FeedbackKind.values)
    assert set(categories) == set(FeedbackCategory.values)
    assert min(categories.values()) >= 20
    assert kinds["complaint"] > len(items) / 2
    assert min(n for k, n in kinds.items() if k != "complaint") >= 25
    assert all(r["subject"] and r["content"] for r in items)
    assert len({r["content"] for r in items}) == len(items)


@pytest.mark.django_db
def test_cr8_heldout_accuracy_after_training(store_bj, staff, capsys):
    user = staff("customer_service", store=store_bj)
    train, held_out = split(dataset())
    make_feedback(store_bj, user, train)
    stats = classifier_train(group=store_bj.group)
    assert stats["records"] == len(train)
    assert stats["terms"]["kind"] > 0 and stats["terms"]["category"] > 0
    assert ClassifierTerm.objects.filter(group=store_bj.group).count() > 100

    seeds = [classification.classify(text(r)) for r in held_out]
    learned = [classification.suggest(group_id=store_bj.group_id, text=text(r))
               for r in held_out]

    def accuracy(results, field):
        return sum(getattr(s, field) == r[field] for s, r in zip(results, held_out,
                                                                  strict=True)) / len(held_out)

    kind, category = accuracy(learned, "kind"), accuracy(learned, "category")
    with capsys.disabled():
        print(f"\nCR-8 held-out ({len(held_out)} of {len(train) + len(held_out)}): "
              f"kind {kind:.3f}, category {category:.3f}; seed keywords only: kind "
              f"{accuracy(seeds, 'kind'):.3f}, category {accuracy(seeds, 'category'):.3f}")
    assert kind >= KIND_FLOOR
    assert category >= CATEGORY_FLOOR
    # Training is what lifts the type: the seed keywords alone are far below.
    assert accuracy(seeds, "kind") < kind
