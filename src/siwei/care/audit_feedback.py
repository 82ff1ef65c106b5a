"""Audit labels of customer care: feedback."""

ACTION_LABELS: dict = {}
