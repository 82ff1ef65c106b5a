"""Audit labels of customer care: followups."""

ACTION_LABELS: dict = {}
