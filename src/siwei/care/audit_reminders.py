"""Audit labels of customer care: reminders."""

ACTION_LABELS: dict = {}
