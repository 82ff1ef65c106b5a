"""Audit labels of customer care: classification."""

ACTION_LABELS: dict = {}
