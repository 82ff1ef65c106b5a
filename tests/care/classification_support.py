"""Helpers of the classifier tests (CR-8): the labelled dataset and feedback rows."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from siwei.care.models import Feedback, FeedbackChannel

DATASET = Path(__file__).resolve().parents[2] / "src/siwei/care/fixtures/feedback_zh.json"
_numbers = itertools.count(1)


def dataset() -> list[dict]:
    return json.loads(DATASET.read_text(encoding="utf-8"))


def split(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """Deterministic 75/25 split: every 4th item is held out."""
    return ([r for i, r in enumerate(items) if i % 4 != 3],
            [r for i, r in enumerate(items) if i % 4 == 3])


def text(item: dict) -> str:
    return f"{item['subject']}\n{item['content']}"


def make_feedback(store, user, items, *, received_at=None, suggested=None) -> list[Feedback]:
    """Feedback rows straight through the ORM with the labelled (staff-confirmed) type and
    category; ``suggested`` gives each row's ``(suggested_kind, suggested_category)``."""
    received_at = received_at or dt.datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    rows = []
    for i, item in enumerate(items):
        kind, category = suggested[i] if suggested else ("", "")
        rows.append(Feedback(
            store=store, number=f"FB-T-{next(_numbers):06d}", channel=FeedbackChannel.PHONE,
            subject=item["subject"], content=item["content"], kind=item["kind"],
            category=item["category"], suggested_kind=kind, suggested_category=category,
            received_at=item.get("received_at", received_at), created_by=user))
    return Feedback.objects.bulk_create(rows)
