"""Type and category suggestion from the text of feedback (CR-8)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    kind: str = ""
    category: str = ""


def suggest(*, group_id: int, text: str) -> Suggestion:
    """The suggested type and category of ``text`` for the group's learned keywords."""
    return Suggestion()
