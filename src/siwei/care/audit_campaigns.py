"""Audit labels of customer care: campaigns."""

ACTION_LABELS: dict = {}
